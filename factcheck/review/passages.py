"""Passages of article text around a flagged quote, and evidence read back as passages.

Pure functions over stored articles and sentences: the page shows a quote highlighted inside the
sentences around it, and an evidence line that quotes another article ('FILE line N: "..."') as a
passage of that article too; anything else (a reference row) stays the text it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..models import Article, Location, Sentence

NEIGHBOUR_CHARS = 300  # at most this much of the sentence before and after the quote's own sentences
EVIDENCE_QUOTE = re.compile(r'^(?:(?P<article>.+?) )?line (?P<line>\d+): "(?P<quote>.+)"$', re.S)


@dataclass(frozen=True)
class Passage:
    """Text around a quote: `before` + `quote` + `after` is a slice of the article's text."""

    article_id: str
    line: int
    start: int
    end: int
    before: str
    quote: str
    after: str
    clipped_before: bool
    clipped_after: bool


@dataclass(frozen=True)
class Evidence:
    """One evidence line: a passage when it quotes an article we have, else its text alone."""

    text: str
    passage: Passage | None = None


def passage(article: Article, sentences: list[Sentence], start: int, end: int) -> Passage:
    """The sentences holding [start, end), with part of one sentence either side."""
    text = article.file_text  # locations and sentences count in the file
    inside = [s for s in sentences if s.start < max(end, start + 1) and start < s.end]
    first = min((s.start for s in inside), default=start)
    last = max((s.end for s in inside), default=end)
    before_start = max((s.start for s in sentences if s.end <= first), default=first)
    after_end = min((s.end for s in sentences if s.start >= last), default=last)
    before_start = max(before_start, min(first, start) - NEIGHBOUR_CHARS)
    after_end = min(after_end, max(last, end) + NEIGHBOUR_CHARS)
    begin, finish = min(before_start, start), max(after_end, end)
    return Passage(
        article_id=article.id, line=_line(article, start), start=start, end=end,
        before=text[begin:start], quote=text[start:end], after=text[end:finish],
        clipped_before=begin > 0, clipped_after=finish < len(text),
    )


def at(article: Article, sentences: list[Sentence], loc: Location) -> Passage:
    return passage(article, sentences, loc.start, loc.end)


def evidence(line: str, default_article: str, articles: dict[str, Article],
             sentences: dict[str, list[Sentence]]) -> Evidence:
    """Read an evidence line back as a passage when it quotes a known article at a line."""
    match = EVIDENCE_QUOTE.match(line)
    if not match:
        return Evidence(line)
    article = articles.get(match["article"] or default_article)
    if article is None:
        return Evidence(line)
    start = _find(article, match["quote"], int(match["line"]))
    if start is None:
        return Evidence(line)
    found = passage(article, sentences.get(article.id, []), start, start + len(match["quote"]))
    return Evidence(line, found)


def _find(article: Article, quote: str, line: int) -> int | None:
    """Where the quote stands in the article, preferring the occurrence on the given line."""
    starts = [m.start() for m in re.finditer(re.escape(quote), article.file_text)]
    if not starts:
        return None
    return next((s for s in starts if _line(article, s) == line), starts[0])


def _line(article: Article, offset: int) -> int:
    return article.file_line(offset)


def marked_segments(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, list[str]]]:
    """The text cut where flagged spans begin and end: (piece, ids of the flags covering it)."""
    cuts = sorted({0, len(text), *[max(0, min(len(text), x)) for s, e, _ in spans for x in (s, e)]})
    pieces = []
    for a, b in zip(cuts, cuts[1:]):
        if a < b:
            pieces.append((text[a:b], [fid for s, e, fid in spans if s <= a and b <= e]))
    return pieces
