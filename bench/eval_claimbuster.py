"""Candidate selection on ClaimBuster debate sentences: binary F1 with check-worthy (CFS) positive,
and macro-F1 over the three labels (CFS check-worthy, UFS unimportant, NFS not factual).

`--select classifier` (the default) scores the trained classifier's label (`select.classify_all`,
the shipped weights of `factcheck/data/checkworthy.json.gz`, no model call; its negatives are
"not factual" or "unimportant" by the rules' marks, so macro-F1 means little for it).
`--select rules` scores the rule selection (`select.rule_label`: a statement
with an anchor, or one with no mark of opinion, intention, prediction or request); it never says
"unimportant", so its UFS F1 is 0. `--select model` (or `--extractor llm`) scores the model's label (`select.judge_all`,
one call per sentence, the rule anchors as hints), from the embedded model or from any
OpenAI-compatible endpoint with `--base-url URL --model NAME`. `--limit N` scores a fixed subset:
the first N/3 sentences of each label in file order.

`--prompt-version N` asks with `prompts/select_claims.vN.txt` instead of the current one (the
variants measured are in docs/benchmarks.md).

    python bench/eval_claimbuster.py [--data ../shared/eval/claimbuster_checkworthiness.jsonl]
        [--select classifier|rules|model] [--limit N] [--prompt-version N] [--base-url URL --model NAME]
        [--concurrency 4]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

from benchlib import add_model_args, balanced, one_backend, settings_from

from factcheck import select
from factcheck.models import Sentence
from factcheck.settings import Settings

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "claimbuster_checkworthiness.jsonl"
GOLD = {"check-worthy": "CFS", "unimportant": "UFS", "not factual": "NFS"}


def load(path: Path, limit: int | None = None) -> list[dict] | None:
    """The sentences, or the fixed subset of `limit` (the first limit/3 of each label); None when
    the file is absent."""
    if not path.is_file():
        return None
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return balanced(rows, limit, lambda row: row["label"])


def anchored(rows: list[dict]) -> list:
    """Each sentence as its own article, with its rule anchors."""
    sentences = [Sentence(article_id=row["id"], index=0, start=0, end=len(row["sentence"]), line=1,
                          text=row["sentence"]) for row in rows]
    return select.anchor_all(sentences)


def rule_labels(rows: list[dict]) -> list[str]:
    return [GOLD[select.rule_label(c)] for c in anchored(rows)]


def classifier_labels(rows: list[dict]) -> list[str]:
    return [GOLD[s.label] for s in select.classify_all(anchored(rows))]


def model_labels(rows: list[dict], settings: Settings) -> tuple[list[str], dict]:
    """The model's labels, and what they cost (calls, cached, tokens, seconds, fallbacks to rules)."""
    from factcheck.llm.client import LLMClient
    from factcheck.store import Store

    store = Store(settings.database)
    try:
        client = LLMClient(settings, settings.base_url, settings.model, store)
        selections = select.judge_all(anchored(rows), client, workers=settings.concurrency)
    finally:
        store.close()
    usage = Counter()
    for s in selections:
        usage.update(calls=s.usage.calls, cached=s.usage.cached, prompt_tokens=s.usage.prompt_tokens,
                     completion_tokens=s.usage.completion_tokens, fallbacks=int(s.source == "rules"))
    return [GOLD[s.label] for s in selections], dict(usage)


def evaluate(rows: list[dict], predicted: list[str] | None = None) -> dict:
    """Scores of `predicted` labels (CFS/UFS/NFS) against the gold; the rule labels by default."""
    predicted = predicted if predicted is not None else rule_labels(rows)
    gold = [row["label"] for row in rows]
    binary = _prf([p == "CFS" for p in predicted], [g == "CFS" for g in gold])
    per_label = {label: _prf([p == label for p in predicted], [g == label for g in gold])["f1"]
                 for label in ("CFS", "UFS", "NFS")}
    chosen, seen = Counter(), Counter(gold)
    for p, g in zip(predicted, gold):
        chosen[g] += p == "CFS"
    return {
        "sentences": len(rows), **binary,
        "macro_f1": round(sum(per_label.values()) / 3, 3), "f1_by_label": per_label,
        "selected_share_by_label": {k: round(chosen[k] / seen[k], 3) for k in sorted(seen)},
        "confusion": {g: dict(Counter(p for p, x in zip(predicted, gold) if x == g)) for g in sorted(seen)},
    }


def _prf(said: list[bool], truth: list[bool]) -> dict:
    tp = sum(s and t for s, t in zip(said, truth))
    fp = sum(s and not t for s, t in zip(said, truth))
    fn = sum(t and not s for s, t in zip(said, truth))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(r, 3), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, help="a fixed subset: the first N/3 sentences of each label")
    parser.add_argument("--prompt-version", type=int, help="ask with prompts/select_claims.vN.txt")
    parser.add_argument("--select", choices=["classifier", "rules", "model"], default="classifier")
    add_model_args(parser)
    args = parser.parse_args()
    if args.select == "model":
        args.extractor = "llm"
    elif args.extractor == "llm":
        args.select = "model"
    if args.prompt_version:
        select.PROMPT = (select.PROMPT[0], args.prompt_version)
    rows = load(args.data, args.limit)
    if rows is None:
        print(f"skipped: {args.data} not found")
        return 0
    started = time.perf_counter()
    if args.select == "classifier":
        result = evaluate(rows, classifier_labels(rows))
    elif args.select == "rules":
        result = evaluate(rows)
    else:
        with one_backend(settings_from(args)) as settings:
            predicted, usage = model_labels(rows, settings)
        result = evaluate(rows, predicted) | {"model": settings.model, "prompt": "%s.v%d" % select.PROMPT,
                                              "usage": usage}
    result |= {"select": args.select, "seconds": round(time.perf_counter() - started, 3)}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
