"""A loopback OpenAI-compatible endpoint that answers every request after a fixed latency.

A test double for scale benchmarks (never a product default): it listens on 127.0.0.1 and answers

- `POST /v1/chat/completions` exactly `--latency` seconds after the request arrived, with the
  answer `tests/stub.py`'s `answer_for` builds from the request's own schema (a check-worthiness
  label, a pair judgment, or claims; a text longer than its schema allows is cut), as structured
  output or, when the request offers tools, as a tool call. A request that asks for `logprobs` gets first-token log-probabilities: the pair
  judgment's first token gives "different facts" a probability of 0.9, the other relations share
  the rest, every other token is certain;
- `GET /v1/models` with one model, `stub`;
- `GET /stats` with `{"requests": N, "max_in_flight": M, "in_flight": K}` (chat completions
  received, the most answered at once, and those being answered now).

One asyncio event loop (aiohttp) serves every connection, so hundreds of requests can sleep at once
for little CPU.

    python bench/stub_server.py [--port 0] [--latency 0.2] [--port-file FILE]

`--port 0` takes a free port; the endpoint's URL (`http://127.0.0.1:PORT/v1`) is printed as one
line and written to `--port-file` once the server listens. SIGTERM or SIGINT stops it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import re
import signal
import sys
import time
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from stub import Request, answer_for  # the tests' stub, found through the path above

MODEL = "stub"
RELATIONS = ("different facts", "agree", "contradict")
JUDGMENT_SHARE = 0.9  # the probability given to the judgment's first token
TOKEN = re.compile(r"\s*(?:\w+|[^\w\s]+)|\s+")


class ToolRequest(Request):
    """A request whose schema is that of its first tool (instructor's tools mode)."""

    @property
    def schema(self) -> dict:
        return self.body["tools"][0]["function"].get("parameters") or {}


def enum_of(schema: dict, name: str) -> tuple[str, ...]:
    """The allowed values of property `name` (inline or through a `$ref` into `$defs`)."""
    prop = schema.get("properties", {}).get(name, {})
    if "$ref" in prop:
        prop = schema.get("$defs", {}).get(prop["$ref"].rsplit("/", 1)[-1], {})
    for option in [prop, *prop.get("anyOf", []), *prop.get("allOf", [])]:
        if isinstance(option, dict) and option.get("enum"):
            return tuple(str(v) for v in option["enum"])
    return RELATIONS


def fitted(value, schema: dict, defs: dict | None = None):
    """`value` with every string cut to its schema's `maxLength` (the tests' answers copy a whole
    sentence as the claim text, which a long sentence would overrun, failing validation)."""
    defs = schema.get("$defs", {}) if defs is None else defs
    if "$ref" in schema:
        schema = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
    if isinstance(value, str):
        limits = [s.get("maxLength") for s in [schema, *schema.get("anyOf", [])] if isinstance(s, dict)]
        limit = min((n for n in limits if isinstance(n, int)), default=None)
        return value[:limit].rstrip() if limit is not None and len(value) > limit else value
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        options = [s for s in schema.get("anyOf", []) if isinstance(s, dict)]
        if not properties and options:  # an optional object: the first option that has properties
            return fitted(value, next((s for s in options if "properties" in s or "$ref" in s), {}), defs)
        return {k: fitted(v, properties.get(k, {}), defs) for k, v in value.items()}
    return value


def logprobs_for(content: str, schema: dict) -> dict:
    """Token log-probabilities for `content`: certain tokens, except the first token of the
    `relation` value, whose top tokens spread over the relations (the written one the likeliest)."""
    tokens = TOKEN.findall(content)
    written, judged, entries = "", False, []
    relations = enum_of(schema, "relation") if "relation" in schema.get("properties", {}) else ()
    for text in tokens:
        tops = [(text, 0.0)]
        after_key = written.split('"relation"', 1)[1] if relations and '"relation"' in written else None
        if not judged and after_key is not None and ":" in after_key and text.strip(' "'):
            judged = True
            chosen = next((r for r in relations if r.lower().startswith(text.strip(' "').lower())), relations[0])
            others = [r for r in relations if r != chosen]
            rest = (1 - JUDGMENT_SHARE) / max(len(others), 1)
            tops = [(text, math.log(JUDGMENT_SHARE))] + [(r.split()[0], math.log(rest)) for r in others]
        entries.append({"token": text, "logprob": tops[0][1], "bytes": list(text.encode()),
                        "top_logprobs": [{"token": t, "logprob": lp, "bytes": list(t.encode())} for t, lp in tops]})
        written += text
    return {"content": entries, "refusal": None}


def completion_for(body: dict) -> dict:
    """The chat completion answering `body`."""
    tools = bool(body.get("tools"))
    request = (ToolRequest if tools else Request)(0, body, {})
    arguments = json.dumps(fitted(answer_for(request), request.schema))
    if tools:
        function = body["tools"][0]["function"]["name"]
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_0", "type": "function", "function": {"name": function, "arguments": arguments}}]}
        finish = "tool_calls"
    else:
        message, finish = {"role": "assistant", "content": arguments}, "stop"
    choice = {"index": 0, "finish_reason": finish, "message": message, "logprobs": None}
    if body.get("logprobs") and not tools:
        choice["logprobs"] = logprobs_for(arguments, request.schema)
    completion_tokens = max(1, len(arguments) // 4)
    return {
        "id": "stub", "object": "chat.completion", "created": 0, "model": body.get("model") or MODEL,
        "choices": [choice],
        "usage": {"prompt_tokens": 100, "completion_tokens": completion_tokens, "total_tokens": 100 + completion_tokens},
    }


class Stub:
    def __init__(self, latency: float):
        self.latency = latency
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0

    async def completions(self, http: web.Request) -> web.Response:
        arrived = time.monotonic()
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            try:
                reply, status = completion_for(json.loads(await http.read())), 200
            except Exception as exc:  # noqa: BLE001 (not a request the stub can answer: say why, as an endpoint would)
                reply = {"error": {"message": f"stub cannot answer: {exc!r}", "type": "invalid_request_error"}}
                status = 400
            await asyncio.sleep(max(0.0, arrived + self.latency - time.monotonic()))
            return web.json_response(reply, status=status)
        finally:
            self.in_flight -= 1

    async def models(self, http: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [
            {"id": MODEL, "object": "model", "created": 0, "owned_by": "stub"}]})

    async def stats(self, http: web.Request) -> web.Response:
        return web.json_response({"requests": self.requests, "max_in_flight": self.max_in_flight,
                                  "in_flight": self.in_flight})

    def app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.add_routes([web.post("/v1/chat/completions", self.completions), web.get("/v1/models", self.models),
                        web.get("/stats", self.stats)])
        return app


async def serve(port: int, latency: float, port_file: Path | None) -> None:
    runner = web.AppRunner(Stub(latency).app(), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, backlog=1024)
    await site.start()
    chosen = site._server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{chosen}/v1"
    if port_file:
        partial = port_file.with_name(port_file.name + ".partial")
        partial.write_text(url + "\n")
        os.replace(partial, port_file)  # whole or absent: a reader never sees half a URL
    print(url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds from a request's arrival to its answer")
    parser.add_argument("--port-file", type=Path, help="write the endpoint's URL here once listening")
    args = parser.parse_args()
    if args.latency < 0:
        parser.error("--latency must be 0 or more")
    asyncio.run(serve(args.port, args.latency, args.port_file))
    return 0


if __name__ == "__main__":
    sys.exit(main())
