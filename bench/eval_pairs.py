"""Conflict detection on claim/evidence pairs (VitaminC, PropSegmEnt): P/R/F1 by phenomenon.

Each pair is run as two small articles of the same date through the whole pipeline: the claim
(for PropSegmEnt, the sentence the claim proposition comes from) and the evidence (the sentence
that supports or contradicts it, else the whole passage). A pair is predicted to conflict when a
raised cross-article flag that says the two cannot both hold (`figure`, `date`, `title`,
`conflict`, and `quantity` at high severity; a medium one says the hedges could reconcile them;
a note is a rule conflict the model judged to be about different facts) names both. With
`--extractor llm` the model selects, extracts and judges the pairs of claims (`conflict` flags
are its contradictions in words). `--judge-only` scores the model's pair judgment alone: one
call per pair, the claim (its proposition, for PropSegmEnt, with its sentence) against the
evidence, "contradict" predicting a conflict (`--evidence-first`: the evidence as A, the claim as B,
to see how much the order of the two texts sways the model). Positive = REFUTES (VitaminC) or contradicts
(PropSegmEnt); NOT_ENOUGH_INFO counts as negative. Scores are given for all pairs and per
phenomenon tag (number, date, title_role); a pair can carry several tags. The 12 cross-language
PropSegmEnt contradictions (all gold "contradicts" or close to it) are scored as the share found.

    python bench/eval_pairs.py [--eval ../shared/eval] [--extractor rules|llm] [--judge-only [--evidence-first]]
        [--limit N [--balanced]] [--sets NAME ...] [--base-url URL --model NAME] [--concurrency 4]

`--limit N` keeps the first N items of each set; with `--balanced`, the first N/2 conflicts and
the first N/2 others. The data is not part of the project; a missing file is reported as skipped.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchlib import add_model_args, balanced, one_backend, settings_from
from eval_clusters import _prf

from factcheck import pipeline
from factcheck.models import Claim, LLMUsage, Span
from factcheck.settings import Settings

DEFAULT_EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
SETS = {
    "vitaminc": "vitaminc_numeric_date_role.jsonl",
    "propsegment_pairs": "propsegment_wiki_crossdoc_numeric.jsonl",
}
CONTRADICTIONS = "propsegment_wiki_crossdoc_contradictions.jsonl"
CONFLICT_KINDS = {"quantity", "figure", "date", "title", "conflict"}
DATE = "2020-01-01"


def texts(item: dict) -> tuple[str, str]:
    """(claim article, evidence article) for a record of any of the three sets."""
    if "hypothesis_sentence" in item:
        return item["hypothesis_sentence"], item["premise_supporting_sentence"]
    claim = item.get("claim_sentence") or item["claim"]
    return claim, item.get("evidence_supporting_sentence") or item["evidence"]


def propositions(item: dict) -> tuple[tuple[str, str], tuple[str, str]]:
    """((claim text, its sentence), (evidence text, its sentence)) for the judgment alone."""
    claim, evidence = texts(item)
    claim_text = item.get("hypothesis_proposition") or item.get("claim") or claim
    evidence_text = item.get("premise_supporting_proposition") or evidence
    return (claim_text, claim), (evidence_text, evidence)


class Scorer:
    """Predicts whether one pair conflicts, and counts what it cost."""

    def __init__(self, settings: Settings, judge_only: bool, client=None, evidence_first: bool = False):
        self.settings, self.judge_only, self.client = settings, judge_only, client
        self.evidence_first = evidence_first
        self.usage, self._lock = LLMUsage(), threading.Lock()
        self.graded: list[tuple[bool, list[dict] | None]] = []  # judge-only: (truth, shares in each order)

    def _spent(self, usage: LLMUsage) -> None:
        with self._lock:
            self.usage.add(usage)

    def __call__(self, item: dict) -> tuple[bool, list[str]]:
        if self.judge_only:
            return self._judged(item)
        return self._pipeline(*texts(item))

    def _pipeline(self, claim: str, evidence: str) -> tuple[bool, list[str]]:
        with tempfile.TemporaryDirectory() as tmp:
            for name, text in (("claim", claim), ("evidence", evidence)):
                (Path(tmp) / f"{name}.md").write_text(f"---\ndate: {DATE}\n---\n{text}\n", encoding="utf-8")
            report = pipeline.run(Path(tmp), self.settings)
        self._spent(report.usage)
        hits = [f for f in report.flags if f.kind in CONFLICT_KINDS and f.severity != "note"
                and len({loc.article_id for loc in f.locations}) == 2
                and not (f.kind == "quantity" and f.severity != "high")]  # medium: hedges could reconcile them
        return bool(hits), [f.kind for f in hits]

    def _judged(self, item: dict) -> tuple[bool, list[str]]:
        from factcheck.pairing import averaged, both_orders, dated, likeliest

        (claim_text, claim), (evidence_text, evidence) = propositions(item)
        a, b = _claim("claim", claim_text, claim), _claim("evidence", evidence_text, evidence)
        shares, usage, _ = both_orders(a, b, dated(DATE), dated(DATE), self.client)  # as judge_claims asks
        self._spent(usage)
        # the shipped judgment (both orders averaged), or with --evidence-first the evidence-first order alone
        said = shares is not None and likeliest(shares[1] if self.evidence_first else averaged(shares)) == "contradict"
        with self._lock:
            self.graded.append((bool(item["contradiction"]), shares))
        return said, ["conflict"] if said else []


def _claim(article_id: str, text: str, sentence: str) -> Claim:
    return Claim(id=article_id, article_id=article_id, sentence_index=0, line=1, subject="", predicate="",
                 quote=sentence, span=Span(start=0, end=len(sentence)), claim_text=text)


def evaluate(items: list[dict], settings: Settings, scorer: Scorer | None = None) -> dict:
    scorer = scorer or Scorer(settings, judge_only=False)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    kinds: dict[str, int] = defaultdict(int)
    for item, (said, hit_kinds) in zip(items, _map(scorer, items, settings)):
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


def found_share(items: list[dict], settings: Settings, scorer: Scorer | None = None) -> dict:
    scorer = scorer or Scorer(settings, judge_only=False)
    found = sum(said for said, _ in _map(scorer, items, settings))
    return {"contradictions": len(items), "found": found, "share": round(found / len(items), 3) if items else 0.0}


def _map(scorer: Scorer, items: list[dict], settings: Settings) -> list:
    """Pairs judged alone go `concurrency` at a time; whole pipeline runs one after another (each
    run already sends its own requests concurrently)."""
    if not scorer.judge_only:
        return [scorer(item) for item in items]
    with ThreadPoolExecutor(max_workers=max(1, settings.concurrency)) as pool:
        return list(pool.map(scorer, items))


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _subset(rows: list[dict], limit: int | None, even: bool) -> list[dict]:
    if even:
        return balanced(rows, limit, lambda row: bool(row.get("contradiction", True)))
    return rows[:limit]


def run_all(folder: Path, settings: Settings, limit: int | None = None, sets: list[str] | None = None,
            even: bool = False, scorer: Scorer | None = None) -> dict:
    scorer = scorer or Scorer(settings, judge_only=False)
    results: dict[str, dict] = {}
    for name, file in SETS.items():
        path = folder / file
        if sets is None or name in sets:
            results[name] = (evaluate(_subset(_rows(path), limit, even), settings, scorer) if path.is_file()
                             else {"skipped": str(path)})
    path = folder / CONTRADICTIONS
    if sets is None or "propsegment_contradictions" in sets:
        results["propsegment_contradictions"] = (found_share(_rows(path)[:limit], settings, scorer)
                                                 if path.is_file() else {"skipped": str(path)})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=DEFAULT_EVAL)
    parser.add_argument("--limit", type=int, help="only the first N items of each set")
    parser.add_argument("--balanced", action="store_true", help="with --limit: half conflicts, half others")
    parser.add_argument("--sets", nargs="+", choices=[*SETS, "propsegment_contradictions"], help="default: all")
    parser.add_argument("--judge-only", action="store_true",
                        help="score the model's pair judgment alone: one call per pair (needs --extractor llm)")
    parser.add_argument("--evidence-first", action="store_true", help="with --judge-only: the evidence as A")
    add_model_args(parser)
    args = parser.parse_args()
    if args.judge_only and args.extractor != "llm":
        parser.error("--judge-only needs --extractor llm")
    started = time.perf_counter()
    with one_backend(settings_from(args)) as settings:
        if args.judge_only:
            results = _judged(args, settings)
        else:
            scorer = Scorer(settings, judge_only=False)
            results = run_all(args.eval, settings, args.limit, args.sets, args.balanced, scorer)
            results["usage"] = scorer.usage.model_dump(exclude={"seconds"})
    results["seconds"] = round(time.perf_counter() - started, 1)
    results["extractor"] = args.extractor + (" (pair judgment alone%s)" % (", evidence first" * args.evidence_first)
                                             if args.judge_only else "")
    print(json.dumps(results, indent=2))
    return 0


def _judged(args, settings: Settings) -> dict:
    from factcheck.llm.client import LLMClient
    from factcheck.store import Store

    store = Store(settings.database)
    try:
        client = LLMClient(settings, settings.base_url, settings.model, store)
        scorer = Scorer(settings, judge_only=True, client=client, evidence_first=args.evidence_first)
        results = run_all(args.eval, settings, args.limit, args.sets, args.balanced, scorer)
    finally:
        store.close()
    results["usage"] = scorer.usage.model_dump(exclude={"seconds"})
    results["orders_and_confidence"] = graded_scores(scorer.graded)
    return results


def graded_scores(graded: list[tuple[bool, list[dict] | None]]) -> dict:
    """Over every judged pair (all sets together): REFUTES P/R/F1 of each order alone and of the
    two-order mean (the shipped judgment); how far the orders differ; and the confidence at which
    "contradict" and "different facts" reach a precision of 0.9, chosen on the even rows and
    measured on the odd rows (held out)."""
    from factcheck.pairing import averaged
    from factcheck.pairing import likeliest as argmax

    rows = [(truth, shares) for truth, shares in graded if shares is not None]
    truth = [t for t, _ in rows]
    mean = [averaged(s) for _, s in rows]
    orders = {name: _scores([argmax(s[i]) == "contradict" for _, s in rows], truth)
              for i, name in ((0, "claim_first"), (1, "evidence_first"))}
    combined = _scores([argmax(m) == "contradict" for m in mean], truth)
    said_by_order = [[argmax(s[i]) for _, s in rows] for i in (0, 1)]
    result = {"pairs": len(rows), "unanswered": len(graded) - len(rows), **orders, "both_orders_mean": combined,
              "mean_f1_of_the_orders": round((orders["claim_first"]["f1"] + orders["evidence_first"]["f1"]) / 2, 3),
              "recall_difference_between_orders": round(abs(orders["claim_first"]["recall"]
                                                            - orders["evidence_first"]["recall"]), 3),
              "relation_differs_between_orders": round(sum(x != y for x, y in zip(*said_by_order)) / max(1, len(rows)), 3)}
    for relation, positive in (("contradict", True), ("different facts", False)):
        result[f"confidence_for_precision_0.9_{relation.replace(' ', '_')}"] = _held_out(
            [m[relation] for m in mean], [t == positive for t in truth])
    return result


def _scores(said: list[bool], truth: list[bool]) -> dict:
    tp = sum(s and t for s, t in zip(said, truth))
    fp = sum(s and not t for s, t in zip(said, truth))
    fn = sum(t and not s for s, t in zip(said, truth))
    return _prf(tp, fp, fn)


def _held_out(scores: list[float], truth: list[bool]) -> dict:
    """The lowest confidence whose precision on the even rows is at least 0.9 (with at least 5
    pairs above it), and what it gives on the odd rows."""
    even = [(s, t) for i, (s, t) in enumerate(zip(scores, truth)) if i % 2 == 0]
    odd = [(s, t) for i, (s, t) in enumerate(zip(scores, truth)) if i % 2 == 1]
    chosen = None
    for threshold in sorted({round(s, 3) for s, _ in even}):
        above = [t for s, t in even if s >= threshold]
        if len(above) >= 5 and sum(above) / len(above) >= 0.9:
            chosen = threshold
            break
    if chosen is None:
        return {"threshold": None, "note": "no confidence reaches precision 0.9 on the even rows"}
    return {"threshold": chosen, "held_out_odd_rows": _scores([s >= chosen for s, _ in odd], [t for _, t in odd])}


if __name__ == "__main__":
    sys.exit(main())
