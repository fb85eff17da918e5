"""Evidence from the archive for every claim: retrieve passages, compare, and give an outcome with
the passage that decided it.

Retrieval: each claim (a verbatim copy takes its original's outcome) is searched with its words
(the claim text, else its sentence), its entity, its figure (as digits) and its date words, by
BM25 (`archive.Archive.search`); with `archive_days`, only documents dated within that many days of
the article's window (undated ones always). A passage that copies the claim's sentence or a part of
its article (fuzzy match of the folded texts, `COPY_RATIO`) is not independent: it supports nothing
and is not 'related', but a copy that gives another figure or title still contradicts the claim
(a wire story whose figure was changed).

Comparison, by the same means as between the articles of a run: the passages become evidence
documents beside the articles, and the rule checks that compare documents (titles, counts, other
figures, dates) run on both; only what they find between an article and a passage is kept, and a
count compared with a passage only when both name the same things (`SAME_EVENT_NAMES` proper names
in common): the archive holds other events. Two counts of the same kind with the same exact figure
support a claim (a rule judgment). With a model, each claim is judged against the passage sentence
that shares most of its words, as pairs of claims are (both orders, the relation's probability);
the judgment acts only at `judge_confidence`, else it is told.

Outcome: `contradicted` (a flag with the passage as evidence), `supported`, `related` (passages on
the topic, neither), `no evidence found`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from . import language, pairing, select
from .archive import Archive, Passage, content_words
from .checks import Corpus, ordered, run_all
from .checks.base import NAME_WORD, claim_location, proper_names
from .checks.dates import check_dates
from .checks.figures import check_figures
from .checks.quantities import check_quantities
from .checks.titles import check_titles
from .models import (Article, Claim, EvidencePassage, Flag, LLMUsage, Location, PairJudgment, Sentence, Span)
from .parallel import in_parallel
from .resolve import article_date, window
from .sentences import normalize, split_article

EVIDENCE_CHECKS = [check_titles, check_quantities, check_figures, check_dates]
COPY_RATIO = 90  # rapidfuzz partial ratio of the folded sentence in the passage: a copy, not a source
SAME_EVENT_NAMES = 2  # proper names a claim's sentence and a passage share for their counts to be compared
RARE_NAME_SHARE = 0.01  # of the archive's passages: a name in more names nothing in particular
RARE_NAME_PASSAGES = 5  # ... or in more passages than this, whichever is more
MAX_TERMS = 32
SHOWN = 3  # passages kept per claim
SEARCH_DEPTH = 3  # passages ranked per claim, as a multiple of k: copies of its own text take no place among the k
RELATED_SHARE = 0.5  # of a claim's words a passage holds to be on its topic, when it shares too few names
PREFIX = "archive#"  # evidence documents' ids inside the combined corpus


@dataclass
class Found:
    """What the archive says: flags against claims, support, and the passages of each claim."""

    flags: list[Flag] = field(default_factory=list)
    support: dict[str, list[str]] = field(default_factory=dict)  # claim id -> the passages that state it
    outcomes: dict[str, str] = field(default_factory=dict)
    passages: dict[str, list[EvidencePassage]] = field(default_factory=dict)
    copies_left_out: int = 0
    copied: set[tuple[str, int]] = field(default_factory=set)  # (claim id, passage id): a copy of its text
    quoted: dict[str, int] = field(default_factory=dict)  # flag id -> the passage it quotes
    judgments: list[PairJudgment] = field(default_factory=list)
    usage: LLMUsage = field(default_factory=LLMUsage)


def search(corpus: Corpus, archive: Archive, k: int = 5, days: int | None = None, client=None, workers: int = 1,
           confidence: float | None = None, progress=None) -> Found:
    """Search the archive for every claim of the corpus and compare what it finds; `progress(total)`
    gives what counts the model's judgments as they come (a `Progress`)."""
    found = Found()
    retrieved: dict[str, list[Passage]] = {}
    by_id: dict[int, Passage] = {}
    copies = Copies(corpus)
    for claim in corpus.claims:
        if claim.copied_from:
            continue
        kept, independent = [], 0
        for passage in archive.search(query_terms(claim), k * SEARCH_DEPTH, _between(corpus, claim, days),
                                      phrases=figures(claim)):
            if copies.of(claim, passage):  # kept aside: compared for contradictions, taking no place among the k
                found.copies_left_out += 1
                found.copied.add((claim.id, passage.id))
            elif independent < k:
                independent += 1
            else:
                continue
            kept.append(passage)
            by_id[passage.id] = passage
        retrieved[claim.id] = kept
    if not by_id:
        return _outcomes(corpus, found, retrieved, {}, {}, Names(archive))
    combined, documents = _combined(corpus, list(by_id.values()))
    sources = {doc.id: by_id[int(doc.id[len(PREFIX):])] for doc in documents}
    names = Names(archive)
    found.flags = _flags(corpus, combined, sources, retrieved, names, found.quoted)
    rules = _rule_support(corpus, combined, sources, found.copied)
    judged = {}
    if client is not None:
        judged = _judge(corpus, combined, sources, retrieved, client, workers, confidence, found, progress)
    for claim_id, passages in rules.items():
        found.support.setdefault(claim_id, []).extend(passages)
    return _outcomes(corpus, found, retrieved, judged, combined_sentences(combined), names)


