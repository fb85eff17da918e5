"""Scale: a synthetic wire through `factcheck add`, model calls to a loopback stub with a fixed latency.

    python bench/scale.py [--articles 10000] [--increment 1000] [--days 10] [--latency 0.2]
                          [--concurrency 48] [--json docs/scale.json]

The wire (`bench/synthetic_wire.py`, one seed) has `--articles + --increment` articles over
`--days + 1` days, the same number each day; the last day's articles are the increment. Four
runs, each one `factcheck add` process against its own `bench/stub_server.py` (so its request
count and its most requests in flight are its own):

- `ray+postgres`: the `--articles` of the first days, Ray engine (a local Ray instance started
  once with `ray start --head`, every run joins it by address), a PostgreSQL server;
- `increment`: the last day's articles added to that store;
- `alone`: the same last day's articles into an empty PostgreSQL database, Ray engine: what the
  increment costs without a store behind it;
- `sqlite`: the same articles into an empty SQLite file, in-process engine, no Ray.

Per run: wall time, articles and claims per second, pairs judged, flags, model requests, the most
requests in flight at the stub, peak memory (the sum of the resident memory of the `factcheck`
process and the Ray workers, sampled every 0.5 s), the store's size, the CPU time the whole
machine spent (stub, database, Ray and factcheck: run it on a quiet machine), and the stub-bound ideal:
requests x latency / concurrency, the time the requests take if the endpoint always has
`--concurrency` of them in flight; the ratio is ideal / measured (1.0 = as fast as the endpoint
allows). The increment's cost is compared with `alone`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from pgserver import running_postgres  # noqa: E402  (the tests' throwaway server)

BIN = Path(sys.executable).parent


def wire(folder: Path, articles: int, increment: int, days: int, seed: int) -> tuple[Path, Path, Path]:
    """(first days' folder, last day's folder, truth file)."""
    every = folder / "wire"
    subprocess.run([sys.executable, str(ROOT / "bench" / "synthetic_wire.py"), str(every), "--articles",
                    str(articles + increment), "--days", str(days + 1), "--seed", str(seed)], check=True)
    first, last = folder / "first", folder / "last"
    first.mkdir()
    last.mkdir()
    dates = sorted({_date(p) for p in every.iterdir()})
    for path in every.iterdir():
        path.rename((last if _date(path) == dates[-1] else first) / path.name)
    return first, last, folder / "wire.truth.json"


def _date(path: Path) -> str:
    return re.search(r"^date: (\S+)$", path.read_text(encoding="utf-8")[:400], re.MULTILINE).group(1)


class Stub:
    def __init__(self, latency: float):
        port_file = Path(tempfile.mkdtemp()) / "url"
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "stub_server.py"), "--port", "0",
                                         "--latency", str(latency), "--port-file", str(port_file)],
                                        stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if time.monotonic() > deadline:
                raise RuntimeError("the stub server did not start")
            time.sleep(0.05)
        self.url = port_file.read_text().strip()

    def stats(self) -> dict:
        with urllib.request.urlopen(self.url.removesuffix("/v1") + "/stats", timeout=10) as answer:
            return json.loads(answer.read())

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


class PeakMemory:
    """The most resident memory the given process and every Ray worker held at once."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            total = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    title = (entry / "cmdline").read_bytes()[:200]
                    if int(entry.name) == self.pid or title.startswith(b"ray::") or b"default_worker.py" in title:
                        total += _rss(entry)
                except (OSError, ValueError):
                    continue
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        self._stop.set()
        return self.peak


