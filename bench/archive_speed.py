"""How fast the archive indexes and answers, on a synthetic archive of real sentences.

The archive: `--passages` passages (default 100,000) in JSONL dumps of 1,000 records each, every
record one passage of 3 to 6 sentences drawn (seeded) from the FA-KES articles and the other eval
texts, so the words and their frequencies are those of news and encyclopedia text. Measured: the
first index (wall time, passages per second, the process's peak memory, the file's size), a second
index of the unchanged folder, a third after one dump changed, and the time of 1,000 queries built
as the tool builds them for claims (`evidence.query_terms`), median and 95th percentile.

    python bench/archive_speed.py [--passages 100000] [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from factcheck.archive import Archive
from factcheck.evidence import query_terms
from factcheck.models import Claim, Span

PER_FILE = 1000
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


def sentences(eval_dir: Path) -> list[str]:
    found = []
    clusters = eval_dir / "news_clusters_dev.jsonl"
    if clusters.is_file():
        for line in clusters.open(encoding="utf-8"):
            for article in json.loads(line)["articles"]:
                found += SENTENCE.split(article["text"])
    for name, field in (("vitaminc_numeric_date_role.jsonl", "evidence"), ("propsegment_atomic_propositions.jsonl",
                                                                           "sentence"),
                        ("claimbuster_checkworthiness.jsonl", "sentence")):
        path = eval_dir / name
        if path.is_file():
            found += [json.loads(line)[field] for line in path.open(encoding="utf-8")]
    return [s.strip() for s in found if len(s.split()) >= 5]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "eval")
    args = parser.parse_args()
    pool = sentences(args.eval)
    if not pool:
        print("no eval texts found", file=sys.stderr)
        return 0
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        folder.mkdir()
        for n in range(0, args.passages, PER_FILE):
            records = [{"title": f"wire {n + i}", "date": f"2017-{1 + (n + i) % 12:02d}-{1 + (n + i) % 28:02d}",
                        "text": " ".join(rng.sample(pool, rng.randint(3, 6)))}
                       for i in range(min(PER_FILE, args.passages - n))]
            (folder / f"dump{n // PER_FILE:04d}.jsonl").write_text(
                "".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        megabytes = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
        path = Path(tmp) / "archive.sqlite"
        memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        with Archive(path) as archive:
            first = archive.index(folder)
            memory_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            again = archive.index(folder)
            changed = folder / "dump0000.jsonl"
            changed.write_text(changed.read_text(encoding="utf-8").replace("wire 0", "wire zero"), encoding="utf-8")
            os.utime(changed, ns=(1, 1))
            one = archive.index(folder)
            claims = rng.sample(pool, min(args.queries, len(pool)))
            seconds = []
            for text in claims:
                claim = Claim(id="q", article_id="a", sentence_index=0, line=1, subject="", predicate="", quote=text,
                              span=Span(start=0, end=len(text)))
                started = time.perf_counter()
                archive.search(query_terms(claim), 15)
                seconds.append(time.perf_counter() - started)
        seconds.sort()
        print(json.dumps({
            "passages": first.passages, "files": first.files_indexed, "input_mb": round(megabytes, 1),
            "index_seconds": round(first.seconds, 1), "passages_per_second": round(first.passages / first.seconds),
            "peak_rss_mb_before": round(memory_before), "peak_rss_mb_after": round(memory_after),
            "archive_mb": round(path.stat().st_size / 1e6, 1) if path.exists() else None,
            "reindex_unchanged_seconds": round(again.seconds, 2),
            "reindex_one_changed_file_seconds": round(one.seconds, 2), "one_changed_passages": one.passages_added,
            "queries": len(seconds), "query_ms_median": round(1000 * statistics.median(seconds), 2),
            "query_ms_p95": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 2),
        }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
