"""Load a folder of articles: .txt, .md (optional front matter), .json and .jsonl.

The folder is the boundary: links are never followed (a link out of it, a broken link or a
loop is skipped with the reason; a link to a file inside it is skipped because that file is read
in place), and neither are entries that are not plain files. Files and folders that cannot be
read, files that are not text, and JSON records without a text field are skipped with a reason;
they never stop the run. Text is decoded (see `decoding`) and normalised (see `normalise`);
every article keeps the way back to its file's own offsets.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
from pathlib import Path

from frontmatter.default_handlers import YAMLHandler

from .decoding import NotText, decode
from .errors import InputError
from .models import LINE_BREAK, Article, SkippedFile
from .normalise import canonical, normalise

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
JSON_SUFFIXES = {".json", ".jsonl"}
TEXT_FIELDS = ("text", "body", "content")
FRONT_MATTER = re.compile(r"\A-{3,}[ \t]*(?:\r\n?|\n)(?P<yaml>.*?)^-{3,}[ \t]*(?:\r\n?|\n|\Z)", re.DOTALL | re.MULTILINE)
MAX_LISTED_RECORDS = 20  # bad records of one file listed one by one; the rest are counted


class SkipFile(Exception):
    """A file that is not an article; the message says why."""


def files_below(folder: Path) -> tuple[list[Path], list[SkippedFile], Path]:
    """(the files to read, what was not walked into with why, the folder their ids are relative to);
    `folder` may be one file."""
    if not folder.exists():
        raise InputError(f"no such folder: {folder}")
    if folder.is_file():
        return [folder], [], folder.parent
    paths, skipped = walk(folder)
    return paths, skipped, folder


def load_folder(folder: Path) -> tuple[list[Article], list[SkippedFile]]:
    """Read every article file below `folder` in name order."""
    paths, skipped, root = files_below(folder)
    articles: list[Article] = []
    for path in paths:
        try:
            found, bad = load_file(path, root)
        except SkipFile as exc:
            skipped.append(SkippedFile(path=shown(path), reason=str(exc)))
            continue
        articles += found
        skipped += bad
    if not articles:
        raise InputError(f"no readable articles in {folder}")
    return articles, sorted(skipped, key=lambda s: s.path)


def walk(folder: Path) -> tuple[list[Path], list[SkippedFile]]:
    """The plain files below `folder`, in name order, and what was not walked into, with why."""
    root = folder.resolve()
    files: list[Path] = []
    skipped: list[SkippedFile] = []
    pending = [folder]
    while pending:
        directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as exc:
            if directory == folder:
                raise InputError(f"cannot read folder {shown(folder)}: {_why(exc)}") from None
            skipped.append(SkippedFile(path=shown(directory), reason=f"cannot read folder: {_why(exc)}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    skipped.append(SkippedFile(path=shown(path), reason=_link_reason(path, root, folder)))
                elif entry.is_dir(follow_symlinks=False):
                    pending.append(path)
                elif entry.name.startswith("."):
                    continue
                elif entry.is_file(follow_symlinks=False):
                    files.append(path)
                else:
                    skipped.append(SkippedFile(path=shown(path), reason="not a regular file (device, pipe or socket)"))
            except OSError as exc:
                skipped.append(SkippedFile(path=shown(path), reason=f"cannot read: {_why(exc)}"))
    return sorted(files), skipped


def _link_reason(path: Path, root: Path, folder: Path) -> str:
    """Why a link is not followed: where it leads."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "link not followed: it loops"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "link not followed: it loops"
        return f"link not followed: its target is missing ({os.readlink(path)})"
    if not target.is_relative_to(root):
        return f"link not followed: it leads out of the folder, to {shown(target)}"
    kind = "folder" if target.is_dir() else "file"
    where = target.relative_to(root)
    return f"link not followed: it leads to the {kind} {shown(folder / where) if str(where) != '.' else 'itself'}, read in place"


