"""SQLite storage: the LLM answer cache, runs and their claims.

The schema grows by numbered migrations; `PRAGMA user_version` records the last one applied.
Every write commits at once, so an interrupted run keeps what it had extracted.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path


def _m1_cache(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE llm_cache (
            key TEXT PRIMARY KEY,
            model TEXT NOT NULL,
            prompt_hash TEXT NOT NULL,
            schema_hash TEXT NOT NULL,
            request TEXT NOT NULL,
            response TEXT,
            error TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            seconds REAL NOT NULL DEFAULT 0,
            created REAL NOT NULL
        )"""
    )


def _m2_runs(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            started REAL NOT NULL,
            finished REAL,
            source TEXT NOT NULL,
            model TEXT NOT NULL,
            usage TEXT
        )"""
    )
    db.execute(
        """CREATE TABLE claims (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            claim_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            body TEXT NOT NULL,
            PRIMARY KEY (run_id, claim_id)
        )"""
    )


MIGRATIONS = [_m1_cache, _m2_runs]


class Store:
    """One SQLite file, safe to share between the threads of one run."""

    def __init__(self, path: Path | str):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._lock = threading.Lock()
        self._migrate()

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(MIGRATIONS[version:], version + 1):
            with self._lock:
                self._db.execute("BEGIN")
                migration(self._db)
                self._db.execute(f"PRAGMA user_version = {number}")
                self._db.execute("COMMIT")

    def close(self) -> None:
        self._db.close()

    # LLM cache
    def cached(self, key: str) -> sqlite3.Row | None:
        with self._lock:
            cursor = self._db.execute(
                "SELECT response, error, prompt_tokens, completion_tokens, seconds FROM llm_cache WHERE key = ?", (key,)
            )
            return cursor.fetchone()

    def save_answer(self, key: str, *, model: str, prompt_hash: str, schema_hash: str, request: dict,
                    response: str | None, error: str | None, prompt_tokens: int, completion_tokens: int,
                    seconds: float) -> None:
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO llm_cache VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (key, model, prompt_hash, schema_hash, json.dumps(request, ensure_ascii=False), response, error,
                 prompt_tokens, completion_tokens, seconds, time.time()),
            )

    # runs
    def start_run(self, source: str, model: str) -> int:
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO runs (started, source, model) VALUES (?, ?, ?)", (time.time(), source, model)
            )
            return int(cursor.lastrowid)

    def save_claims(self, run_id: int, claims: list) -> None:
        rows = [(run_id, c.id, c.article_id, c.model_dump_json()) for c in claims]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO claims VALUES (?, ?, ?, ?)", rows)

    def finish_run(self, run_id: int, usage: dict) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished = ?, usage = ? WHERE id = ?", (time.time(), json.dumps(usage), run_id)
            )
