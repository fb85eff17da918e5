"""Resolve what the claims refer to: article dates, people and their name variants, kinds of count.

Everything here is rule-based and deterministic; the checks in `checks/` build on it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from .lexicon.en import COUNT_ACTIONS as ACTIONS
from .lexicon.en import COUNT_SUBJECTS as SUBJECTS
from .lexicon.en import GATHERING, MONTH, PAST_LAGS, TERM_ENDED, THINGS_COUNTED, WEEKDAY, WEEKDAY_NAMES, YEAR, YEAR_RE, month_number
from .lexicon import fr
from .models import Article, ArticleDate, Candidate, Entity
from .reference import OfficeTable, is_part_of, name_tokens
from .sentences import normalize

DATE_FORMATS = ("%Y-%m-%d", "%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d", "%m/%d/%Y", "%d/%m/%Y")
# A weekday given with a day of the month and no year: "Tuesday, February 19", "Tuesday the 19th of February".
WEEKDAY_DAY = re.compile(
    rf"\b({WEEKDAY}),?\s+(?:the\s+)?(?:({MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+"
    rf"(?:of\s+)?({MONTH}))\b(?!,?\s+{YEAR})"
)
PLACED_WINDOW_DAYS = 366  # relative dates are placed in a window of article dates up to this long


def parse_date(text: str | None) -> dt.date | None:
    if not text:
        return None
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for candidate in dict.fromkeys((text, fr.english_date(text).title())):  # "12 mars 2017" as "12 March 2017"
        for fmt in DATE_FORMATS:
            try:
                return dt.datetime.strptime(candidate, fmt).date()
            except ValueError:
                continue
    return None


def article_date(article: Article, candidates: list[Candidate] | None = None,
                 table: OfficeTable | None = None) -> ArticleDate:
    """The article's date from its metadata, else the window of days its text allows, with the basis.

    From the text: the latest explicit date or year it gives (the article is on or after it);
    the terms of the office holders it names with a title (`holder_spans`); a weekday given
    with a day of the month ("Tuesday, February 19"), which picks the years in the window where
    that day was that weekday. `candidates` are the article's check-worthy sentences (found
    again from the text when not given); `table` the office holders (none: no terms used).
    """
    day = parse_date(article.date)
    if day:
        return ArticleDate(article_id=article.id, day=day.isoformat(), basis="metadata")
    if candidates is None:
        from .candidates import select
        from .sentences import split_article

        candidates = select(split_article(article), tuple(table.role_words()) if table else ())
    earliest, reasons = _stated_dates(candidates)
    holders = _holders(candidates, table, article.text) if table else []
    (earliest, latest), used = fit_terms(earliest, holders)
    reasons += [_holder_basis(h, h in used) for h in holders]
    if earliest and latest:
        (earliest, latest), said = _weekday_dates(article.text, earliest, latest)
        reasons += said
    if not reasons:
        return ArticleDate(article_id=article.id, basis="no date given and none can be inferred from the text")
    return ArticleDate(article_id=article.id, earliest=earliest.isoformat() if earliest else None,
                       latest=latest.isoformat() if latest else None, basis="no date given; " + "; ".join(reasons))


def _stated_dates(candidates: list[Candidate]) -> tuple[dt.date | None, list[str]]:
    """On or after the latest explicit date or year the text gives ("February 19, 2013", "in 2013")."""
    spans = []
    for candidate in candidates:
        for mention in candidate.dates:
            days = absolute(mention.text, None) if YEAR_RE.search(mention.text) else None
            if days:
                spans.append((days[0], days[0] == days[1], mention.text))
    if not spans:
        return None, []
    start, exact, text = max(spans)
    what = "the latest full date it mentions" if exact else f"the latest year it mentions (\"{text}\")"
    return start, [f"on or after {start.isoformat()}, {what}"]


@dataclass(frozen=True)
class Holder:
    """An office holder the text names with a title, and the days that puts the article in."""

    quote: str  # as the text names them: "President Ibrahim Boubacar Keita"
    person: str  # as the table names them
    spans: tuple[tuple[dt.date, dt.date | None], ...]  # merged terms; None: still in office
    offices: str
    confirmed: bool  # the table has them in the office the title names; else: their terms in any office
    after: str = ""  # why the article may come after the term: the mention is told as past


PAST_LAG_RES = [(re.compile(pattern, re.IGNORECASE), days) for pattern, days in PAST_LAGS]
TERM_ENDED_RE = re.compile(TERM_ENDED, re.IGNORECASE)
TERM_ENDED_REACH = 400  # characters after the mention's sentence read for the end of the term


def _holders(candidates: list[Candidate], table: OfficeTable, text: str = "") -> list[Holder]:
    """The office holders named with a title the tables cover ('former' ones left out).

    A title the table confirms puts the article in that person's terms in that office; one it
    does not ("French Prime Minister Francois Hollande", who was President) in their terms in
    any office, so the window never hides the wrong title: it still holds no term of it. A mention
    told as past ("earlier this year") lets the article come that long after the term; one whose
    term the text says has ended ("ousted him", "the interim government") leaves it open after
    the term's start (`text`: the article's text, read after the sentence).
    """
    found: dict[tuple[str, bool], Holder] = {}
    for candidate in candidates:
        for person in candidate.people:
            reading = table.read_title(person, candidate.sentence.text[:person.start - candidate.sentence.start])
            if reading is None or not reading.positions or reading.former:
                continue
            titled = [t for t in reading.terms if t.position in reading.positions]
            terms = titled or reading.terms
            key = (terms[0].person, bool(titled))
            spans, after = _told_as_past(_merged(terms), candidate, text)
            held = found.get(key)
            if held is None or (held.after and not after):  # a mention of them in office now bounds the most
                offices = " and ".join(sorted({t.position for t in terms}))
                found[key] = Holder(quote=person.text, person=terms[0].person, spans=spans, offices=offices,
                                    confirmed=bool(titled), after=after)
    return list(found.values())


SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
HOLDER_WORDS = re.compile(r"\b(?:he|him|his|she|her|they|them|il|elle|lui)\b", re.IGNORECASE)


def person_surname(candidate: Candidate, spans) -> str | None:
    """The last word of the name of the titled person of the sentence (folded), to find them again."""
    titled = [p for p in candidate.people if p.role]
    return normalize(titled[0].name).split()[-1] if titled and titled[0].name.split() else None


def _told_as_past(spans, candidate: Candidate, text: str):
    """The spans of days a mention allows the article, and why they reach past the term."""
    sentence = candidate.sentence
    following = text[sentence.end:sentence.end + TERM_ENDED_REACH] if text else ""
    surname = person_surname(candidate, spans)
    about_them = [s for s in SENTENCE_BREAK.split(following)[:2]
                  if HOLDER_WORDS.search(s) or (surname and surname in normalize(s))]  # "ousted him", "Keita resigned"
    ended = TERM_ENDED_RE.search(sentence.text) or next(
        (m for s in about_them if (m := TERM_ENDED_RE.search(s))), None)
    if ended:
        return tuple((start, None) for start, _ in spans), f"the text tells their term ended (\"{ended.group(0)}\")"
    for pattern, days in PAST_LAG_RES:
        past = pattern.search(sentence.text)
        if past:
            lag = dt.timedelta(days=days)
            return (tuple((start, end + lag if end else None) for start, end in spans),
                    f"told as past (\"{past.group(0)}\"): the article up to {days} days after")
    return spans, ""


def _merged(terms) -> tuple[tuple[dt.date, dt.date | None], ...]:
    spans: list[list] = []
    for term in sorted(terms, key=lambda t: t.start):
        last = spans[-1] if spans else None
        if last and (last[1] is None or term.start <= last[1] + dt.timedelta(days=1)):
            last[1] = None if last[1] is None or term.end is None else max(last[1], term.end)
        else:
            spans.append([term.start, term.end])
    return tuple((start, end) for start, end in spans)


def fit_terms(earliest: dt.date | None, holders: list[Holder]):
    """((earliest, latest), holders used): the days inside the terms of the most holders at once,
    title-confirmed ones first. Holders whose terms do not fit the others (or the stated dates)
    are not used; a tie between windows that exclude each other keeps them all."""
    best, windows = None, {}
    for point in _points(earliest, holders):
        covering = tuple(h for h in holders if _span_at(h, point))
        score = (sum(h.confirmed for h in covering), len(covering))
        if best is None or score > best:
            best, windows = score, {}
        if score == best:
            windows[covering] = _intersect(earliest, [_span_at(h, point) for h in covering])
    if not windows:
        return (earliest, None), []
    lows = [w[0] for w in windows.values()]
    highs = [w[1] for w in windows.values()]
    latest = None if None in highs else max(highs)
    return (min(lows), latest), [h for h in holders if any(h in covering for covering in windows)]


def _points(earliest: dt.date | None, holders: list[Holder]) -> list[dt.date]:
    """Where the most terms can overlap: at the start of one of them (or the earliest stated day)."""
    points = set()
    for holder in holders:
        for start, end in holder.spans:
            point = max(start, earliest) if earliest else start
            if end is None or point <= end:
                points.add(point)
    return sorted(points)


def _span_at(holder: Holder, day: dt.date):
    return next(((s, e) for s, e in holder.spans if s <= day and (e is None or day <= e)), None)


def _intersect(earliest: dt.date | None, spans) -> tuple[dt.date | None, dt.date | None]:
    ends = [e for _, e in spans if e]
    return max([s for s, _ in spans] + ([earliest] if earliest else [])), (min(ends) if ends else None)


def _holder_basis(holder: Holder, used: bool) -> str:
    terms = ", ".join(f"{s.isoformat()} to {e.isoformat() if e else 'present'}" for s, e in holder.spans)
    if not used:
        return f"{holder.quote}: not used, {holder.person}'s terms as {holder.offices} ({terms}) do not fit the rest"
    if holder.after:
        return f"{holder.quote}: {holder.offices} from {holder.spans[0][0].isoformat()}; {holder.after}"
    if holder.confirmed:
        return f"{holder.quote}: in office as {holder.offices} {terms} (title confirmed by the reference table)"
    return (f"{holder.quote}: the reference table has no such term for {holder.person}; within their terms "
            f"in any office ({holder.offices}, {terms})")


def _weekday_dates(text: str, earliest: dt.date, latest: dt.date):
    """Narrow the window with each weekday given with a day of the month: the years where that day
    was that weekday, the article being within a year after it (news reports the past)."""
    said = []
    for match in WEEKDAY_DAY.finditer(text):
        weekday = WEEKDAY_NAMES.index(match.group(1).lower())
        month, day = month_number(match.group(2) or match.group(5)), int(match.group(3) or match.group(4))
        fits = []
        for year in range(earliest.year - 1, latest.year + 1):
            try:
                when = dt.date(year, month, day)
            except ValueError:
                continue
            low, high = max(when, earliest), min(when + dt.timedelta(days=365), latest)
            if when.weekday() == weekday and low <= high:
                fits.append((low, high, when))
        if not fits:
            said.append(f"\"{match.group(0)}\" fits no year of the window; not used")
            continue
        earliest, latest = min(f[0] for f in fits), max(f[1] for f in fits)
        years = ", ".join(str(f[2].year) for f in fits)
        said.append(f"\"{match.group(0)}\": that day was a {match.group(1)} in {years}; within a year after it")
    return (earliest, latest), said


def window(date: ArticleDate) -> tuple[dt.date | None, dt.date | None]:
    """(earliest, latest) possible publication day; None where open."""
    if date.day:
        day = dt.date.fromisoformat(date.day)
        return day, day
    earliest = dt.date.fromisoformat(date.earliest) if date.earliest else None
    latest = dt.date.fromisoformat(date.latest) if date.latest else None
    return earliest, latest


def kind_of(counts: str | None, before: str = "", after: str = "", language: str = "en") -> str:
    """The kind of count: 'killed: civilians', 'troops', 'displaced', ... or 'other'.

    `counts` is what the number counts (the model's answer, or the words after the number);
    `before` and `after` are the sentence's words around the number. The verb nearest the
    number gives the action; the noun that follows it (or `counts`) gives who is counted.
    """
    actions, subjects, gathering = (fr.COUNT_ACTIONS, fr.COUNT_SUBJECTS, fr.GATHERING) if language == "fr" \
        else (ACTIONS, SUBJECTS, GATHERING)
    own = normalize(counts or "")
    action = _first(actions, own) or _nearest(actions, normalize(before), normalize(after))
    head = " ".join(re.sub(r"^(?:of|more|other|others|de|d'|des|d)\s+", "", normalize(after)).split()[:2])
    subject = _first(subjects, own) or _first(subjects, head)
    if subject in THINGS_COUNTED:
        return subject  # "four days after a deadly attack" counts days, not the dead
    if action in ("killed", "wounded") and subject:
        return f"{action}: {subject}"
    if action is None and subject in (None, "civilians") and _gathered(own, before, after, gathering):
        return "gathered"  # at a protest, a rally, a vote or in a poll: people, not casualties
    return action or subject or "other"


def _gathered(own: str, before: str, after: str, gathering: str = GATHERING) -> bool:
    """Words of a gathering, a vote or a poll in what the number counts or within a few words of it."""
    near = " ".join([own, *normalize(before).split()[-4:], *normalize(after).split()[:6]])
    return re.search(rf"\b(?:{gathering})", near) is not None


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


def names_by_end(names) -> dict[str, set[str]]:
    """Each name under its first and its last word: the names a partial name can be part of."""
    by_end: dict[str, set[str]] = defaultdict(set)
    for name in names:
        tokens = name_tokens(name)
        if tokens:
            by_end[tokens[0]].add(name)
            by_end[tokens[-1]].add(name)
    return by_end


def entities(candidates: list[Candidate], table: OfficeTable | None = None) -> list[Entity]:
    """People named in the articles, each with every form of their name and every title given."""
    mentions = [p for c in candidates for p in c.people]
    names = sorted({m.name for m in mentions}, key=lambda n: (-len(name_tokens(n)), n))
    by_end = names_by_end(names)  # a whole shares its first or last word with its parts
    canonical: dict[str, str] = {}
    for name in names:
        tokens = name_tokens(name)
        others = by_end[tokens[0]] | by_end[tokens[-1]] if tokens else set()
        canonical[name] = _canonical(name, [n for n in others if n != name], table)
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


def placed(expression: str, date: ArticleDate) -> tuple[dt.date, dt.date] | None:
    """The days a date expression can mean in an article: placed on its date, or on every day of
    its window when that is at most `PLACED_WINDOW_DAYS` long ("last Tuesday" in an article of
    2013-02-19 to 2013-03-01 is 2013-02-12 to 2013-02-26)."""
    earliest, latest = window(date)
    if earliest and earliest == latest:
        return absolute(expression, earliest)
    fixed = absolute(expression, None)
    if fixed or not (earliest and latest) or (latest - earliest).days > PLACED_WINDOW_DAYS:
        return fixed
    first, last = absolute(expression, earliest), absolute(expression, latest)
    return (first[0], last[1]) if first and last else None


def absolute(expression: str, anchor: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The days a date expression can mean, given the article's date: 'last Tuesday' -> that Tuesday.

    Returns (first, last) day, or None when the expression cannot be placed (a relative one with
    no article date, or one this resolver does not read).
    """
    text = normalize(fr.english_date(expression))  # a French expression in the English words; others as they are
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
