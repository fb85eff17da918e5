"""The embedded backend's process handling and model assembly, without llama.cpp."""

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from factcheck.errors import BackendError
from factcheck.llm.local import assemble


def test_server_and_its_supervisor_exit_when_the_tool_is_killed(tmp_path):
    pid_file = tmp_path / "server.pid"
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import subprocess, sys, time
        supervisor = subprocess.Popen([sys.executable, "-m", "factcheck.llm.serve", "sleep", "60"])
        open({str(pid_file)!r}, "w").write(str(supervisor.pid))
        time.sleep(60)
    """)])
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text() or not _children(int(pid_file.read_text())):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    supervisor = int(pid_file.read_text())
    (server,) = _children(supervisor)
    time.sleep(0.5)  # the supervisor is watching its parent
    os.kill(parent.pid, signal.SIGKILL)  # no cleanup code can run in the parent
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(server) or _alive(supervisor):
        assert time.monotonic() < deadline, "the server outlived the tool"
        time.sleep(0.1)


def test_the_supervisor_passes_sigterm_on_and_returns_the_server_exit_code():
    supervisor = subprocess.Popen([sys.executable, "-m", "factcheck.llm.serve", "sleep", "60"])
    deadline = time.monotonic() + 20
    while not _children(supervisor.pid):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    started = time.monotonic()
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=10) == 128 + signal.SIGTERM  # the server's own end, as a shell reports it
    assert time.monotonic() - started < 5


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(p) for p in handle.read().split()]
    except FileNotFoundError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_model_is_assembled_from_its_parts_and_hash_checked(tmp_path):
    parts = []
    for n, chunk in enumerate([b"GGUF", b"-model-", b"bytes"], 1):
        part = tmp_path / f"part{n:02d}.bin"
        part.write_bytes(chunk)
        parts.append(part)
    whole = b"GGUF-model-bytes"
    spec = {"file": "m.gguf", "size": len(whole), "sha256": hashlib.sha256(whole).hexdigest()}
    target = assemble(tmp_path / "models", spec, parts)
    assert target.read_bytes() == whole
    assert assemble(tmp_path / "models", spec, parts=[]) == target  # already there: not rebuilt

    bad = dict(spec, file="bad.gguf", sha256="0" * 64)
    with pytest.raises(BackendError, match="assembled model has sha256"):
        assemble(tmp_path / "models", bad, parts)
    assert not any(p.name.startswith("bad") for p in (tmp_path / "models").iterdir())


def test_threads_leave_out_the_cores_other_processes_keep_busy(monkeypatch):
    from factcheck.llm import local
    from factcheck.settings import Settings

    monkeypatch.setattr(local.os, "cpu_count", lambda: 4)
    for busy, expected in [(0.0, 4), (0.9, 3), (2.2, 2), (3.9, 1), (7.5, 1)]:
        monkeypatch.setattr(local, "busy_cores", lambda busy=busy: busy)
        assert local.threads(Settings()) == expected
    assert local.threads(Settings(threads=3)) == 3
    monkeypatch.undo()
    assert 0.0 <= local.busy_cores(0.05) <= (os.cpu_count() or 1) + 0.01
