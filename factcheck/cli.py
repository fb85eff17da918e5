"""Command line: options -> settings -> pipeline.run() -> write the report.

Environment variables are read here and nowhere else.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import pipeline, report
from .errors import FactcheckError
from .settings import Settings, default_cache_dir


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="factcheck", description="Find the claims in news articles that a reviewer must check.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="extract the check-worthy claims of a folder of articles and write a report",
        description="Extract the check-worthy claims of a folder of articles (.txt, .md, .json, .jsonl) "
        "and write a Markdown (or JSON) report. With no endpoint configured, an embedded local model is used.",
    )
    run.add_argument("folder", type=Path, help="folder of articles (or one article file)")
    run.add_argument("-o", "--output", type=Path, help="write the report here instead of standard output")
    run.add_argument("--format", choices=["markdown", "json"], default="markdown")
    run.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL, else the embedded model)")
    run.add_argument("--model", help="model name at the endpoint (default: $OPENAI_MODEL, else gpt-4o-mini)")
    run.add_argument("--model-path", type=Path, help="a GGUF file for the embedded server instead of the default model")
    run.add_argument("--extractor", choices=["llm", "rules"], default="llm",
                     help="'rules' makes claims from the rule-found numbers and titles alone, with no model")
    run.add_argument("--reference", type=Path, action="append", default=[],
                     help="an office-holder CSV to add to the shipped table (same columns); repeatable")
    run.add_argument("--mode", choices=["json_schema", "tools", "json"], default="json_schema",
                     help="instructor mode: json_schema (structured outputs; the schema becomes a grammar, not prompt text), tools, json")
    run.add_argument("--cache-dir", type=Path, default=None, help=f"model and cache folder (default {default_cache_dir()})")
    run.add_argument("--db", type=Path, help="SQLite file for the cache, runs and claims")
    run.add_argument("--no-cache", action="store_true", help="ask the model again even when an answer is cached")
    run.add_argument("--retry-failed", action="store_true", help="ask again for sentences whose cached answer failed")
    run.add_argument("--concurrency", type=int, default=4, help="parallel requests to a remote endpoint")
    run.add_argument("--slots", type=int, default=4,
                     help="requests the embedded server decodes together (one batch; the client sends that many at once)")
    run.add_argument("--threads", type=int, help="llama.cpp threads for the embedded server (default: one per core)")
    run.add_argument("--max-reasks", type=int, default=2, help="re-asks after an answer fails validation")
    run.add_argument("--quiet", action="store_true", help="no progress bar or summary on stderr")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    base_url = args.base_url or os.environ.get("OPENAI_BASE_URL") or None
    values = dict(
        base_url=base_url,
        api_key=os.environ.get("OPENAI_API_KEY") if base_url else None,
        model=args.model or os.environ.get("OPENAI_MODEL"),
        model_path=args.model_path,
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
        progress=not args.quiet and sys.stderr.isatty(),
    )
    if args.cache_dir:
        values["cache_dir"] = args.cache_dir
    return Settings(**values)


def _terminate(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds like Ctrl-C, so the embedded server is stopped


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        settings = settings_from(args)
        result = pipeline.run(args.folder, settings)
        text = report.to_json(result) if args.format == "json" else report.to_markdown(result)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
        if not args.quiet:
            print(report.usage_line(result), file=sys.stderr)
        return 0
    except FactcheckError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted; answers received so far are cached and a rerun resumes from them", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
