"""What every check reads, and helpers to build flags with stable ids."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from ..models import Article, ArticleDate, Candidate, Claim, Flag, Location, Sentence
from ..reference import OfficeTable


@dataclass
class Corpus:
    articles: list[Article]
    sentences: list[Sentence]
    candidates: list[Candidate]
    claims: list[Claim]
    dates: dict[str, ArticleDate]
    table: OfficeTable
    by_article: dict[str, Article] = field(init=False)

    def __post_init__(self) -> None:
        self.by_article = {a.id: a for a in self.articles}

    def line_of(self, article_id: str, offset: int) -> int:
        article = self.by_article[article_id]
        return article.text.count("\n", 0, offset) + 1 + article.header_lines


def location(corpus: Corpus, article_id: str, start: int, end: int) -> Location:
    text = corpus.by_article[article_id].text
    return Location(article_id=article_id, line=corpus.line_of(article_id, start), start=start, end=end,
                    quote=text[start:end])


def sentence_location(sentence: Sentence) -> Location:
    return Location(article_id=sentence.article_id, line=sentence.line, start=sentence.start, end=sentence.end,
                    quote=sentence.text)


def make_flag(kind: str, severity: str, locations: list[Location], evidence: list[str], reason: str) -> Flag:
    """A flag whose id depends only on what it points at, so it is the same on every run."""
    key = "|".join([kind] + [f"{l.article_id}:{l.start}-{l.end}" for l in locations])
    flag_id = f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"
    return Flag(id=flag_id, kind=kind, severity=severity, locations=locations, evidence=evidence, reason=reason)
