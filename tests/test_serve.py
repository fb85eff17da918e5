"""The embedded server's request translation: OpenAI structured outputs to llama-cpp-python's form."""

import asyncio
import json

from factcheck.llm.serve import StructuredOutputs, structured_output

SCHEMA = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}


def test_a_json_schema_response_format_becomes_a_schema_bound_json_object():
    body = {"model": "m", "response_format": {"type": "json_schema", "json_schema": {"name": "X", "schema": SCHEMA}}}
    assert structured_output(body)["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert structured_output({"model": "m"}) == {"model": "m"}
    plain = {"response_format": {"type": "json_object"}}
    assert structured_output(plain) == plain


def call(app, path, body: bytes) -> tuple[bytes, dict]:
    """Send one request through the ASGI app in two body chunks; return what the inner app got."""
    seen = {}

    async def inner(scope, receive, send):
        chunks = []
        while True:
            message = await receive()
            chunks.append(message["body"])
            if not message["more_body"]:
                break
        seen["body"], seen["headers"] = b"".join(chunks), dict(scope["headers"])

    messages = [{"type": "http.request", "body": body[:5], "more_body": True},
                {"type": "http.request", "body": body[5:], "more_body": False}]

    async def receive():
        return messages.pop(0)

    scope = {"type": "http", "method": "POST", "path": path, "headers": [(b"content-length", str(len(body)).encode())]}
    asyncio.run(app(inner)(scope, receive, None))
    return seen["body"], seen["headers"]


def test_the_middleware_rewrites_chat_completion_bodies_only():
    body = json.dumps({"response_format": {"type": "json_schema", "json_schema": {"schema": SCHEMA}}}).encode()
    got, headers = call(StructuredOutputs, "/v1/chat/completions", body)
    assert json.loads(got)["response_format"] == {"type": "json_object", "schema": SCHEMA}
    assert headers[b"content-length"] == str(len(got)).encode()
    assert call(StructuredOutputs, "/v1/completions", body)[0] == body
    assert call(StructuredOutputs, "/v1/chat/completions", b"not json at all")[0] == b"not json at all"
