"""The reference table's coverage per country, as a Markdown table: positions, distinct terms, the
first start and the day coverage ends (after it, a title is "unknown", never a contradiction).

    python bench/coverage.py [--reference FILE.csv ...]
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from factcheck.reference import load_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, action="append", default=[])
    args = parser.parse_args()
    table = load_table(tuple(args.reference))
    by_country = defaultdict(list)
    for term in table.terms:
        by_country[term.country].append(term)
    print("| country | positions | terms | first start | coverage ends |\n|---|---|---:|---|---|")
    for country, terms in sorted(by_country.items()):
        roles = ", ".join(sorted({table.positions[t.position].roles[0] for t in terms}))
        distinct = {(t.person, t.position, t.start) for t in terms}
        print(f"| {country} | {roles} | {len(distinct)} | {min(t.start for t in terms)} | {table.coverage_end(country)} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
