"""Time sentence splitting on one line of text with no sentence punctuation.

A line of words drawn from the seed articles, with every full stop, question and exclamation
mark taken out, is the worst case for pysbd (it is quadratic in the text it reads at once).
Each size is split `--runs` times with pysbd's cache cleared between runs; the table gives the
median wall time, and the median CPU time of this process (less sensitive to other processes on
a shared machine). `--normal` times the seeds' own text repeated (paragraphs and punctuation kept) instead.

    python bench/split_speed.py [--sizes 80000 160000 1000000 10000000] [--runs 3] [--normal]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from pathlib import Path

from factcheck import sentences
from factcheck.models import Article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed_text() -> str:
    return "\n\n".join(p.read_text(encoding="utf-8").strip() for p in sorted(SEEDS.glob("*.txt")))


def unpunctuated_line(size: int, seed: int = 0) -> str:
    """`size` characters of seed words in random order, on one line, without . ? or !."""
    words = re.sub(r"[.?!\n]", " ", seed_text()).split()
    rng = random.Random(seed)
    parts, length = [], 0
    while length < size:
        word = rng.choice(words)
        parts.append(word)
        length += len(word) + 1
    return " ".join(parts)[:size]


def repeated_seeds(size: int) -> str:
    """The seed articles again and again (with a counter, so no paragraph repeats verbatim)."""
    text, parts, n = seed_text(), [], 0
    while sum(map(len, parts)) < size:
        parts.append(text.replace("Mali", f"Mali-{n}"))
        n += 1
    return "\n\n".join(parts)[:size]


def time_split(text: str, runs: int) -> tuple[float, float, int]:
    """(median wall seconds, median CPU seconds, number of sentences)."""
    wall, cpu, count = [], [], 0
    for _ in range(runs):
        sentences._segment.cache_clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        count = len(sentences.split_article(Article(id="a", path="a", text=text)))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[80_000, 160_000, 1_000_000, 10_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--normal", action="store_true", help="the seeds' text repeated instead of one unpunctuated line")
    args = parser.parse_args()
    print("| text | characters | sentences | median wall time | median CPU time | MB/s (CPU) |")
    print("|---|---:|---:|---:|---:|---:|")
    for size in args.sizes:
        text = repeated_seeds(size) if args.normal else unpunctuated_line(size)
        wall, cpu, count = time_split(text, args.runs)
        kind = "seed articles repeated" if args.normal else "one line, no . ? !"
        print(f"| {kind} | {len(text):,} | {count:,} | {wall:.2f} s | {cpu:.2f} s | {len(text) / cpu / 1e6:.2f} |",
              flush=True)


if __name__ == "__main__":
    main()
