"""Claim decomposition on PropSegmEnt: proposition P/R/F1 after one-to-one alignment.

Every sentence is written as a one-sentence article; all of them go through one pipeline run
(selection, then extraction by the chosen extractor). Each claim is read as a proposition:
"subject [role] predicate object/number counts date". A predicted and a gold proposition
match when the F1 of their content words is at least `--match` (0.5); the alignment is
one-to-one, greedy from the most similar pair down. Precision = matched / predicted claims,
recall = matched / gold propositions (PropSegmEnt's reference segmentation).

    python bench/eval_decomposition.py [--eval ../shared/eval] [--extractor rules|llm] [--limit N]

With `--extractor llm` the embedded model answers (one call per selected sentence; answers are
cached, so a rerun is fast). The data is not part of the project; a missing file is skipped.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from eval_clusters import _prf

from factcheck import pipeline
from factcheck.models import Claim
from factcheck.sentences import normalize
from factcheck.settings import Settings

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "propsegment_atomic_propositions.jsonl"
STOP = set("a an the of in on at to for from by with and or as is are was were be been has have had that this "
           "it its their his her he she they who which".split())


def words(text: str) -> Counter:
    return Counter(w for w in re.findall(r"[a-z0-9]+", normalize(text)) if w not in STOP)


def similarity(a: str, b: str) -> float:
    x, y = words(a), words(b)
    common = sum((x & y).values())
    if not common:
        return 0.0
    p, r = common / sum(x.values()), common / sum(y.values())
    return 2 * p * r / (p + r)


def proposition(claim: Claim) -> str:
    parts = [claim.subject, claim.role, claim.predicate]
    if claim.number is not None:
        parts += [claim.number.text, claim.number.unit]
    else:
        parts.append(claim.object)
    parts.append(claim.date)
    return " ".join(p for p in parts if p)


def align(predicted: list[str], gold: list[str], threshold: float) -> int:
    """Matched pairs of a greedy one-to-one alignment, most similar first."""
    scored = sorted(((similarity(p, g), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)),
                    reverse=True)
    used_p, used_g, matched = set(), set(), 0
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            matched += 1
    return matched


def evaluate(items: list[dict], settings: Settings, threshold: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        for n, item in enumerate(items):
            (Path(tmp) / f"{n:04d}.txt").write_text(item["sentence"] + "\n", encoding="utf-8")
        report = pipeline.run(Path(tmp), settings)
    by_article: dict[str, list[str]] = {}
    for claim in report.claims:
        by_article.setdefault(claim.article_id, []).append(proposition(claim))
    tp = fp = fn = 0
    for n, item in enumerate(items):
        predicted, gold = by_article.get(f"{n:04d}.txt", []), item["gold_propositions"]
        matched = align(predicted, gold, threshold)
        tp, fp, fn = tp + matched, fp + len(predicted) - matched, fn + len(gold) - matched
    return {"sentences": len(items), "sentences_with_claims": len(by_article),
            "not_extracted": len(report.not_extracted), "claims": tp + fp, "gold": tp + fn,
            **_prf(tp, fp, fn), "llm_calls": report.usage.calls}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--eval", type=Path, help="folder of the evaluation sets (overrides --data's folder)")
    parser.add_argument("--extractor", choices=["rules", "llm"], default="rules")
    parser.add_argument("--limit", type=int, help="only the first N sentences")
    parser.add_argument("--match", type=float, default=0.5, help="content-word F1 for a match")
    args = parser.parse_args()
    data = args.eval / args.data.name if args.eval else args.data
    if not data.is_file():
        print(f"skipped: {data} not found")
        return 0
    items = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines() if line.strip()]
    items = items[: args.limit] if args.limit else items
    started = time.perf_counter()
    result = evaluate(items, Settings(extractor=args.extractor, progress=False), args.match)
    result |= {"seconds": round(time.perf_counter() - started, 1), "extractor": args.extractor, "match": args.match}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
