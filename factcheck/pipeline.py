"""The only place that knows the order of the stages: load, split, select, extract, resolve, check,
pair and judge, verdicts; then every place moves from the analysed text to the file as written,
and the run is stored with the reviewers' decisions on its flags.

The rule checks run before the pairs are judged so that every rule conflict is among the pairs
the model judges: a conflict the model finds to be about different facts is then kept as a note.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from . import canonical, decisions, evidence, language, pairing, resolve, select, verdicts
from . import sentences as sentences_stage
from .articles import load_folder
from .checks import CLAIM_CHECKS, Corpus, ordered, run_all
from .checks.quantities import quantity_rows
from .errors import BackendError, InputError, redact
from .file_offsets import to_file
from .models import (Article, ArchiveSummary, Candidate, Extraction, LLMUsage, NotExtracted, Report, Selection,
                     Sentence, SkippedFile)
from .progress import Progress
from .reference import OfficeTable, load_table
from .settings import Settings
from .store import Store

RULES_MODEL = "rules (no model)"


@contextlib.contextmanager
def backend(settings: Settings) -> Iterator[tuple[Callable[[], str], str]]:
    """(base URL getter, model name). The embedded server starts on the first call of the getter,
    so a run answered wholly from the cache never starts it; it stops when the block ends."""
    if settings.base_url:
        yield (lambda: settings.base_url), settings.model or "gpt-4o-mini"
        return
    from .llm.local import embedded_model_name, embedded_server

    with contextlib.ExitStack() as stack:
        def start() -> str:
            base_url, _ = stack.enter_context(embedded_server(settings))
            return base_url

        yield start, embedded_model_name(settings)


@contextlib.contextmanager
def model(settings: Settings, store: Store) -> Iterator[tuple[object | None, str]]:
    """(client, model name); no client with the rules extractor."""
    if settings.extractor == "rules":
        yield None, RULES_MODEL
        return
    with backend(settings) as (base_url, name):
        from .llm.client import LLMClient

        client = LLMClient(settings, base_url, name, store)
        try:
            yield client, name
        except BaseException:  # Ctrl-C, SIGTERM: close the requests in flight; answers so far are stored
            client.cancel()
            raise


def workers(settings: Settings) -> int:
    """Requests in flight at once: the embedded server's slots, or the endpoint's concurrency."""
    return settings.slots if settings.embedded else settings.concurrency


def run(source: Path, settings: Settings) -> Report:
    """Run every stage on a folder of articles, store what the run found, and return the report's
    content with the reviewers' decisions on its flags."""
    if settings.archive is not None:
        from .archive import Archive

        Archive.existing(settings.archive).close()  # a missing archive fails before any work
    articles, skipped = load_folder(source)
    articles, skipped = read_languages(articles, skipped, source)
    incoming = decisions.read_file(settings.decisions_file) if settings.decisions_file else []
    sentences = split(articles, source)
    table = load_table(tuple(settings.reference_files))
    anchored = select.anchor_all(sentences, tuple(table.role_words()))
    people = canonical.People(resolve.entities(anchored, table), table)
    store = Store(settings.database)
    try:
        decisions.merge(store, incoming)
        with model(settings, store) as (client, name):
            run_id = store.start_run(str(source), name)
            usage = LLMUsage()
            chosen = choose(anchored, client, settings, usage)
            extractions = extract(chosen, articles, anchored, people, client, settings)
            report = _assemble(source, name, articles, skipped, sentences, chosen, extractions, usage)
            report.claims = canonical.resolve_claims(report.claims, anchored, people)
            corpus = resolved(report, anchored, table)
            check_corpus(report, corpus)
            if client is not None:
                add_rule_flags(report, corpus, chosen, people)
            judge(report, corpus, client, settings)
            found = search_archive(report, corpus, client, settings)
            report.claims = verdicts.assign(corpus, report.flags, report.judgments, found.support if found else None)
            if found is not None:
                report.claims = evidence.attach(report.claims, found)
        del sentences, anchored, chosen, extractions, corpus  # to_file replaces what the report holds: one copy at a time
        to_file(report)
        _finish(store, run_id, report)
    finally:
        store.close()
    return report


def read_languages(articles: list[Article], skipped: list[SkippedFile], source: Path):
    """Each article with the language it is read in; those in a language the rules do not read are
    skipped with the language named, never read as English."""
    kept, unread = [], []
    for article in articles:
        code, name, _ = language.detect(article.text)
        if code in language.SUPPORTED:
            article.language = code
            kept.append(article)
        else:
            unread.append(SkippedFile(path=article.id, reason=language.unsupported_reason(code, name)))
    if not kept:
        raise InputError(f"no article in {source} is in a language factcheck reads: {unread[0].reason}")
    return kept, sorted(skipped + unread, key=lambda s: s.path)


