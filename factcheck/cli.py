"""Command line: options -> settings -> pipeline.run() -> write the report.

Environment variables are read here and nowhere else.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

from . import __version__, pipeline, report
from .errors import FactcheckError, InputError, Interrupted, one_line, redact
from .settings import Settings, default_cache_dir, is_database_url


def _database_errors() -> tuple[type[BaseException], ...]:
    """SQLite's errors, and PostgreSQL's when its driver is installed (a server gone mid-run)."""
    try:
        import psycopg
    except ImportError:
        return (sqlite3.Error,)
    return (sqlite3.Error, psycopg.Error)


DATABASE_ERRORS = _database_errors()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factcheck", description="Find the claims in news articles that a reviewer must check.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command")
    run_only = commands.add_parser(
        "run",
        help="extract the check-worthy claims of a folder of articles and write a report",
        description="Extract the check-worthy claims of a folder of articles (.txt, .md, .json, .jsonl) "
        "and write a Markdown (or JSON) report. With no endpoint configured, an embedded local model is used.",
    )
    grow = commands.add_parser(
        "add",
        help="add a folder's new articles to the stored corpus and check them against it",
        description="Store the folder's new or changed articles in the corpus (the database), check them against "
        "the stored articles they could share a flag with, and write the report of the new articles and every flag "
        "they take part in. Articles already stored unchanged are not read again and cost no model call.",
    )
    run = _Both(run_only, grow)  # the options of `run` are those of `add` too
    run.add_argument("folder", type=Path, help="folder of articles (or one article file)")
    run.add_argument("-o", "--output", type=Path, help="write the report here instead of standard output")
    run.add_argument("--format", choices=["markdown", "json"], default="markdown")
    run.add_argument("--base-url", action="append", default=[],
                     help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL, else the embedded model); with "
                     "`add --engine ray`, repeat it to share the model calls between several endpoints")
    run.add_argument("--model", help="model name at the endpoint (default: $OPENAI_MODEL, else gpt-4o-mini)")
    run.add_argument("--model-path", type=Path, help="a GGUF file for the embedded server instead of the default model")
    run.add_argument("--extractor", choices=["llm", "rules"], default="llm",
                     help="'rules' makes claims from the rule-found numbers and titles alone, with no model")
    run.add_argument("--reference", type=Path, action="append", default=[],
                     help="an office-holder CSV to add to the shipped table, its words in FILE.toml beside it (README); repeatable")
    run.add_argument("--mode", choices=["json_schema", "tools", "json"], default="json_schema",
                     help="instructor mode: json_schema (structured outputs; the schema becomes a grammar, not prompt text), tools, json")
    run.add_argument("--cache-dir", type=Path, default=None, help=f"model and cache folder (default {default_cache_dir()})")
    run.add_argument("--db", type=_database_arg, metavar="FILE|URL",
                     help="SQLite file for the cache, runs and claims, or a postgresql:// URL")
    run.add_argument("--no-cache", action="store_true", help="ask the model again even when an answer is cached")
    run.add_argument("--retry-failed", action="store_true", help="ask again for sentences whose cached answer failed")
    run.add_argument("--concurrency", type=int, default=4, help="parallel requests to a remote endpoint")
    run.add_argument("--slots", type=int, default=4,
                     help="requests the embedded server decodes together (one batch; the client sends that many at once)")
    run.add_argument("--threads", type=int,
                     help="llama.cpp threads for the embedded server (default: one per core idle when it starts)")
    run.add_argument("--select", choices=["classifier", "model", "rules"], default="classifier",
                     help="who picks the check-worthy sentences the model then extracts: the trained classifier "
                     "(default; no model call), the model (one call per sentence), or the rules (numbers, dates, "
                     "titles, attributions). Numbers and titled people the rules find are checked whatever the pick")
    run.add_argument("--judge-pairs", choices=["flagged", "all"], default="flagged",
                     help="which claim pairs across articles the model judges: 'flagged' (default), those behind a "
                     "rule conflict, to settle whether they are about the same fact; 'all', every pair that shares a "
                     "name, entity or kind of count, raising contradictions it finds in words (for a larger model: "
                     "the embedded 1.5B model called almost every pair of the seeds a contradiction)")
    run.add_argument("--judge-confidence", type=_probability, metavar="P",
                     help="let the model's pair judgment dismiss a rule conflict, raise a new one or corroborate a "
                     "claim when its confidence (both orders averaged) is at least P; set it where the model's "
                     "precision was measured at 0.9 or more (default: never; its judgments are notes)")
    run.add_argument("--server-binary", type=Path, help="a llama-server executable instead of the packaged one")
    run.add_argument("--max-reasks", type=int, default=2, help="re-asks after an answer fails validation")
    run.add_argument("--timeout", type=_seconds, default=300.0, metavar="SECONDS",
                     help="the longest one model request may take (default 300); all the requests for one sentence, "
                     "re-asks and retries included, stop after (max-reasks + 1) x SECONDS")
    run.add_argument("--quiet", action="store_true",
                     help="no progress or summary on stderr (progress is a bar on a terminal, else a line every 10 s)")
    run.add_argument("--decisions", type=Path, help="import reviewers' decisions from this JSON file before the run")
    run.add_argument("--archive", type=Path, metavar="FILE",
                     help="search this archive (built with `factcheck index`) for evidence on every claim: each "
                     "claim is supported, contradicted, related or has no evidence found, with the passage")
    run.add_argument("--archive-days", type=_days, default=None, metavar="DAYS",
                     help="only archive documents dated within DAYS of the article's date (undated ones always); "
                     "default: any date")
    grow.add_argument("--engine", choices=["local", "ray"], default="local",
                      help="read the new articles in this process (default) or as Ray tasks: a local Ray instance, "
                      "or the cluster at --ray-address (pip install 'factcheck[scale]')")
    grow.add_argument("--ray-address", metavar="ADDRESS", help="a Ray cluster to run the tasks on (default: local)")
    grow.add_argument("--batch", type=_count, default=20, metavar="N",
                      help="articles one task reads and stores together (default 20)")
    grow.add_argument("--chunk", type=_count, default=1000, metavar="N",
                      help="new articles checked against the corpus together; bounds memory (default 1000)")
    index = commands.add_parser(
        "index", help="index a folder of trusted documents (an archive) for `run --archive`",
        description="Read a folder of trusted documents (.txt, .md, .json, .jsonl dumps: one record per line, with "
        "a text field and optionally title and date), split them into passages and keep them in a full-text index. "
        "A second run reads only new and changed files and drops the files gone from the folder.")
    index.add_argument("folder", type=Path, help="folder of documents (or one file)")
    index.add_argument("--archive", type=Path, metavar="FILE",
                       help=f"the archive's SQLite file (default {default_cache_dir() / 'archive.sqlite'})")
    index.add_argument("--quiet", action="store_true", help="no progress or summary on stderr")
    _review_commands(commands)
    return parser


def _review_commands(commands) -> None:
    db_help = (f"SQLite file the runs were stored in (default {default_cache_dir() / 'factcheck.sqlite'}), "
               "or a postgresql:// URL")
    review = commands.add_parser("review", help="open the local review page over the stored runs",
                                 description="Serve a page on this machine where reviewers confirm, dismiss or "
                                 "annotate the flags of the latest run. Decisions are stored in the database.")
    review.add_argument("--db", type=_database_arg, metavar="FILE|URL", help=db_help)
    review.add_argument("--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)")
    review.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    shared = commands.add_parser("decisions", help="export or import reviewers' decisions as a JSON file",
                                 description="Share reviewers' decisions: export every stored decision to a JSON "
                                 "file, or import one (for each flag the most recently changed decision is kept).")
    shared.add_argument("action", choices=["export", "import"])
    shared.add_argument("file", type=Path)
    shared.add_argument("--db", type=_database_arg, metavar="FILE|URL", help=db_help)
    export = commands.add_parser("export", help="export confirmed findings as schema.org ClaimReview JSON-LD",
                                 description="Write one ClaimReview per confirmed flag, and per claim judged "
                                 "contradicted, of the latest run (or --run N), as JSON-LD.")
    export.add_argument("--format", choices=["claimreview"], default="claimreview")
    export.add_argument("--db", type=_database_arg, metavar="FILE|URL", help=db_help)
    export.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    export.add_argument("--author", help="organisation publishing the fact checks (default: $FACTCHECK_AUTHOR)")
    export.add_argument("--url", help="page the fact checks are published on (default: $FACTCHECK_URL)")
    export.add_argument("--run", type=int, help="the run to export (default: the latest finished run)")


def settings_from(args: argparse.Namespace) -> Settings:
    urls = args.base_url or [u for u in [os.environ.get("OPENAI_BASE_URL")] if u]
    base_url = urls[0] if urls else None
    if len(urls) > 1 and getattr(args, "engine", "local") != "ray":
        raise InputError("several --base-url need `factcheck add --engine ray`, which shares the calls between them")
    values = dict(
        base_url=base_url,
        base_urls=urls,
        api_key=os.environ.get("OPENAI_API_KEY") if base_url else None,
        model=args.model or os.environ.get("OPENAI_MODEL"),
        model_path=args.model_path,
        server_binary=args.server_binary,
        judge_pairs=args.judge_pairs,
        judge_confidence=args.judge_confidence,
        select=args.select,
        mode=args.mode,
        extractor=args.extractor,
        reference_files=args.reference,
        db_path=args.db,
        use_cache=not args.no_cache,
        retry_failed=args.retry_failed,
        concurrency=args.concurrency,
        slots=args.slots,
        threads=args.threads,
        max_reasks=args.max_reasks,
        timeout=args.timeout,
        progress="off" if args.quiet else "bar" if sys.stderr.isatty() else "lines",
        decisions_file=args.decisions,
        archive=args.archive,
        archive_days=args.archive_days,
    )
    if args.cache_dir:
        values["cache_dir"] = args.cache_dir
    if args.command == "add":
        values.update(engine=args.engine, ray_address=args.ray_address, batch=args.batch, chunk=args.chunk)
    return Settings(**values)


def _database(args: argparse.Namespace) -> Path | str:
    return args.db or Settings().database


def _database_arg(text: str) -> Path | str:
    """--db: a PostgreSQL URL as it is, anything else an SQLite file."""
    return text if is_database_url(text) else Path(text)


def review_command(args: argparse.Namespace) -> int:
    from .review.server import serve

    serve(_database(args), args.host, args.port, announce=lambda url: print(f"Review page: {url} (Ctrl-C to stop)",
                                                                            file=sys.stderr, flush=True))
    return 0


def decisions_command(args: argparse.Namespace) -> int:
    from . import decisions
    from .store import Store

    store = Store.existing(_database(args))
    try:
        if args.action == "export":
            count = decisions.write_file(args.file, store)
            print(f"{count} decisions written to {args.file}", file=sys.stderr)
        else:
            taken, kept = decisions.merge(store, decisions.read_file(args.file))
            print(f"{taken} decisions imported; {kept} left as they were (the stored one is as new or newer)",
                  file=sys.stderr)
    finally:
        store.close()
    return 0


def export_command(args: argparse.Namespace) -> int:
    from .export import ExportOptions, write_claim_reviews
    from .store import Store

    author = args.author or os.environ.get("FACTCHECK_AUTHOR")
    url = args.url or os.environ.get("FACTCHECK_URL")
    if not author or not url:
        raise InputError("ClaimReview needs a publisher and a page: pass --author NAME and --url URL "
                         "(or set FACTCHECK_AUTHOR and FACTCHECK_URL)")
    store = Store.existing(_database(args))
    try:
        text, count = write_claim_reviews(store, ExportOptions(author=author, url=url, run_id=args.run))
    finally:
        store.close()
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    print(f"{count} ClaimReview objects", file=sys.stderr)
    return 0


def index_command(args: argparse.Namespace) -> int:
    from .archive import Archive
    from .progress import Progress

    path = args.archive or default_archive()
    style = "off" if args.quiet else "bar" if sys.stderr.isatty() else "lines"
    with Archive(path) as archive:
        stats = archive.index(args.folder, lambda total: Progress(total, style, what="indexing", unit="files",
                                                                  show_cached=False))
        documents = archive.documents()
    if not args.quiet:
        for skipped in stats.skipped[:20]:
            print(f"skipped {skipped.path}: {skipped.reason}", file=sys.stderr)
        if len(stats.skipped) > 20:
            print(f"... and {len(stats.skipped) - 20} more skipped", file=sys.stderr)
        print(f"{path}: {stats.files_indexed} files read, {stats.files_unchanged} unchanged, {stats.files_removed} "
              f"removed, {len(stats.skipped)} skipped; {stats.passages_added} passages added; {stats.passages} "
              f"passages from {documents} files in all; {stats.seconds:.1f} s", file=sys.stderr)
    return 0


def default_archive() -> Path:
    return default_cache_dir() / "archive.sqlite"


OTHER_COMMANDS = {"review": review_command, "decisions": decisions_command, "export": export_command,
                  "index": index_command}


class _Both:
    """Adds every option to several parsers at once."""

    def __init__(self, *parsers: argparse.ArgumentParser):
        self.parsers = parsers

    def add_argument(self, *args, **kwargs) -> None:
        for parser in self.parsers:
            parser.add_argument(*args, **kwargs)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number, 1 or more, not {text}")
    return value


def _seconds(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, not {text}")
    return value


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of days, 0 or more, not {text}")
    return value


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a probability from 0 to 1, not {text}")
    return value


def _terminate(signum, frame) -> None:
    raise Interrupted(signum)  # unwinds like Ctrl-C, so the embedded server is stopped


def check_output(path: Path) -> None:
    """Fail before any work when the report could not be written there."""
    if path.is_dir():
        raise InputError(f"cannot write the report to {path}: it is a folder")
    if not path.parent.is_dir():
        raise InputError(f"cannot write the report to {path}: no such folder {path.parent}")


def run_command(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.output:
        check_output(args.output)
    result = pipeline.run(args.folder, settings)
    text = report.to_json(result) if args.format == "json" else report.to_markdown(result)
    if args.output:
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the report to {args.output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)
    if not args.quiet:
        print(report.usage_line(result), file=sys.stderr)
        if result.usage.failed:
            print(f"{result.usage.failed} sentences got no answer (the requests failed; see 'Not extracted'); "
                  "a rerun asks again for them", file=sys.stderr)
    return 0


def add_command(args: argparse.Namespace) -> int:
    from .corpus import add

    settings = settings_from(args)
    if args.output:
        check_output(args.output)
    added = add(args.folder, settings)
    if added.report is None:
        text = (f"# factcheck: nothing new\n\nAll {added.seen} articles of `{args.folder}` are already in the corpus "
                f"({added.corpus} articles), unchanged: nothing was read again and no model was asked.\n")
        text = json.dumps({"new": 0, "seen": added.seen, "corpus": added.corpus}) + "\n" if args.format == "json" else text
    else:
        text = report.to_json(added.report) if args.format == "json" else report.to_markdown(added.report)
    _write(text, args.output)
    if not args.quiet:
        flags = len(added.report.flags) if added.report is not None else 0
        print(f"{added.new} new articles, {added.seen} already stored, {len(added.failed)} not read; "
              f"{added.pairs} pairs judged, {flags} flags; checked with {added.neighbours} stored neighbours; "
              f"the corpus holds {added.corpus} articles", file=sys.stderr)
        if added.report is not None:
            print(report.usage_line(added.report), file=sys.stderr)
    return 0 if added.report is None or added.new else 1


def _write(text: str, output: Path | None) -> None:
    if output:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the report to {output}: {exc.strerror or exc}") from None
    else:
        sys.stdout.write(text)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, _terminate)
    secrets = (os.environ.get("OPENAI_API_KEY"),)
    try:
        if args.command == "add":
            return add_command(args)
        if args.command != "run":
            return OTHER_COMMANDS[args.command](args)
        return run_command(args)
    except FactcheckError as exc:
        print(f"Error: {redact(str(exc), secrets)}", file=sys.stderr)
        return 1
    except (OSError, UnicodeError, csv.Error, *DATABASE_ERRORS) as exc:  # bad input the stages did not name
        print(f"Error: {one_line(exc, secrets)}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, Interrupted) as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        if args.command in ("run", "add"):
            print(f"Error: interrupted ({signal.Signals(signum).name}); the answers received so far are cached "
                  "and a rerun resumes from them", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
