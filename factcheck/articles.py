"""Load a folder of articles: .txt, .md (optional front matter), .json and .jsonl.

Files that cannot be read as text are skipped with a reason; they never stop the run.
"""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter

from .errors import InputError
from .models import Article, SkippedFile

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
JSON_SUFFIXES = {".json", ".jsonl"}
TEXT_FIELDS = ("text", "body", "content")


def load_folder(folder: Path) -> tuple[list[Article], list[SkippedFile]]:
    """Read every article file below `folder` in name order."""
    if not folder.exists():
        raise InputError(f"no such folder: {folder}")
    paths = [folder] if folder.is_file() else sorted(p for p in folder.rglob("*") if p.is_file())
    articles: list[Article] = []
    skipped: list[SkippedFile] = []
    for path in paths:
        if path.name.startswith("."):
            continue
        try:
            articles.extend(load_file(path, root=folder if folder.is_dir() else folder.parent))
        except SkipFile as exc:
            skipped.append(SkippedFile(path=str(path), reason=str(exc)))
    if not articles:
        raise InputError(f"no readable articles in {folder}")
    return articles, skipped


class SkipFile(Exception):
    """A file that is not an article; the message says why."""


def load_file(path: Path, root: Path) -> list[Article]:
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | JSON_SUFFIXES:
        raise SkipFile(f"not an article file type ({suffix or 'no extension'})")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise SkipFile("binary file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SkipFile(f"not UTF-8 text (byte {exc.start})") from None
    name = str(path.relative_to(root))
    if suffix in JSON_SUFFIXES:
        return _from_json(text, name, str(path), jsonl=suffix == ".jsonl")
    article = _from_text(text, name, str(path), markdown=suffix != ".txt")
    return [article]


def _from_text(text: str, name: str, path: str, markdown: bool) -> Article:
    if not text.strip():
        raise SkipFile("empty file")
    meta: dict = {}
    body, offset = text, 0
    if markdown and text.startswith("---"):
        try:
            post = frontmatter.loads(text)
        except Exception as exc:  # the YAML parser raises many types
            raise SkipFile(f"unreadable front matter: {str(exc).splitlines()[0]}") from None
        meta = post.metadata
        offset = text.find(post.content) if post.content else len(text)
        body = text[offset:]
    return Article(
        id=name,
        path=path,
        title=_str(meta.get("title")),
        outlet=_str(meta.get("outlet") or meta.get("source")),
        date=_str(meta.get("date")),
        url=_str(meta.get("url")),
        text=body,
        body_offset=max(offset, 0),
        header_lines=text[: max(offset, 0)].count("\n"),
    )


def _from_json(text: str, name: str, path: str, jsonl: bool) -> list[Article]:
    try:
        records = [json.loads(line) for line in text.splitlines() if line.strip()] if jsonl else json.loads(text)
    except json.JSONDecodeError as exc:
        raise SkipFile(f"invalid JSON at line {exc.lineno}") from None
    if isinstance(records, dict):
        records = [records]
    articles = []
    for number, record in enumerate(records, 1):
        body = next((record[f] for f in TEXT_FIELDS if isinstance(record, dict) and isinstance(record.get(f), str)), None)
        if not body or not body.strip():
            continue
        articles.append(
            Article(
                id=f"{name}:{number}" if len(records) > 1 else name,
                path=path,
                title=_str(record.get("title")),
                outlet=_str(record.get("outlet") or record.get("source")),
                date=_str(record.get("date")),
                url=_str(record.get("url")),
                text=body,
            )
        )
    if not articles:
        raise SkipFile(f"no record with a text field ({', '.join(TEXT_FIELDS)})")
    return articles


def _str(value) -> str | None:
    return None if value is None else str(value)
