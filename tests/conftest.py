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

@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of its own for the session (`pgserver.running_postgres`); yields the URL
    of its `postgres` database. Skipped when PostgreSQL or its driver is not installed."""
    from pgserver import Unavailable, running_postgres

    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[test]')")
    try:
        server = running_postgres()
        url = server.__enter__()
    except Unavailable as exc:
        pytest.skip(str(exc))
    try:
        yield url
    finally:
        server.__exit__(None, None, None)


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
