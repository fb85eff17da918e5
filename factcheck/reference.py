"""Dated reference tables of office holders, the words that name their offices, and lookups.

A table is a CSV of terms (`country, position, person, start_date, end_date`, more columns
optional). The words that name a country in text come from the country data (`countries`), and a
position's role from its label ("Chancellor of Germany" -> "Chancellor"); an optional sidecar TOML
file of the same name (`office_holders.csv` -> `office_holders.toml`) declares what cannot be
inferred: for a position, its country and the role names that call someone its holder in text
("President", "Federal Chancellor"), and for a country the words that name it ("France",
"French"). Nothing about countries or roles is written in code: a
title is judged only when the tables declare its role and country, otherwise the answer is
"unknown". The shipped table (factcheck/data/, see its README for sources and licence) covers
Presidents and Prime Ministers of France, Mali, Niger and Burkina Faso since 2010; users add
tables with `--reference FILE` (README, "Reference tables").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from .errors import ReferenceTableError
from .models import PersonMention
from .sentences import normalize

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "office_holders.csv"
REQUIRED_COLUMNS = ("country", "position", "person", "start_date", "end_date")
# Words in front of a title that change what it claims.
PAST = {"former", "ex", "ex-", "late", "then", "ancien", "ancienne", "feu", "defunt", "defunte"}
NOT_THE_OFFICE = {"deputy", "vice", "vice-", "assistant", "acting-deputy"}
MODIFIERS = {"military", "army", "government", "defence", "defense", "foreign", "interim", "transitional", "acting"}


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


class Position(BaseModel):
    """An office a table covers: 'Chancellor of Germany', in Germany, called 'Chancellor' in text."""

    name: str
    country: str
    roles: list[str]


class Country(BaseModel):
    name: str
    words: list[str] = Field(description="what names it in text: the name, demonyms, abbreviations")
    until: dt.date | None = Field(None, description="the table is complete up to this day")


class TitleReading(BaseModel):
    """What a person named with a title claims, in the tables' terms."""

    name: str
    terms: list[OfficeTerm] = Field(description="every term of the person named, in any office")
    positions: list[str] = Field(description="the declared offices the title names; empty: not covered (unknown)")
    former: bool = Field(False, description="'former President X': held before, not now")


class OfficeTable(BaseModel):
    terms: list[OfficeTerm]
    positions: dict[str, Position] = {}
    countries: dict[str, Country] = {}
    _country_words: dict[str, str] = PrivateAttr(default_factory=dict)
    _roles: dict[str, list[str]] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _context) -> None:
        for country in self.countries.values():
            for word in country.words:
                self._country_words[_fold(word)] = country.name
        for position in self.positions.values():
            for role in position.roles:
                self._roles.setdefault(_fold(role), []).append(position.name)

    def coverage_end(self, country: str) -> dt.date | None:
        """The last date the table knows anything about for `country`."""
        declared = self.countries.get(country)
        if declared and declared.until:
            return declared.until
        days = [d for t in self.terms if t.country == country for d in (t.start, t.end) if d]
        return max(days) if days else None

    def role_words(self) -> list[str]:
        """Every role name the tables declare, as written ('President', 'Federal Chancellor')."""
        return sorted({role for p in self.positions.values() for role in p.roles})

    def is_role(self, role: str | None) -> bool:
        return bool(role) and _fold(role) in self._roles

    def positions_named(self, role: str, country: str | None) -> list[str]:
        """The declared positions a role name stands for, in `country` (any country when None)."""
        found = self._roles.get(_fold(role), [])
        return [p for p in found if country is None or self.positions[p].country == country]

    def country_named(self, words: list[str]) -> str | None:
        """The country named by the last words of `words` ('... Burkina Faso' -> 'Burkina Faso')."""
        for size in (4, 3, 2, 1):
            if len(words) >= size:
                phrase = " ".join(words[-size:])
                country = self._country_words.get(phrase) or self._country_words.get(phrase.rstrip("."))
                if country:
                    return country
        return None

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

    def read_title(self, person: PersonMention, before: str = "") -> TitleReading | None:
        """The offices a titled mention claims ("French Prime Minister Francois Hollande" -> Prime
        Minister of France), or None when the person is not in the tables or has no title.

        `before` is the sentence's text before the mention: a country named right before it
        ("Burkina Faso President ...", "Mali's interim President ...") is its country. With no
        country named, the countries of the person's own terms are used; a qualifier the tables
        do not know as a country ("Chadian", "Socialist") leaves the title unjudged.
        """
        terms = self.person_terms(person.name)
        if not terms or not person.role:
            return None
        affiliation = _words(person.affiliation or "")
        former = bool(PAST & set(affiliation))
        reading = TitleReading(name=person.name, terms=terms, positions=[], former=former)
        if NOT_THE_OFFICE & set(affiliation):
            return reading  # 'deputy President' is another office
        kept = [w for w in affiliation if w not in PAST | MODIFIERS]
        adjacent = _words(before)[-4:] if re.search(r"[\w.'’]\s+$", before) else []
        country = self.country_named(adjacent + kept)
        if country is None and kept:
            return reading
        if country:
            reading.positions = self.positions_named(person.role, country)
        else:
            own = {t.country for t in terms}
            reading.positions = [p for p in self.positions_named(person.role, None) if self.positions[p].country in own]
        return reading


