"""Typed data that flows between the pipeline stages.

Every stage takes and returns these models; nothing else is shared between stages.
Character offsets (`start`, `end`) always index the article's original text.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Hedge = Literal["exact", "about", "at least", "more than", "at most", "less than", "up to", "range", "vague"]


class Span(BaseModel):
    """A half-open character range [start, end) in an article's original text."""

    start: int
    end: int


class Article(BaseModel):
    """One input article with its metadata and original text."""

    id: str = Field(description="file name, unique within a run")
    path: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = Field(None, description="where the article was published, from front matter or the record")
    text: str
    body_offset: int = Field(0, description="where the body starts in the file (after front matter)")
    header_lines: int = Field(0, description="lines of front matter above the body, so line numbers point into the file")


class SkippedFile(BaseModel):
    path: str
    reason: str


class Sentence(BaseModel):
    article_id: str
    index: int
    start: int
    end: int
    line: int = Field(description="1-based line of the sentence start in the article file")
    text: str
    duplicate_of: str | None = Field(None, description="'article#index' of the first verbatim occurrence")

    @property
    def ref(self) -> str:
        return f"{self.article_id}#{self.index}"


class QuantityMention(BaseModel):
    """A number found by rule in a sentence, with its hedge; offsets are article offsets."""

    text: str = Field(description="the number as written, with its hedge: 'about 1,500'")
    number_text: str = Field(description="the number alone: '1,500'")
    value: float | None
    low: float | None
    high: float | None
    hedge: Hedge
    noun: str | None = Field(None, description="the word after the number: a first guess of its unit")
    start: int
    end: int


class DateMention(BaseModel):
    """A date or time expression found by rule: 'October 30', 'last Tuesday', 'in 2013'."""

    text: str
    start: int
    end: int


class PersonMention(BaseModel):
    """A person named with a title or role: 'French Prime Minister Francois Hollande'."""

    text: str
    name: str
    role: str | None = None
    affiliation: str | None = Field(None, description="country or body before the title: 'French'")
    start: int
    end: int


class Candidate(BaseModel):
    """A check-worthy sentence and the anchors that made it so."""

    sentence: Sentence
    context: str | None = Field(None, description="the previous sentence of the article")
    reasons: list[str]
    quantities: list[QuantityMention] = []
    dates: list[DateMention] = []
    people: list[PersonMention] = []


class NumberValue(BaseModel):
    text: str
    value: float | None
    low: float | None
    high: float | None
    hedge: Hedge
    unit: str | None = Field(None, description="what the number counts: 'troops deployed from France'")
    span: Span


Verdict = Literal["corroborated", "contradicted", "single-source", "unverifiable"]


class Claim(BaseModel):
    """One checkable statement drawn from one sentence."""

    id: str = Field(description="stable across runs of the same input")
    article_id: str
    sentence_index: int
    line: int
    subject: str
    role: str | None = None
    predicate: str
    object: str | None = None
    number: NumberValue | None = None
    date: str | None = None
    date_span: Span | None = None
    quote: str = Field(description="the exact sentence the claim comes from")
    span: Span
    copied_from: str | None = Field(None, description="sentence ref when the sentence repeats an earlier one verbatim")
    claim_text: str | None = Field(None, description="the claim as one short, self-contained sentence (full names, no pronouns)")
    verdict: Verdict | None = Field(None, description="what the other articles and the reference data say of it")
    verdict_evidence: list[str] = Field([], description="the quotes or reference rows behind the verdict")


class NotExtracted(BaseModel):
    article_id: str
    sentence_index: int
    line: int
    quote: str
    reason: str


class LLMUsage(BaseModel):
    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    prompt_tokens_reused: int = Field(0, description="prompt tokens the server took from its prompt cache")
    completion_tokens: int = 0
    seconds: float = 0.0

    def add(self, other: "LLMUsage") -> None:
        self.calls += other.calls
        self.cached += other.cached
        self.prompt_tokens += other.prompt_tokens
        self.prompt_tokens_reused += other.prompt_tokens_reused
        self.completion_tokens += other.completion_tokens
        self.seconds += other.seconds


class Extraction(BaseModel):
    """What the extract stage returns for one candidate sentence."""

    sentence_ref: str
    claims: list[Claim] = []
    error: str | None = None
    usage: LLMUsage = LLMUsage()


Severity = Literal["high", "medium", "low", "note"]
SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2, "note": 3}


class Location(BaseModel):
    """Where a flagged piece of text is: article, line, characters, and the exact quote."""

    article_id: str
    line: int
    start: int
    end: int
    quote: str


class Flag(BaseModel):
    """One thing a reviewer should look at, with the evidence and the reason."""

    id: str = Field(description="stable across runs of the same input")
    kind: Literal["title", "quantity", "figure", "date", "name", "duplicate", "pronoun", "weekday", "total"]
    severity: Severity
    locations: list[Location]
    evidence: list[str] = Field(description="the other article's quote or the reference row")
    reason: str


class Decision(BaseModel):
    """A reviewer's decision on a flag, keyed by the flag's stable id so it holds in every later run."""

    flag_id: str
    status: Literal["confirmed", "dismissed"] | None = Field(None, description="None: not decided (a note alone)")
    reason: str | None = Field(None, description="why the flag was dismissed")
    note: str | None = Field(None, description="a reviewer's annotation")
    updated: str = Field(description="when it was last changed, ISO 8601 UTC")


class RunInfo(BaseModel):
    """One stored run: what it read, with which model, when, and how many flags it found."""

    id: int
    source: str
    model: str
    started: str
    finished: str | None = Field(None, description="None: the run was interrupted")
    flags: int = 0


class ArticleDate(BaseModel):
    """An article's date as known or inferred: a day, or a window, and the basis for it."""

    article_id: str
    day: str | None = None
    earliest: str | None = None
    latest: str | None = None
    basis: str


class QuantityRow(BaseModel):
    """One number of one kind in one article, for the cross-reference tables."""

    kind: str
    article_id: str
    line: int
    text: str
    hedge: Hedge
    low: float | None
    high: float | None
    unit: str | None
    time: str = Field(description="the claim's date expression, else the article's date, else 'unknown'")
    quote: str


class Entity(BaseModel):
    """A person and every way the articles write their name."""

    name: str
    variants: list[str]
    articles: list[str]
    roles: list[str]


class Report(BaseModel):
    """Everything the report renderer needs; also the JSON output."""

    source: str
    model: str
    articles: list[Article]
    skipped: list[SkippedFile] = []
    sentences: list[Sentence] = []
    candidates: list[Candidate] = []
    claims: list[Claim] = []
    not_extracted: list[NotExtracted] = []
    flags: list[Flag] = []
    article_dates: list[ArticleDate] = []
    quantities: list[QuantityRow] = []
    entities: list[Entity] = []
    decisions: dict[str, Decision] = Field({}, description="reviewers' decisions on this run's flags, by flag id")
    usage: LLMUsage = LLMUsage()
