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
