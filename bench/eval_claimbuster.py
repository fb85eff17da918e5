"""Candidate selection on ClaimBuster debate sentences: binary F1 with check-worthy (CFS) positive.

The selector is the rule stage (`candidates.inspect`): a sentence is selected when it has a number,
a date, a titled person or a named attribution. Also prints the selection rate per label.

    python bench/eval_claimbuster.py [--data ../shared/eval/claimbuster_checkworthiness.jsonl]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from factcheck.candidates import inspect
from factcheck.models import Sentence

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "claimbuster_checkworthiness.jsonl"


def selected(text: str) -> bool:
    sentence = Sentence(article_id="x", index=0, start=0, end=len(text), line=1, text=text)
    return bool(inspect(sentence).reasons)


def evaluate(rows: list[dict]) -> dict:
    tp = fp = fn = 0
    chosen, seen = Counter(), Counter()
    for row in rows:
        said, truth = selected(row["sentence"]), row["label"] == "CFS"
        tp, fp, fn = tp + (said and truth), fp + (said and not truth), fn + (truth and not said)
        seen[row["label"]] += 1
        chosen[row["label"]] += said
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "sentences": len(rows),
        "precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3),
        "selected_share_by_label": {k: round(chosen[k] / seen[k], 3) for k in sorted(seen)},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"skipped: {args.data} not found")
        return 0
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    print(json.dumps(evaluate(rows), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