def query_terms(claim: Claim) -> list[str]:
    """The words a claim is searched by: its text's content words, its entity's, its date's."""
    words = content_words(claim.claim_text or claim.quote)
    if claim.entity:
        words += content_words(claim.entity)
    if claim.date:
        words += content_words(claim.date)
    return list(dict.fromkeys(words))[:MAX_TERMS]


def figures(claim: Claim) -> list[str]:
    """A claim's figure as the index holds digits: "4,000" and "4 000" are the words 4 and 000."""
    number = claim.number
    if number is None or number.value is None or number.value != int(number.value):
        return []
    value = int(number.value)
    return [f"{value:,}".replace(",", " "), str(value)] if value >= 1000 else [str(value)]


def _between(corpus: Corpus, claim: Claim, days: int | None) -> tuple[dt.date | None, dt.date | None]:
    if days is None:
        return None, None
    low, high = window(corpus.dates[claim.article_id])
    gap = dt.timedelta(days=days)
    return (low - gap if low else None), (high + gap if high else None)


class Copies:
    """Whether a passage copies the claim's own text: its sentence, or any part of its article (the
    archive may hold the article itself, or a wire copy of it). Folded texts, rapidfuzz's partial
    ratio, at least `COPY_RATIO`."""

    def __init__(self, corpus: Corpus):
        self.articles = {a.id: normalize(a.text) for a in corpus.articles}
        self.seen: dict[tuple[str, int], bool] = {}

    def of(self, claim: Claim, passage: Passage) -> bool:
        key = (claim.article_id, passage.id)
        text = normalize(passage.text)
        if key not in self.seen:
            shorter, longer = sorted((text, self.articles[claim.article_id]), key=len)
            self.seen[key] = bool(text) and fuzz.partial_ratio(shorter, longer) >= COPY_RATIO
        return self.seen[key] or fuzz.partial_ratio(normalize(claim.quote), text) >= COPY_RATIO


# ---- the passages as documents beside the articles -------------------------------------------

def _combined(corpus: Corpus, passages: list[Passage]) -> tuple[Corpus, list[Article]]:
    """The run's corpus with each passage as one more document, its sentences, anchors and rule claims."""
    from .extract import rule_claims

    documents, sentences, candidates, claims, dates = [], [], [], [], {}
    titles = tuple(corpus.table.role_words())
    for passage in passages:
        code = language.detect(passage.text)[0]
        if code not in language.SUPPORTED:
            continue  # a passage in a language the rules do not read is compared with nothing
        document = Article(id=f"{PREFIX}{passage.id}", path=passage.source, title=passage.title, date=passage.day,
                           text=passage.text, header_lines=passage.line - 1, language=code)
        own = split_article(document)
        anchored = select.anchor_all(own, titles)
        documents.append(document)
        sentences += own
        candidates += anchored
        claims += [c for candidate in anchored for c in rule_claims(candidate).claims]
        dates[document.id] = article_date(document, anchored, corpus.table)
    combined = Corpus(corpus.articles + documents, corpus.sentences + sentences, corpus.candidates + candidates,
                      corpus.claims + claims, {**corpus.dates, **dates}, corpus.table)
    return combined, documents


def combined_sentences(corpus: Corpus) -> dict[str, list[Sentence]]:
    by_article: dict[str, list[Sentence]] = defaultdict(list)
    for sentence in corpus.sentences:
        if sentence.article_id.startswith(PREFIX):
            by_article[sentence.article_id].append(sentence)
    return by_article


def _is_archive(article_id: str) -> bool:
    return article_id.startswith(PREFIX)


