"""A corpus that grows: `factcheck add FOLDER` checks new articles against everything stored.

Two stages, so that the costly one is done once per article and can run anywhere:

1. **Per article** (`work_on`): split, anchor, pick the check-worthy sentences, extract claims.
   Each article is read alone (its own people and names, its own verbatim repeats), so what the
   model is asked about an article never depends on what else is in the corpus or on which
   worker read it. The result (a `Work`) is stored with the article's blocking keys as soon as
   its batch is done; a rerun finds it by the article's digest and asks the model nothing.
2. **Against the corpus** (`check`): the new articles and their neighbours in the store, the
   stored articles that could take part in a flag with them, are checked together as one run
   would check them: repeats across articles, people, dates, every rule check, the pairs the
   model judges (those with a new claim only). Neighbours are the stored articles dated within
   twice `SAME_EVENT_DAYS` of a new one (the window the count and figure checks compare, and the
   window of every article in it, which decides whether a day is crowded) and those sharing a
   name or a verbatim sentence with one; a name held by more than `KEY_CAP` stored articles names
   nothing in particular and brings no neighbour by itself (the window still does), so the cost
   of an increment follows the days the new articles cover and the rare names they give, not the
   whole store.

The corpus keeps one current set of flags: an increment replaces the stored flags that touch one
of its articles (a changed article loses its old ones) with those it found; a flag between stored
articles alone stays as it was found. Adding articles in several steps or in one gives the same
flags whenever each step's neighbours hold every article a flag needs (the seeds: see the tests).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from . import canonical, decisions, pipeline, resolve, select, verdicts
from . import sentences as sentences_stage
from .checks import ordered
from .checks.base import proper_names
from .checks.quantities import SAME_EVENT_DAYS
from .errors import InputError
from .extract import copy_claims
from .file_offsets import to_file
from .models import (
    Article,
    Candidate,
    Extraction,
    LLMUsage,
    Report,
    Sentence,
    SkippedFile,
)
from .progress import Progress
from .reference import OfficeTable, load_table
from .sentences import normalize
from .settings import Settings
from .store import Store, _dump, _dump_article

WORK_VERSION = "1"  # bump when the per-article stage changes what it stores: articles are read again
KEY_CAP = 50
MIN_REPEAT_CHARS = 40  # as sentences.mark_duplicates


class Work(BaseModel):
    """One article as the per-article stage left it."""

    article: dict  # the Article with its file text and mapping (as the store keeps articles)
    sentences: list[Sentence]
    anchored: list[Candidate]
    chosen: list[Candidate]
    extractions: list[Extraction]
    day: str | None = None
    usage: LLMUsage = LLMUsage()

    def loaded(self) -> Article:
        return Article.model_validate(self.article)


def digest(article: Article, settings: Settings, model_name: str, table: OfficeTable) -> str:
    """What decides an article's work: its file as read, how claims are made and the titles known."""
    body = json.loads(_dump_article(article))
    body.pop("path")  # the same file read from another folder is the same article
    parts = [WORK_VERSION, settings.extractor, settings.select, settings.mode, model_name,
             json.dumps(sorted(table.role_words())), json.dumps(body, sort_keys=True)]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def keys(work: Work) -> list[str]:
    """The blocking keys that find an article's neighbours: its proper names and people's name
    words (`n:`), and its long sentences (`s:`), for repeats across articles."""
    found = set()
    for candidate in work.anchored:
        text = candidate.sentence.text
        found.update(f"n:{word}" for word in proper_names(text))
        for person in candidate.people:
            found.update(f"n:{word}" for word in canonical.name_tokens(person.name) if len(word) >= 3)
        if len(text) >= MIN_REPEAT_CHARS:
            found.add("s:" + hashlib.sha256(normalize(text).encode()).hexdigest()[:16])
    return sorted(found)


# ---- stage 1: per article ------------------------------------------------------------------