def _fold(text: str) -> str:
    return " ".join(_words(text))


def _words(text: str) -> list[str]:
    """Folded words, possessives and edge punctuation removed ('France’s' -> 'france'; 'U.S.' stays)."""
    words = []
    for word in normalize(text).split():
        word = re.sub(r"'s$", "", word.strip(",;:\"'()[]"))
        if word:
            words.append(word)
    return words


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


# ---- loading -----------------------------------------------------------------------------------

class _CountryWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str] = Field(min_length=1)
    until: dt.date | None = None


class _PositionWords(BaseModel):
    model_config = ConfigDict(extra="forbid")
    country: str = Field(min_length=1)
    roles: list[str] = Field(min_length=1)


class _Sidecar(BaseModel):
    model_config = ConfigDict(extra="forbid")
    countries: dict[str, _CountryWords] = {}
    positions: dict[str, _PositionWords] = {}


@lru_cache(maxsize=8)
def load_table(extra: tuple[Path, ...] = ()) -> OfficeTable:
    """The shipped table plus `extra` tables, each with the words its sidecar declares."""
    paths = (DEFAULT_TABLE, *extra)
    positions: dict[str, Position] = {}
    countries: dict[str, Country] = {}
    for path in paths:
        _declare(sidecar_of(path), positions, countries)
    for position in positions.values():
        countries.setdefault(position.country, Country(name=position.country, words=[position.country]))
    terms = [term for path in paths for term in _read_terms(path, positions, countries)]
    return OfficeTable(terms=terms, positions=positions, countries=countries)


def sidecar_of(table: Path) -> Path:
    """Where a table's words are declared: the same name with `.toml`."""
    return table.with_suffix(".toml")


def _declare(path: Path, positions: dict[str, Position], countries: dict[str, Country]) -> None:
    """Add what a sidecar declares; the same country or position in two sidecars merges its words."""
    if not path.is_file():
        return
    try:
        sidecar = _Sidecar.model_validate(tomllib.loads(_text(path, "words file")))
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceTableError(f"words file {path}: not valid TOML: {exc}") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ReferenceTableError(f"words file {path}: {where}: {first['msg']}") from None
    for name, declared in sidecar.countries.items():
        known = countries.setdefault(name, Country(name=name, words=[]))
        known.words = list(dict.fromkeys([*known.words, *declared.words]))
        known.until = declared.until or known.until
    for name, declared in sidecar.positions.items():
        known = positions.get(name)
        if known and known.country != declared.country:
            raise ReferenceTableError(f"words file {path}: position '{name}' is in {declared.country} here "
                                      f"but in {known.country} in another table")
        roles = [*known.roles, *declared.roles] if known else declared.roles
        positions[name] = Position(name=name, country=declared.country, roles=list(dict.fromkeys(roles)))