class Names:
    """Whether a claim's sentence and a passage name the same things: `SAME_EVENT_NAMES` proper names
    in common, one of them rare in the archive (in at most `RARE_NAME_SHARE` of its passages, or
    `RARE_NAME_PASSAGES`): "Rotten Tomatoes" or "United States" alone do not make two films' or two
    albums' figures comparable."""

    def __init__(self, archive: Archive):
        self.archive = archive
        self.rare_below = max(RARE_NAME_PASSAGES, RARE_NAME_SHARE * archive.count())
        self.counts: dict[str, int] = {}

    def shared(self, text: str, passage: str) -> bool:
        theirs = proper_names(passage)
        groups = [g for g in name_groups(text) if g & theirs]  # "Rotten Tomatoes" is one name, not two
        if len(groups) < SAME_EVENT_NAMES:
            return False
        common = {n for g in groups for n in g & theirs}
        unknown = [n for n in common if n not in self.counts]
        if unknown:
            self.counts.update(self.archive.passages_with(unknown))
        return any(self.counts[n] <= self.rare_below for n in common)


def name_groups(text: str) -> list[frozenset[str]]:
    """The names of a sentence, each as the set of its capitalised words ("Rotten Tomatoes", "Bab",
    "Aleppo"): words that `proper_names` keeps, next to each other."""
    names = proper_names(text)
    groups, current, last_end = [], set(), -2
    for match in NAME_WORD.finditer(text):
        word = match.group(0).strip("'’-").lower()
        if word not in names:
            continue
        if current and text[last_end:match.start()].strip():
            groups.append(frozenset(current))
            current = set()
        current.add(word)
        last_end = match.end()
    if current:
        groups.append(frozenset(current))
    return groups


def _flags(corpus: Corpus, combined: Corpus, sources: dict[str, Passage],
           retrieved: dict[str, list[Passage]], names: Names, quoted: dict[str, int]) -> list[Flag]:
    """The checks' findings between an article and a passage retrieved for one of its claims, as
    flags on the article with the passage as evidence."""
    of_article = {(claim.article_id, p.id) for claim in corpus.claims for p in retrieved.get(claim.id, [])}
    flags = []
    for flag in run_all(combined, EVIDENCE_CHECKS):
        ours = [l for l in flag.locations if not _is_archive(l.article_id)]
        theirs = [l for l in flag.locations if _is_archive(l.article_id)]
        if len(ours) != 1 or len(theirs) != 1:
            continue
        passage = sources[theirs[0].article_id]
        if (ours[0].article_id, passage.id) not in of_article:
            continue
        if flag.kind in ("quantity", "figure", "date") and not _same_names(combined, ours[0], passage, names):
            continue
        flags.append(_on_article(flag, ours[0], theirs[0], passage, _sentence_at(combined, theirs[0])))
        quoted[flags[-1].id] = passage.id
    return ordered(flags)


def _same_names(combined: Corpus, where: Location, passage: Passage, names: Names) -> bool:
    """The article and the passage name enough of the same things. The article's side is what
    places its count: its title and first sentence (the event), the sentence before and the
    sentence itself."""
    article = combined.by_article[where.article_id]
    own = [s for s in combined.sentences if s.article_id == where.article_id]
    sentence = next((s for s in own if article.file_span(s.start, s.end)[0] <= where.start
                     < article.file_span(s.start, s.end)[1] + 1), None)
    parts = [article.title or ""] + [s.text for s in own[:1]]
    if sentence is not None:
        parts += [s.text for s in own if s.index in (sentence.index - 1, sentence.index)]
    else:
        parts.append(where.quote)
    return names.shared(". ".join(p for p in dict.fromkeys(parts) if p), _named(passage))


def _named(passage: Passage) -> str:
    """What a passage names: its text, and its document's title ("Son of Saul" for "the film holds ...")."""
    return f"{passage.title}. {passage.text}" if passage.title else passage.text


def place(passage: Passage, where: Location | None = None) -> str:
    """The file and line of a passage, or of a place in it (its offsets count from the passage's start)."""
    line = passage.line + (passage.text.count("\n", 0, where.start) if where else 0)
    return f"{passage.source} line {line}"


def _sentence_at(combined: Corpus, where: Location) -> str:
    """The passage's sentence around a place in it (offsets count from the passage's start)."""
    return next((s.text for s in combined.sentences if s.article_id == where.article_id
                 and s.start <= where.start < s.end), where.quote)


