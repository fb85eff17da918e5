"""Casualty-count conflicts on the FA-KES news clusters: pair-level P/R/F1 and false alarms.

Each cluster is written to a temporary folder of articles (with the cluster's event date as
each article's date) and run through the whole pipeline. A predicted conflict is a raised
`quantity` flag between two articles on a kind of count that maps to a gold field, or (with the
model) a `conflict` flag between two counts of such a kind; a hit names the same two articles
and the same field. With `--extractor llm` the model selects, extracts and judges the pairs: a
rule conflict it judges to be about different facts is a note, not a prediction.

    python bench/eval_clusters.py [--data ../shared/eval/news_clusters_dev.jsonl] [--extractor rules|llm]
        [--limit N [--balanced]] [--base-url URL --model NAME] [--concurrency 4]

`--limit N` keeps the first N clusters; with `--balanced`, the first N/2 with a conflict and the
first N/2 without.

The data is not part of the project (no redistribution licence); the script exits cleanly when
it is absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

from benchlib import add_model_args, balanced, one_backend, settings_from

from factcheck import pipeline
from factcheck.models import LLMUsage
from factcheck.resolve import kind_of
from factcheck.settings import Settings

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "news_clusters_dev.jsonl"
FIELDS = {  # 'killed' with no victim named ("Seven killed") is read as people, as the annotators did
    "killed": "nb_civilians",
    "killed: civilians": "nb_civilians",
    "killed: fighters": "nb_noncivilians",
    "killed: troops": "nb_noncivilians",
    "killed: children": "nb_children",
    "killed: women": "nb_women",
}


def write_cluster(cluster: dict, folder: Path) -> None:
    day = dt.datetime.strptime(cluster["event_key"]["date"], "%m/%d/%y").date().isoformat()
    for article in cluster["articles"]:
        title = article["title"].replace('"', "'")
        front = f'---\ntitle: "{title}"\noutlet: {article["source"]}\ndate: {day}\n---\n'
        (folder / f"{article['unit_id']}.md").write_text(front + article["text"], encoding="utf-8")


def predicted_pairs(report) -> set[tuple[str, str, str]]:
    pairs = set()
    claims = {c.id: c for c in report.claims}
    for flag in report.flags:
        if flag.severity == "note" or len({loc.article_id for loc in flag.locations}) != 2:
            continue
        if flag.kind == "quantity":
            field = FIELDS.get(flag.reason.split("count ", 1)[1].split(" for the same event", 1)[0])
        elif flag.kind == "conflict":
            field = _count_field([claims[i] for i in flag.claims if i in claims])
        else:
            continue
        if field:
            a, b = sorted(loc.article_id.removesuffix(".md") for loc in flag.locations)
            pairs.add((a, b, field))
    return pairs


def _count_field(claims) -> str | None:
    """The gold field of a conflict between two counts: the kind of count of the first one that
    has a field (a conflict between two statements has none)."""
    for claim in claims:
        if claim.number is None:
            continue
        start, end = claim.number.span.start - claim.span.start, claim.number.span.end - claim.span.start
        before, after = claim.quote[:start], claim.quote[end:]
        field = FIELDS.get(kind_of(claim.number.unit, " ".join(before.split()[-4:]), " ".join(after.split()[:12])))
        if field:
            return field
    return None


def gold_pairs(cluster: dict) -> set[tuple[str, str, str]]:
    return {(*sorted((c["a"], c["b"])), c["field"]) for c in cluster["gold_numeric_conflicts"]}


def evaluate(clusters: list[dict], settings: Settings, usage: LLMUsage | None = None) -> dict:
    tp = fp = fn = 0
    false_alarms = conflict_free = not_extracted = 0
    cluster_tp = cluster_fp = cluster_fn = 0
    for cluster in clusters:
        with tempfile.TemporaryDirectory() as tmp:
            write_cluster(cluster, Path(tmp))
            report = pipeline.run(Path(tmp), settings)
        if usage is not None:
            usage.add(report.usage)
        predicted, gold = predicted_pairs(report), gold_pairs(cluster)
        not_extracted += len(report.not_extracted)
        tp, fp, fn = tp + len(predicted & gold), fp + len(predicted - gold), fn + len(gold - predicted)
        said, truth = bool(predicted), bool(cluster["has_numeric_conflict"])
        cluster_tp += said and truth
        cluster_fp += said and not truth
        cluster_fn += truth and not said
        if not truth:
            conflict_free += 1
            false_alarms += said
    return {
        "clusters": len(clusters),
        "pair": _prf(tp, fp, fn),
        "cluster": _prf(cluster_tp, cluster_fp, cluster_fn),
        "false_alarms": f"{false_alarms}/{conflict_free}",
        "sentences_not_extracted": not_extracted,
    }


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, help="only the first N clusters")
    parser.add_argument("--balanced", action="store_true", help="with --limit: half with a conflict, half without")
    add_model_args(parser)
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"skipped: {args.data} not found")
        return 0
    clusters = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.balanced:
        clusters = balanced(clusters, args.limit, lambda cluster: bool(cluster["has_numeric_conflict"]))
    else:
        clusters = clusters[: args.limit] if args.limit else clusters
    started = time.perf_counter()
    usage = LLMUsage()
    with one_backend(settings_from(args)) as settings:
        result = evaluate(clusters, settings, usage)
    if args.extractor == "llm":
        result["usage"] = usage.model_dump(exclude={"seconds"})
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["extractor"] = args.extractor
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
