"""SQLite storage: the LLM answer cache, runs and what they found, and reviewers' decisions.

The schema grows by numbered migrations; `PRAGMA user_version` records the last one applied.
Every write commits at once, so an interrupted run keeps what it had extracted.
Each run keeps its own articles, sentences, claims and flags; a rerun adds a run. Decisions are
keyed by the flag's stable id alone, so a decision holds on the same flag in every later run.
"""

from __future__ import annotations

import contextlib
import json
import random
import sqlite3
import threading
import time
from datetime import datetime, timezone
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError, redact
from .models import Article, ArticleDate, Claim, Decision, Flag, Location, Report, RunInfo, Sentence


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


def _m3_findings(db: sqlite3.Connection) -> None:
    for column in ("sentence_index INTEGER", "claim_text TEXT", "verdict TEXT"):
        db.execute(f"ALTER TABLE claims ADD COLUMN {column}")
    db.execute(
        """CREATE TABLE articles (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            article_id TEXT NOT NULL,
            resolved_path TEXT NOT NULL,
            body TEXT NOT NULL,
            dated TEXT,
            PRIMARY KEY (run_id, article_id)
        )"""
    )
    db.execute(
        """CREATE TABLE sentences (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            article_id TEXT NOT NULL,
            idx INTEGER NOT NULL,
            body TEXT NOT NULL,
            reasons TEXT,
            PRIMARY KEY (run_id, article_id, idx)
        )"""
    )
    db.execute(
        """CREATE TABLE flags (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            flag_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            kind TEXT NOT NULL,
            severity TEXT NOT NULL,
            reason TEXT NOT NULL,
            evidence TEXT NOT NULL,
            PRIMARY KEY (run_id, flag_id)
        )"""
    )
    db.execute(
        """CREATE TABLE flag_locations (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            flag_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            article_id TEXT NOT NULL,
            line INTEGER NOT NULL,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            quote TEXT NOT NULL,
            PRIMARY KEY (run_id, flag_id, position)
        )"""
    )
    db.execute("CREATE TABLE not_extracted (run_id INTEGER NOT NULL REFERENCES runs(id), body TEXT NOT NULL)")
    db.execute("CREATE TABLE skipped (run_id INTEGER NOT NULL REFERENCES runs(id), path TEXT NOT NULL, reason TEXT NOT NULL)")
    db.execute(
        """CREATE TABLE decisions (
            flag_id TEXT PRIMARY KEY,
            status TEXT CHECK (status IN ('confirmed', 'dismissed')),
            reason TEXT,
            note TEXT,
            updated TEXT NOT NULL
        )"""
    )


MIGRATIONS = [_m1_cache, _m2_runs, _m3_findings]


