"""Prefill and decode rates of the embedded model, with and without the answer grammar.

Loads the default GGUF in-process (as the embedded server does, repacking off on AMX CPUs) and
times, for one seed sentence's real extraction request: the prompt prefill, and the decoding of
the answer with the grammar built from its schema and without it. Prints medians of --runs.

    python bench/rates.py [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

from factcheck.candidates import inspect
from factcheck.extract import answer_model, messages_for, prompt
from factcheck.llm.local import assemble
from factcheck.llm.serve import cpu_has_amx, disable_repacking
from factcheck.models import Article, Sentence
from factcheck.settings import Settings

SENTENCE = ("The French news agency says about 1,500 troops are involved in the operation, "
            "including 600 French and 600 Malian soldiers.")


def measure(runs: int = 3) -> dict:
    """Medians of `runs`: prefill and decode tokens/s, decode with and without the answer grammar."""
    if cpu_has_amx():
        disable_repacking()
    from llama_cpp import Llama, LlamaGrammar

    settings = Settings()
    model = Llama(model_path=str(assemble(settings.cache_dir / "models")), n_ctx=settings.n_ctx,
                  n_threads=os.cpu_count() or 2, verbose=False)  # as the embedded server runs it
    candidate = inspect(Sentence(article_id="a", index=0, start=0, end=len(SENTENCE), line=1, text=SENTENCE))
    schema = answer_model(candidate).model_json_schema()
    messages = messages_for(candidate, Article(id="a", path="a", text=SENTENCE), prompt().text)
    text = "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages) + "<|im_start|>assistant\n"
    tokens = model.tokenize(text.encode(), special=True)
    grammar = LlamaGrammar.from_json_schema(json.dumps(schema), verbose=False)

    prefill, with_grammar, without = [], [], []
    for _ in range(runs):
        model.reset()
        started = time.perf_counter()
        model.eval(tokens)
        prefill.append(len(tokens) / (time.perf_counter() - started))
        for rates, kwargs in ((with_grammar, {"grammar": grammar}), (without, {})):
            model.reset()
            model.eval(tokens)
            started = time.perf_counter()
            out = model.create_completion(tokens, max_tokens=120, temperature=0, **kwargs)
            elapsed = time.perf_counter() - started  # the prompt is cached: this is decoding
            rates.append(out["usage"]["completion_tokens"] / elapsed)
    del model
    return {
        "prompt_tokens": len(tokens),
        "prefill_tokens_per_s": round(statistics.median(prefill), 1),
        "decode_tokens_per_s_with_grammar": round(statistics.median(with_grammar), 1),
        "decode_tokens_per_s_without_grammar": round(statistics.median(without), 1),
        "runs": runs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(measure(args.runs), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
