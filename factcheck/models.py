"""Typed data that flows between the pipeline stages.

Every stage takes and returns these models; nothing else is shared between stages.
Inside the pipeline, character offsets (`start`, `end`) index `Article.text`, the body as
analysed (NFC, invisible format characters left out, line ends as "\n"); the report's offsets
(flag locations, and the sentences, anchors and claims of a finished run) index the file as
written, through `Article.file_span`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

Hedge = Literal["exact", "about", "at least", "more than", "at most", "less than", "up to", "range", "vague"]


class Span(BaseModel):
    """A half-open character range [start, end) in an article's original text."""

    start: int
    end: int


LINE_BREAK = re.compile(r"\r\n?|\n")
Piece = tuple[int, int, int, int]


class Article(BaseModel):
    """One input article with its metadata, its text as analysed, and the way back to the file.

    `pieces` are the places where `text` and the file differ other than one character for one:
    (start, end) in `text` and (start, end) in the file; between them the two run in step. A
    span that starts or ends inside a piece widens to the whole piece, so it never cuts a
    character of the file in two.
    """

    id: str = Field(description="file name, unique within a run")
    path: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = Field(None, description="where the article was published, from front matter or the record")
    text: str = Field(description="the body as analysed: NFC, invisible format characters left out, line ends as \\n")
    encoding: str = Field("utf-8", description="how the file was decoded")
    language: str = Field("en", description="the language the text is read in (ISO 639-1), as detected")
    body_offset: int = Field(0, description="where the body starts in the file (after front matter)")
    header_lines: int = Field(0, description="lines of front matter above the body, so line numbers point into the file")
    source: str | None = Field(None, exclude=True, description="the file's text as decoded; None when it is `text`")
    pieces: list[Piece] = Field([], exclude=True, description="(text start, text end, file start, file end)")
    _cache: dict = PrivateAttr(default_factory=dict)  # lookup lists, keyed by what they were built from

    @property
    def file_text(self) -> str:
        return self.text if self.source is None else self.source

    def file_span(self, start: int, end: int) -> tuple[int, int]:
        """File offsets of the text span [start, end)."""
        if self.source is None:
            return start, end
        file_start = self._file_start(start)
        return file_start, max(file_start, self._file_end(end))

    def _file_start(self, n: int) -> int:
        i = bisect_right(self._piece_ends(), n)  # pieces before i end at or before n
        if i < len(self.pieces) and self.pieces[i][0] <= n:
            return self.pieces[i][2]  # inside a piece: from its start
        return self._shift(i, n)

    def _file_end(self, n: int) -> int:
        i = bisect_left(self._piece_ends(), n)  # pieces before i end before n
        if i < len(self.pieces) and self.pieces[i][0] < n:
            return self.pieces[i][3]  # inside a piece: to its end
        return self._shift(i, n)

    def _shift(self, i: int, n: int) -> int:
        """File offset of `n`, which lies after the first `i` pieces and before the next."""
        if i == 0:
            return self.body_offset + n
        _, n1, _, f1 = self.pieces[i - 1]
        return f1 + (n - n1)

    def file_line(self, file_offset: int) -> int:
        """1-based line of a file offset (a line ends at \\n, \\r\\n or a lone \\r)."""
        text = self.file_text
        cached = self._cache.get("lines")
        if cached is None or cached[0] is not text:
            cached = self._cache["lines"] = (text, [m.end() for m in LINE_BREAK.finditer(text)])
        return bisect_right(cached[1], file_offset) + 1

    def _piece_ends(self) -> list[int]:
        cached = self._cache.get("pieces")
        if cached is None or cached[0] is not self.pieces:
            cached = self._cache["pieces"] = (self.pieces, [p[1] for p in self.pieces])
        return cached[1]


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
    language: str = Field("en", description="its article's language: which rules read it")

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


Label = Literal["check-worthy", "unimportant", "not factual"]


class NumberValue(BaseModel):
    text: str
    value: float | None
    low: float | None
    high: float | None
    hedge: Hedge
    unit: str | None = Field(None, description="what the number counts: 'troops deployed from France'")
    span: Span


