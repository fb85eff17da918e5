"""SQLite FTS5 (the archive's engine) against bm25s, on the same passages and the same query words.

Both rank by BM25 over the same passages (the archive's own split) and are asked with the same
words (`evidence.query_terms` on the claim's sentence, after `Archive.telling`): retrieval recall@5
on the dev archive of `eval_archive.py` (VitaminC and PropSegmEnt claims, gold evidence), then the
time to index and to answer on the synthetic archive of `archive_speed.py`. bm25s is not a
dependency of the project: `pip install bm25s` to run this.

    python bench/archive_engines.py [--passages 100000] [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import bm25s
import numpy as np

from archive_speed import PER_FILE, sentences
from eval_archive import load, statement

from factcheck.archive import TOKEN, Archive, _fold
from factcheck.evidence import query_terms
from factcheck.sentences import normalize


def passages_of(archive: Archive) -> tuple[list[int], list[str], list[str]]:
    rows = archive._db.execute("SELECT id, source, text FROM passages ORDER BY id").fetchall()
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]


def bm25s_index(texts: list[str]):
    started = time.perf_counter()
    tokens = [TOKEN.findall(_fold(t)) for t in texts]
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    return retriever, time.perf_counter() - started


def bm25s_search(retriever, words: list[str], k: int) -> list[int]:
    query = [w for w in words if w in retriever.vocab_dict] or ["<none>"]
    if query == ["<none>"]:
        return []
    docs, _ = retriever.retrieve([query], k=k, show_progress=False, n_threads=1)
    return [int(d) for d in np.asarray(docs)[0]]


def recall(eval_dir: Path) -> dict:
    claims, records = load(eval_dir, None)
    folded: dict[str, set[int]] = {}
    for n, record in enumerate(records, 1):
        folded.setdefault(normalize(record["text"]), set()).add(n)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "archive").mkdir()
        (folder / "archive" / "dump.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        with Archive(folder / "a.sqlite") as archive:
            archive.index(folder / "archive")
            ids, sources, texts = passages_of(archive)
            retriever, _ = bm25s_index(texts)
            hits = {"fts5": 0, "bm25s": 0}
            for item in claims:
                words = archive.telling(query_terms(statement(item["text"])))
                gold = folded[normalize(item["evidence"])]
                fts = [int(p.source.rsplit(":", 1)[1]) for p in archive.search(words, 5)]
                other = [int(sources[i].rsplit(":", 1)[1]) for i in bm25s_search(retriever, words, 5)]
                hits["fts5"] += bool(set(fts) & gold)
                hits["bm25s"] += bool(set(other) & gold)
            out = {name: round(found / len(claims), 3) for name, found in hits.items()}
    return {"claims": len(claims), "recall@5": out}


def speed(eval_dir: Path, passages: int) -> dict:
    pool = sentences(eval_dir)
    rng = random.Random(0)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        folder.mkdir()
        for n in range(0, passages, PER_FILE):
            records = [{"text": " ".join(rng.sample(pool, rng.randint(3, 6)))} for _ in range(min(PER_FILE, passages - n))]
            (folder / f"dump{n // PER_FILE:04d}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records),
                                                                   encoding="utf-8")
        with Archive(Path(tmp) / "a.sqlite") as archive:
            stats = archive.index(folder)
            _, _, texts = passages_of(archive)
            retriever, seconds = bm25s_index(texts)
            queries = [archive.telling(query_terms(statement(t))) for t in rng.sample(pool, 300)]
            times = {"fts5": [], "bm25s": []}
            for words in queries:
                started = time.perf_counter()
                archive.search(words, 15)
                times["fts5"].append(time.perf_counter() - started)
                started = time.perf_counter()
                bm25s_search(retriever, words, 15)
                times["bm25s"].append(time.perf_counter() - started)
    return {"passages": stats.passages,
            "index_seconds": {"fts5 (reading the files included)": round(stats.seconds, 1),
                              "bm25s (tokenising and indexing the same texts)": round(seconds, 1)},
            "query_ms_median": {k: round(1000 * statistics.median(v), 2) for k, v in times.items()},
            "incremental": {"fts5": "per file, in place", "bm25s": "rebuild (no document removal)"}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--eval", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared" / "eval")
    args = parser.parse_args()
    if not (args.eval / "vitaminc_numeric_date_role.jsonl").is_file():
        print("skipped: no eval data", file=sys.stderr)
        return 0
    print(json.dumps({"dev": recall(args.eval), "speed": speed(args.eval, args.passages)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
