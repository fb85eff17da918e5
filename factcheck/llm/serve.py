"""Entry point of the embedded server process: llama-cpp-python's server, with two fixes.

llama.cpp's AMX weight-repacking buffers crash (SIGSEGV in decode) on CPUs with AMX as soon
as a prompt is longer than a few tokens (seen with llama-cpp-python 0.3.36 on this project's
machines). Neither the server nor `Llama` exposes the switch, so this process turns off the
extra buffer types in the default model parameters before the server loads the model.

The server also learns OpenAI's structured-output request format,
`response_format={"type": "json_schema", "json_schema": {"schema": S}}`, which it would reject:
it is rewritten to the server's own `{"type": "json_object", "schema": S}`, which compiles S
into a grammar without putting it in the prompt. The client then speaks the same standard
request to every endpoint, and the prompt carries no schema.

Run as `python -m factcheck.llm.serve [--no-repack] <llama_cpp.server options>`.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time


def cpu_has_amx() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            return " amx_tile" in handle.read()
    except OSError:
        return False


def disable_repacking() -> None:
    import llama_cpp
    import llama_cpp.llama_cpp as bindings

    default = bindings.llama_model_default_params

    def params():
        value = default()
        value.use_extra_bufts = False
        return value

    bindings.llama_model_default_params = params
    llama_cpp.llama_model_default_params = params


def exit_with_parent(interval: float = 1.0) -> None:
    """Stop this server when the process that started it is gone (even if it was killed)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def structured_output(body: dict) -> dict:
    """The request with an OpenAI `json_schema` response format in llama-cpp-python's form."""
    form = body.get("response_format")
    if isinstance(form, dict) and form.get("type") == "json_schema":
        schema = (form.get("json_schema") or {}).get("schema")
        body = {**body, "response_format": {"type": "json_object", **({"schema": schema} if schema else {})}}
    return body


class StructuredOutputs:
    """ASGI middleware: applies `structured_output` to the body of every chat completion request."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].endswith("/chat/completions"):
            return await self.app(scope, receive, send)
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            body = json.dumps(structured_output(json.loads(body))).encode()
        except (ValueError, AttributeError):
            pass  # not a JSON object: the server answers with its own error
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        scope = {**scope, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        return await self.app(scope, replay, send)


def main() -> None:
    exit_with_parent()
    if "--no-repack" in sys.argv:
        sys.argv.remove("--no-repack")
        disable_repacking()
    import llama_cpp.server.__main__ as server

    create_app = server.create_app
    server.create_app = lambda **kwargs: StructuredOutputs(create_app(**kwargs))
    server.main()


if __name__ == "__main__":
    main()
