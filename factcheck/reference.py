"""Dated reference tables of office holders, and lookups by person, office and date.

The shipped table (factcheck/data/office_holders.csv, see its README for sources and licence)
covers Presidents and Prime Ministers of France, Mali, Niger and Burkina Faso since 2010. Users
can add rows of their own in the same CSV layout (`--reference FILE`).
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel

from .errors import InputError
from .sentences import normalize

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "office_holders.csv"
REQUIRED_COLUMNS = {"country", "position", "person", "start_date", "end_date"}

DEMONYMS = {
    "french": "France", "france": "France",
    "malian": "Mali", "mali": "Mali",
    "nigerien": "Niger", "niger": "Niger",
    "burkinabe": "Burkina Faso", "burkinabè": "Burkina Faso", "burkina": "Burkina Faso", "burkina faso": "Burkina Faso",
}
TABLE_ROLES = ("Prime Minister", "President")


class OfficeTerm(BaseModel):
    country: str
    position: str
    person: str
    start: dt.date
    end: dt.date | None
    source: str

    def held_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)

    def describe(self) -> str:
        until = self.end.isoformat() if self.end else "present"
        return f"{self.person}: {self.position}, {self.start.isoformat()} to {until} ({self.source})"


class OfficeTable(BaseModel):
    terms: list[OfficeTerm]

    def coverage_end(self, country: str) -> dt.date | None:
        """The last date the table knows anything about for `country`."""
        days = [d for t in self.terms if t.country == country for d in (t.start, t.end) if d]
        return max(days) if days else None

    def countries(self) -> set[str]:
        return {t.country for t in self.terms}

    def person_terms(self, name: str) -> list[OfficeTerm]:
        """Terms of the person `name` refers to: the full name, or a part that names one person only."""
        wanted = name_tokens(name)
        if not wanted:
            return []
        exact = [t for t in self.terms if name_tokens(t.person) == wanted]
        if exact:
            return exact
        partial = [t for t in self.terms if is_part_of(wanted, name_tokens(t.person))]
        return partial if len({t.person for t in partial}) == 1 else []

    def holders(self, position: str, day: dt.date) -> list[OfficeTerm]:
        return _unique([t for t in self.terms if t.position == position and t.held_on(day)])


@lru_cache(maxsize=1 << 16)
def name_tokens(name: str) -> tuple[str, ...]:
    return tuple(normalize(name).replace("-", " ").replace(".", " ").split())


def is_part_of(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """'Keita' and 'Ibrahim Boubacar' are parts of 'Ibrahim Boubacar Keita'; 'Boubacar' alone is not."""
    if len(part) >= len(whole):
        return False
    if len(part) == 1:
        return part[0] == whole[-1]
    return whole[: len(part)] == part or whole[-len(part):] == part


def _unique(terms: list[OfficeTerm]) -> list[OfficeTerm]:
    seen, kept = set(), []
    for term in terms:
        key = (term.person, term.position, term.start)
        if key not in seen:
            seen.add(key)
            kept.append(term)
    return kept


def position_of(role: str | None, country: str | None) -> str | None:
    """'Prime Minister' + 'France' -> 'Prime Minister of France'; None for roles the table lacks."""
    if not role or not country:
        return None
    for known in TABLE_ROLES:
        if role.strip().lower() == known.lower():
            return f"{known} of {country}"
    return None


def country_of(affiliation: str | None) -> str | None:
    if not affiliation:
        return None
    words = normalize(affiliation).split()
    for size in (2, 1):
        for i in range(len(words) - size + 1):
            country = DEMONYMS.get(" ".join(words[i:i + size]))
            if country:
                return country
    return None


@lru_cache(maxsize=8)
def load_table(extra: tuple[Path, ...] = ()) -> OfficeTable:
    terms: list[OfficeTerm] = []
    for path in (DEFAULT_TABLE, *extra):
        terms.extend(_read(path))
    return OfficeTable(terms=terms)


def _read(path: Path) -> list[OfficeTerm]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = REQUIRED_COLUMNS - set(reader.fieldnames or [])
            if missing:
                raise InputError(f"reference table {path} lacks columns: {', '.join(sorted(missing))}")
            return [_term(row, path, n) for n, row in enumerate(reader, 2)]
    except OSError as exc:
        raise InputError(f"cannot read reference table {path}: {exc.strerror}") from None


def _day(text: str, first: bool) -> dt.date:
    """A date from YYYY-MM-DD, or the widest reading of YYYY-MM / YYYY (start: first day, end: last)."""
    parts = [int(p) for p in text.strip().split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    if len(parts) == 2:
        year, month = parts
        if first:
            return dt.date(year, month, 1)
        return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    if len(parts) == 1:
        return dt.date(parts[0], 1, 1) if first else dt.date(parts[0], 12, 31)
    raise ValueError(text)


def _term(row: dict, path: Path, line: int) -> OfficeTerm:
    try:
        start = _day(row["start_date"], first=True)
        end = _day(row["end_date"], first=False) if row["end_date"] else None
    except ValueError:
        raise InputError(f"{path}:{line}: dates must be YYYY-MM-DD, YYYY-MM or YYYY") from None
    origin = row.get("source_kind") or path.name
    qid = row.get("wikidata_qid")
    return OfficeTerm(
        country=row["country"], position=row["position"], person=row["person"], start=start, end=end,
        source=f"{origin}, {qid}" if qid else origin,
    )
