"""Bounded concurrency against a remote endpoint, timed against a loopback stub with a fixed delay.

The stub (a test double for timing only, never a product default) is an OpenAI-compatible chat
completions server on 127.0.0.1 that waits `--delay` seconds, then answers every request with a
tool call that fits the request's schema (a label, a pair judgment, or claims using words of the
request's sentence, so the answers pass validation). 1,000 one-sentence articles are extracted at
`--concurrency` 32 with the cache off; the bound is calls x delay / concurrency.

    python bench/concurrency.py [--articles 1000] [--concurrency 32] [--delay 0.2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import socket
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from factcheck import candidates as candidates_stage
from factcheck import sentences as sentences_stage
from factcheck.articles import load_folder
from factcheck.extract import extract_all
from factcheck.llm.client import LLMClient
from factcheck.pipeline import run
from factcheck.settings import Settings


def _answer(request: dict) -> dict:
    """A reply that fits the request's schema, in the form asked for (structured output or tool call):
    a check-worthiness label, a pair judgment, or claims using words of the request's sentence."""
    if "tools" in request:
        name, schema = request["tools"][0]["function"]["name"], request["tools"][0]["function"]["parameters"]
    else:
        name, schema = None, request["response_format"]["json_schema"]["schema"]
    if "label" in schema["properties"]:
        arguments = json.dumps({"label": "check-worthy"})
    elif "relation" in schema["properties"]:
        arguments = json.dumps({"relation": "different facts", "reason": "stub"})
    else:
        sentence = request["messages"][-1]["content"].split("Sentence: ", 1)[1].splitlines()[0]
        word = re.findall(r"[A-Za-z]{4,}", sentence)[0]
        keys = [k for k in schema["required"] if k != "statement"]
        entry = {"counts": word, "subject": word, "predicate": "is", "claim_text": sentence}
        arguments = json.dumps({"statement": {"subject": word, "predicate": "is", "claim_text": sentence}}
                               | {k: entry for k in keys})
    if name is None:
        message, finish = {"role": "assistant", "content": arguments}, "stop"
    else:
        message, finish = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_0", "type": "function", "function": {"name": name, "arguments": arguments}}]}, "tool_calls"
    return {
        "id": "stub", "object": "chat.completion", "created": 0, "model": request["model"],
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }


def serve(port: int, delay: float) -> None:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self):
            super().setup()  # headers and body go in separate writes: without this, Nagle's delay adds ~40 ms
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(delay)
            reply = json.dumps(_answer(body)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0.0 elsewhere)."""
    try:
        fields = open(f"/proc/{pid}/stat", encoding="ascii").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--mode", choices=["json_schema", "tools"], default="json_schema")
    args = parser.parse_args()
    port = free_port()
    stub = multiprocessing.Process(target=serve, args=(port, args.delay), daemon=True)
    stub.start()
    time.sleep(0.5)
    settings = Settings(base_url=f"http://127.0.0.1:{port}/v1", model="stub", concurrency=args.concurrency, mode=args.mode,
                        use_cache=False, progress=False)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            for n in range(args.articles):
                (folder / f"{n:05d}.txt").write_text(f"Officials in Gao said {n + 2} soldiers were killed on Monday.\n")
            articles, _ = load_folder(folder)
            sentences = [s for a in articles for s in sentences_stage.split_article(a)]
            chosen = candidates_stage.select(sentences)
            client = LLMClient(settings, settings.base_url, settings.model, store=None)
            started, cpu, stub_cpu = time.perf_counter(), time.process_time(), cpu_seconds(stub.pid)
            results = extract_all(chosen, {a.id: a for a in articles}, client, workers=args.concurrency)
            extract_seconds = time.perf_counter() - started
            client_cpu, stub_cpu = time.process_time() - cpu, cpu_seconds(stub.pid) - stub_cpu
            started = time.perf_counter()
            report = run(folder, settings)
            run_seconds = time.perf_counter() - started
    finally:
        stub.terminate()
    calls = sum(r.usage.calls for r in results)
    bound = calls * args.delay / args.concurrency
    print(json.dumps({
        "articles": args.articles, "calls": calls, "failed": sum(1 for r in results if r.error),
        "mode": args.mode, "concurrency": args.concurrency, "delay_s": args.delay, "bound_s": round(bound, 2),
        "extract_stage_s": round(extract_seconds, 2), "extract_ratio_to_bound": round(extract_seconds / bound, 2),
        "extract_client_cpu_s": round(client_cpu, 2), "extract_stub_cpu_s": round(stub_cpu, 2),
        "whole_run_s": round(run_seconds, 2), "whole_run_ratio_to_bound": round(run_seconds / bound, 2),
        "whole_run_claims": len(report.claims),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