def _text(path: Path, what: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReferenceTableError(f"cannot read {what} {path}: {exc.strerror}") from None
    if b"\x00" in data:
        raise ReferenceTableError(f"{what} {path} is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReferenceTableError(f"{what} {path} is not UTF-8 text (byte {exc.start})") from None


def _read_terms(path: Path, positions: dict[str, Position], countries: dict[str, Country]) -> list[OfficeTerm]:
    reader = csv.DictReader(io.StringIO(_text(path, "reference table"), newline=""))
    try:
        header = reader.fieldnames or []
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise ReferenceTableError(f"reference table {path} lacks columns: {', '.join(missing)}")
        return [_term(row, len(header), path, reader.line_num, positions, countries) for row in reader]
    except csv.Error as exc:
        raise ReferenceTableError(f"reference table {path}, line {reader.line_num}: not CSV: {exc}") from None


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


def _term(row: dict, width: int, path: Path, line: int, positions: dict[str, Position],
          countries: dict[str, Country]) -> OfficeTerm:
    where = f"reference table {path}, line {line}"
    fields = width + len(row.get(None) or []) - sum(v is None for k, v in row.items() if k is not None)
    if fields != width:
        raise ReferenceTableError(f"{where}: {fields} fields where the header has {width}")
    for column in ("country", "position", "person", "start_date"):
        if not row[column].strip():
            raise ReferenceTableError(f"{where}: {column} is empty")
    start, end = _dates(row, where)
    position = positions.get(row["position"].strip()) or _inferred(row, where, path, positions, countries)
    if position.country != row["country"].strip():
        raise ReferenceTableError(f"{where}: position '{position.name}' is declared in {position.country}, "
                                  f"not {row['country'].strip()}")
    origin = (row.get("source_kind") or "").strip() or path.name
    qid = (row.get("wikidata_qid") or "").strip()
    return OfficeTerm(
        country=position.country, position=position.name, person=row["person"].strip(), start=start, end=end,
        source=f"{origin}, {qid}" if qid else origin,
    )


def _inferred(row: dict, where: str, path: Path, positions: dict[str, Position],
              countries: dict[str, Country]) -> Position:
    """A position no words file declares, read from the row: its country's words from the country
    data (`countries.country_words`), its role from its label. What cannot be read is an error
    naming the row and what to declare."""
    from .countries import country_words, role_of

    label, country = row["position"].strip(), row["country"].strip()
    sidecar = sidecar_of(path).name
    declared = countries.get(country)
    words = country_words(country)
    if words is None and declared is None:
        raise ReferenceTableError(
            f"{where}: country '{country}' is not one the country data knows; declare its words in {sidecar}: "
            f"[countries.\"{country}\"] words = [\"{country}\", ...] (README: Reference tables)")
    known = list(dict.fromkeys([*(declared.words if declared else []), *(words or [])]))
    role = role_of(label, known)
    if role is None:
        raise ReferenceTableError(
            f"{where}: the role of position '{label}' cannot be read from its label; declare it in {sidecar}: "
            f"[positions.\"{label}\"] country = \"{country}\", roles = [...] (README: Reference tables)")
    if declared is None:
        countries[country] = Country(name=country, words=known)
    else:
        declared.words = known
    positions[label] = Position(name=label, country=country, roles=[role])
    return positions[label]


def _dates(row: dict, where: str) -> tuple[dt.date, dt.date | None]:
    days = []
    for column, first in (("start_date", True), ("end_date", False)):
        text = row[column].strip()
        try:
            days.append(_day(text, first) if text else None)
        except ValueError:
            raise ReferenceTableError(f"{where}: {column} '{text}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)") from None
    start, end = days
    if end and end < start:
        raise ReferenceTableError(f"{where}: end_date {end} is before start_date {start}")
    return start, end
