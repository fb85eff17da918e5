"""A throwaway PostgreSQL server on a unix socket in a fresh folder, for tests and benchmarks.

`running_postgres()` yields the URL of the server's `postgres` database and stops the server and
removes its folder at the end. initdb and the server refuse to run as root: as root they run as
the `postgres` system user. `Unavailable` says why no server can be started here.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path


class Unavailable(Exception):
    """No PostgreSQL server can be started on this machine; the message says why."""


def bindir() -> Path | None:
    """The folder of initdb and pg_ctl: pg_config's, else the newest /usr/lib/postgresql/*/bin."""
    found = []
    if shutil.which("pg_config"):
        try:
            found.append(Path(subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                                             timeout=30, check=False).stdout.strip()))
        except (OSError, subprocess.SubprocessError):
            pass
    found += sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                    key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0, reverse=True)
    if shutil.which("initdb"):
        found.append(Path(shutil.which("initdb")).resolve().parent)
    return next((d for d in found if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None)


@contextlib.contextmanager
def running_postgres(durable: bool = False) -> Iterator[str]:
    """A server of its own; `durable=False` turns off fsync (tests), `True` keeps it (benchmarks)."""
    binaries = bindir()
    if binaries is None:
        raise Unavailable("PostgreSQL is not installed (no initdb/pg_ctl; Debian: apt-get install postgresql)")
    as_user: list[str] | None = []
    folder = Path(tempfile.mkdtemp(prefix="fcpg-"))  # short: a socket's path is at most 107 bytes
    if os.geteuid() == 0:
        import pwd

        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder)
            raise Unavailable("running as root with no 'postgres' user to run the PostgreSQL server as") from None
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else None
    data, log = folder / "data", folder / "server.log"

    def run(*argv: str | Path) -> None:
        command = [str(a) for a in argv]
        if as_user is None:  # su, where runuser is missing
            command = ["su", "-s", "/bin/sh", "postgres", "-c", " ".join(shlex.quote(a) for a in command)]
        else:
            command = as_user + command
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=folder, check=False)
        if done.returncode:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{server_log}")

    run(binaries / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
        "--no-sync", "--no-instructions")
    speed = "" if durable else " -c fsync=off -c full_page_writes=off"
    options = f"-k {folder} -c listen_addresses=''{speed} -c max_connections=200"
    run(binaries / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-s", "start")
    try:
        yield f"postgresql://postgres@/postgres?host={folder}"
    finally:
        try:
            run(binaries / "pg_ctl", "-D", data, "-m", "immediate", "-w", "-s", "stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)