def _rss(entry: Path) -> int:
    for line in (entry / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def add(name: str, folder: Path, database: str, latency: float, concurrency: int, ray_address: str | None,
        work: Path) -> dict:
    stub = Stub(latency)
    command = [str(BIN / "factcheck"), "add", str(folder), "--base-url", stub.url, "--model", "stub",
               "--db", database, "--concurrency", str(concurrency), "-o", str(work / f"{name}.md")]
    if ray_address:
        command += ["--engine", "ray", "--ray-address", ray_address]
    started, busy = time.monotonic(), _cpu_seconds()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    memory = PeakMemory(process.pid)
    _, err = process.communicate()
    seconds = time.monotonic() - started
    cpu = _cpu_seconds() - busy
    peak = memory.stop()
    stats = stub.stats()
    stub.stop()
    if process.returncode:
        raise RuntimeError(f"{name}: factcheck add failed:\n{err[-3000:]}")
    summary = re.search(r"(\d+) new articles.*?(\d+) pairs judged.*?(\d+) flags.*?holds (\d+) articles", err, re.S)
    claims = re.search(r"(\d+) claims from", err)
    new, pairs, flags, corpus = (int(g) for g in summary.groups())
    from factcheck.store import Store

    store = Store(database)
    size = store.database_bytes()
    store.close()
    ideal = stats["requests"] * latency / concurrency
    return {
        "run": name, "articles": new, "corpus": corpus, "seconds": round(seconds, 1),
        "articles_per_s": round(new / seconds, 2), "claims": int(claims.group(1)) if claims else None,
        "claims_per_s": round(int(claims.group(1)) / seconds, 1) if claims else None,
        "pairs_judged": pairs, "flags": flags, "requests": stats["requests"], "max_in_flight": stats["max_in_flight"],
        "ideal_s": round(ideal, 1), "ratio_to_ideal": round(ideal / seconds, 3),
        "peak_memory_mib": round(peak / 2**20), "store_mib": round(size / 2**20, 1),
        "machine_cpu_s": round(cpu, 1), "cpu_s_per_request_ms": round(1000 * cpu / max(1, stats["requests"]), 2),
    }


def _cpu_seconds() -> float:
    """CPU time the whole machine spent working since boot (every process: the stub, the database,
    Ray and factcheck), from /proc/stat."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _, _, irq, softirq = (int(f) for f in fields[:7])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def scored(database: str, truth: Path) -> dict:
    """The corpus's quantity flags against the wire's truth: a flag between two reports of one
    event is right; a pair of reports of one event with different figures and no flag is missed."""
    import itertools

    from factcheck.store import Store

    groups = json.loads(truth.read_text())["groups"]
    same, conflicting = set(), set()
    for group in groups:
        for a, b in itertools.combinations(group["articles"], 2):
            same.add(frozenset((a["id"], b["id"])))
            if a["figures"] != b["figures"]:
                conflicting.add(frozenset((a["id"], b["id"])))
    store = Store(database)
    flagged = {frozenset(l["article_id"] for l in json.loads(body)["locations"])
               for body in store.corpus_flags() if json.loads(body)["kind"] == "quantity"}
    store.close()
    flagged = {pair for pair in flagged if len(pair) == 2}
    right = len(flagged & same)
    return {"article_pairs_flagged": len(flagged), "on_one_event": right,
            "precision": round(right / max(1, len(flagged)), 3), "conflicting_pairs": len(conflicting),
            "found": len(flagged & conflicting), "recall": round(len(flagged & conflicting) / max(1, len(conflicting)), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--increment", type=int, default=1000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--concurrency", type=int, default=48)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fcscale-"))
    first, last, truth = wire(work, args.articles, args.increment, args.days, args.seed)
    print(f"wire: {args.articles} + {args.increment} articles in {work}", file=sys.stderr)
    ray_dir = Path(tempfile.mkdtemp(prefix="fcray-"))
    subprocess.run([str(BIN / "ray"), "start", "--head", "--num-cpus", str(os.cpu_count()), "--include-dashboard",
                    "false", "--temp-dir", str(ray_dir), "--disable-usage-stats"], check=True, capture_output=True)
    rows = []
    try:
        with running_postgres(durable=True) as server:
            import psycopg

            def database(name: str) -> str:
                with psycopg.connect(server, autocommit=True) as admin:
                    admin.execute(f"CREATE DATABASE {name}")
                return server.replace("/postgres?", f"/{name}?", 1)

            big = database("wire")
            for name, folder, db, ray in (("ray+postgres", first, big, "auto"), ("increment", last, big, "auto"),
                                          ("alone", last, database("alone"), "auto"),
                                          ("sqlite", last, str(work / "alone.sqlite"), None)):
                row = add(name, folder, db, args.latency, args.concurrency, ray, work)
                rows.append(row)
                print(json.dumps(row), flush=True)
            accuracy = scored(big, truth)  # after the increment: the whole wire
            print(json.dumps({"wire_quantity_flags": accuracy}), flush=True)
            with psycopg.connect(big) as connection:
                tables = dict(connection.execute(
                    "SELECT relname, pg_total_relation_size(relid) FROM pg_catalog.pg_statio_user_tables "
                    "ORDER BY 2 DESC").fetchall())
            print(json.dumps({"table_mib": {k: round(v / 2**20, 1) for k, v in tables.items()}}), flush=True)
    finally:
        subprocess.run([str(BIN / "ray"), "stop", "--force"], capture_output=True, check=False)
        shutil.rmtree(ray_dir, ignore_errors=True)
    increment, alone = rows[1]["seconds"], rows[2]["seconds"]
    result = {"latency": args.latency, "concurrency": args.concurrency, "cpus": os.cpu_count(), "rows": rows,
              "wire_quantity_flags": accuracy,
              "table_mib": {k: round(v / 2**20, 1) for k, v in tables.items()},
              "increment_over_alone": round(increment / alone, 3)}
    print(json.dumps({"increment_over_alone": result["increment_over_alone"]}))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
