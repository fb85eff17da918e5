"""Time and peak memory of the checking stage on 10,000 and 100,000 claims.

The corpus is made from the real shapes of the seed articles: the seed texts, split and
selected as usual, copied into N articles with their numbers, names and dates varied (digits
redrawn, a random day in ten years per copy, "Hollande" misspelt in one copy in five), and claims
made by the rules extractor. Only the checking stage is timed (resolution, all check families,
quantity rows and entities), without tracing; one more run, traced, gives the peak memory.

With a fixed span of days, more claims also means more articles per day, and the checks that
compare articles dated within a few days of each other (quantities, figures) do more work per
article: `--constant-density` spreads the copies over 10 years per 10,000 claims instead.

    python bench/checker_scaling.py [--claims 10000 100000] [--runs 3] [--constant-density]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

from factcheck.articles import load_folder
from factcheck.candidates import select
from factcheck.extract import rule_claims
from factcheck.models import Article, Report
from factcheck.pipeline import check
from factcheck.reference import load_table
from factcheck.sentences import mark_duplicates, split_article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def corpus(claims_wanted: int, seed: int = 0, days: int = 3650) -> Report:
    """Copies of the seeds with every digit redrawn and one surname misspelt now and then.

    Both edits keep each character in place, so the seed sentences' offsets hold for every copy.
    """
    rng = random.Random(seed)
    originals, _ = load_folder(SEEDS)
    splits = {a.id: split_article(a) for a in originals}
    articles, sentences, candidates, claims = [], [], [], []
    start = dt.date(2013, 1, 1)
    n = 0
    while len(claims) < claims_wanted:
        base = originals[n % len(originals)]
        text = re.sub(r"[1-9]", lambda m: str(rng.randint(1, 9)), base.text)
        if rng.random() < 0.2:
            text = text.replace("Hollande", "Hollanda")
        article_id = f"{n:06d}.txt"
        day = start + dt.timedelta(days=rng.randint(0, days))
        article = Article(id=article_id, path=article_id, text=text, date=day.isoformat())
        split = [s.model_copy(update={"article_id": article_id, "text": text[s.start:s.end]}) for s in splits[base.id]]
        chosen = select(split)
        articles.append(article)
        sentences.extend(split)
        candidates.extend(chosen)
        claims.extend(c for cand in chosen for c in rule_claims(cand).claims)
        n += 1
    return Report(source="synthetic", model="rules", articles=articles, sentences=mark_duplicates(sentences),
                  candidates=candidates, claims=claims[:claims_wanted])


def measure(report: Report, runs: int) -> dict:
    table = load_table()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        checked = check(report.model_copy(), table)
        seconds.append(time.perf_counter() - started)
    tracemalloc.start()
    check(report.model_copy(), table)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"claims": len(report.claims), "articles": len(report.articles), "flags": len(checked.flags),
            "median_seconds": round(statistics.median(seconds), 2), "peak_traced_mib": round(peak / 2**20, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--constant-density", action="store_true", help="10 years of dates per 10,000 claims")
    args = parser.parse_args()
    rows = [measure(corpus(n, days=3650 * n // 10_000 if args.constant_density else 3650), args.runs)
            for n in args.claims]
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        rows.append({"time_ratio": round(last["median_seconds"] / first["median_seconds"], 1),
                     "claims_ratio": round(last["claims"] / first["claims"], 1)})
    print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
