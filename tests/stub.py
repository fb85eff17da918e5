"""A loopback HTTP server that speaks OpenAI chat completions, for tests that need real HTTP.

`StubEndpoint(reply)` listens on 127.0.0.1 on a free port. For every POST it calls
`reply(request)` with a `Request` (its JSON body, headers and its number, counted from 0) and
sends back what that returns: a `Reply`, or `HANG` to keep the connection open without answering
until the stub stops. `answer_for(request)` builds a valid structured answer from the request's
own schema and sentence (a label, a pair judgment or claims), so most tests only say how they
differ from a well-behaved model.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HANG = object()


@dataclass
class Request:
    number: int
    body: dict
    headers: dict[str, str]

    @property
    def sentence(self) -> str:
        asked = next(m["content"] for m in self.body["messages"] if m["role"] == "user" and "Sentence: " in m["content"])
        return asked.split("Sentence: ", 1)[1].splitlines()[0]

    @property
    def schema(self) -> dict:
        form = self.body.get("response_format") or {}
        return (form.get("json_schema") or {}).get("schema") or {}


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


def completion(content: str | dict, finish_reason: str = "stop", model: str = "m") -> dict:
    """A chat completion whose message is `content` (a dict is sent as its JSON text)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return {
        "id": "stub", "object": "chat.completion", "created": 0, "model": model,
        "choices": [{"index": 0, "finish_reason": finish_reason, "message": {"role": "assistant", "content": text}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
    }


def answer_for(request: Request, counts: str | None = None) -> dict:
    """A valid answer to the request, by the kind its schema asks for: a check-worthiness label
    ("check-worthy"), a pair judgment ("different facts"), or grounded claims: the sentence's first
    word as every subject, the sentence as every claim text; each number counts `counts` (default:
    the word written after it, from the key)."""
    properties = request.schema.get("properties", {})
    if "label" in properties:
        return {"label": "check-worthy"}
    if "relation" in properties:
        return {"relation": "different facts", "reason": "stub"}
    subject = re.findall(r"[A-Za-z]{3,}", request.sentence)[0]
    claim_text = request.sentence
    answer: dict = {"statement": {"subject": subject, "predicate": "said", "claim_text": claim_text}}
    for key in properties:
        if key != "statement":
            written = key.rstrip("*").split()[-1]
            answer[key] = {"counts": counts or written, "subject": subject, "predicate": "said",
                           "claim_text": claim_text}
    return answer


def good(request: Request) -> Reply:
    return Reply(body=completion(answer_for(request)))


class StubEndpoint:
    """A threaded loopback server; use as a context manager, or call `stop()`."""

    def __init__(self, reply: Callable[[Request], Reply | object] = good):
        self.reply = reply
        self.requests: list[Request] = []
        self.times: list[float] = []  # time.monotonic() at each request
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with stub._lock:
                    request = Request(len(stub.requests), json.loads(raw or b"{}"), dict(self.headers.items()))
                    stub.requests.append(request)
                    stub.times.append(time.monotonic())
                try:
                    reply = stub.reply(request)
                except Exception as exc:  # a defect of the test: say so in a status the client shows
                    reply = Reply(status=599, body={"error": {"message": f"stub failed: {exc!r}"}})
                if reply is HANG:
                    stub._released.wait(60)
                    return
                payload = reply.payload()
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        return Handler

    def stop(self) -> None:
        self._released.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> StubEndpoint:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
