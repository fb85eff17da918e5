"""The only place that knows the order of the stages: load, split, select, extract, check, and
the move of every place from the analysed text to the file as written."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from . import candidates as candidates_stage
from . import decisions
from . import sentences as sentences_stage
from . import resolve
from .articles import load_folder
from .checks import Corpus, run_all
from .checks.quantities import quantity_rows
from .errors import BackendError, InputError, redact
from .file_offsets import to_file
from .models import Decision, Extraction, LLMUsage, NotExtracted, Report
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


def run(source: Path, settings: Settings) -> Report:
    """Run every stage on a folder of articles, store what the run found, and return the report's
    content with the reviewers' decisions on its flags."""
    articles, skipped = load_folder(source)
    incoming = decisions.read_file(settings.decisions_file) if settings.decisions_file else []
    sentences = sentences_stage.mark_duplicates([s for a in articles for s in sentences_stage.split_article(a)])
    if not sentences:
        raise InputError(f"no sentences found in {source}")
    table = load_table(tuple(settings.reference_files))
    chosen = candidates_stage.select(sentences, tuple(table.role_words()))
    if settings.extractor == "rules":
        from .extract import rule_claims

        extractions = [rule_claims(c) for c in chosen]
        report = _assemble(source, RULES_MODEL, articles, skipped, sentences, chosen, extractions)
        to_file(check(report, table))
        return _store_rules_run(report, settings, incoming)
    store = Store(settings.database)
    try:
        decisions.merge(store, incoming)
        with backend(settings) as (base_url, model):
            from .extract import extract_all
            from .llm.client import LLMClient

            client = LLMClient(settings, base_url, model, store)
            workers = settings.slots if settings.embedded else settings.concurrency
            run_id = store.start_run(str(source), model)
            by_id = {a.id: a for a in articles}
            total = len([c for c in chosen if not c.sentence.duplicate_of])
            try:
                with Progress(total, settings.progress, settings.progress_every) as progress:
                    extractions = extract_all(chosen, by_id, client, workers, on_done=progress.update)
            except BaseException:  # Ctrl-C, SIGTERM: close the requests in flight; answers so far are stored
                client.cancel()
                raise
        _fail_if_nothing_answered(extractions, settings)
        report = _assemble(source, model, articles, skipped, sentences, chosen, extractions)
        to_file(check(report, table))
        _finish(store, run_id, report)
    finally:
        store.close()
    return report


def _finish(store: Store, run_id: int, report: Report) -> None:
    """Store what the run found, close the run, and read back the decisions on its flags."""
    store.save_findings(run_id, report)
    store.finish_run(run_id, report.usage.model_dump())
    report.decisions = store.decisions([f.id for f in report.flags])


def _store_rules_run(report: Report, settings: Settings, incoming: list[Decision]) -> Report:
    """Store a run of the rules extractor like any other run."""
    store = Store(settings.database)
    try:
        decisions.merge(store, incoming)
        _finish(store, store.start_run(report.source, report.model), report)
    finally:
        store.close()
    return report


def _assemble(source, model, articles, skipped, sentences, chosen, extractions: list[Extraction]) -> Report:
    usage = LLMUsage()
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
        source=str(source), model=model, articles=articles, skipped=skipped, sentences=sentences,
        candidates=chosen, claims=claims, not_extracted=missing, usage=usage,
    )


def check(report: Report, table: OfficeTable) -> Report:
    """Resolve dates and people, then run every check; fills the report's flags and tables."""
    by_article = {a.id: [] for a in report.articles}
    for candidate in report.candidates:
        by_article[candidate.sentence.article_id].append(candidate)
    dates = {a.id: resolve.article_date(a, by_article[a.id], table) for a in report.articles}
    corpus = Corpus(report.articles, report.sentences, report.candidates, report.claims, dates, table)
    report.article_dates = list(dates.values())
    report.flags = run_all(corpus)
    report.quantities = quantity_rows(corpus)
    report.entities = resolve.entities(report.candidates, table)
    return report


def _fail_if_nothing_answered(extractions: list[Extraction], settings: Settings) -> None:
    """A run in which every request got no answer is an error, not a report of empty sentences."""
    failed = [e for e in extractions if e.usage.failed]
    answered = [e for e in extractions if not e.usage.failed and (e.usage.calls or e.usage.cached)]
    if failed and not answered:
        where = settings.base_url or "the embedded model server"
        raise BackendError(f"no answer from {redact(where)}: every request failed ({len(failed)} sentences); "
                           f"first: {failed[0].error}")