def _on_article(flag: Flag, ours: Location, theirs: Location, passage: Passage, sentence: str) -> Flag:
    """The flag pointed at the article alone, the passage's sentence its evidence, its words naming
    the passage's file."""
    name = f"{theirs.article_id}"
    shown = place(passage, theirs)
    reason = flag.reason.replace(name, f"the archive ({shown})")
    evidence = [f"archive: {shown}: \"{sentence}\""]
    evidence += [e.replace(name, shown) for e in flag.evidence if name not in e and theirs.quote not in e]
    key = f"{flag.kind}|{ours.article_id}:{ours.start}-{ours.end}|{passage.source}:{passage.start}:{theirs.quote}"
    return Flag(id=f"{flag.kind}-{hashlib.sha256(key.encode()).hexdigest()[:8]}", kind=flag.kind,
                severity=flag.severity, locations=[ours], evidence=evidence,
                reason=f"The archive says otherwise: {reason}", claims=[c for c in flag.claims if not _is_archive(c)])


# ---- support and the model's judgment ---------------------------------------------------------

def _rule_support(corpus: Corpus, combined: Corpus, sources: dict[str, Passage],
                  copied: set[tuple[str, int]]) -> dict[str, list[str]]:
    """Claims a passage gives the same exact count of the same kind as (a rule judgment); a copy of
    the claim's own text supports nothing."""
    own = {c.id for c in corpus.claims}
    pairs = pairing.block(combined)
    support: dict[str, list[str]] = defaultdict(list)
    by_id = {c.id: c for c in combined.claims}
    for judgment in pairing.rule_judgments(pairs, combined):
        claim_id, other = (judgment.a, judgment.b) if judgment.a in own else (judgment.b, judgment.a)
        if claim_id not in own or other in own:
            continue
        theirs = by_id[other]
        passage = sources[theirs.article_id]
        if (claim_id, passage.id) in copied:
            continue
        support[claim_id].append(f"archive: {passage.source} line {theirs.line}: \"{theirs.quote}\" ({judgment.reason})")
    return dict(support)


def best_sentence(claim: Claim, sentences: list[Sentence]) -> Sentence | None:
    """The passage sentence that shares most of the claim's words (the first of equals)."""
    words = set(query_terms(claim)) | {w for f in figures(claim) for w in f.split()}
    scored = [(len(words & set(content_words(s.text))), -n, s) for n, s in enumerate(sentences)]
    return max(scored, key=lambda x: (x[0], x[1]))[2] if scored else None


def _judge(corpus: Corpus, combined: Corpus, sources: dict[str, Passage], retrieved: dict[str, list[Passage]],
           client, workers: int, confidence: float | None, found: Found, progress) -> dict[str, tuple]:
    """Claim id -> (judgment, passage, sentence): the model's judgment of each claim against the best
    sentence of its best passage."""
    sentences = combined_sentences(combined)
    asks = []
    for claim in corpus.claims:
        passages = [p for p in retrieved.get(claim.id, []) if (claim.id, p.id) not in found.copied]
        if not passages:
            continue
        passage = passages[0]
        sentence = best_sentence(claim, sentences[f"{PREFIX}{passage.id}"])
        if sentence is None:
            continue
        other = Claim(id=f"{PREFIX}{passage.id}#{sentence.index}", article_id=f"{PREFIX}{passage.id}",
                      sentence_index=sentence.index, line=sentence.line, subject="", predicate="",
                      quote=sentence.text, span=Span(start=sentence.start, end=sentence.end))
        asks.append((claim, other, passage, sentence))

    def run(ask):
        claim, other, passage, _ = ask
        return pairing.judge_claims(claim, other, pairing.dated(corpus.dates[claim.article_id].day),
                                    pairing.dated(passage.day), client, confidence=confidence)

    if progress is None:
        results = in_parallel(run, asks, workers)
    else:
        with progress(len(asks)) as counter:
            results = in_parallel(run, asks, workers, lambda result: counter.update(result[1]))
    judged = {}
    for (claim, _, passage, sentence), (judgment, usage) in zip(asks, results):
        found.usage.add(usage)
        found.judgments.append(judgment)
        judged[claim.id] = (judgment, passage, sentence)
    return judged


# ---- outcomes -----------------------------------------------------------------------------------

