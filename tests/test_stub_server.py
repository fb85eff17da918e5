"""bench/stub_server.py as the benchmarks run it: a process answering chat completions after a fixed latency."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from openai.types.chat import ChatCompletion

from factcheck.llm.client import option_shares

SERVER = Path(__file__).resolve().parent.parent / "bench" / "stub_server.py"
LATENCY = 0.05


def schema_request(schema: dict, sentence: str, **extra) -> dict:
    return {"model": "stub", "messages": [{"role": "system", "content": "Answer in JSON."},
                                          {"role": "user", "content": f"Sentence: {sentence}\nNumbers: none"}],
            "response_format": {"type": "json_schema", "json_schema": {"name": "Answer", "schema": schema}}, **extra}


LABEL = {"type": "object", "properties": {"label": {"type": "string", "enum": ["check-worthy", "not check-worthy"]}},
         "required": ["label"]}
RELATION = {"type": "object", "properties": {"relation": {"type": "string",
                                                          "enum": ["different facts", "agree", "contradict"]}},
            "required": ["relation"]}


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    port_file = tmp_path_factory.mktemp("stub") / "url"
    process = subprocess.Popen([sys.executable, str(SERVER), "--port", "0", "--latency", str(LATENCY),
                                "--port-file", str(port_file)], stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not port_file.exists():
            assert process.poll() is None and time.monotonic() < deadline, "the stub server did not start"
            time.sleep(0.05)
        url = port_file.read_text().strip()
        assert process.stdout.readline().strip() == url
        with httpx.Client(timeout=10, limits=httpx.Limits(max_connections=32)) as client:
            yield url, client
    finally:
        process.terminate()
        process.wait(10)


def test_concurrent_requests_each_wait_the_latency_and_are_counted(endpoint):
    url, client = endpoint
    base = url.removesuffix("/v1")
    before = client.get(f"{base}/stats").json()

    def ask(n: int) -> tuple[float, dict]:
        started = time.monotonic()
        reply = client.post(f"{url}/chat/completions", json=schema_request(LABEL, f"At least {n} people died."))
        return time.monotonic() - started, reply.raise_for_status().json()

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(ask, range(20)))
    for took, completion in results:
        assert took >= LATENCY
        message = ChatCompletion.model_validate(completion).choices[0].message
        assert json.loads(message.content) == {"label": "check-worthy"}
    stats = client.get(f"{base}/stats").json()
    assert stats["requests"] - before["requests"] == 20
    assert stats["in_flight"] == 0
    assert 1 < stats["max_in_flight"] <= 20
    assert client.get(f"{url}/models").json()["data"][0]["id"] == "stub"


def test_a_pair_judgment_reads_different_facts_from_its_first_token_logprobs(endpoint):
    url, client = endpoint
    body = schema_request(RELATION, "Two claims.", logprobs=True, top_logprobs=10)
    completion = ChatCompletion.model_validate(client.post(f"{url}/chat/completions", json=body).json())
    assert json.loads(completion.choices[0].message.content)["relation"] == "different facts"
    shares = option_shares(completion, "relation", ("different facts", "agree", "contradict"))
    assert shares == pytest.approx({"different facts": 0.9, "agree": 0.05, "contradict": 0.05}, abs=1e-3)


def test_claims_fit_their_schema_and_tools_are_answered_with_a_tool_call(endpoint):
    url, client = endpoint
    sentence = "Officials said " + "very " * 60 + "many soldiers were killed in Gao on Monday."
    entry = {"type": "object", "properties": {"subject": {"type": "string", "maxLength": 80},
                                              "predicate": {"type": "string"},
                                              "claim_text": {"type": "string", "maxLength": 200}}}
    schema = {"type": "object", "properties": {"statement": {"$ref": "#/$defs/Statement"}},
              "$defs": {"Statement": entry}}
    answer = client.post(f"{url}/chat/completions", json=schema_request(schema, sentence)).json()
    statement = json.loads(answer["choices"][0]["message"]["content"])["statement"]
    assert statement["subject"] == "Officials" and sentence.startswith(statement["claim_text"])
    assert len(statement["claim_text"]) <= 200
    tools = {"model": "stub", "messages": [{"role": "user", "content": "Sentence: It rained."}],
             "tools": [{"type": "function", "function": {"name": "Label", "parameters": LABEL}}]}
    call = client.post(f"{url}/chat/completions", json=tools).json()["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "Label" and json.loads(call["function"]["arguments"]) == {"label": "check-worthy"}
