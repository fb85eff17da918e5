"""Split articles into sentences with offsets, and mark passages repeated verbatim.

Lines are split first (a line break always ends a sentence in these articles, which
often lack a final full stop before a blank line), then pysbd splits each line.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pysbd

from .models import Article, Sentence


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_article(article: Article) -> list[Sentence]:
    """Sentences of one article, in order, with character offsets and 1-based lines."""
    sentences: list[Sentence] = []
    line_start = 0
    for line_no, line in enumerate(article.text.split("\n"), 1):
        for start, end in _line_spans(line):
            sentences.append(
                Sentence(
                    article_id=article.id,
                    index=len(sentences),
                    start=line_start + start,
                    end=line_start + end,
                    line=article.header_lines + line_no,
                    text=line[start:end],
                )
            )
        line_start += len(line) + 1
    return sentences


def _line_spans(line: str) -> list[tuple[int, int]]:
    if not line.strip():
        return []
    spans = []
    for piece in _segmenter().segment(line):
        text = piece.sent
        lead = len(text) - len(text.lstrip())
        trail = len(text.rstrip())
        if trail > lead:
            spans.append((piece.start + lead, piece.start + trail))
    return spans


def normalize(text: str) -> str:
    """Text folded for comparison: accents, case, quotes and spacing ignored."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def mark_duplicates(sentences: list[Sentence], min_chars: int = 40) -> list[Sentence]:
    """Set `duplicate_of` on every sentence that repeats an earlier one verbatim."""
    first_seen: dict[str, str] = {}
    marked = []
    for sentence in sentences:
        key = normalize(sentence.text)
        if len(key) < min_chars:
            marked.append(sentence)
            continue
        original = first_seen.setdefault(key, sentence.ref)
        duplicate = original if original != sentence.ref else None
        marked.append(sentence.model_copy(update={"duplicate_of": duplicate}))
    return marked
