"""Dates: two articles put the same happening on days that cannot both be right.

Each claim's date expression is made absolute on its article's date ("last Tuesday" in an
article of 2013-02-22 is 2013-02-19; "October 30" takes the article's year). Two statement
claims from different articles are about the same happening when their subjects have the same
content words and their predicates the same first word ("announced", "killed"); their dates
disagree when the day ranges do not overlap. Claims that cannot be placed are not compared.

`check_years` needs no model. It compares background dates: dates with a written year ("in
1992", "before 1998", "after 2002") that end at least `BACKGROUND_DAYS` before their article's
date (or any such date in an undated article). Two sentences of different articles date the same
thing when they share a capitalised word and a word within `NEAR` words of each date, a pair
that at most `YEAR_BUCKET_ARTICLES` articles give (in a wire, "King's College London ... a
similar flood in 2009" and "... a similar bus crash in 2008" are two facts); they disagree when
no date of the other sentence fits. "before" and "after" open a date into a range.
Dates around the article's own date are the news itself: an article reports several events, and
the claim check above, which knows who did what, compares those.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from ..models import Candidate, Claim, Flag
from ..lexicon.en import MONTH_NAMES, STOP_WORDS, YEAR_RE
from ..resolve import absolute, placed, window
from ..sentences import normalize
from .base import Corpus, claim_location, location, make_flag, proper_names



def claim_days(corpus: Corpus, claim: Claim) -> tuple[dt.date, dt.date] | None:
    return placed(claim.date, corpus.dates[claim.article_id]) if claim.date else None


def check_dates(corpus: Corpus) -> list[Flag]:
    groups: dict[tuple, list[tuple[Claim, tuple[dt.date, dt.date]]]] = defaultdict(list)
    for claim in corpus.claims:
        if claim.number is not None or claim.copied_from:
            continue
        days = claim_days(corpus, claim)
        key = _event_key(claim)
        if days and key:
            groups[key].append((claim, days))
    flags = []
    for _, members in sorted(groups.items()):
        for i, (a, days_a) in enumerate(members):
            for b, days_b in members[i + 1:]:
                if a.article_id != b.article_id and (days_a[1] < days_b[0] or days_b[1] < days_a[0]):
                    flags.append(_flag(corpus, a, days_a, b, days_b))
    return flags


def _event_key(claim: Claim) -> tuple | None:
    subject = tuple(sorted(w for w in normalize(claim.entity or claim.subject).split() if w not in STOP_WORDS))
    verbs = [w for w in normalize(claim.predicate).split() if w not in STOP_WORDS]
    return (subject, verbs[0]) if subject and verbs else None


def _flag(corpus: Corpus, a: Claim, days_a, b: Claim, days_b) -> Flag:
    where = [claim_location(corpus, c) for c in (a, b)]
    reason = (f"\"{a.subject} {a.predicate}\" is dated \"{a.date}\" ({_days(days_a)}) in one article and "
              f"\"{b.date}\" ({_days(days_b)}) in the other.")
    return make_flag("date", "medium", where, [f"{b.article_id} line {b.line}: \"{b.quote}\""],
                     reason, about=(a.id, b.id))


def _days(days: tuple[dt.date, dt.date]) -> str:
    return days[0].isoformat() if days[0] == days[1] else f"{days[0].isoformat()} to {days[1].isoformat()}"


OPEN_BEFORE = re.compile(r"\b(?:before|prior to|until|till|by)\s*$", re.IGNORECASE)
OPEN_AFTER = re.compile(r"\b(?:after)\s*$", re.IGNORECASE)
FAR = (dt.date(1, 1, 1), dt.date(9999, 12, 31))
NEAR = 6  # words either side of a date that say what it dates
BACKGROUND_DAYS = 365
PER_DATE = 3  # sentences compared per distinct date of a bucket
YEAR_BUCKET_ARTICLES = 30  # a capitalised word and a nearby word given in more articles name no one fact
DatedSpan = tuple[str, tuple[dt.date, dt.date], frozenset[str]]
NOT_EVENT_WORDS = {*MONTH_NAMES, "before", "after", "since", "during", "season", "year", "years", "then", "from",
                   "with"}


def check_years(corpus: Corpus) -> list[Flag]:
    dated = []
    for candidate in corpus.candidates:
        if candidate.sentence.duplicate_of:
            continue
        names = proper_names(candidate.sentence.text)
        spans = _year_spans(candidate, names, _background_end(corpus, candidate.sentence.article_id))
        if spans and names:
            dated.append((candidate, spans, names))
    # one bucket per (name, word near a date): what the dates in it are about
    buckets: dict[tuple[str, str], dict[tuple, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, (_, spans, names) in enumerate(dated):
        for _, days, near in spans:
            for key in {(name, word) for name in names for word in near}:
                buckets[key][days].append(i)
    flags, seen = [], set()
    for by_days in buckets.values():
        if len({dated[i][0].sentence.article_id for found in by_days.values() for i in found}) > YEAR_BUCKET_ARTICLES:
            continue  # a name and word that many articles give ("King's College ... similar") name no one fact
        # neighbouring distinct dates only, a few sentences each: a fact given with k different
        # dates yields at most k - 1 flags, not one per pair of articles
        ordered = sorted(by_days.items())
        for (_, first), (_, second) in zip(ordered, ordered[1:]):
            for i in first[:PER_DATE]:
                for j in second[:PER_DATE]:
                    pair = (min(i, j), max(i, j))  # in article order
                    if pair not in seen:
                        seen.add(pair)
                        flag = _year_conflict(corpus, dated[pair[0]], dated[pair[1]])
                        if flag:
                            flags.append(flag)
    return flags


def _background_end(corpus: Corpus, article_id: str) -> dt.date:
    """Dates ending after this day are the article's news, not background."""
    earliest, _ = window(corpus.dates[article_id])
    return earliest - dt.timedelta(days=BACKGROUND_DAYS) if earliest else FAR[1]


