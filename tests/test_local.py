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


def test_server_process_exits_when_its_parent_is_killed(tmp_path):
    pid_file = tmp_path / "server.pid"
    parent = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c",
            "import time; from factcheck.llm.serve import exit_with_parent; exit_with_parent(0.1); time.sleep(60)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
        time.sleep(60)
    """)])
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    server = int(pid_file.read_text())
    time.sleep(1.0)  # the server is up and watching
    os.kill(parent.pid, signal.SIGKILL)  # no cleanup code can run in the parent
    parent.wait()
    deadline = time.monotonic() + 10
    while _alive(server):
        assert time.monotonic() < deadline, "the server outlived its parent"
        time.sleep(0.1)


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
