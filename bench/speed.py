"""`factcheck run seeds/` cold and warm on the embedded model, per candidate, and against the ideal.

Runs the real command in subprocesses: once with an empty answer cache (cold; the model file is
assembled beforehand if needed), then --warm times on the same cache. From the run's summary line
it takes LLM calls, prompt and completion tokens and LLM time, and computes the ideal LLM time:
completion tokens at the decode rate plus the prompt tokens that differ from the previous
request's prefix (all but the shared system text) at the prefill rate. The rates are measured
right after the cold run, as `python bench/rates.py` does (the machine is shared and its speed
drifts, so rates from another hour would skew the ratio); --decode and --prefill override them.

    python bench/speed.py [--decode TOKENS_PER_S] [--prefill TOKENS_PER_S] [--warm 5]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rates

from factcheck.articles import load_folder
from factcheck.candidates import select
from factcheck.extract import prompt
from factcheck.sentences import mark_duplicates, split_article

ROOT = Path(__file__).resolve().parents[1]
SUMMARY = re.compile(r"LLM calls (\d+) \(cached answers (\d+)\), prompt tokens (\d+), completion tokens (\d+), "
                     r"LLM time ([\d.]+) s; not extracted (\d+)")


def run(db: Path) -> tuple[float, dict, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "factcheck.cli", "run", str(ROOT / "seeds"), "--db", str(db)],
                          capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    calls, cached, prompt_tokens, completion, llm_seconds, missing = SUMMARY.search(done.stderr).groups()
    return wall, {"calls": int(calls), "cached": int(cached), "prompt_tokens": int(prompt_tokens),
                  "completion_tokens": int(completion), "llm_seconds": float(llm_seconds),
                  "not_extracted": int(missing)}, done.stdout


def system_prefix_tokens() -> int:
    from llama_cpp import Llama

    from factcheck.llm.local import assemble
    from factcheck.settings import Settings

    vocab = Llama(model_path=str(assemble(Settings().cache_dir / "models")), vocab_only=True, verbose=False)
    return len(vocab.tokenize(f"<|im_start|>system\n{prompt().text}".encode(), special=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decode", type=float, help="tokens/s under the grammar (default: measured now)")
    parser.add_argument("--prefill", type=float, help="tokens/s (default: measured now)")
    parser.add_argument("--warm", type=int, default=5)
    args = parser.parse_args()
    articles, _ = load_folder(ROOT / "seeds")
    chosen = select(mark_duplicates([s for a in articles for s in split_article(a)]))
    asked = sum(1 for c in chosen if not c.sentence.duplicate_of)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cache.sqlite"
        cold_wall, cold, report = run(db)
        if args.decode is None or args.prefill is None:
            measured = rates.measure(3)
            args.decode = args.decode or measured["decode_tokens_per_s_with_grammar"]
            args.prefill = args.prefill or measured["prefill_tokens_per_s"]
        warm = [run(db) for _ in range(args.warm)]
    shared = system_prefix_tokens()
    unique_prompt = cold["prompt_tokens"] - shared * cold["calls"]
    ideal = cold["completion_tokens"] / args.decode + unique_prompt / args.prefill
    print(json.dumps({
        "candidate_sentences_asked": asked,
        "cold_wall_s": round(cold_wall, 1), **{f"cold_{k}": v for k, v in cold.items()},
        "calls_per_candidate": round(cold["calls"] / asked, 2),
        "prompt_tokens_per_candidate": round(cold["prompt_tokens"] / asked),
        "completion_tokens_per_candidate": round(cold["completion_tokens"] / asked),
        "shared_system_prefix_tokens": shared, "unique_prompt_tokens": unique_prompt,
        "ideal_llm_s": round(ideal, 1), "ideal_to_actual": round(ideal / cold["llm_seconds"], 2),
        "warm_wall_median_s": round(statistics.median(w for w, _, _ in warm), 2),
        "warm_llm_calls": sum(u["calls"] for _, u, _ in warm),
        "warm_reports_identical_to_cold": all(text == report for _, _, text in warm),
        "rates": {"decode": args.decode, "prefill": args.prefill},
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