def work_on(articles: list[Article], client, settings: Settings, table: OfficeTable,
            workers: int) -> list[Work]:
    """Each article's sentences, anchors, pick and claims; model calls go `workers` at a time."""
    role_words = tuple(table.role_words())
    sentences = {a.id: sentences_stage.mark_duplicates(sentences_stage.split_article(a)) for a in articles}
    anchored = {a.id: select.anchor_all(sentences[a.id], role_words) for a in articles}
    every = [c for a in articles for c in anchored[a.id]]
    usage = LLMUsage()
    chosen = pipeline.choose(every, client, settings, usage, workers) if every else []
    names: dict[str, list[str]] = {}
    for article in articles:
        people = canonical.People(resolve.entities(anchored[article.id], table), table)
        names.update(canonical.names_before(anchored[article.id], people))
    extractions = pipeline.extract(chosen, articles, every, None, client, settings, names=names, requests=workers)
    by_article: dict[str, tuple[list, list]] = {a.id: ([], []) for a in articles}
    for candidate, extraction in zip(chosen, extractions, strict=True):
        by_article[candidate.sentence.article_id][0].append(candidate)
        by_article[candidate.sentence.article_id][1].append(extraction)
    works = []
    for article in articles:
        picked, extracted = by_article[article.id]
        spent = LLMUsage()
        for extraction in extracted:
            spent.add(extraction.usage)
        day = resolve.article_date(article, anchored[article.id], table).day
        body = json.loads(_dump_article(article))
        works.append(Work(article=body, sentences=sentences[article.id], anchored=anchored[article.id],
                          chosen=picked, extractions=extracted, day=day, usage=spent))
    if articles and usage.calls:  # the model's picks, counted once for the batch, on its first article
        works[0].usage.add(usage)
    return works


def save(store: Store, works: list[Work], digests: dict[str, str], run_id: int | None) -> None:
    store.save_works([(w.article["id"], digests[w.article["id"]], w.day, _dump(w), keys(w), run_id)
                      for w in works])


def _loaded(body: str) -> Work:
    return Work.model_validate(json.loads(body))


# ---- stage 2: against the corpus -----------------------------------------------------------

@dataclass
class Neighbourhood:
    new: list[str]
    old: list[str]  # the stored neighbours
    works: dict[str, Work]  # of both


def neighbours(store: Store, new: dict[str, Work]) -> Neighbourhood:
    """The stored articles that could share a flag with the new ones (see the module's text)."""
    days = sorted({dt.date.fromisoformat(w.day) for w in new.values() if w.day})
    by_window = set()
    for first, last in _ranges(days, 2 * SAME_EVENT_DAYS):  # the window of each article in the window
        by_window.update(store.articles_between(first.isoformat(), last.isoformat()))
    wanted = sorted({k for w in new.values() for k in keys(w)})
    counts = store.key_counts(wanted)
    rare = [k for k, n in counts.items() if n <= KEY_CAP]
    by_name = {article for _, article, _ in store.holders(rare)} if rare else set()
    old = sorted((by_window | by_name) - set(new))
    bodies = store.works(old)
    return Neighbourhood(new=sorted(new), old=old, works={**{i: _loaded(bodies[i]) for i in old if i in bodies}, **new})


def _ranges(days: list[dt.date], margin: int) -> list[tuple[dt.date, dt.date]]:
    """The days within `margin` of any of `days`, as few closed ranges."""
    ranges: list[list[dt.date]] = []
    step = dt.timedelta(days=margin)
    for day in days:
        if ranges and day - step <= ranges[-1][1] + dt.timedelta(days=1):
            ranges[-1][1] = day + step
        else:
            ranges.append([day - step, day + step])
    return [(a, b) for a, b in ranges]


def check(place: Neighbourhood, source: str, model_name: str, skipped: list[SkippedFile], client,
          settings: Settings, table: OfficeTable) -> Report:
    """The neighbourhood checked as one run checks its articles; the model judges only pairs
    with a new claim. Returns the report over the whole neighbourhood."""
    works = [place.works[i] for i in sorted(place.works)]  # folder order, as a run reads them
    articles = [w.loaded() for w in works]
    sentences = sentences_stage.mark_duplicates([s for w in works for s in w.sentences])
    marked = {s.ref: s for s in sentences}

    def remarked(candidate: Candidate) -> Candidate:
        return candidate.model_copy(update={"sentence": marked[candidate.sentence.ref]})

    anchored = [remarked(c) for w in works for c in w.anchored]
    chosen = [remarked(c) for w in works for c in w.chosen]
    extractions = _repeats_copied(chosen, [e for w in works for e in w.extractions])
    # what the model spent on the stored articles was counted when they were added
    report = pipeline._assemble(source, model_name, articles, skipped, sentences, chosen, extractions, LLMUsage())
    report.usage = LLMUsage()
    people = canonical.People(resolve.entities(anchored, table), table)
    report.claims = canonical.resolve_claims(report.claims, anchored, people)
    corpus = pipeline.resolved(report, anchored, table)
    pipeline.check_corpus(report, corpus)
    if client is not None:
        pipeline.add_rule_flags(report, corpus, chosen, people)
    pipeline.judge(report, corpus, client, settings, only=set(place.new), ask=_judge_engine(client, settings, corpus))
    report.claims = verdicts.assign(corpus, report.flags, report.judgments)
    return report


