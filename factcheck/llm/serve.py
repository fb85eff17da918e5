"""Entry point of the embedded server process: llama-cpp-python's server, with one fix.

llama.cpp's AMX weight-repacking buffers crash (SIGSEGV in decode) on CPUs with AMX as soon
as a prompt is longer than a few tokens (seen with llama-cpp-python 0.3.36 on this project's
machines). Neither the server nor `Llama` exposes the switch, so this process turns off the
extra buffer types in the default model parameters before the server loads the model.
Run as `python -m factcheck.llm.serve [--no-repack] <llama_cpp.server options>`.
"""

from __future__ import annotations

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


def main() -> None:
    exit_with_parent()
    if "--no-repack" in sys.argv:
        sys.argv.remove("--no-repack")
        disable_repacking()
    from llama_cpp.server.__main__ import main as serve

    serve()


if __name__ == "__main__":
    main()
