"""Throughput and peak memory of `factcheck run FILE --extractor rules` on one large article.

The article is written from real news text: the seed articles and, when `../shared/eval` is
there, the articles of the news clusters, paragraph by paragraph in a shuffled order with every
digit redrawn, so most sentences differ from each other (verbatim repeats of sentences without
digits stay, as in real copy). `--repeats` writes the same text over and over instead (every
paragraph an exact repeat). Each size runs the command line in a child process: wall time, CPU
time and peak resident memory (from the kernel's accounting of that child).

`--stages` times each stage of `pipeline.run` in this process instead (loading, splitting and
duplicates, anchors, people, selection, claims, checks one by one, file offsets, storing the run,
then the report), and `--profile` prints cProfile's top functions: where the time goes. Runs are
stored in a temporary database.

    python bench/large_input.py [--sizes 1 5 25 50] [--repeats] [--stages] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CLUSTERS = ROOT.parent / "shared" / "eval" / "news_clusters_dev.jsonl"
MB = 1_000_000


def source_paragraphs() -> list[str]:
    paragraphs = [p.strip() for f in sorted(SEEDS.glob("*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    if CLUSTERS.exists():
        for line in CLUSTERS.read_text(encoding="utf-8").splitlines():
            paragraphs += [a["text"].strip() for a in json.loads(line)["articles"]]
    return [p for p in paragraphs if p]


def article(size: int, repeats: bool, seed: int = 0) -> str:
    """About `size` characters of news paragraphs separated by blank lines."""
    rng = random.Random(seed)
    paragraphs = source_paragraphs()
    parts, length = [], 0
    while length < size:
        if repeats:
            paragraph = paragraphs[len(parts) % len(paragraphs)]
        else:
            paragraph = re.sub(r"\d", lambda m: str(rng.randint(0, 9)), rng.choice(paragraphs))
        parts.append(paragraph)
        length += len(paragraph) + 2
    return "\n\n".join(parts)


def run_cli(path: Path, out: Path) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak RSS in MB) of one `factcheck run` in a child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "factcheck.cli", "run", str(path), "--extractor", "rules", "--quiet",
               "-o", str(out), "--db", str(out.with_suffix(".sqlite"))]
    start = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"factcheck run failed on {path} (status {status})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


# The functions of `pipeline.run` timed by `--stages`: (module, attribute); a name a later
# version no longer has is left out.
STAGES = [
    ("factcheck.pipeline", "load_folder"), ("factcheck.pipeline", "split"), ("factcheck.select", "anchor_all"),
    ("factcheck.resolve", "entities"), ("factcheck.pipeline", "choose"), ("factcheck.pipeline", "extract"),
    ("factcheck.pipeline", "_assemble"), ("factcheck.canonical", "resolve_claims"), ("factcheck.pipeline", "resolved"),
    ("factcheck.pipeline", "judge"), ("factcheck.verdicts", "assign"), ("factcheck.pipeline", "to_file"),
    ("factcheck.pipeline", "_finish"),
]


def stages(path: Path, database: Path) -> dict[str, float]:
    """CPU seconds in each stage of one `pipeline.run` (rules extractor) and each check, then the
    Markdown report, in this process: the stages' functions are wrapped with a timer."""
    import importlib

    sys.path.insert(0, str(ROOT))
    from factcheck import checks, pipeline, report
    from factcheck.settings import Settings

    times: dict[str, float] = {}

    def timer(name, fn):
        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                times[name] = times.get(name, 0.0) + time.process_time() - start
        return timed

    for module_name, attribute in STAGES:
        module = importlib.import_module(module_name)
        if hasattr(module, attribute):
            setattr(module, attribute, timer(attribute.strip("_"), getattr(module, attribute)))
    checks.CHECKS[:] = [timer(check.__name__.replace("check_", "check "), check) for check in checks.CHECKS]
    result = pipeline.run(path, Settings(extractor="rules", progress=False, db_path=database))
    timer("markdown", report.to_markdown)(result)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 25, 50], help="article sizes in MB")
    parser.add_argument("--repeats", action="store_true", help="the same paragraphs repeated verbatim")
    parser.add_argument("--stages", action="store_true", help="time each stage in this process")
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions, in this process")
    args = parser.parse_args()
    kind = "exact repeats" if args.repeats else "shuffled, digits redrawn"
    if not args.stages and not args.profile:
        print("| article | MB | wall | CPU | MB/s (wall) | MB/s (CPU) | peak RSS |")
        print("|---|---:|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            path = Path(folder) / f"article-{size:g}mb.txt"
            text = article(int(size * MB), args.repeats)
            path.write_text(text, encoding="utf-8")
            megabytes = len(text.encode()) / MB
            database = Path(folder) / f"stages-{size:g}.sqlite"
            if args.profile:
                profiler = cProfile.Profile()
                profiler.runcall(stages, path, database)
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
            elif args.stages:
                times = stages(path, database)
                print(f"{megabytes:.1f} MB ({kind}): " + ", ".join(f"{k} {v:.2f}s" for k, v in times.items()), flush=True)
            else:
                wall, cpu, rss = run_cli(path, Path(folder) / "report.md")
                print(f"| {kind} | {megabytes:.1f} | {wall:.1f} s | {cpu:.1f} s | {megabytes / wall:.2f} "
                      f"| {megabytes / cpu:.2f} | {rss:,.0f} MB |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