Verdict = Literal["corroborated", "contradicted", "single-source", "unverifiable"]
EvidenceOutcome = Literal["contradicted", "supported", "related", "no evidence found"]


class EvidencePassage(BaseModel):
    """A passage of the archive found for a claim, with the sentence of it that bears on the claim."""

    source: str = Field(description="the archive's file (':N' for record N of a dump)")
    line: int = Field(description="1-based line of the quoted sentence in that file (in the record, for a dump)")
    quote: str = Field(description="the sentence of the passage that shares most of the claim's words, as written")
    passage: str
    date: str | None = Field(None, description="the document's date, when it gives one")
    score: float = Field(description="BM25 score: higher matches the claim better")
    judgment: str | None = Field(None, description="the model's judgment of the claim against the quote, when asked")


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
    entity: str | None = Field(None, description="the canonical entity the subject resolves to, the same across articles")
    verdict: Verdict | None = Field(None, description="what the other articles and the reference data say of it")
    verdict_evidence: list[str] = Field([], description="the quotes or reference rows behind the verdict")
    evidence: EvidenceOutcome | None = Field(None, description="what the archive says of it (None: not searched)")
    passages: list[EvidencePassage] = Field([], description="the archive's passages found for it, best first")


class NotExtracted(BaseModel):
    article_id: str
    sentence_index: int
    line: int
    quote: str
    reason: str


class LLMUsage(BaseModel):
    calls: int = 0
    cached: int = 0
    failed: int = Field(0, description="sentences whose requests got no answer (no connection, timeout, 5xx, ...)")
    prompt_tokens: int = 0
    prompt_tokens_reused: int = Field(0, description="prompt tokens the server took from its prompt cache")
    completion_tokens: int = 0
    seconds: float = 0.0

    def add(self, other: "LLMUsage") -> None:
        self.calls += other.calls
        self.cached += other.cached
        self.failed += other.failed
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


class Selection(BaseModel):
    """How check-worthy one sentence is, who said so (the trained classifier, the model, or rules),
    and what it cost."""

    sentence_ref: str
    label: Label
    source: Literal["classifier", "model", "rules"]
    score: float | None = Field(None, description="the classifier's probability that the sentence is check-worthy")
    error: str | None = Field(None, description="why the model gave no label (the rules' label stands in)")
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
    kind: Literal["title", "quantity", "figure", "date", "conflict", "name", "duplicate", "pronoun", "weekday", "total"]
    severity: Severity
    locations: list[Location]
    evidence: list[str] = Field(description="the other article's quote or the reference row")
    reason: str
    claims: list[str] = Field([], description="ids of the claims it is about, one per location, when it names them")


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


Relation = Literal["different facts", "agree", "contradict"]


class PairJudgment(BaseModel):
    """Whether two claims of different articles state the same fact, and if so whether they agree."""

    a: str = Field(description="claim id, the earlier article")
    b: str = Field(description="claim id, the later article")
    keys: list[str] = Field([], description="what paired them: shared entity, kind of count, name")
    relation: Relation | None = Field(None, description="None: not judged (no model, or the request failed)")
    reason: str | None = None
    source: Literal["model", "rule"] = "model"
    error: str | None = None
    confidence: float | None = Field(None, description="the model's probability of `relation`, the mean of both "
                                     "orders of the two claims")
    decisive: bool = Field(False, description="sure enough to change a flag or a verdict: a rule's judgment, or a "
                           "model's at or above the confidence the settings require")


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


class ArchiveSummary(BaseModel):
    """The archive a run searched, and what it left out."""

    path: str
    claims: int = Field(description="claims searched (verbatim copies take their original's outcome)")
    copies_left_out: int = Field(0, description="passages that copy a claim's sentence or article: not independent, "
                                 "they support nothing (a copy giving another figure still contradicts)")


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
    judgments: list[PairJudgment] = []
    archive: ArchiveSummary | None = Field(None, description="the archive searched for evidence, if any")
    usage: LLMUsage = LLMUsage()
