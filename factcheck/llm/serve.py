"""Entry point of the embedded server process: a supervisor around llama.cpp's `llama-server`.

`llama-server` decodes several requests at once (parallel slots, continuous batching) and speaks
OpenAI structured outputs natively (`response_format` with a JSON schema becomes a sampling
grammar), so the client's requests reach it unchanged. It does not watch the process that
started it, so this small process does: it starts the server as its child, passes SIGTERM and
Ctrl-C on to it, and stops it when the parent is gone, even if the parent was killed.

Run as `python -m factcheck.llm.serve LLAMA_SERVER_BINARY [llama-server options]`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time

PR_SET_PDEATHSIG = 1


def cpu_has_amx() -> bool:
    """llama.cpp's AMX weight repacking crashes (SIGSEGV in decode) on these CPUs."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            return " amx_tile" in handle.read()
    except OSError:
        return False


def exit_with_parent(on_exit=lambda: None, interval: float = 1.0) -> None:
    """Call `on_exit` and end this process when the process that started it is gone."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        on_exit()
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="exit-with-parent").start()


def _die_with_supervisor() -> None:
    """In the child, before exec: the kernel sends SIGTERM if this supervisor dies (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def supervise(command: list[str], grace: float = 5.0) -> int:
    """Run `command` until it exits, passing on SIGTERM/SIGINT; return its exit code."""
    child = subprocess.Popen(command, preexec_fn=_die_with_supervisor if sys.platform == "linux" else None)

    def forward(*_args) -> None:  # the main thread's wait() below reaps the child
        with contextlib.suppress(ProcessLookupError):
            child.terminate()

    def stop() -> None:  # from the watcher thread, when the parent is gone
        forward()
        deadline = time.monotonic() + grace
        while child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError):
            child.kill()

    exit_with_parent(stop)
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    return child.wait()


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m factcheck.llm.serve LLAMA_SERVER_BINARY [options]")
    code = supervise(sys.argv[1:])
    sys.exit(128 - code if code < 0 else code)  # killed by signal N: 128 + N, as a shell reports it


if __name__ == "__main__":
    main()
