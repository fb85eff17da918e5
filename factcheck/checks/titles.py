"""Titles: a person given an office they did not hold at the article's date, per the reference tables.

Only offices the tables declare are judged: the title's role name and country must name a
declared position (reference.py); any other title is "unknown". When the article's date is
unknown, the window of dates its text allows is used (resolve.py): a flag needs the person to
have held no such office at any time in that window within the table's coverage. A title that
differs between articles for the same person is flagged too.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..models import Flag, PersonMention
from ..reference import OfficeTerm, name_tokens
from ..resolve import window
from .base import Corpus, location, make_flag


def check_titles(corpus: Corpus) -> list[Flag]:
    flags = []
    for candidate in corpus.candidates:
        if candidate.sentence.duplicate_of:
            continue
        for person in candidate.people:
            before = candidate.sentence.text[:person.start - candidate.sentence.start]
            flag = _against_reference(corpus, candidate.sentence.article_id, person, before)
            if flag:
                flags.append(flag)
    return flags + _between_articles(corpus)


def _against_reference(corpus: Corpus, article_id: str, person: PersonMention, before: str) -> Flag | None:
    reading = corpus.table.read_title(person, before)
    if reading is None or not reading.positions:
        return None  # not in the tables, or a title they do not cover: unknown
    positions = set(reading.positions)
    earliest, latest = window(corpus.dates[article_id])
    coverage = max(filter(None, (corpus.table.coverage_end(corpus.table.positions[p].country) for p in positions)),
                   default=None)
    latest = min(latest, coverage) if latest and coverage else (latest or coverage)
    if earliest and latest and earliest > latest:
        return None  # the article is after the table's coverage: unknown
    titled = [t for t in reading.terms if t.position in positions]
    if reading.former:
        if any(latest is None or t.start <= latest for t in titled):
            return None  # held before: "former" is right
    elif any(_overlaps(t, earliest, latest) for t in titled):
        return None  # held at some possible date: consistent or unknown
    return _title_flag(corpus, article_id, person, reading, sorted(positions), titled, (earliest, latest))


def _title_flag(corpus, article_id, person, reading, positions, titled, days) -> Flag:
    (earliest, latest), terms, former = days, reading.terms, reading.former
    position = " or ".join(positions)
    held = [t for t in terms if _overlaps(t, earliest, latest)] or terms
    evidence = [t.describe() for t in _dedupe(held)]
    when = _describe_window(corpus, article_id, earliest, latest)
    if former:
        when = f"at any time up to {latest.isoformat() if latest else 'today'}"
    evidence += [f"{p} then: {t.describe()}" for p in positions for t in _holders_then(corpus, p, earliest, latest)]
    called = person.text[: person.text.rfind(person.name)].strip() or " ".join(filter(None, [person.affiliation,
                                                                                           person.role]))
    never = "" if titled else f"; the reference table has no term of theirs as {position}"
    reason = (f"{person.name} is called {called}, but was not {position} {when}{never}; "
              f"it has them as {'; '.join(sorted({t.position for t in held}))}.")
    date = corpus.dates[article_id]
    if not date.day:
        evidence.append(f"article date: {date.basis}")
    # never held, or a fixed article date: high; held at other times than an inferred window: medium
    severity = "high" if not titled or corpus.dates[article_id].day else "medium"
    return make_flag("title", severity, [location(corpus, article_id, person.start, person.end)], evidence, reason)


def _overlaps(term: OfficeTerm, earliest: dt.date | None, latest: dt.date | None) -> bool:
    starts_before_end = latest is None or term.start <= latest
    ends_after_start = earliest is None or term.end is None or term.end >= earliest
    return starts_before_end and ends_after_start


def _dedupe(terms: list[OfficeTerm]) -> list[OfficeTerm]:
    seen, kept = set(), []
    for term in sorted(terms, key=lambda t: (t.start, t.position)):
        if (term.person, term.position, term.start.year) not in seen:
            seen.add((term.person, term.position, term.start.year))
            kept.append(term)
    return kept


def _holders_then(corpus: Corpus, position: str, earliest, latest) -> list[OfficeTerm]:
    if not earliest or earliest != latest:
        return []
    return corpus.table.holders(position, earliest)


def _describe_window(corpus: Corpus, article_id: str, earliest, latest) -> str:
    date = corpus.dates[article_id]
    if date.day:
        return f"on the article's date, {date.day}"
    start = f"from {earliest.isoformat()} " if earliest else ""
    return f"at any time {start}to {latest.isoformat() if latest else 'today'}, the dates the article's text allows"


def _between_articles(corpus: Corpus) -> list[Flag]:
    """The same person with different table-known titles in different articles."""
    seen: dict[tuple[str, ...], list[tuple[str, PersonMention]]] = defaultdict(list)
    for candidate in corpus.candidates:
        for person in candidate.people:
            if person.role and not candidate.sentence.duplicate_of:
                seen[name_tokens(person.name)[-1:]].append((candidate.sentence.article_id, person))
    flags = []
    office = lambda role: frozenset(corpus.table.positions_named(role, None))  # "President", "président": one title
    for mentions in seen.values():
        roles = {office(p.role) for _, p in mentions}
        articles = {a for a, _ in mentions}
        if len(roles) > 1 and len(articles) > 1 and all(corpus.table.is_role(p.role) for _, p in mentions):
            (a1, p1), (a2, p2) = _first_pair(mentions, office)
            flags.append(make_flag(
                "title", "medium",
                [location(corpus, a1, p1.start, p1.end), location(corpus, a2, p2.start, p2.end)],
                [f"{a2}: \"{p2.text}\""],
                f"{p1.name} is called {p1.role} in one article and {p2.role} in another.",
            ))
    return flags


def _first_pair(mentions: list[tuple[str, PersonMention]], office) -> tuple:
    """The first mention that another article gives another title (`office`: what a title names,
    in any language), and the first such other mention; linear in the mentions (times the few titles)."""
    articles_by_role: dict[frozenset, set[str]] = defaultdict(set)
    for article, person in mentions:
        articles_by_role[office(person.role)].add(article)
    for article, person in mentions:
        own = office(person.role)
        if any(role != own and (len(articles) > 1 or article not in articles)
               for role, articles in articles_by_role.items()):
            return (article, person), next(m for m in mentions if m[0] != article and office(m[1].role) != own)
    raise ValueError("no two articles give two titles")