def _judge_engine(client, settings: Settings, corpus):
    """With the Ray engine, the pairs are judged as Ray tasks over the endpoints."""
    if client is None or settings.engine != "ray":
        return None
    from .engine_ray import judge_with_ray

    return lambda pairs: judge_with_ray(pairs, corpus, client, client.model, settings, settings.judge_confidence)


def _repeats_copied(chosen: list[Candidate], extractions: list[Extraction]) -> list[Extraction]:
    """A sentence that repeats another article's verbatim takes that sentence's claims, marked as
    copies, as one run does (within an article the per-article stage already did)."""
    by_ref = {e.sentence_ref: e for e in extractions}
    result = []
    for candidate, extraction in zip(chosen, extractions, strict=True):
        source = candidate.sentence.duplicate_of
        first = by_ref.get(source) if source else None
        if first is None or source.split("#")[0] == candidate.sentence.article_id:
            result.append(extraction)
            continue
        result.append(Extraction(sentence_ref=extraction.sentence_ref, error=first.error, usage=LLMUsage(),
                                 claims=copy_claims(first.claims, candidate.sentence, source)))
    return result


def narrowed(report: Report, new: set[str]) -> Report:
    """The report of an increment: the new articles with their sentences and claims, and every
    flag one of them takes part in (its quotes name the stored articles it points at)."""
    flags = [f for f in report.flags if any(l.article_id in new for l in f.locations)]
    keep = new | {l.article_id for f in flags for l in f.locations}
    judged = {c.id for c in report.claims if c.article_id in new}
    return report.model_copy(update={
        "articles": [a for a in report.articles if a.id in keep],
        "sentences": [s for s in report.sentences if s.article_id in new],
        "candidates": [c for c in report.candidates if c.sentence.article_id in new],
        "claims": [c for c in report.claims if c.article_id in new],
        "not_extracted": [m for m in report.not_extracted if m.article_id in new],
        "flags": flags,
        "article_dates": [d for d in report.article_dates if d.article_id in keep],
        "quantities": [q for q in report.quantities if q.article_id in new],
        "judgments": [j for j in report.judgments if j.a in judged or j.b in judged],
        "entities": [e for e in report.entities if new & set(e.articles)],
    })


def flag_rows(report: Report) -> list[tuple[str, list[str], str]]:
    return [(f.id, sorted({l.article_id for l in f.locations}), _dump(f)) for f in report.flags]


# ---- the command ---------------------------------------------------------------------------

@dataclass
class Added:
    """What one `add` did: the report of its new articles (None when nothing was new)."""

    report: Report | None
    seen: int  # articles of the folder already in the corpus, unchanged
    new: int
    corpus: int  # articles in the corpus afterwards
    neighbours: int = 0  # stored articles checked with the new ones (summed over chunks)
    pairs: int = 0  # claim pairs judged (by rule, or by the model) with a new claim
    failed: list[str] = field(default_factory=list)  # articles no task could read, with why