def load_file(path: Path, root: Path) -> tuple[list[Article], list[SkippedFile]]:
    """The articles of one file, and the records of it that were skipped (JSON)."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | JSON_SUFFIXES:
        raise SkipFile(f"not an article file type ({suffix or 'no extension'})")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SkipFile(f"cannot read: {_why(exc)}") from None
    try:
        text, encoding = decode(raw)
    except NotText as exc:
        raise SkipFile(str(exc)) from None
    name = shown(path.relative_to(root))
    if suffix in JSON_SUFFIXES:
        return _from_json(text, name, shown(path), jsonl=suffix == ".jsonl", encoding=encoding)
    return [_from_text(text, name, shown(path), markdown=suffix != ".txt", encoding=encoding)], []


def _from_text(text: str, name: str, path: str, markdown: bool, encoding: str) -> Article:
    meta: dict = {}
    offset = 0
    front = FRONT_MATTER.match(text) if markdown else None
    if front:
        try:
            loaded = YAMLHandler().load(front.group("yaml"))
        except Exception as exc:  # the YAML parser raises many types
            raise SkipFile(f"unreadable front matter: {(str(exc) or type(exc).__name__).splitlines()[0]}") from None
        meta = loaded if isinstance(loaded, dict) else {}
        offset = front.end()
    article = article_from(text, offset, id=name, path=path, meta=meta, encoding=encoding)
    if not article.text.strip():
        raise SkipFile("no text after the front matter" if front else "empty file")
    return article


def article_from(source: str, offset: int, id: str, path: str, meta: dict, encoding: str) -> Article:
    """An article whose body is `source[offset:]`, analysed in normal form, with its way back."""
    body = source[offset:]
    text, pieces = normalise(body, offset)
    same = offset == 0 and text == body
    return Article(
        id=id,
        path=path,
        title=_str(meta.get("title")),
        outlet=_str(meta.get("outlet") or meta.get("source")),
        date=_str(meta.get("date")),
        url=_str(meta.get("url")),
        text=text,
        encoding=encoding,
        body_offset=offset,
        header_lines=len(LINE_BREAK.findall(source, 0, offset)),
        source=None if same else source,
        pieces=pieces,
    )


def _from_json(text: str, name: str, path: str, jsonl: bool, encoding: str) -> tuple[list[Article], list[SkippedFile]]:
    if not canonical(text).strip():
        raise SkipFile("empty file")
    if jsonl:
        return _from_jsonl(text, name, path, encoding)
    value = _parse(text)
    if isinstance(value, dict):
        found, bad = _records([(1, value)], name, path, encoding, several=False)
        if not found:
            raise SkipFile(bad[0][1])
        return found, []
    if not isinstance(value, list):
        raise SkipFile(f"not a JSON object or a list of them (a {_json_type(value)})")
    found, bad = _records(list(enumerate(value, 1)), name, path, encoding, several=len(value) > 1)
    if not found:
        raise SkipFile(f"no record with a text field ({', '.join(TEXT_FIELDS)})")
    return found, _listed(bad, path, "record")


def _from_jsonl(text: str, name: str, path: str, encoding: str) -> tuple[list[Article], list[SkippedFile]]:
    """One record per line; a bad line is skipped with its 1-based line number in the file."""
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    values, bad = [], []
    for number, line in lines:
        try:
            values.append((number, _parse(line, one_line=True)))
        except SkipFile as exc:
            bad.append((number, str(exc)))
    found, not_records = _records(values, name, path, encoding, several=len(lines) > 1)
    bad = sorted(bad + not_records)
    if not found:
        raise SkipFile(f"no line holds a record with a text field ({', '.join(TEXT_FIELDS)}); "
                       f"line {bad[0][0]}: {bad[0][1]}")
    return found, _listed(bad, path, "line")


def _parse(text: str, one_line: bool = False):
    try:
        return json.loads(text)
    except RecursionError:
        raise SkipFile("JSON nested too deeply to read") from None
    except json.JSONDecodeError as exc:
        where = f"column {exc.colno}" if one_line else f"line {exc.lineno}"
        raise SkipFile(f"invalid JSON at {where}") from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise SkipFile(f"invalid JSON: {str(exc).splitlines()[0]}") from None


def _records(values: list[tuple[int, object]], name: str, path: str, encoding: str, several: bool):
    """Articles from numbered JSON values that are records with a text field; (number, why) for the others."""
    articles, bad = [], []
    for number, record in values:
        if not isinstance(record, dict):
            bad.append((number, f"not a JSON object (a {_json_type(record)})"))
            continue
        body = next((record[f] for f in TEXT_FIELDS if isinstance(record.get(f), str)), None)
        if body is None or not canonical(body).strip():
            bad.append((number, f"no text in any of the fields {', '.join(TEXT_FIELDS)}"))
            continue
        articles.append(article_from(body, 0, id=f"{name}:{number}" if several else name, path=path,
                                     meta=record, encoding=encoding))
    return articles, bad


def _listed(bad: list[tuple[int, str]], path: str, where: str) -> list[SkippedFile]:
    listed = [SkippedFile(path=path, reason=f"{where} {number}: {why}") for number, why in bad[:MAX_LISTED_RECORDS]]
    if len(bad) > MAX_LISTED_RECORDS:
        rest = bad[MAX_LISTED_RECORDS:]
        listed.append(SkippedFile(path=path, reason=f"{len(rest)} more {where}s skipped ({where}s {rest[0][0]} to {rest[-1][0]})"))
    return listed


def _json_type(value) -> str:
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", float: "number", str: "string", list: "list"}.get(type(value), "value")


def _str(value) -> str | None:
    """A metadata value as text; lists and nested records are not titles or dates."""
    if isinstance(value, (str, int, float, dt.date)) and not isinstance(value, bool):
        return canonical(str(value))
    return None


def shown(path: Path) -> str:
    """A path as text that can always be printed (undecodable bytes of a name become U+FFFD)."""
    return os.fsencode(path).decode("utf-8", errors="replace")


def _why(exc: OSError) -> str:
    return (exc.strerror or str(exc)).lower()
