"""What the evaluation scripts share: the model options, one model backend for a whole evaluation,
and fixed subsets of a data set.

`--base-url URL --model NAME` points at any OpenAI-compatible endpoint (the key is read from
`OPENAI_API_KEY`); without them the embedded model is started once for the whole evaluation.
Answers are cached (`--db`), so a rerun costs no model call.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from factcheck.settings import Settings


def add_model_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--extractor", choices=["rules", "llm"], default="rules")
    parser.add_argument("--base-url", help="OpenAI-compatible endpoint (default: the embedded model)")
    parser.add_argument("--model", help="model name at the endpoint")
    parser.add_argument("--concurrency", type=int, default=4, help="requests in flight at once")
    parser.add_argument("--db", type=Path, help="SQLite answer cache (default: the user cache)")


def settings_from(args: argparse.Namespace) -> Settings:
    values = dict(extractor=args.extractor, progress=False, concurrency=args.concurrency)
    if args.base_url:
        values |= dict(base_url=args.base_url, model=args.model or "gpt-4o-mini",
                       api_key=os.environ.get("OPENAI_API_KEY"))
    if args.db:
        values["db_path"] = args.db
    return Settings(**values)


@contextlib.contextmanager
def one_backend(settings: Settings) -> Iterator[Settings]:
    """Settings whose endpoint serves the whole evaluation: the embedded server is started once,
    not once per item (only when the model is used)."""
    if settings.extractor != "llm" or not settings.embedded:
        yield settings
        return
    from factcheck.llm.local import embedded_server

    with embedded_server(settings) as (base_url, model):
        yield settings.model_copy(update={"base_url": base_url, "model": model})


def balanced(rows: list[dict], limit: int | None, label) -> list[dict]:
    """A fixed subset of at most `limit` rows with the labels in equal shares: the first rows of
    each label, in file order. `label` maps a row to its label."""
    if not limit or limit >= len(rows):
        return rows
    labels = sorted({label(r) for r in rows})
    share = -(-limit // len(labels))
    kept, taken = [], dict.fromkeys(labels, 0)
    for row in rows:
        if taken[label(row)] < share:
            taken[label(row)] += 1
            kept.append(row)
    return kept[:limit]
