"""Conflict detection on claim/evidence pairs (VitaminC, PropSegmEnt): P/R/F1 by phenomenon.

Each pair is run as two small articles of the same date through the whole pipeline: the claim
(for PropSegmEnt, the sentence the claim proposition comes from) and the evidence (the sentence
that supports or contradicts it, else the whole passage). A pair is predicted to conflict when a
cross-article flag that says the two cannot both hold (`figure`, `date`, `title`, and
`quantity` at high severity; a medium one says the hedges could reconcile them) names both. Positive = REFUTES
(VitaminC) or contradicts (PropSegmEnt); NOT_ENOUGH_INFO counts as negative. Scores are given
for all pairs and per phenomenon tag (number, date, title_role); a pair can carry several tags.
The 12 cross-language PropSegmEnt contradictions (all gold "contradicts" or close to it) are
scored as the share found.

    python bench/eval_pairs.py [--eval ../shared/eval] [--extractor rules|llm] [--limit N] [--sets NAME ...]

The data is not part of the project; a missing file is reported as skipped.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from eval_clusters import _prf

from factcheck import pipeline
from factcheck.settings import Settings

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = {
    "vitaminc": "vitaminc_numeric_date_role.jsonl",
    "propsegment_pairs": "propsegment_wiki_crossdoc_numeric.jsonl",
}
CONTRADICTIONS = "propsegment_wiki_crossdoc_contradictions.jsonl"
CONFLICT_KINDS = {"quantity", "figure", "date", "title"}
DATE = "2020-01-01"


def texts(item: dict) -> tuple[str, str]:
    """(claim article, evidence article) for a record of any of the three sets."""
    if "hypothesis_sentence" in item:
        return item["hypothesis_sentence"], item["premise_supporting_sentence"]
    claim = item.get("claim_sentence") or item["claim"]
    return claim, item.get("evidence_supporting_sentence") or item["evidence"]


def predicts_conflict(claim: str, evidence: str, settings: Settings) -> tuple[bool, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("claim", claim), ("evidence", evidence)):
            (Path(tmp) / f"{name}.md").write_text(f"---\ndate: {DATE}\n---\n{text}\n", encoding="utf-8")
        report = pipeline.run(Path(tmp), settings)
    hits = [f for f in report.flags if f.kind in CONFLICT_KINDS and len({loc.article_id for loc in f.locations}) == 2
            and not (f.kind == "quantity" and f.severity != "high")]  # medium: hedges could reconcile them
    return bool(hits), [f.kind for f in hits]


def evaluate(items: list[dict], settings: Settings) -> dict:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    kinds: dict[str, int] = defaultdict(int)
    for item in items:
        said, hit_kinds = predicts_conflict(*texts(item), settings)
        truth = bool(item["contradiction"])
        for kind in hit_kinds:
            kinds[kind] += 1
        for group in ["all", *item["phenomena"]]:
            tp_fp_fn = counts[group]
            tp_fp_fn[0] += said and truth
            tp_fp_fn[1] += said and not truth
            tp_fp_fn[2] += truth and not said
    return {"pairs": len(items), **{group: _prf(*c) for group, c in sorted(counts.items())},
            "flag_kinds": dict(kinds)}


def found_share(items: list[dict], settings: Settings) -> dict:
    found = sum(predicts_conflict(*texts(item), settings)[0] for item in items)
    return {"contradictions": len(items), "found": found, "share": round(found / len(items), 3) if items else 0.0}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_all(folder: Path, settings: Settings, limit: int | None = None, sets: list[str] | None = None) -> dict:
    results: dict[str, dict] = {}
    for name, file in SETS.items():
        path = folder / file
        if sets is None or name in sets:
            results[name] = evaluate(_rows(path)[:limit], settings) if path.is_file() else {"skipped": str(path)}
    path = folder / CONTRADICTIONS
    if sets is None or "propsegment_contradictions" in sets:
        results["propsegment_contradictions"] = (found_share(_rows(path)[:limit], settings) if path.is_file()
                                                 else {"skipped": str(path)})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--extractor", choices=["rules", "llm"], default="rules")
    parser.add_argument("--limit", type=int, help="only the first N items of each set")
    parser.add_argument("--sets", nargs="+", choices=[*SETS, "propsegment_contradictions"], help="default: all")
    args = parser.parse_args()
    started = time.perf_counter()
    settings = Settings(extractor=args.extractor, progress=False)
    with contextlib.ExitStack() as stack:
        if args.extractor == "llm" and settings.embedded:  # one server for all pairs, not one per pair
            from factcheck.llm.local import embedded_server

            base_url, model = stack.enter_context(embedded_server(settings))
            settings = settings.model_copy(update={"base_url": base_url, "model": model})
        results = run_all(args.eval, settings, args.limit, args.sets)
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["extractor"] = args.extractor
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
