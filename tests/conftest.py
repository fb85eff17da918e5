"""Shared fixtures: the seed folder, and cassette settings for tests that replay real LLM traffic.

Cassettes live in the top-level cassettes/ folder, one folder per test module. Requests match on
method, path and body (not host or port: the embedded server takes a free port each run), so a
changed prompt or schema fails the test until the cassette is re-recorded (see README). A replay
that leaves a recorded interaction unplayed fails too: the test no longer sends what was recorded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EVAL = ROOT.parent / "shared" / "eval"


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory, monkeypatch):
    """Runs store into the default database unless given --db: keep that one per test, out of the
    user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def seeds() -> Path:
    return SEEDS


@pytest.fixture(scope="module")
def vcr_cassette_dir(request) -> str:
    return str(ROOT / "cassettes" / request.module.__name__.split(".")[-1])


def _scrub_response(response):
    response["headers"] = {k: v for k, v in response["headers"].items() if k.lower() not in {"set-cookie", "date", "server"}}
    return response


@pytest.fixture(scope="module")
def vcr_config() -> dict:
    return {
        "match_on": ["method", "path", "body"],
        "filter_headers": ["authorization", "openai-organization", "openai-project", "x-api-key", "cookie"],
        "before_record_response": _scrub_response,
        "decode_compressed_response": True,
    }


@pytest.fixture(autouse=True)
def _every_recorded_interaction_is_played(request):
    """After a replayed `@pytest.mark.vcr` test: every interaction in its cassette was played."""
    replaying = request.config.getoption("--record-mode", default="none") in (None, "none")
    cassette = request.getfixturevalue("vcr") if replaying and request.node.get_closest_marker("vcr") else None
    yield
    if cassette is not None:
        unplayed = len(cassette) - cassette.play_count
        assert cassette.all_played, f"{unplayed} of {len(cassette)} recorded interactions were not played: re-record"


# ---- a throwaway PostgreSQL server for the store's PostgreSQL back end ------------------------

def _postgres_bindir() -> Path | None:
    """The folder of initdb and pg_ctl: pg_config's, else the newest /usr/lib/postgresql/*/bin."""
    import shutil
    import subprocess

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


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of its own for the session, on a unix socket in a fresh folder; yields
    the URL of its `postgres` database. Skipped when PostgreSQL is not installed. initdb and the
    server refuse to run as root: as root they run as the `postgres` system user."""
    import os
    import shlex
    import shutil
    import subprocess
    import tempfile

    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[test]')")
    bindir = _postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL is not installed (no initdb/pg_ctl; Debian: apt-get install postgresql)")
    as_user: list[str] = []
    folder = Path(tempfile.mkdtemp(prefix="fcpg-"))  # short: a socket's path is at most 107 bytes
    if os.geteuid() == 0:
        import pwd

        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(folder)
            pytest.skip("running as root with no 'postgres' user to run the PostgreSQL server as")
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"] if shutil.which("runuser") else None
    data, log = folder / "data", folder / "server.log"

    def run(*argv: str) -> None:
        command = [str(a) for a in argv]
        if as_user is None:  # su, where runuser is missing
            command = ["su", "-s", "/bin/sh", "postgres", "-c", " ".join(shlex.quote(a) for a in command)]
        else:
            command = as_user + command
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=folder, check=False)
        if done.returncode:
            server_log = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}{server_log}")

    run(bindir / "initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
        "--no-sync", "--no-instructions")
    options = f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off -c max_connections=200"
    run(bindir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-s", "start")
    try:
        yield f"postgresql://postgres@/postgres?host={folder}"
    finally:
        try:
            run(bindir / "pg_ctl", "-D", data, "-m", "immediate", "-w", "-s", "stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def new_postgres_database(postgres_server):
    """A maker of empty PostgreSQL databases on the session's server: each call creates one and
    returns its URL; they are dropped after the test."""
    import uuid

    import psycopg

    made = []

    def make() -> str:
        name = f"t_{uuid.uuid4().hex}"
        with psycopg.connect(postgres_server, autocommit=True) as admin:
            admin.execute(f"CREATE DATABASE {name}")
        made.append(name)
        return postgres_server.replace("/postgres?", f"/{name}?", 1)

    yield make
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        for name in made:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def postgres_database(new_postgres_database) -> str:
    """The URL of an empty PostgreSQL database of its own."""
    return new_postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """An empty database of each back end: an SQLite file (not yet created), or the URL of a new
    PostgreSQL database."""
    if request.param == "sqlite":
        return tmp_path / "f.sqlite"
    return request.getfixturevalue("postgres_database")
