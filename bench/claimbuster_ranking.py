"""How well the model's check-worthiness ranks sentences, beyond its one label: the probability
it gives "check-worthy" at the label's first token, from the server's token log-probabilities.

Asks the same request as `select.judge_one` (prompt, hints, answer schema), with `logprobs`, once
per sentence, without the answer cache (the cache keeps answers, not probabilities). Prints the
label's F1 (CFS positive), the ranking's AUC (the chance that a check-worthy sentence gets a
higher probability than another), and a threshold on the probability chosen on the even rows
with its F1 on the odd rows, held out. Needs an endpoint that returns `top_logprobs` (llama.cpp's
server does).

    python bench/claimbuster_ranking.py [--limit N] [--prompt-version N] [--base-url URL --model NAME]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openai
from benchlib import add_model_args, one_backend, settings_from
from eval_claimbuster import DEFAULT_DATA, _prf, anchored, load

from factcheck import select

FIRST_TOKENS = {"check": "check-worthy", "un": "unimportant", "not": "not factual"}


def ask(client: openai.OpenAI, model: str, candidate, system: str) -> tuple[str, float]:
    """The label the model writes, and P(check-worthy) among the three labels' first tokens."""
    schema = select.SentenceLabel.model_json_schema()
    response = client.chat.completions.create(
        model=model, messages=select.messages_for(candidate, system), temperature=0, max_tokens=select.MAX_TOKENS,
        logprobs=True, top_logprobs=10,
        response_format={"type": "json_schema", "json_schema": {"name": "SentenceLabel", "schema": schema}})
    choice = response.choices[0]
    written, shares = "", None
    for token in choice.logprobs.content:
        if shares is None and written.endswith('"') and '"label":' in written:  # the value's first token
            options = {t.token: math.exp(t.logprob) for t in token.top_logprobs}
            found = {label: options.get(first, 0.0) for first, label in FIRST_TOKENS.items()}
            total = sum(found.values())
            shares = found["check-worthy"] / total if total else 0.0
        written += token.token
    label = json.loads(choice.message.content)["label"]
    return label, shares if shares is not None else float(label == "check-worthy")


def auc(scores: list[float], gold: list[bool]) -> float:
    pos = [s for s, g in zip(scores, gold) if g]
    neg = [s for s, g in zip(scores, gold) if not g]
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, help="a fixed subset: the first N/3 sentences of each label")
    parser.add_argument("--prompt-version", type=int, help="ask with prompts/select_claims.vN.txt")
    add_model_args(parser)
    args = parser.parse_args()
    args.extractor = "llm"  # always the model's labels
    if args.prompt_version:
        select.PROMPT = (select.PROMPT[0], args.prompt_version)
    rows = load(args.data, args.limit)
    if rows is None:
        print(f"skipped: {args.data} not found")
        return 0
    candidates, system = anchored(rows), select.prompt().text
    with one_backend(settings_from(args)) as settings:
        client = openai.OpenAI(base_url=settings.base_url, api_key=settings.api_key or "not-needed")
        with ThreadPoolExecutor(max(1, settings.concurrency)) as pool:
            answers = list(pool.map(lambda c: ask(client, settings.model, c, system), candidates))
    gold = [row["label"] == "CFS" for row in rows]
    scores = [share for _, share in answers]
    even, odd = range(0, len(rows), 2), range(1, len(rows), 2)

    def f1_at(threshold: float, index) -> dict:
        return _prf([scores[i] >= threshold for i in index], [gold[i] for i in index])

    threshold = max((t / 100 for t in range(5, 96)), key=lambda t: f1_at(t, even)["f1"])
    print(json.dumps({
        "sentences": len(rows), "prompt": "%s.v%d" % select.PROMPT,
        "label": _prf([label == "check-worthy" for label, _ in answers], gold),
        "auc": round(auc(scores, gold), 3),
        "threshold_on_even_rows": threshold, "held_out_odd_rows": f1_at(threshold, odd),
        "label_on_odd_rows": _prf([answers[i][0] == "check-worthy" for i in odd], [gold[i] for i in odd]),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