def split(articles: list[Article], source: Path) -> list[Sentence]:
    sentences = sentences_stage.mark_duplicates([s for a in articles for s in sentences_stage.split_article(a)])
    if not sentences:
        raise InputError(f"no sentences found in {source}")
    return sentences


def choose(anchored: list[Candidate], client, settings: Settings, usage: LLMUsage,
           requests: int | None = None) -> list[Candidate]:
    """The check-worthy sentences (the classifier's label for each by default, the model's, or the
    rules'), and with the classifier or the model the other statements that hold rule facts.
    `requests`: model requests in flight at once (default: `workers(settings)`)."""
    if settings.select == "classifier":
        return select.chosen(anchored, select.classify_all(anchored), keep_facts=True)
    if client is None or settings.select == "rules":
        return select.chosen(anchored, select.rule_all(anchored))
    asked = [c for c in anchored if not c.sentence.duplicate_of and select.needs_model(c)]
    with _progress(settings, len(asked), "selecting", "sentences") as progress:
        selections = select.judge_all(anchored, client, requests or workers(settings), on_done=progress.update)
    _fail_if_nothing_answered(selections, settings)
    for selection in selections:
        usage.add(_not_failed(selection.usage))
    return select.chosen(anchored, selections, keep_facts=True)


def extract(chosen: list[Candidate], articles: list[Article], anchored: list[Candidate],
            people: canonical.People | None, client, settings: Settings, names: dict[str, list[str]] | None = None,
            requests: int | None = None) -> list[Extraction]:
    """Claims of the chosen sentences. `names`: the full names each sentence's article gave up to it
    (default: as `people` resolves them); `requests`: model requests in flight at once."""
    from .extract import extract_all, rule_claims

    if client is None:
        return [rule_claims(c) for c in chosen]
    asked = [c for c in chosen if select.FACTS_REASON not in c.reasons]
    names = canonical.names_before(anchored, people) if names is None else names
    by_id = {a.id: a for a in articles}
    total = len([c for c in asked if not c.sentence.duplicate_of])
    with _progress(settings, total, "extracting", "sentences") as progress:
        extractions = extract_all(asked, by_id, client, requests or workers(settings), on_done=progress.update,
                                  names=names)
    _fail_if_nothing_answered(extractions, settings)
    done = {e.sentence_ref: e for e in extractions}
    # Statements kept only for their rule facts take the rules' claims: no model call for them.
    return [done.get(c.sentence.ref) or rule_claims(c) for c in chosen]


def _assemble(source, model_name, articles, skipped, sentences, chosen, extractions: list[Extraction],
              usage: LLMUsage) -> Report:
    claims, missing = [], []
    by_ref = {c.sentence.ref: c.sentence for c in chosen}
    for extraction in extractions:
        usage.add(extraction.usage)
        claims.extend(extraction.claims)
        if extraction.error:
            sentence = by_ref[extraction.sentence_ref]
            missing.append(NotExtracted(
                article_id=sentence.article_id, sentence_index=sentence.index, line=sentence.line,
                quote=sentence.text, reason=extraction.error,
            ))
    return Report(
        source=str(source), model=model_name, articles=articles, skipped=skipped, sentences=sentences,
        candidates=chosen, claims=claims, not_extracted=missing, usage=usage,
    )


def resolved(report: Report, anchored: list[Candidate], table: OfficeTable) -> Corpus:
    """What the checks read: the articles' dates (from metadata, else the window their text allows),
    the rule anchors of every sentence, and the resolved claims."""
    by_article: dict[str, list[Candidate]] = {a.id: [] for a in report.articles}
    for candidate in anchored:
        by_article[candidate.sentence.article_id].append(candidate)
    dates = {a.id: resolve.article_date(a, by_article[a.id], table) for a in report.articles}
    report.article_dates = list(dates.values())
    return Corpus(report.articles, report.sentences, anchored, report.claims, dates, table)


def check_corpus(report: Report, corpus: Corpus) -> Report:
    """Run every rule check; fills the report's flags and tables. The checks read the anchors of
    every sentence (a wrong title is found whether or not the sentence was judged check-worthy)."""
    report.flags = run_all(corpus)
    report.quantities = quantity_rows(corpus)
    report.entities = resolve.entities(corpus.candidates, corpus.table)
    return report


