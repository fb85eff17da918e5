"""Casualty conflicts found in an archive instead of in the same run, on the FA-KES news clusters.

The archive: all 134 articles of the 51 clusters (each with its cluster's event date), indexed once.
Then every article is run alone with `--archive`: the other articles of its event are not in the
run, and must be found by retrieval among all the others (other events, other days, other places).
A predicted conflict is a raised `quantity` flag whose evidence is a passage of another article, on
a kind of count that maps to a gold field; a hit names the same two articles and the same field, as
in `eval_clusters.py`, whose in-run figures are the baseline. A predicted pair whose other article
belongs to another cluster is a false alarm across events, counted apart too.

    python bench/eval_archive_clusters.py [--data ../shared/eval/news_clusters_dev.jsonl] [--archive-days N]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from eval_clusters import DEFAULT_DATA, FIELDS, _prf, gold_pairs, write_cluster

from factcheck import pipeline
from factcheck.archive import Archive
from factcheck.settings import Settings


def predicted(report, own: str) -> set[tuple[str, str, str]]:
    pairs = set()
    for flag in report.flags:
        if flag.kind != "quantity" or flag.severity == "note":
            continue
        sources = [e.split(": ", 2)[1].rsplit(" line ", 1)[0] for e in flag.evidence if e.startswith("archive: ")]
        field = FIELDS.get(flag.reason.split("count ", 1)[1].split(" for the same event", 1)[0])
        for source in sources:
            other = Path(source).stem
            if field and other != own:
                pairs.add((*sorted((own, other)), field))
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--archive-days", type=int)
    args = parser.parse_args()
    if not args.data.is_file():
        print(f"skipped: {args.data} not found", file=sys.stderr)
        return 0
    clusters = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    cluster_of = {a["unit_id"]: c["cluster_id"] for c in clusters for a in c["articles"]}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "archive").mkdir()
        for cluster in clusters:
            write_cluster(cluster, folder / "archive")
        with Archive(folder / "archive.sqlite") as archive:
            archive.index(folder / "archive")
        tp = fp = fn = across = 0
        said_clusters = {}
        for cluster in clusters:
            gold, found = gold_pairs(cluster), set()
            for article in cluster["articles"]:
                run = folder / "run" / article["unit_id"]
                run.mkdir(parents=True)
                (run / f"{article['unit_id']}.md").write_bytes((folder / "archive" / f"{article['unit_id']}.md").read_bytes())
                settings = Settings(extractor="rules", progress="off", db_path=folder / "run.sqlite",
                                    archive=folder / "archive.sqlite", archive_days=args.archive_days)
                found |= predicted(pipeline.run(run, settings), article["unit_id"])
            across += sum(1 for a, b, _ in found if cluster_of[a] != cluster_of[b])
            tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
            said_clusters[cluster["cluster_id"]] = (bool({p for p in found if cluster_of[p[0]] == cluster_of[p[1]]}),
                                                    bool(cluster["has_numeric_conflict"]))
    c_tp = sum(1 for s, t in said_clusters.values() if s and t)
    c_fp = sum(1 for s, t in said_clusters.values() if s and not t)
    c_fn = sum(1 for s, t in said_clusters.values() if t and not s)
    print(json.dumps({"clusters": len(clusters), "articles": len(cluster_of), "pair": _prf(tp, fp, fn),
                      "cluster": _prf(c_tp, c_fp, c_fn), "pairs_across_events": across,
                      "false_alarms": f"{c_fp}/{sum(1 for _, t in said_clusters.values() if not t)}",
                      "seconds": round(time.perf_counter() - started, 1)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
