"""What every check reads, and helpers to build flags with stable ids."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..models import Article, ArticleDate, Candidate, Claim, Flag, Location, Sentence
from ..reference import OfficeTable
from ..lexicon.en import MONTH_NAMES, STOP_WORDS, WEEKDAY_NAMES

NAME_WORD = re.compile(r"(?<![\w-])[A-Z][\w'’-]*[a-zà-ÿ][\w'’-]*")
NOT_NAMES = {*STOP_WORDS, "based", "according", *MONTH_NAMES, *WEEKDAY_NAMES}


@dataclass
class Corpus:
    articles: list[Article]
    sentences: list[Sentence]
    candidates: list[Candidate]
    claims: list[Claim]
    dates: dict[str, ArticleDate]
    table: OfficeTable
    by_article: dict[str, Article] = field(init=False)
    kinds: dict[str, str] = field(init=False, default_factory=dict)  # claim id -> kind of count (quantities)
    event_names: dict[str, set[str]] | None = field(init=False, default=None)  # article id -> names given with counts
    gate: object = field(init=False, default=None)  # which articles may report one event (quantities.event_gate)

    def __post_init__(self) -> None:
        self.by_article = {a.id: a for a in self.articles}


@lru_cache(maxsize=65536)
def proper_names(sentence: str) -> frozenset[str]:
    """Capitalised words of a sentence (lower-cased) other than its first word, function words and
    calendar names: what the figure and year checks take as naming the same thing."""
    found = set()
    for match in NAME_WORD.finditer(sentence):
        word = match.group(0).strip("'’-")
        if match.start() == 0 or word.lower() in NOT_NAMES or len(word) < 3:
            continue
        found.add(word.lower())
    return frozenset(found)


def location(corpus: Corpus, article_id: str, start: int, end: int) -> Location:
    """Where the analysed text's span [start, end) is in the file: file offsets, file line, the file's text."""
    article = corpus.by_article[article_id]
    file_start, file_end = article.file_span(start, end)
    return Location(article_id=article_id, line=article.file_line(file_start), start=file_start, end=file_end,
                    quote=article.file_text[file_start:file_end])


def sentence_location(corpus: Corpus, sentence: Sentence) -> Location:
    return location(corpus, sentence.article_id, sentence.start, sentence.end)


def claim_location(corpus: Corpus, claim: Claim) -> Location:
    """The sentence a claim comes from: a flag on a number or date shows its whole sentence."""
    return location(corpus, claim.article_id, claim.span.start, claim.span.end)


def make_flag(kind: str, severity: str, locations: list[Location], evidence: list[str], reason: str,
              about: tuple[str, ...] = ()) -> Flag:
    """A flag whose id depends only on what it points at, so it is the same on every run.

    `about`: the claims a flag on whole sentences is about (two numbers of one sentence pair are
    two flags)."""
    key = "|".join([kind] + [f"{l.article_id}:{l.start}-{l.end}" for l in locations] + list(about))
    flag_id = f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    return Flag(id=flag_id, kind=kind, severity=severity, locations=locations, evidence=evidence, reason=reason,
                claims=list(about))
