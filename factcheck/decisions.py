"""Reviewers' decisions on flags: confirm, dismiss (with a reason), annotate, reopen; and the JSON
file a team shares them through.

A decision is keyed by the flag's stable id, so it holds on the same flag in every later run.
Importing keeps, for each flag, whichever decision was changed last.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from .errors import InputError
from .models import Decision
from .store import Store

FILE_FORMAT = "factcheck-decisions"
Action = Literal["confirm", "dismiss", "annotate", "reopen"]


class SharedDecision(Decision):
    """A decision as written to a shared file, with what the flag was about for a human reader."""

    about: str | None = None


class DecisionsFile(BaseModel):
    format: Literal["factcheck-decisions"] = FILE_FORMAT
    version: Literal[1] = 1
    decisions: list[SharedDecision]


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def apply(previous: Decision | None, flag_id: str, action: Action, text: str = "") -> Decision:
    """The decision after a reviewer's action; a dismissal needs a reason, a note keeps the status."""
    text = " ".join(text.split())
    base = previous or Decision(flag_id=flag_id, updated=now())
    if action == "confirm":
        return base.model_copy(update={"status": "confirmed", "reason": None, "updated": now()})
    if action == "dismiss":
        if not text:
            raise InputError("a dismissal needs a reason")
        return base.model_copy(update={"status": "dismissed", "reason": text, "updated": now()})
    if action == "annotate":
        return base.model_copy(update={"note": text or None, "updated": now()})
    return base.model_copy(update={"status": None, "reason": None, "updated": now()})


def record(store: Store, flag_id: str, action: Action, text: str = "") -> Decision:
    decision = apply(store.decisions([flag_id]).get(flag_id), flag_id, action, text)
    store.save_decision(decision)
    return decision


def read_file(path: Path) -> list[Decision]:
    """The decisions in a shared file; a file that is not one is a one-line InputError."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read decisions file {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"decisions file {path} is not JSON: {exc}") from None
    try:
        shared = DecisionsFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        raise InputError(f"decisions file {path} is not a factcheck decisions file ({where}: {first['msg']})") from None
    return [Decision.model_validate(d.model_dump(exclude={"about"})) for d in shared.decisions]


def write_file(path: Path, store: Store) -> int:
    """Write every stored decision to a shared file; returns how many."""
    about = store.flag_summaries()
    decisions = [SharedDecision(**d.model_dump(), about=about.get(d.flag_id)) for d in store.decisions().values()]
    text = DecisionsFile(decisions=decisions).model_dump_json(indent=2)
    try:
        path.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(decisions)


def merge(store: Store, incoming: list[Decision]) -> tuple[int, int]:
    """Add the incoming decisions, each kept only where it is newer than the stored one.
    Returns (taken, kept as they were)."""
    stored = store.decisions([d.flag_id for d in incoming])
    taken = 0
    for decision in incoming:
        current = stored.get(decision.flag_id)
        if current is None or _when(decision.updated) > _when(current.updated):
            store.save_decision(decision)
            taken += 1
    return taken, len(incoming) - taken


def _when(stamp: str) -> datetime:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
