"""Serve the review page on a loopback address until Ctrl-C."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from ..errors import InputError
from .app import create_app


def review_server(db_path: Path | str, host: str = "127.0.0.1", port: int = 8765) -> BaseWSGIServer:
    """A threaded server for the page, bound but not yet serving; port 0 picks a free port."""
    if not _is_loopback(host):
        raise InputError(f"--host {host} is not a loopback address: the review page has no login, "
                         "so it listens on this machine only (127.0.0.1, localhost or ::1)")
    app = create_app(db_path)
    try:  # bound here, so a taken port is our one-line error (werkzeug would print and exit)
        listener = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port}: {os.strerror(exc.errno) if exc.errno else exc}") from None
    with listener:
        return make_server(host, port, app, threaded=True, fd=listener.fileno())


def serve(db_path: Path | str, host: str, port: int, announce: Callable[[str], None] = print) -> None:
    server = review_server(db_path, host, port)
    shown = f"[{host}]" if ":" in host else host
    announce(f"http://{shown}:{server.port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        try:
            return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
        except (OSError, ValueError):
            return False
