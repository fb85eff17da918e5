"""The desk's own archive: trusted documents split into passages, in a full-text index.

`factcheck index FOLDER --archive FILE` reads a folder of documents in the same formats as
articles (.txt, .md with front matter, .json, .jsonl: a dump is one record per line) and keeps,
in one SQLite file, every passage with its place in the file (offsets, line) and the document's
date, in an FTS5 table ranked by BM25 (SQLite's own engine: no server, no other package, updated
in place). Indexing is incremental: a file whose size and modification time are unchanged is
not read again; a changed file's passages are replaced; a file gone from the folder is dropped.
Each file is one transaction, so an interrupted index keeps every file it finished.

A passage is a run of whole sentences of one paragraph, at most `PASSAGE_CHARS` long (a longer
sentence is a passage alone): short enough that its words are about one thing, long enough to
hold the sentence that names what the next one counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .articles import JSON_SUFFIXES, SkipFile, files_below, load_file, shown
from .errors import InputError
from .lexicon.en import STOP_WORDS
from .models import Article, LLMUsage, SkippedFile
from .progress import Progress
from .resolve import parse_date
from .sentences import blocks, normalize

PASSAGE_CHARS = 600
SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z0-9])")
TOKEN = re.compile(r"\w+", re.UNICODE)
BATCH_FILES = 200  # files per transaction when a folder holds many small ones
QUERY_WORDS = 24  # words of a claim searched by, the rarest in the archive first
COMMON_SHARE = 0.05  # a word in more of the archive's passages than this tells too little to search by ...
LARGE = 20_000  # ... in an archive this large, where scoring every passage that holds it costs most of a search
COUNTS_KEPT = 100_000  # word counts remembered between searches

SCHEMA = [
    """CREATE TABLE IF NOT EXISTS documents (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        indexed REAL NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS passages (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents(id),
        source TEXT NOT NULL,
        title TEXT,
        day TEXT,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        line INTEGER NOT NULL,
        text TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS passages_document ON passages(document_id)",
    """CREATE VIRTUAL TABLE IF NOT EXISTS passage_index USING fts5(
        text, title, content='passages', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    )""",
    "CREATE VIRTUAL TABLE IF NOT EXISTS passage_words USING fts5vocab(passage_index, 'row')",
]


@dataclass(frozen=True)
class Passage:
    """A stretch of an archive document: where it is and what it says."""

    id: int
    source: str  # the document as the report names it: the file, with ":N" for record N of a dump
    title: str | None
    day: str | None  # the document's date (ISO), when it gives one
    start: int  # offsets in the document's text as analysed (the file's, for a plain text file)
    end: int
    line: int  # 1-based line of the passage's start in the file
    text: str
    score: float = 0.0  # BM25, lower is better (SQLite's sign)


@dataclass
class IndexStats:
    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    passages_added: int = 0
    passages: int = 0
    skipped: list[SkippedFile] | None = None
    seconds: float = 0.0


class Archive:
    """One SQLite file holding the archive's passages and their full-text index."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._counts: dict[str, int] = {}
        self._total = 0
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            for statement in SCHEMA:
                self._db.execute(statement)
        except sqlite3.OperationalError as exc:
            if "fts5" in str(exc):
                raise InputError("this Python's SQLite has no FTS5, which the archive needs") from None
            raise InputError(f"cannot use {path} as the archive: {exc}") from None
        except (sqlite3.DatabaseError, OSError) as exc:
            raise InputError(f"cannot use {path} as the archive: {exc}") from None

    @classmethod
    def existing(cls, path: Path) -> "Archive":
        """An archive `factcheck index` built; anything else (no file, another SQLite file) is an InputError."""
        if not Path(path).is_file():
            raise InputError(f"no archive at {path}: build it first with `factcheck index FOLDER --archive {path}`")
        try:
            with contextlib.closing(sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)) as db:
                tables = {name for name, in db.execute("SELECT name FROM sqlite_master")}
        except sqlite3.DatabaseError as exc:
            raise InputError(f"{path} is not an archive: {exc}") from None
        if not {"passages", "passage_index"} <= tables:
            raise InputError(f"{path} is not an archive built by `factcheck index` (no passages in it)")
        return cls(path)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- indexing ------------------------------------------------------------------------------

    def index(self, folder: Path, progress: Callable[[int], "Progress"] | None = None) -> IndexStats:
        """Bring the index in step with `folder`: new and changed files (re)read, gone ones dropped.
        `progress(total)` gives what counts the files done."""
        started = time.perf_counter()
        paths, skipped, root = files_below(folder)
        stats = IndexStats(skipped=list(skipped))
        counter = progress(len(paths)) if progress else None
        known = {path: (doc_id, size, mtime) for doc_id, path, size, mtime in
                 self._db.execute("SELECT id, path, size, mtime_ns FROM documents")}
        seen = set()
        pending = 0
        self._db.execute("BEGIN")
        try:
            for path in paths:
                key = shown(path.resolve())
                seen.add(key)
                stats.files_seen += 1
                try:
                    status = os.stat(path)
                except OSError as exc:
                    stats.skipped.append(SkippedFile(path=shown(path), reason=f"cannot read: {exc.strerror}"))
                    continue
                old = known.get(key)
                if old and old[1] == status.st_size and old[2] == status.st_mtime_ns:
                    stats.files_unchanged += 1
                else:
                    if old:
                        self._drop(old[0])
                    added = self._add_file(path, root, key, status, stats)
                    stats.passages_added += added
                    stats.files_indexed += 1
                    pending += 1
                if counter:
                    counter.update(LLMUsage())
                if pending >= BATCH_FILES:  # commit now and then: an interrupted index keeps what it finished
                    self._db.execute("COMMIT")
                    self._db.execute("BEGIN")
                    pending = 0
            if not folder.is_file():
                unread = tuple(shown(Path(s.path).resolve()) + os.sep for s in skipped)  # folders not walked into
                for key, (doc_id, _, _) in known.items():
                    if key not in seen and key.startswith(shown(folder.resolve()) + os.sep) and not key.startswith(unread):
                        self._drop(doc_id)
                        stats.files_removed += 1
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        finally:
            if counter:
                counter.close()
        stats.passages = self.count()
        self._counts, self._total = {}, 0
        stats.seconds = time.perf_counter() - started
        return stats

    def _add_file(self, path: Path, root: Path, key: str, status: os.stat_result, stats: IndexStats) -> int:
        try:
            articles, bad = load_file(path, root)
        except SkipFile as exc:  # no row: the next index tries it again (a permission fixed changes no mtime)
            stats.skipped.append(SkippedFile(path=shown(path), reason=str(exc)))
            return 0
        stats.skipped.extend(bad)
        cursor = self._db.execute("INSERT INTO documents (path, size, mtime_ns, indexed) VALUES (?, ?, ?, ?)",
                                  (key, status.st_size, status.st_mtime_ns, time.time()))
        doc_id = cursor.lastrowid
        rows = [(doc_id, *row) for article in articles for row in _passage_rows(article, key)]
        self._db.executemany(
            'INSERT INTO passages (document_id, source, title, day, start, "end", line, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
            rows)
        self._db.execute(
            "INSERT INTO passage_index (rowid, text, title) SELECT id, text, coalesce(title, '') FROM passages "
            "WHERE document_id = ?", (doc_id,))
        return len(rows)

    def _drop(self, doc_id: int) -> None:
        self._db.execute(
            "INSERT INTO passage_index (passage_index, rowid, text, title) SELECT 'delete', id, text, coalesce(title, '') "
            "FROM passages WHERE document_id = ?", (doc_id,))
        self._db.execute("DELETE FROM passages WHERE document_id = ?", (doc_id,))
        self._db.execute("DELETE FROM documents WHERE id = ?", (doc_id,))

    def count(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM passages").fetchone()[0]

    def documents(self) -> int:
        return self._db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

    # ---- searching -----------------------------------------------------------------------------

    def search(self, terms: Iterable[str], k: int = 5, between: tuple[dt.date | None, dt.date | None] = (None, None),
               phrases: Iterable[str] = ()) -> list[Passage]:
        """The `k` passages that best match any of `terms` (words) or `phrases` (word sequences, such
        as a figure's digits "4 000"), by BM25; with `between`, only passages of documents dated
        in that window, or undated."""
        query = match_query(self.telling(terms), phrases)
        if not query:
            return []
        low, high = between
        sql = ('SELECT p.id, p.source, p.title, p.day, p.start, p."end", p.line, p.text, bm25(passage_index) AS rank '
               "FROM passage_index JOIN passages p ON p.id = passage_index.rowid WHERE passage_index MATCH ?")
        args: list = [query]
        if low:
            sql += " AND (p.day IS NULL OR p.day >= ?)"
            args.append(low.isoformat())
        if high:
            sql += " AND (p.day IS NULL OR p.day <= ?)"
            args.append(high.isoformat())
        sql += " ORDER BY rank LIMIT ?"
        args.append(k)
        return [Passage(*row[:8], score=row[8]) for row in self._db.execute(sql, args)]

    def telling(self, terms: Iterable[str]) -> list[str]:
        """The words worth searching by: the `QUERY_WORDS` rarest in the archive, leaving out, in a
        `LARGE` one, those in more than `COMMON_SHARE` of its passages ("said", "people"), which rank
        little and cost the most (every passage holding them is scored)."""
        words = list(dict.fromkeys(w for t in terms for w in TOKEN.findall(normalize(t))))
        if not words:
            return []
        unknown = [w for w in words if w not in self._counts]
        if unknown:
            self._counts.update(self.passages_with(unknown))
            if len(self._counts) > COUNTS_KEPT:
                self._counts = {w: self._counts[w] for w in words}
        total = self._total or self.count()
        self._total = total
        kept = [w for w in words if self._counts[w] and (total < LARGE or self._counts[w] <= COMMON_SHARE * total)]
        return sorted(kept or words, key=lambda w: self._counts[w])[:QUERY_WORDS]

    def passages_with(self, words: Iterable[str]) -> dict[str, int]:
        """How many passages hold each word (folded as the index folds it): how common a name is."""
        folded = {w: TOKEN.findall(normalize(w)) for w in words}
        tokens = sorted({t for ts in folded.values() for t in ts})
        counts = dict(self._db.execute(
            f"SELECT term, doc FROM passage_words WHERE term IN ({','.join('?' * len(tokens))})", tokens)) if tokens else {}
        return {w: min((counts.get(t, 0) for t in ts), default=0) for w, ts in folded.items()}


def match_query(terms: Iterable[str], phrases: Iterable[str] = ()) -> str:
    """An FTS5 query: any of the words (each quoted, so none is read as an operator) or phrases."""
    seen, parts = set(), []
    for text in [*phrases, *terms]:
        words = TOKEN.findall(text.lower())
        if not words:
            continue
        item = '"' + " ".join(words) + '"'
        if item not in seen:
            seen.add(item)
            parts.append(item)
    return " OR ".join(parts)


def content_words(text: str) -> list[str]:
    """The words of a text that can find it: not function words, not one letter (digits stay)."""
    return [w for w in TOKEN.findall(text.lower()) if (len(w) > 1 or w.isdigit()) and w not in STOP_WORDS]


def _passage_rows(article: Article, path: str) -> Iterator[tuple]:
    """(source, title, day, start, end, line, text) for each passage of an article; `path`: its file,
    resolved (the same whatever folder `index` was run from)."""
    day = parse_date(article.date)
    record = article.id.rsplit(":", 1)[1] if Path(article.path).suffix.lower() in JSON_SUFFIXES \
        and re.fullmatch(r".*:\d+", article.id) else None
    source = f"{path}:{record}" if record else path
    for start, end in passages(article.text):
        file_start, _ = article.file_span(start, end)
        yield (source, article.title, day.isoformat() if day else None, start, end,
               article.file_line(file_start), article.text[start:end])


def passages(text: str, limit: int = PASSAGE_CHARS) -> Iterator[tuple[int, int]]:
    """(start, end) of each passage: whole sentences of one paragraph, up to `limit` characters."""
    for block_start, block_end in blocks(text):
        cuts = [block_start] + [m.end() for m in SENTENCE_END.finditer(text, block_start, block_end)
                                if m.end() < block_end] + [block_end]
        start = cuts[0]
        for i in range(1, len(cuts)):
            if cuts[i] - start > limit and cuts[i - 1] > start:
                yield start, _trimmed(text, start, cuts[i - 1])
                start = cuts[i - 1]
        if text[start:block_end].strip():
            yield start, _trimmed(text, start, block_end)


def _trimmed(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