def _outcomes(corpus: Corpus, found: Found, retrieved: dict[str, list[Passage]], judged: dict,
              sentences: dict[str, list[Sentence]], names: Names) -> Found:
    index = pairing.ClaimIndex(corpus)
    against: dict[str, list[Flag]] = defaultdict(list)
    for flag in found.flags:
        if flag.severity == "note":
            continue
        for claims in index.of(flag):
            for claim in claims:
                against[claim.id].append(flag)
    for claim in corpus.claims:
        if claim.copied_from:
            continue
        passages = [p for p in retrieved.get(claim.id, []) if (claim.id, p.id) not in found.copied]
        judgment = judged.get(claim.id, (None,))[0]
        decisive = judgment is not None and judgment.decisive and judgment.relation
        if decisive == "agree":
            passage, sentence = judged[claim.id][1:]
            found.support.setdefault(claim.id, []).append(
                f"archive: {passage.source} line {sentence.line}: \"{sentence.text}\" (the model: {judgment.reason})")
        if decisive == "contradict" and not against[claim.id]:
            found.flags.append(_conflict(corpus, claim, *judged[claim.id]))
            found.quoted[found.flags[-1].id] = judged[claim.id][1].id
            against[claim.id].append(found.flags[-1])
        if against[claim.id]:
            outcome = "contradicted"
        elif claim.id in found.support:
            outcome = "supported"
        elif any(bears_on(claim, p, names) for p in passages):
            outcome = "related"
        else:
            outcome = "no evidence found"
        found.outcomes[claim.id] = outcome
        contradicting = [_passage_of(flag, retrieved.get(claim.id, []), found.quoted) for flag in against[claim.id]]
        first = [p for p in contradicting if p is not None][:1]
        found.passages[claim.id] = _shown(claim, first + [p for p in passages if p not in first], sentences, judgment)
    return found


def _conflict(corpus: Corpus, claim: Claim, judgment: PairJudgment, passage: Passage, sentence: Sentence) -> Flag:
    """A contradiction the model finds, decisively, between a claim and a passage, told in words."""
    where = claim_location(corpus, claim)
    shown = f"{passage.source} line {sentence.line}"
    key = f"conflict|{where.article_id}:{where.start}-{where.end}|{passage.source}:{passage.start}:{sentence.text}"
    return Flag(id=f"conflict-{hashlib.sha256(key.encode()).hexdigest()[:8]}", kind="conflict", severity="medium",
                locations=[where], evidence=[f"archive: {shown}: \"{sentence.text}\""], claims=[claim.id],
                reason=f"The archive says otherwise: \"{_clip(claim.claim_text or claim.quote)}\" and the archive's "
                       f"\"{_clip(sentence.text)}\" ({shown}) cannot both hold (the model's judgment): {judgment.reason}")


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bears_on(claim: Claim, passage: Passage, names: Names) -> bool:
    """A passage is on the claim's topic when it names the same things (`Names`), or holds most of
    the claim's words: BM25 ranks any passage with one word in common."""
    if names.shared(claim.quote, _named(passage)):
        return True
    words = set(query_terms(claim))
    return bool(words) and len(words & set(content_words(passage.text))) >= RELATED_SHARE * len(words)


def _passage_of(flag: Flag, passages: list[Passage], quoted: dict[str, int]) -> Passage | None:
    """The passage a flag from the archive quotes."""
    return next((p for p in passages if p.id == quoted.get(flag.id)), None)


def _shown(claim: Claim, passages: list[Passage], sentences: dict[str, list[Sentence]],
           judgment: PairJudgment | None) -> list[EvidencePassage]:
    shown = []
    for n, passage in enumerate(passages[:SHOWN]):
        sentence = best_sentence(claim, sentences.get(f"{PREFIX}{passage.id}", []))
        note = None
        if n == 0 and judgment is not None and judgment.relation:
            acted = "" if judgment.decisive else ", not acted on (below the confidence set for it)"
            note = f"the model{acted}: {judgment.relation}, {judgment.reason}"
        elif n == 0 and judgment is not None and judgment.error:
            note = f"the model gave no judgment: {judgment.error}"
        shown.append(EvidencePassage(
            source=passage.source, line=sentence.line if sentence else passage.line,
            quote=sentence.text if sentence else passage.text, passage=passage.text, date=passage.day,
            score=round(-passage.score, 3), judgment=note))
    return shown


def attach(claims: list[Claim], found: Found) -> list[Claim]:
    """Each claim with its outcome and passages; a verbatim copy with its original's."""
    from .verdicts import originals_of

    originals = originals_of(claims)
    result = []
    for claim in claims:
        source = originals.get(claim.id, claim)
        outcome = found.outcomes.get(source.id)
        if outcome is None:
            result.append(claim)
            continue
        result.append(claim.model_copy(update={"evidence": outcome, "passages": found.passages.get(source.id, [])}))
    return result
