"""The accuracy table in one command: every evaluation set that is present, as Markdown rows.

    python bench/evaluate.py [--eval ../shared/eval]

Runs the rules-based scorers (no model): casualty-count conflicts on the news clusters and
candidate selection on ClaimBuster. A set whose file is absent is reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import eval_claimbuster
import eval_clusters

from factcheck.settings import Settings

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    args = parser.parse_args()
    table = ["| task | data | P | R | F1 | other |", "|---|---|---:|---:|---:|---|"]
    clusters = args.eval / "news_clusters_dev.jsonl"
    if clusters.is_file():
        result = eval_clusters.evaluate(_rows(clusters), Settings(extractor="rules", progress=False))
        pair, cluster = result["pair"], result["cluster"]
        table.append(f"| casualty conflicts, pair level | FA-KES, {result['clusters']} clusters | {pair['precision']} "
                     f"| {pair['recall']} | {pair['f1']} | false alarms {result['false_alarms']} conflict-free clusters |")
        table.append(f"| casualty conflicts, cluster level | same | {cluster['precision']} | {cluster['recall']} "
                     f"| {cluster['f1']} | |")
    else:
        table.append(f"| casualty conflicts | skipped: {clusters} not found | | | | |")
    claimbuster = args.eval / "claimbuster_checkworthiness.jsonl"
    if claimbuster.is_file():
        result = eval_claimbuster.evaluate(_rows(claimbuster))
        shares = ", ".join(f"{k} {v:.0%}" for k, v in result["selected_share_by_label"].items())
        table.append(f"| candidate selection (CFS positive) | ClaimBuster, {result['sentences']} sentences "
                     f"| {result['precision']} | {result['recall']} | {result['f1']} | selected: {shares} |")
    else:
        table.append(f"| candidate selection | skipped: {claimbuster} not found | | | | |")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
