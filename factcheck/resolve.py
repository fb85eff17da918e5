"""Resolve what the claims refer to: article dates, people and their name variants, kinds of count.

Everything here is rule-based and deterministic; the checks in `checks/` build on it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from .lexicon.en import COUNT_ACTIONS as ACTIONS
from .lexicon.en import COUNT_SUBJECTS as SUBJECTS
from .lexicon.en import MONTH, WEEKDAY_NAMES, YEAR, YEAR_RE, month_number
from .models import Article, ArticleDate, Candidate, Entity
from .reference import OfficeTable, is_part_of, name_tokens
from .sentences import normalize

DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y")
FULL_DATE_RE = re.compile(
    rf"\b(?:({MONTH})\s+(\d{{1,2}}),?\s+({YEAR})|(\d{{1,2}})\s+({MONTH})\s+({YEAR}))\b"
)


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def article_date(article: Article) -> ArticleDate:
    """The article's date from its metadata, else a window inferred from the dates it mentions."""
    day = parse_date(article.date)
    if day:
        return ArticleDate(article_id=article.id, day=day.isoformat(), basis="metadata")
    full = [_full_date(m) for m in FULL_DATE_RE.finditer(article.text)]
    full = [d for d in full if d]
    if full:
        latest = max(full)
        return ArticleDate(article_id=article.id, earliest=latest.isoformat(),
                           basis=f"no date given; on or after {latest.isoformat()}, the latest full date it mentions")
    years = [int(y) for y in YEAR_RE.findall(article.text)]
    if years:
        year = max(years)
        return ArticleDate(article_id=article.id, earliest=f"{year}-01-01",
                           basis=f"no date given; in or after {year}, the latest year it mentions")
    return ArticleDate(article_id=article.id, basis="no date given and none can be inferred from the text")


def _full_date(match: re.Match) -> dt.date | None:
    month, day, year = (match.group(1), match.group(2), match.group(3)) if match.group(1) else (
        match.group(5), match.group(4), match.group(6))
    try:
        return dt.datetime.strptime(f"{month} {day} {year}", "%B %d %Y").date()
    except ValueError:
        return None


def window(date: ArticleDate) -> tuple[dt.date | None, dt.date | None]:
    """(earliest, latest) possible publication day; None where open."""
    if date.day:
        day = dt.date.fromisoformat(date.day)
        return day, day
    earliest = dt.date.fromisoformat(date.earliest) if date.earliest else None
    latest = dt.date.fromisoformat(date.latest) if date.latest else None
    return earliest, latest


def kind_of(counts: str | None, before: str = "", after: str = "") -> str:
    """The kind of count: 'killed: civilians', 'troops', 'displaced', ... or 'other'.

    `counts` is what the number counts (the model's answer, or the words after the number);
    `before` and `after` are the sentence's words around the number. The verb nearest the
    number gives the action; the noun that follows it (or `counts`) gives who is counted.
    """
    own = normalize(counts or "")
    action = _first(ACTIONS, own) or _nearest(ACTIONS, normalize(before), normalize(after))
    head = " ".join(re.sub(r"^(?:of|more|other|others)\s+", "", normalize(after)).split()[:2])
    subject = _first(SUBJECTS, own) or _first(SUBJECTS, head)
    if subject in ("vehicles", "duration", "money"):
        return subject  # "four days after a deadly attack" counts days, not the dead
    if action in ("killed", "wounded") and subject:
        return f"{action}: {subject}"
    return action or subject or "other"


def _nearest(table: list[tuple[str, str]], before: str, after: str) -> str | None:
    """The kind whose words stand closest to the number: at the end of `before` or the start of `after`."""
    found = []
    for n, (kind, pattern) in enumerate(table):
        for m in re.finditer(rf"\b(?:{pattern})", before):
            found.append((len(before) - m.end(), n, kind))
        m = re.search(rf"\b(?:{pattern})", after)
        if m:
            found.append((m.start(), n, kind))
    return min(found)[2] if found else None


def _first(table: list[tuple[str, str]], text: str) -> str | None:
    """The kind whose words come first in `text` ('civilians including children' -> civilians)."""
    found = [(m.start(), n, kind) for n, (kind, pattern) in enumerate(table)
             if (m := re.search(rf"\b(?:{pattern})", text))]
    return min(found)[2] if found else None


