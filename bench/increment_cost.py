"""The cost of adding one day's wire to a store of 10 days or of 20, with the rules extractor.

    python bench/increment_cost.py [--per-day 200] [--seed 0]

A synthetic wire (`bench/synthetic_wire.py`) of 21 days; one SQLite store holds days 11-20, another
days 1-20; the last day is added to each (`factcheck add --extractor rules`, no model, so only the
reading, the neighbours and the checks are timed), then to an empty store. An increment whose cost
follows the new articles takes about the same time on both stores; the neighbours it reads are
printed beside each time.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTCHECK = Path(sys.executable).parent / "factcheck"


def add(folder: Path, database: Path) -> tuple[float, str]:
    started = time.monotonic()
    done = subprocess.run([str(FACTCHECK), "add", str(folder), "--extractor", "rules", "--db", str(database), "-o",
                           str(database.with_suffix(".md"))], capture_output=True, text=True, check=True)
    return time.monotonic() - started, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-day", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fcinc-"))
    every = work / "wire"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic_wire.py"), str(every), "--articles",
                    str(21 * args.per_day), "--days", "21", "--seed", str(args.seed)], check=True, capture_output=True)
    days = sorted({re.search(r"^date: (\S+)$", p.read_text()[:400], re.M).group(1) for p in every.iterdir()})
    folders = {name: work / name for name in ("early", "late", "last")}
    for folder in folders.values():
        folder.mkdir()
    for path in every.iterdir():
        day = days.index(re.search(r"^date: (\S+)$", path.read_text()[:400], re.M).group(1))
        (folders["last"] if day == 20 else folders["late"] if day >= 10 else folders["early"]).joinpath(
            path.name).write_bytes(path.read_bytes())
    small, large = work / "ten.sqlite", work / "twenty.sqlite"
    add(folders["late"], small)
    add(folders["early"], large)
    add(folders["late"], large)
    rows = []
    for name, database in (("store of days 11-20", small), ("store of days 1-20", large),
                           ("empty store", work / "empty.sqlite")):
        seconds, err = add(folders["last"], database)
        summary = re.search(r"(\d+) new articles.*checked with (\d+) stored neighbours; the corpus holds (\d+)", err)
        rows.append({"store": name, "new": int(summary.group(1)), "neighbours": int(summary.group(2)),
                     "corpus_after": int(summary.group(3)), "seconds": round(seconds, 1)})
        print(json.dumps(rows[-1]), flush=True)


if __name__ == "__main__":
    main()
