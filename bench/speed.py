"""`factcheck run seeds/` cold and warm on the embedded model, against the machine's ideal.

Runs the real command in subprocesses: once with an empty answer cache (cold; the model file is
assembled beforehand if needed), then --warm times on the same cache. From the run's summary line
it takes LLM calls, prompt tokens (and how many of them the server reused from its prompt cache)
and completion tokens. The LLM's wall time is the cold wall time less the warm median (the warm
run does everything but the model). Right after, `bench/rates.py` measures the prefill rate and
batched decode rates of this machine, so the figures compare within one hour; then:

- aggregate decode rate: completion tokens / LLM wall time;
- compute-bound ideal: every prompt token not reused plus every completion token, at the prefill
  rate (decoding many sequences together approaches it); ideal / actual is the ratio reported;
- with --busy N, N other processes spin on a core each during a second cold run, and the ratio
  of that run's wall time to the quiet one is reported.

    python bench/speed.py [--warm 5] [--busy 1] [--slots N] [--threads N] [other `factcheck run` options]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rates

from factcheck.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"LLM calls (\d+) \(cached answers (\d+)\), prompt tokens (\d+) \((\d+) reused\), "
                     r"completion tokens (\d+), LLM time ([\d.]+) s; not extracted (\d+)")


def run(db: Path, extra: list[str]) -> tuple[float, dict, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "factcheck.cli", "run", str(ROOT / "seeds"), "--db", str(db), *extra],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"factcheck run failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    calls, cached, prompt_tokens, reused, completion, llm_seconds, missing = SUMMARY.search(done.stderr).groups()
    return wall, {"calls": int(calls), "cached": int(cached), "prompt_tokens": int(prompt_tokens),
                  "prompt_tokens_reused": int(reused), "completion_tokens": int(completion),
                  "llm_request_seconds": float(llm_seconds), "not_extracted": int(missing)}, done.stdout


def spin() -> None:
    while True:
        pass


def cold(extra: list[str]) -> tuple[float, dict, str, Path, tempfile.TemporaryDirectory]:
    tmp = tempfile.TemporaryDirectory()
    db = Path(tmp.name) / "cache.sqlite"
    wall, usage, report = run(db, extra)
    return wall, usage, report, db, tmp


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm", type=int, default=5)
    parser.add_argument("--busy", type=int, default=0, help="also a cold run with N spinning processes beside it")
    parser.add_argument("--slots", type=int, help="embedded server slots (default: the tool's)")
    parser.add_argument("--threads", type=int, help="llama.cpp threads (default: the tool's)")
    args, passed = parser.parse_known_args()
    extra = [*passed, *(["--slots", str(args.slots)] if args.slots else []), *(["--threads", str(args.threads)] if args.threads else [])]
    cold_wall, usage, report, db, tmp = cold(extra)
    warm = [run(db, extra) for _ in range(args.warm)]
    tmp.cleanup()
    warm_wall = statistics.median(w for w, _, _ in warm)
    measured = rates.measure(1, settings=Settings(threads=args.threads))
    llm_wall = cold_wall - warm_wall
    not_reused = usage["prompt_tokens"] - usage["prompt_tokens_reused"]
    ideal = (not_reused + usage["completion_tokens"]) / measured["prefill_tokens_per_s"]
    result = {
        "cold_wall_s": round(cold_wall, 1), "llm_wall_s": round(llm_wall, 1),
        **{f"cold_{k}": v for k, v in usage.items()},
        "prompt_tokens_not_reused": not_reused,
        "aggregate_decode_tokens_per_s": round(usage["completion_tokens"] / llm_wall, 1),
        "ideal_llm_s": round(ideal, 1), "ideal_to_actual": round(ideal / llm_wall, 2),
        "warm_wall_median_s": round(warm_wall, 2),
        "warm_llm_calls": sum(u["calls"] for _, u, _ in warm),
        "warm_reports_identical_to_cold": all(text == report for _, _, text in warm),
        "rates_same_run": measured,
    }
    if args.busy:
        spinners = [multiprocessing.Process(target=spin, daemon=True) for _ in range(args.busy)]
        for s in spinners:
            s.start()
        try:
            busy_wall, busy_usage, busy_report, _, busy_tmp = cold(extra)
            busy_tmp.cleanup()
        finally:
            for s in spinners:
                s.terminate()
        result.update({"busy_processes": args.busy, "busy_cold_wall_s": round(busy_wall, 1),
                       "busy_to_quiet": round(busy_wall / cold_wall, 2),
                       "busy_report_identical": busy_report == report})
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