class Store:
    """One SQLite file, safe to share between the threads of one run and between processes."""

    def __init__(self, path: Path | str, timeout: float = 60.0):
        """Open (or create) the file and bring its schema up to date; a file that cannot be used
        is an `InputError` naming it."""
        self.path = path
        try:
            if str(path) != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=timeout)
            self._lock = threading.Lock()
            _while_locked(self._migrate, timeout)
            _while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"), timeout)
        except (sqlite3.Error, OSError) as exc:
            raise InputError(f"cannot use {path} as the database: {_reason(exc)}") from exc

    @classmethod
    def existing(cls, path: Path) -> "Store":
        """Open a database a run has written; a missing file is an InputError, never an empty new one."""
        if not Path(path).is_file():
            raise InputError(f"no database at {path}: run `factcheck run FOLDER` first, or pass --db FILE")
        return cls(path)

    def _migrate(self) -> None:
        """Apply the missing migrations in one transaction that holds the write lock from its
        start (BEGIN IMMEDIATE), so runs starting together on a new file wait for each other,
        and each reads the version the one before it left."""
        with self._lock:
            if self._db.execute("PRAGMA user_version").fetchone()[0] >= len(MIGRATIONS):
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                version = self._db.execute("PRAGMA user_version").fetchone()[0]
                for number, migration in enumerate(MIGRATIONS[version:], version + 1):
                    migration(self._db)
                    self._db.execute(f"PRAGMA user_version = {number}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        with self._lock:
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
                (key, model, prompt_hash, schema_hash, json.dumps(request, ensure_ascii=False), response,
                 redact(error) if error else None,
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
        with self._transaction():
            self._insert_claims(run_id, claims)

    def _insert_claims(self, run_id: int, claims: list) -> None:
        rows = [(run_id, c.id, c.article_id, _dump(c), c.sentence_index, c.claim_text, c.verdict) for c in claims]
        self._db.executemany(
            "INSERT OR REPLACE INTO claims (run_id, claim_id, article_id, body, sentence_index, claim_text, verdict) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Hold the lock and write everything in the block, or nothing. IMMEDIATE takes the file's
        write lock at once (waiting for another process's), so no write inside fails on it."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def finish_run(self, run_id: int, usage: dict) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE runs SET finished = ?, usage = ? WHERE id = ?", (time.time(), json.dumps(usage), run_id)
            )

    def save_findings(self, run_id: int, report: Report) -> None:
        """Store a run's articles, sentences, claims, flags (with their locations and evidence),
        the sentences not extracted and the files skipped, in one transaction."""
        with self._transaction():
            self._insert_findings(run_id, report)
            self._insert_claims(run_id, report.claims)

    def _insert_findings(self, run_id: int, report: Report) -> None:
        dated = {d.article_id: _dump(d) for d in report.article_dates}
        self._db.executemany("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)", [
            (run_id, a.id, str(Path(a.path).resolve()), _dump_article(a), dated.get(a.id)) for a in report.articles
        ])
        reasons = {c.sentence.ref: json.dumps(c.reasons) for c in report.candidates}
        self._db.executemany("INSERT OR REPLACE INTO sentences VALUES (?, ?, ?, ?, ?)", [
            (run_id, s.article_id, s.index, _dump(s), reasons.get(s.ref)) for s in report.sentences
        ])
        self._db.executemany("INSERT OR REPLACE INTO flags VALUES (?, ?, ?, ?, ?, ?, ?)", [
            (run_id, f.id, n, f.kind, f.severity, f.reason, json.dumps(f.evidence, ensure_ascii=False))
            for n, f in enumerate(report.flags)
        ])
        self._db.executemany("INSERT OR REPLACE INTO flag_locations VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [
            (run_id, f.id, n, loc.article_id, loc.line, loc.start, loc.end, loc.quote)
            for f in report.flags for n, loc in enumerate(f.locations)
        ])
        self._db.executemany("INSERT INTO not_extracted VALUES (?, ?)",
                             [(run_id, _dump(m)) for m in report.not_extracted])
        self._db.executemany("INSERT INTO skipped VALUES (?, ?, ?)", [(run_id, s.path, s.reason) for s in report.skipped])

    # reading runs back
    def runs(self) -> list[RunInfo]:
        """Every run, newest first, with how many flags it stored."""
        with self._lock:
            rows = self._db.execute(
                "SELECT r.id, r.source, r.model, r.started, r.finished, "
                "(SELECT COUNT(*) FROM flags f WHERE f.run_id = r.id) FROM runs r ORDER BY r.id DESC"
            ).fetchall()
        return [RunInfo(id=r[0], source=r[1], model=r[2], started=_iso(r[3]), finished=_iso(r[4]), flags=r[5])
                for r in rows]

    def latest_run(self) -> RunInfo | None:
        """The newest run that finished (an interrupted run has no flags)."""
        return next((r for r in self.runs() if r.finished), None)

    def articles(self, run_id: int) -> list[Article]:
        return [_load(Article, body) for body, in self._rows(
            "SELECT body FROM articles WHERE run_id = ? ORDER BY rowid", (run_id,))]

    def article_dates(self, run_id: int) -> dict[str, ArticleDate]:
        rows = self._rows("SELECT article_id, dated FROM articles WHERE run_id = ? AND dated IS NOT NULL", (run_id,))
        return {article_id: _load(ArticleDate, dated) for article_id, dated in rows}

    def resolved_paths(self, run_id: int) -> dict[str, str]:
        """Each article's file as an absolute path, as it was when the run read it."""
        return dict(self._rows("SELECT article_id, resolved_path FROM articles WHERE run_id = ?", (run_id,)))

    def sentences(self, run_id: int, article_id: str) -> list[tuple[Sentence, list[str] | None]]:
        """An article's sentences in order, each with the reasons it was check-worthy (None if it was not)."""
        rows = self._rows("SELECT body, reasons FROM sentences WHERE run_id = ? AND article_id = ? ORDER BY idx",
                          (run_id, article_id))
        return [(_load(Sentence, body), json.loads(reasons) if reasons else None) for body, reasons in rows]

    def claims(self, run_id: int, article_id: str | None = None) -> list[Claim]:
        query, args = "SELECT body FROM claims WHERE run_id = ?", (run_id,)
        if article_id is not None:
            query, args = query + " AND article_id = ?", (run_id, article_id)
        return [_load(Claim, body) for body, in self._rows(query + " ORDER BY rowid", args)]

    def flags(self, run_id: int) -> list[Flag]:
        """A run's flags in the report's order (most severe first)."""
        places: dict[str, list[Location]] = {}
        for flag_id, article_id, line, start, end, quote in self._rows(
            'SELECT flag_id, article_id, line, start, "end", quote FROM flag_locations WHERE run_id = ? '
            "ORDER BY flag_id, position", (run_id,)
        ):
            places.setdefault(flag_id, []).append(
                Location(article_id=article_id, line=line, start=start, end=end, quote=quote))
        rows = self._rows("SELECT flag_id, kind, severity, reason, evidence FROM flags WHERE run_id = ? ORDER BY position",
                          (run_id,))
        return [Flag(id=i, kind=k, severity=s, reason=r, evidence=json.loads(e), locations=places.get(i, []))
                for i, k, s, r, e in rows]

    # reviewers' decisions
    def save_decision(self, decision: Decision) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?)",
                             (decision.flag_id, decision.status, decision.reason, decision.note, decision.updated))

    def decisions(self, flag_ids: list[str] | None = None) -> dict[str, Decision]:
        """Decisions by flag id: all of them, or those of the given flags."""
        rows = self._rows("SELECT flag_id, status, reason, note, updated FROM decisions ORDER BY flag_id", ())
        wanted = None if flag_ids is None else set(flag_ids)
        return {r[0]: Decision(flag_id=r[0], status=r[1], reason=r[2], note=r[3], updated=r[4])
                for r in rows if wanted is None or r[0] in wanted}

    def flag_summaries(self) -> dict[str, str]:
        """One line per flag id ever stored, from its latest run: kind, quote and place."""
        rows = self._rows(
            "SELECT f.flag_id, f.kind, l.article_id, l.line, l.quote FROM flags f JOIN flag_locations l "
            "ON l.run_id = f.run_id AND l.flag_id = f.flag_id AND l.position = 0 ORDER BY f.run_id", ())
        return {i: f'{kind}: "{quote[:120]}" ({article} line {line})' for i, kind, article, line, quote in rows}

    def _rows(self, query: str, args: tuple) -> list[tuple]:
        with self._lock:
            return self._db.execute(query, args).fetchall()


def _dump(model) -> str:
    """A model as JSON text; unlike pydantic's own JSON, an open interval's infinity survives."""
    return json.dumps(model.model_dump(mode="json"), ensure_ascii=False)


def _dump_article(article: Article) -> str:
    """An article with the file's own text and its mapping, which its JSON leaves out."""
    body = article.model_dump(mode="json")
    body.update(source=article.source, pieces=[list(p) for p in article.pieces])
    return json.dumps(body, ensure_ascii=False)


def _load(cls, text: str):
    return cls.model_validate(json.loads(text))


def _iso(seconds: float | None) -> str | None:
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="seconds")

def _while_locked(step, timeout: float):
    """Run `step` again while another process holds the file in a way SQLite does not wait for
    (switching the journal mode, recovering a WAL file); each step is one transaction or none."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.01, 0.1))


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    reason = text[0] if text else type(exc).__name__
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in reason:
        return "not an SQLite database"
    if isinstance(exc, sqlite3.OperationalError) and "unable to open" in reason:
        return "cannot open it as a file (a folder, or no permission?)"
    return reason
