"""Split articles into sentences with offsets, and mark passages repeated verbatim.

The layout is read first, then pysbd splits the text:
- a blank line ends a paragraph;
- inside a paragraph, a line break ends a sentence only where the layout says so: before or
  after a heading, a list item, a table row or a rule line, before an indented first line, and
  after a line that stops well short of the paragraph's width (a title, a byline, one paragraph
  per line). Anywhere else it is a wrap (e-mail, wire copy, text taken from PDF) and reads as a
  space, so "French Prime Minister" at the end of one line and "Francois Hollande" at the start
  of the next stay in one sentence;
- pysbd splits each block of text between those breaks, in windows of at most `WINDOW`
  characters cut at a space, so the work is linear in the length of the text whatever its
  punctuation (pysbd alone is quadratic on a long run of text without a sentence end).

`Sentence.start` and `end` index the article text exactly. `Sentence.text` is that slice with
each line-break character shown as a space: the same length, so an offset inside the sentence
plus `start` is an offset into the article.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

import pysbd

from .models import Article, Sentence

WINDOW = 2000  # characters given to pysbd at once; a longer sentence is cut at a space
MIN_STEP = WINDOW // 4  # of two windows in a row, one moves on at least this far
MAX_WRAP_WIDTH = 150  # a paragraph with a longer line is not hard-wrapped: each line break ends a sentence
FILL = 0.8  # a line shorter than this share of its paragraph's width (with the next word) ends on purpose

LINE_BREAKS = str.maketrans({c: " " for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})
HEADING = re.compile(r"[ \t]{0,3}#{1,6}(?:\s|$)")
LIST_ITEM = re.compile(r"\s*(?:[-*+•◦▪‣]|\d{1,3}[.)])\s")
RULE = re.compile(r"\s*([-*_=])(?:\s*\1){2,}\s*$")
TABLE_ROW = re.compile(r"\s*\|")
WORD = re.compile(r"\w")


def flat(text: str) -> str:
    """`text` with every line-break character replaced by a space (same length, same offsets)."""
    return text.translate(LINE_BREAKS)


@lru_cache(maxsize=4)
def _segmenter(language: str = "en") -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False)


def split_article(article: Article) -> list[Sentence]:
    """Sentences of one article, in order, with character offsets and 1-based lines."""
    text = article.text
    sentences: list[Sentence] = []
    line, counted = 1, 0  # line number of offset `counted`; sentences come in order
    for block_start, block_end in blocks(text):
        for start, end in spans(flat(text[block_start:block_end]), article.language):
            start, end = block_start + start, block_start + end
            line += text.count("\n", counted, start)
            counted = start
            sentences.append(Sentence(
                article_id=article.id, index=len(sentences), start=start, end=end,
                line=article.header_lines + line, text=flat(text[start:end]), language=article.language,
            ))
    return sentences


# ---- layout: paragraphs, and the line breaks inside them that end a sentence ----------------

def blocks(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each stretch of text that no layout break cuts, in order."""
    for lines in _paragraphs(text):
        width = max(len(text[s:e].rstrip()) for s, e in lines)
        start = lines[0][0]
        for (s1, e1), (s2, e2) in zip(lines, lines[1:]):
            if _ends_sentence(text[s1:e1], text[s2:e2], width):
                yield start, e1
                start = s2
        yield start, lines[-1][1]


def _paragraphs(text: str) -> Iterator[list[tuple[int, int]]]:
    """Runs of non-blank lines, each line as (start, end) without its line break."""
    lines: list[tuple[int, int]] = []
    pos = 0
    while True:
        newline = text.find("\n", pos)
        end = len(text) if newline < 0 else newline
        if pos < end and not text[pos:end].isspace():
            lines.append((pos, end))
        elif lines:
            yield lines
            lines = []
        if newline < 0:
            break
        pos = newline + 1
    if lines:
        yield lines


def _ends_sentence(line: str, following: str, width: int) -> bool:
    """Whether the line break between `line` and `following` (one paragraph) ends a sentence."""
    if any(p.match(following) for p in (HEADING, LIST_ITEM, RULE, TABLE_ROW)) \
            or any(p.match(line) for p in (HEADING, RULE, TABLE_ROW)):
        return True
    if width > MAX_WRAP_WIDTH:
        return True  # one paragraph (or sentence) per line, not a wrap
    if _indent(following) > _indent(line) and not LIST_ITEM.match(line):
        return True  # an indented first line starts a paragraph
    rest = following.lstrip()
    if rest[:1].islower():
        return False
    next_word = rest.split(maxsplit=1)[0]
    return len(line.rstrip()) + 1 + len(next_word) <= FILL * width


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


# ---- sentences inside a block, in bounded windows ---------------------------------------------

def spans(block: str, language: str = "en") -> list[tuple[int, int]]:
    """(start, end) of the sentences of one block of text with no line break, split by pysbd's
    rules for `language`."""
    if len(block) <= WINDOW:
        return list(_segment(block, language))
    found: list[tuple[int, int]] = []
    pos, short_step = 0, False
    while pos < len(block):
        end = _window_end(block, pos)
        pieces = _segment(block[pos:end], language)
        last_start = pieces[-1][0] if pieces else 0
        if end < len(block) and len(pieces) > 1 and (last_start >= MIN_STEP or not short_step):
            # the last sentence may go on past the window: read it again from its start (a short
            # step is never followed by another, so the windows stay fewer than 8n / WINDOW)
            found.extend((pos + s, pos + e) for s, e in pieces[:-1])
            short_step = last_start < MIN_STEP
            pos += last_start
        else:
            found.extend((pos + s, pos + e) for s, e in pieces)
            pos, short_step = end, False
    return found


def _window_end(block: str, pos: int) -> int:
    """Where the window from `pos` ends: at a space in its second half, or at `WINDOW`."""
    end = pos + WINDOW
    if end >= len(block):
        return len(block)
    space = block.rfind(" ", pos + WINDOW // 2, end)
    return space + 1 if space >= 0 else end


@lru_cache(maxsize=4096)  # repeated paragraphs (boilerplate, pasted copies) are split once
def _segment(text: str, language: str = "en") -> tuple[tuple[int, int], ...]:
    """pysbd's sentences of `text` as (start, end), without surrounding spaces or bare punctuation.

    Each sentence is looked up in `text` from where the previous one ended (pysbd's own
    `char_span` compiles a pattern per sentence and searches from the start of the text).
    """
    found, pos = [], 0
    for sentence in _segmenter(language).processor(text).process():
        sentence = sentence.strip()
        start = text.find(sentence, pos) if sentence else -1
        if start < 0:
            continue
        pos = start + len(sentence)
        if WORD.search(sentence):
            found.append((start, pos))
    return tuple(found)


# ---- verbatim repeats -------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """Text folded for comparison: accents, case, quotes and spacing ignored (the same sentences
    are folded again and again: remembered)."""
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
