"""Shared fixtures: the seed folder, and cassette settings for tests that replay real LLM traffic.

Cassettes live in the top-level cassettes/ folder, one folder per test module. Requests match on
method, path and body (not host or port: the embedded server takes a free port each run), so a
changed prompt or schema fails the test until the cassette is re-recorded (see README).
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
