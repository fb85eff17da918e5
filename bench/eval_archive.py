"""Evidence from an archive, measured on claim/evidence sets with gold evidence.

The dev archive: every evidence text of VitaminC (210 claim/evidence pairs; Wikipedia revisions,
CC BY-SA 3.0) and of the PropSegmEnt cross-document pairs (152; Wikipedia, CC BY-SA 3.0), and as
distractors the 300 PropSegmEnt Wikipedia sentences and the articles of the 51 FA-KES clusters
(no licence: used in place, never copied). It is written as one JSONL dump into a temporary folder
and indexed with `factcheck.archive`, so no text of the sets enters the repository.

1. Retrieval: for each claim (VitaminC's claim; PropSegmEnt's claim sentence), the query the tool
   builds for a claim (`evidence.query_terms`, `evidence.figures`) against the archive; recall@k
   = the share of claims whose gold evidence (any record with the same folded text) is among the
   top k passages; with the median time of a query.
2. Verdicts: every claim is one article of a single run with `--archive` (rules by default; with
   `--extractor llm` the model extracts and judges each claim against its best passage); a claim
   is predicted refuted when one of its claims is `contradicted` by the archive. Positive =
   REFUTES (VitaminC) or contradicts (PropSegmEnt). The checks compare counts and figures only
   between documents dated within 3 days of each other, so the claims and the archive's records
   are all given the same date, as `eval_pairs.py` does for its pairs.

    python bench/eval_archive.py [--eval ../shared/eval] [--extractor rules|llm] [--limit N]
        [--judge-confidence P] [--base-url URL --model NAME]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import add_model_args, one_backend, settings_from

from factcheck import pipeline, select
from factcheck.archive import Archive
from rapidfuzz import fuzz

from factcheck.evidence import COPY_RATIO, SEARCH_DEPTH, figures, query_terms
from factcheck.extract import rule_claims
from factcheck.models import Article, Claim, Span
from factcheck.sentences import normalize, split_article
from factcheck.settings import Settings

DAY = "2020-01-01"
KS = (1, 5, 10)


def load(eval_dir: Path, limit: int | None) -> tuple[list[dict], list[dict]]:
    """(claims with their gold evidence and label, archive records)."""
    claims, records = [], []
    vitaminc = eval_dir / "vitaminc_numeric_date_role.jsonl"
    crossdoc = eval_dir / "propsegment_wiki_crossdoc_numeric.jsonl"
    for path, text_of in ((vitaminc, lambda r: r["claim"]), (crossdoc, lambda r: r["claim_sentence"])):
        if not path.is_file():
            print(f"skipped {path}: not found", file=sys.stderr)
            continue
        rows = [json.loads(line) for line in path.open(encoding="utf-8")][:limit]
        for row in rows:
            claims.append({"id": row["id"], "set": path.stem.split("_")[0], "text": text_of(row),
                           "evidence": row["evidence"], "positive": row["label"] == "REFUTES", "label": row["label"]})
            records.append({"text": row["evidence"], "title": "evidence", "date": DAY})
    atomic = eval_dir / "propsegment_atomic_propositions.jsonl"
    if atomic.is_file():
        records += [{"text": json.loads(l)["sentence"], "title": "distractor", "date": DAY} for l in atomic.open()]
    clusters = eval_dir / "news_clusters_dev.jsonl"
    if clusters.is_file():
        for line in clusters.open(encoding="utf-8"):
            records += [{"text": a["text"], "title": a["title"], "date": DAY} for a in json.loads(line)["articles"]]
    return claims, records


def statement(text: str) -> Claim:
    """The claim as the tool searches it: its sentence, with its first number when it has one."""
    article = Article(id="claim", path="claim", text=text)
    numbers = [c.number for s in select.anchor_all(split_article(article)) for c in rule_claims(s).claims if c.number]
    return Claim(id="q", article_id="claim", sentence_index=0, line=1, subject="", predicate="", quote=text,
                 number=numbers[0] if numbers else None, span=Span(start=0, end=len(text)))


def retrieval(archive: Archive, claims: list[dict], gold: dict[str, set[int]]) -> dict:
    found = {k: 0 for k in KS}
    seconds = []
    for item in claims:
        claim = statement(item["text"])
        started = time.perf_counter()
        passages = archive.search(query_terms(claim), max(KS) * SEARCH_DEPTH, phrases=figures(claim))
        seconds.append(time.perf_counter() - started)
        # as the tool does: a copy of the claim's own sentence takes no place among the k (it is kept
        # aside, compared for contradictions only)
        copy = [fuzz.partial_ratio(normalize(item["text"]), normalize(p.text)) >= COPY_RATIO for p in passages]
        copies = {int(p.source.rsplit(":", 1)[1]) for p, c in zip(passages, copy) if c}
        records = [int(p.source.rsplit(":", 1)[1]) for p, c in zip(passages, copy) if not c]
        for k in KS:
            if (set(records[:k]) | copies) & gold[item["id"]]:
                found[k] += 1
    n = len(claims)
    return {**{f"recall@{k}": round(found[k] / n, 3) for k in KS}, "claims": n,
            "query_ms_median": round(1000 * statistics.median(seconds), 2),
            "query_ms_p95": round(1000 * sorted(seconds)[int(0.95 * (n - 1))], 2)}


def verdicts(folder: Path, archive_path: Path, claims: list[dict], settings: Settings, show: int = 10) -> dict:
    articles = folder / "claims"
    articles.mkdir()
    names = {}
    for n, item in enumerate(claims):
        name = f"{n:04d}.md"
        names[name] = item
        (articles / name).write_text(f"---\ndate: {DAY}\n---\n{item['text']}\n", encoding="utf-8")
    settings = settings.model_copy(update={"archive": archive_path, "progress": "off"})
    if settings.extractor == "rules":
        settings = settings.model_copy(update={"db_path": folder / "run.sqlite"})
    started = time.perf_counter()
    with one_backend(settings) as ready:
        result = pipeline.run(articles, ready)
    seconds = time.perf_counter() - started
    outcome: dict[str, set[str]] = {}
    for claim in result.claims:
        outcome.setdefault(claim.article_id, set()).add(claim.evidence or "not searched")
    scores = {}
    for subset in ("all", "vitaminc", "propsegment"):
        rows = [(name, item) for name, item in names.items() if subset == "all" or item["set"] == subset]
        tp = sum(1 for name, item in rows if item["positive"] and "contradicted" in outcome.get(name, ()))
        fp = sum(1 for name, item in rows if not item["positive"] and "contradicted" in outcome.get(name, ()))
        fn = sum(1 for name, item in rows if item["positive"] and "contradicted" not in outcome.get(name, ()))
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        supported = [item["label"] for name, item in rows if "supported" in outcome.get(name, ())]
        scores[subset] = {"pairs": len(rows), "positives": tp + fn, "tp": tp, "fp": fp, "fn": fn, "precision": round(p, 3),
                          "recall": round(r, 3), "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
                          "with_claims": sum(1 for name, _ in rows if name in outcome),
                          "supported_labels": {l: supported.count(l) for l in sorted(set(supported))}}
    by_claim = {c.id: c.article_id for c in result.claims}
    judged = [(names[by_claim[j.a]]["positive"], j.relation, j.confidence or 0.0) for j in result.judgments
              if j.source == "model" and j.b.startswith("archive#") and j.relation and j.a in by_claim]
    model = {}
    for floor in (0.0, 0.5, 0.6, 0.7, 0.8, 0.9):  # what --judge-confidence would raise, claim by claim
        said = [(positive, relation == "contradict" and confidence >= floor) for positive, relation, confidence in judged]
        tp = sum(1 for positive, hit in said if positive and hit)
        fp = sum(1 for positive, hit in said if hit and not positive)
        model[f"contradict at >= {floor}"] = {"tp": tp, "fp": fp, "precision": round(tp / (tp + fp), 3) if tp + fp else None}
    false_alarms = sorted({(names[f.locations[0].article_id]["text"], names[f.locations[0].article_id]["label"],
                            f.kind, f.evidence[0][:300])
                           for f in result.flags if any(e.startswith("archive:") for e in f.evidence)
                           and not names[f.locations[0].article_id]["positive"]})
    return {"scores": scores, "model_judgments": {"judged": len(judged), **model} if judged else None,
            "false_alarms": false_alarms[:show], "seconds": round(seconds, 1),
            "calls": result.usage.calls, "model": result.model}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "eval")
    parser.add_argument("--limit", type=int, help="the first N items of each set")
    parser.add_argument("--judge-confidence", type=float)
    parser.add_argument("--no-verdicts", action="store_true", help="retrieval only")
    parser.add_argument("--show", type=int, default=10, help="false alarms listed")
    add_model_args(parser)
    args = parser.parse_args()
    settings = settings_from(args).model_copy(update={"judge_confidence": args.judge_confidence})
    out = evaluate(args.eval, settings, args.limit, verdicts_too=not args.no_verdicts, show=args.show)
    if out is None:
        print("no claim/evidence set found", file=sys.stderr)
        return 0
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def evaluate(eval_dir: Path, settings: Settings, limit: int | None = None, verdicts_too: bool = True,
             show: int = 10) -> dict | None:
    """Retrieval, and with `verdicts_too` the verdicts, on the sets found in `eval_dir`."""
    claims, records = load(eval_dir, limit)
    if not claims:
        return None
    folded: dict[str, set[int]] = {}
    for n, record in enumerate(records, 1):
        folded.setdefault(normalize(record["text"]), set()).add(n)
    gold = {item["id"]: folded[normalize(item["evidence"])] for item in claims}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "archive").mkdir()
        (folder / "archive" / "dump.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        with Archive(folder / "archive.sqlite") as archive:
            stats = archive.index(folder / "archive")
            out = {"archive": {"records": len(records), "passages": stats.passages,
                               "index_seconds": round(stats.seconds, 2)},
                   "retrieval": {s: retrieval(archive, [c for c in claims if s == "all" or c["set"] == s], gold)
                                 for s in ("all", "vitaminc", "propsegment")}}
        if verdicts_too:
            out["verdicts"] = verdicts(folder, folder / "archive.sqlite", claims, settings, show)
    return out


if __name__ == "__main__":
    sys.exit(main())
