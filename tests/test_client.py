"""The LLM client against a real HTTP server on loopback that answers like an OpenAI endpoint."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from factcheck.candidates import inspect
from factcheck.extract import extract_one
from factcheck.llm.client import LLMClient
from factcheck.models import Article, Sentence
from factcheck.settings import Settings


@pytest.fixture
def endpoint():
    """(base_url, received request bodies); every answer is the same structured output."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body)
            answer = {"statement": {"subject": "troops", "predicate": "found", "claim_text": "x"},
                      "12 rockets": {"counts": "rockets", "subject": "troops", "predicate": "found", "claim_text": "x"}}
            reply = json.dumps({
                "id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": json.dumps(answer)}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", received
    server.shutdown()


def test_article_text_reaches_the_model_verbatim_even_with_template_syntax(endpoint):
    url, received = endpoint
    text = "Troops found 12 rockets marked {{ x }} and {% if %} in Bourem."
    sentence = Sentence(article_id="a.txt", index=0, start=0, end=len(text), line=1, text=text)
    client = LLMClient(Settings(base_url=url, model="m", use_cache=False, progress=False), url, "m", store=None)
    result = extract_one(inspect(sentence), Article(id="a.txt", path="a.txt", text=text), client)
    assert result.error is None and result.claims[1].number.unit == "rockets"
    assert f"Sentence: {text}" in received[0]["messages"][-1]["content"]
    assert received[0]["response_format"]["type"] == "json_schema"