def entities(candidates: list[Candidate], table: OfficeTable | None = None) -> list[Entity]:
    """People named in the articles, each with every form of their name and every title given."""
    mentions = [p for c in candidates for p in c.people]
    names = sorted({m.name for m in mentions}, key=lambda n: (-len(name_tokens(n)), n))
    canonical: dict[str, str] = {}
    for name in names:
        canonical[name] = _canonical(name, [n for n in names if n != name], table)
    grouped: dict[str, dict] = defaultdict(lambda: {"variants": set(), "articles": set(), "roles": set()})
    for candidate in candidates:
        for person in candidate.people:
            group = grouped[canonical[person.name]]
            group["variants"].add(person.name)
            group["articles"].add(candidate.sentence.article_id)
            if person.role:
                group["roles"].add(" ".join(filter(None, [person.affiliation, person.role])))
    return [
        Entity(name=name, variants=sorted(g["variants"]), articles=sorted(g["articles"]), roles=sorted(g["roles"]))
        for name, g in sorted(grouped.items())
    ]


def _canonical(name: str, others: list[str], table: OfficeTable | None) -> str:
    """The longest other name this one is a part of ('Keita' -> 'Ibrahim Boubacar Keita'), if unique."""
    tokens = name_tokens(name)
    wholes = {o for o in others if is_part_of(tokens, name_tokens(o))}
    if len(wholes) == 1:
        return wholes.pop()
    if not wholes and table is not None:
        terms = table.person_terms(name)
        if terms and name_tokens(terms[0].person) != tokens:
            return terms[0].person
    return name


def absolute(expression: str, anchor: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The days a date expression can mean, given the article's date: 'last Tuesday' -> that Tuesday.

    Returns (first, last) day, or None when the expression cannot be placed (a relative one with
    no article date, or one this resolver does not read).
    """
    text = normalize(expression)
    text = re.sub(r"^(?:on|in|during|by|since|until|from|of)\s+", "", text)
    year = YEAR_RE.search(text)
    month = month_number(text)
    day = re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b(?!\d)", YEAR_RE.sub("", text))
    if month and day:
        y = int(year.group(1)) if year else _year_before(anchor, month, int(day.group(1)))
        if y is None:
            return None
        try:
            when = dt.date(y, month, int(day.group(1)))
        except ValueError:
            return None
        return when, when
    if month:
        y = int(year.group(1)) if year else _year_before(anchor, month, 1)
        return (_month_span(y, month)) if y else None
    if year and not re.search(r"\d{4}s", text):
        y = int(year.group(1))
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    return _relative(text, anchor) if anchor else None


def _year_before(anchor: dt.date | None, month: int, day: int) -> int | None:
    """The year of the latest (month, day) on or before the anchor: news reports the past."""
    if anchor is None:
        return None
    return anchor.year if (month, day) <= (anchor.month, anchor.day) else anchor.year - 1


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    return first, last


def _relative(text: str, anchor: dt.date) -> tuple[dt.date, dt.date] | None:
    for n, name in enumerate(WEEKDAY_NAMES):
        if name in text:
            back = (anchor.weekday() - n) % 7
            if text.startswith("last") and back == 0:
                back = 7
            if text.startswith("next"):
                ahead = (n - anchor.weekday()) % 7 or 7
                day = anchor + dt.timedelta(days=ahead)
            else:
                day = anchor - dt.timedelta(days=back)
            return day, day
    if text in ("yesterday",):
        day = anchor - dt.timedelta(days=1)
        return day, day
    if text in ("today", "tonight"):
        return anchor, anchor
    week_start = anchor - dt.timedelta(days=anchor.weekday())
    spans = {
        "earlier this week": (week_start, anchor), "this week": (week_start, week_start + dt.timedelta(days=6)),
        "last week": (week_start - dt.timedelta(days=7), week_start - dt.timedelta(days=1)),
        "earlier this month": (anchor.replace(day=1), anchor), "this month": _month_span(anchor.year, anchor.month),
        "last month": _month_span(*(anchor.year, anchor.month - 1) if anchor.month > 1 else (anchor.year - 1, 12)),
        "earlier this year": (dt.date(anchor.year, 1, 1), anchor), "this year": (dt.date(anchor.year, 1, 1), anchor),
        "last year": (dt.date(anchor.year - 1, 1, 1), dt.date(anchor.year - 1, 12, 31)),
    }
    text = re.sub(r"^(?:the|in the)\s+", "", text)
    return spans.get(text)
