"""The accuracy table in one command: every evaluation set that is present, as Markdown rows.

    python bench/evaluate.py [--eval ../shared/eval]

Runs the scorers with the rules extractor (no model, so it takes seconds; the check-worthy
sentences picked by the trained classifier, as by default): casualty-count
conflicts on the news clusters, candidate selection on ClaimBuster, claim decomposition on
PropSegmEnt, conflict detection on the VitaminC and PropSegmEnt pairs by phenomenon, and evidence
from an archive of their evidence texts (retrieval recall, claims refuted by what is retrieved).
A set whose file is absent is reported as skipped. The model's figures come from the scripts
themselves with `--extractor llm` (see docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import eval_archive
import eval_claimbuster
import eval_clusters
import eval_decomposition
import eval_pairs

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
        rows = _rows(claimbuster)
        for name, labels in (("trained classifier", eval_claimbuster.classifier_labels(rows)),
                             ("rules", eval_claimbuster.rule_labels(rows))):
            result = eval_claimbuster.evaluate(rows, labels)
            shares = ", ".join(f"{k} {v:.0%}" for k, v in result["selected_share_by_label"].items())
            table.append(f"| candidate selection (CFS positive), {name} | ClaimBuster, {result['sentences']} "
                         f"sentences | {result['precision']} | {result['recall']} | {result['f1']} | selected: {shares} |")
    else:
        table.append(f"| candidate selection | skipped: {claimbuster} not found | | | | |")
    propositions = args.eval / eval_decomposition.DEFAULT_DATA.name
    if propositions.is_file():
        result = eval_decomposition.evaluate(_rows(propositions), Settings(extractor="rules", progress=False), 0.5)
        table.append(f"| claim decomposition (propositions) | PropSegmEnt, {result['sentences']} sentences, "
                     f"{result['gold']} propositions | {result['precision']} | {result['recall']} | {result['f1']} "
                     f"| {result['claims']} claims |")
    else:
        table.append(f"| claim decomposition | skipped: {propositions} not found | | | | |")
    pairs = eval_pairs.run_all(args.eval, Settings(extractor="rules", progress=False))
    for name, label, positive in (("vitaminc", "VitaminC", "REFUTES"), ("propsegment_pairs", "PropSegmEnt pairs",
                                                                          "contradicts")):
        result = pairs[name]
        if "skipped" in result:
            table.append(f"| conflicts, {label} | skipped: {result['skipped']} not found | | | | |")
            continue
        for group in ("all", "number", "date", "title_role"):
            row = result.get(group)
            if row:
                which = "all pairs" if group == "all" else f"pairs tagged {group}"
                table.append(f"| conflicts, {which}, {positive} positive | {label}, {result['pairs']} pairs "
                             f"| {row['precision']} | {row['recall']} | {row['f1']} | tp {row['tp']} fp {row['fp']} "
                             f"fn {row['fn']} |")
    found = pairs["propsegment_contradictions"]
    if "skipped" not in found:
        table.append(f"| contradictions found | PropSegmEnt cross-language, {found['contradictions']} | | "
                     f"{found['share']} | | {found['found']} of {found['contradictions']} |")
    archive = eval_archive.evaluate(args.eval, Settings(extractor="rules", progress=False))
    if archive is None:
        table.append("| evidence from an archive | skipped: no claim/evidence set found | | | | |")
    else:
        for name, label in (("vitaminc", "VitaminC"), ("propsegment", "PropSegmEnt pairs")):
            found, row = archive["retrieval"][name], archive["verdicts"]["scores"][name]
            table.append(f"| archive retrieval, gold evidence among 5 passages | {label}, {found['claims']} claims, "
                         f"archive of {archive['archive']['passages']} passages | | {found['recall@5']} | | recall@1 "
                         f"{found['recall@1']}, recall@10 {found['recall@10']} |")
            table.append(f"| refuted by retrieved evidence, REFUTES positive | same | {row['precision']} | {row['recall']} "
                         f"| {row['f1']} | tp {row['tp']} fp {row['fp']} fn {row['fn']} |")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