def _year_spans(candidate: Candidate, names: set[str], background_end: dt.date) -> list[DatedSpan]:
    """The candidate's dates that carry a year: (text, day range, the words around it).

    "before"/"by" and "after" open the range; the words within `NEAR` words of the date, less
    names and function words, say what happened then ("released", "merged", "xxvi").
    """
    text, start = candidate.sentence.text, candidate.sentence.start
    spans = []
    for date in candidate.dates:
        days = absolute(date.text, None) if YEAR_RE.search(date.text) else None
        if days is None or days[1] > background_end:
            continue
        left, right = text[:date.start - start], text[date.end - start:]
        lead = left + " " + date.text.split()[0] if date.text.split()[0].lower() in ("before", "by", "after") else left
        if OPEN_BEFORE.search(lead):
            days = (FAR[0], days[0] - dt.timedelta(days=1))
        elif OPEN_AFTER.search(lead):
            days = (days[1] + dt.timedelta(days=1), FAR[1])
        near = _content(left)[-NEAR:] + _content(right)[:NEAR]
        spans.append((date.text, days, frozenset(w for w in near if w not in names)))
    return spans


def _content(text: str) -> list[str]:
    words = re.findall(r"[a-z]+", normalize(text))
    return [w for w in words if len(w) > 3 and w not in STOP_WORDS and w not in NOT_EVENT_WORDS]


def _year_conflict(corpus: Corpus, a, b) -> Flag | None:
    """A date of one article said of the same thing as a date of the other (words around them in
    common), when no date of the other's sentence can match it."""
    (ca, spans_a, _), (cb, spans_b, _) = a, b
    if ca.sentence.article_id == cb.sentence.article_id:
        return None
    for one, other, first, second in ((spans_a, spans_b, ca, cb), (spans_b, spans_a, cb, ca)):
        for text, days, near in one:
            related = [(t, d) for t, d, n in other if near & n]
            if related and not any(_overlap(days, d) for _, d, _ in other):
                return _years_flag(corpus, first, text, second, [t for t, _ in related])
    return None


def _overlap(x, y) -> bool:
    return not (x[1] < y[0] or y[1] < x[0])


def _years_flag(corpus: Corpus, a: Candidate, date_a: str, b: Candidate, dates_b: list[str]) -> Flag:
    where = [location(corpus, c.sentence.article_id, c.sentence.start, c.sentence.end) for c in (a, b)]
    others = " or ".join(f'"{d}"' for d in dates_b)
    reason = f'The two articles date the same thing differently: "{date_a}" in one cannot be {others} in the other.'
    return make_flag("date", "medium", where, [f"{b.sentence.article_id} line {b.sentence.line}: \"{b.sentence.text}\""],
                     reason)