def add(source: Path, settings: Settings) -> Added:
    """Store the folder's new (or changed) articles, check them against the corpus, and return
    the report of the new articles and every flag they take part in."""
    from .articles import load_folder

    if settings.archive is not None:
        raise InputError("add does not search an archive: check the new articles against one with "
                         "`factcheck run FOLDER --archive FILE`")
    articles, skipped = load_folder(source)
    articles, skipped = pipeline.read_languages(articles, skipped, source)
    incoming = decisions.read_file(settings.decisions_file) if settings.decisions_file else []
    table = load_table(tuple(settings.reference_files))
    store = Store(settings.database)
    try:
        decisions.merge(store, incoming)
        with pipeline.model(settings, store) as (client, name):
            digests = {a.id: digest(a, settings, name, table) for a in articles}
            stored = store.corpus_digests(list(digests))
            todo = [a for a in articles if stored.get(a.id) != digests[a.id]]
            if not todo:
                return Added(report=None, seen=len(articles), new=0, corpus=store.corpus_count())
            run_id = store.start_run(str(source), name)
            usage, reports, failed, neighbourhood, pairs = LLMUsage(), [], [], 0, 0
            for start in range(0, len(todo), settings.chunk):
                chunk = todo[start:start + settings.chunk]
                works, lost = _read(chunk, client, name, settings, table, store, digests, run_id)
                failed += lost
                if not works:
                    continue
                for work in works.values():
                    usage.add(work.usage)
                place = neighbours(store, works)
                neighbourhood += len(place.old)
                found = check(place, str(source), name, skipped, client, settings, table)
                usage.add(found.usage)
                pairs += len(found.judgments)
                ids = set(works)
                part = narrowed(found, ids)  # its flags: those touching the new articles
                store.replace_corpus_flags(sorted(place.works), flag_rows(part), run_id,
                                           drop=lambda articles, ids=ids: bool(articles & ids))
                reports.append(part)
                del place, found
            unread = [SkippedFile(path=i, reason=f"not read: {why}") for i, why in failed]
            report = _merged(reports, str(source), name, sorted(skipped + unread, key=lambda s: s.path), usage)
            to_file(report)
            pipeline._finish(store, run_id, report)
            return Added(report=report, seen=len(articles) - len(todo), new=len(todo) - len(failed),
                         corpus=store.corpus_count(), neighbours=neighbourhood, failed=[i for i, _ in failed],
                         pairs=pairs)
    finally:
        store.close()


def _read(chunk: list[Article], client, name: str, settings: Settings, table: OfficeTable, store: Store,
          digests: dict[str, str], run_id: int) -> tuple[dict[str, Work], list[tuple[str, str]]]:
    """Stage 1 for a chunk, by the engine the settings name; every batch is stored when done."""
    if settings.engine == "ray":
        from .engine_ray import read_with_ray

        ids, failed = read_with_ray(chunk, client, name, settings, digests, run_id)
        bodies = store.works(ids)
        return {i: _loaded(bodies[i]) for i in ids}, failed
    works: dict[str, Work] = {}
    requests = pipeline.workers(settings)
    quiet = settings.model_copy(update={"progress": "off"})  # one line for the articles, none per batch
    with Progress(len(chunk), settings.progress, settings.progress_every, what="reading", unit="articles",
                  show_cached=False) as progress:
        for start in range(0, len(chunk), settings.batch):
            batch = work_on(chunk[start:start + settings.batch], client, quiet, table, requests)
            save(store, batch, digests, run_id)
            works.update((w.article["id"], w) for w in batch)
            progress.advance(len(batch))
    return works, []


PARTS = ("articles", "sentences", "candidates", "claims", "not_extracted", "flags", "article_dates", "quantities",
         "judgments", "entities")  # what each chunk's report adds to the whole


def _merged(reports: list[Report], source: str, name: str, skipped: list[SkippedFile], usage: LLMUsage) -> Report:
    """One report from the chunks' reports: a later chunk's version of a flag or article wins."""
    def unique(items, key):
        return list({key(x): x for x in items}.values())

    everything = Report(source=source, model=name, articles=[], skipped=skipped, usage=usage)
    for part in reports:
        for field_name in PARTS:
            getattr(everything, field_name).extend(getattr(part, field_name))
    everything.articles = sorted(unique(everything.articles, lambda a: a.id), key=lambda a: a.id)
    everything.sentences = unique(everything.sentences, lambda s: s.ref)
    everything.candidates = unique(everything.candidates, lambda c: c.sentence.ref)
    everything.claims = unique(everything.claims, lambda c: c.id)
    everything.flags = ordered(unique(everything.flags, lambda f: f.id))
    everything.article_dates = unique(everything.article_dates, lambda d: d.article_id)
    everything.quantities = unique(everything.quantities, lambda q: (q.article_id, q.line, q.text, q.kind))
    everything.judgments = unique(everything.judgments, lambda j: (j.a, j.b))
    everything.entities = sorted(unique(everything.entities, lambda e: e.name), key=lambda e: e.name)
    return everything