def add_rule_flags(report: Report, corpus: Corpus, chosen: list[Candidate], people: canonical.People) -> None:
    """The model adds to the rules, never takes away: the flags the rules' own claims of the same
    sentences raise are kept when the model's claims raise none at the same places (a count the
    model reads as another kind still stands beside the other article's count)."""
    from .extract import rule_claims

    claims = canonical.resolve_claims([c for x in chosen for c in rule_claims(x).claims], corpus.candidates, people)
    by_rules = Corpus(corpus.articles, corpus.sentences, corpus.candidates, claims, corpus.dates, corpus.table)
    seen = {_places(f) for f in report.flags}
    added = [f for f in run_all(by_rules, CLAIM_CHECKS) if _places(f) not in seen]
    if added:
        report.flags = ordered(report.flags + added)


def _places(flag) -> tuple:
    return (flag.kind, tuple(sorted((l.article_id, l.start, l.end) for l in flag.locations)))


def check(report: Report, table: OfficeTable) -> Report:
    """Resolve dates and people, then run every check on the report's own candidates."""
    return check_corpus(report, resolved(report, report.candidates, table))


def judge(report: Report, corpus: Corpus, client, settings: Settings, only: set[str] | None = None,
          ask: Callable | None = None) -> None:
    """Pair claims across articles, judge each pair, and settle the rule conflicts with the judgments.
    `only`: judge only the pairs with a claim of these articles (the new ones of an increment);
    `ask`: who judges the distinct pairs (`pairing.judge_all`; default: this process's threads)."""
    every = settings.judge_pairs == "all"
    forced = pairing.flagged_pairs(corpus, report.flags)
    pairs = _touching(pairing.block(corpus, forced, touching=only), only)
    report.judgments = pairing.rule_judgments(pairs, corpus)  # with a model too: it adds, never takes away
    if client is None:
        return
    asked = pairs if every else _touching(pairing.block(corpus, forced, only_forced=True), only)
    # with `ask` the Ray scheduler shows its own progress
    with _progress(settings if ask is None else settings.model_copy(update={"progress": "off"}), len(asked),
                   "judging", "pairs") as progress:
        judged, usage = pairing.judge_all(asked, corpus, client, workers(settings), on_done=progress.update,
                                          confidence=settings.judge_confidence, ask=ask)
    report.judgments += judged
    report.usage.add(_not_failed(usage))
    report.flags = ordered(pairing.settle(corpus, report.flags, report.judgments, raise_new=every))


def _touching(pairs: list, only: set[str] | None) -> list:
    if only is None:
        return pairs
    return [p for p in pairs if p.a.article_id in only or p.b.article_id in only]


def search_archive(report: Report, corpus: Corpus, client, settings: Settings):
    """With an archive: evidence for every claim; the flags it raises join the report's."""
    if settings.archive is None:
        return None
    from .archive import Archive

    with Archive.existing(settings.archive) as archive:
        found = evidence.search(corpus, archive, settings.archive_k, settings.archive_days, client, workers(settings),
                                settings.judge_confidence,
                                progress=lambda total: _progress(settings, total, "judging against the archive", "claims"))
    report.flags = ordered(report.flags + found.flags)
    report.judgments += found.judgments
    report.usage.add(_not_failed(found.usage))
    report.archive = ArchiveSummary(path=str(settings.archive), claims=len(found.outcomes),
                                    copies_left_out=found.copies_left_out)
    return found


def _finish(store: Store, run_id: int, report: Report) -> None:
    """Store what the run found, close the run, and read back the decisions on its flags."""
    store.save_findings(run_id, report)
    store.finish_run(run_id, report.usage.model_dump())
    report.decisions = store.decisions([f.id for f in report.flags])


def _not_failed(usage: LLMUsage) -> LLMUsage:
    """A label or pair judgment that got no answer loses no sentence (the rules' label stands in; the
    judgment is marked with its error): `failed` counts the sentences not extracted only."""
    return usage.model_copy(update={"failed": 0})


def _fail_if_nothing_answered(results: list[Selection] | list[Extraction], settings: Settings) -> None:
    """A run in which every request got no answer is an error, not a report of empty sentences."""
    failed = [r for r in results if r.usage.failed]
    answered = [r for r in results if not r.usage.failed and (r.usage.calls or r.usage.cached)]
    if failed and not answered:
        where = settings.base_url or "the embedded model server"
        raise BackendError(f"no answer from {redact(where)}: every request failed ({len(failed)} sentences); "
                           f"first: {failed[0].error}")


def _progress(settings: Settings, total: int, what: str, unit: str) -> Progress:
    return Progress(total, settings.progress, settings.progress_every, what=what, unit=unit)
