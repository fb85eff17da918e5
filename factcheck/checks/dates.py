"""Dates: two articles put the same happening on days that cannot both be right.

Each claim's date expression is made absolute on its article's date ("last Tuesday" in an
article of 2013-02-22 is 2013-02-19; "October 30" takes the article's year). Two statement
claims from different articles are about the same happening when their subjects have the same
content words and their predicates the same first word ("announced", "killed"); their dates
disagree when the day ranges do not overlap. Claims that cannot be placed are not compared.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..models import Claim, Flag
from ..resolve import absolute, window
from ..sentences import normalize
from .base import Corpus, location, make_flag

STOP = {"the", "a", "an", "of", "and", "has", "have", "had", "was", "were", "is", "are", "been", "be"}


def claim_days(corpus: Corpus, claim: Claim) -> tuple[dt.date, dt.date] | None:
    if not claim.date:
        return None
    earliest, latest = window(corpus.dates[claim.article_id])
    anchor = earliest if earliest and earliest == latest else None
    return absolute(claim.date, anchor)


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
    subject = tuple(sorted(w for w in normalize(claim.subject).split() if w not in STOP))
    verbs = [w for w in normalize(claim.predicate).split() if w not in STOP]
    return (subject, verbs[0]) if subject and verbs else None


def _flag(corpus: Corpus, a: Claim, days_a, b: Claim, days_b) -> Flag:
    where = [location(corpus, c.article_id, c.date_span.start, c.date_span.end) if c.date_span else
             location(corpus, c.article_id, c.span.start, c.span.end) for c in (a, b)]
    for loc, claim in zip(where, (a, b)):
        loc.quote = claim.quote
    reason = (f"\"{a.subject} {a.predicate}\" is dated \"{a.date}\" ({_days(days_a)}) in one article and "
              f"\"{b.date}\" ({_days(days_b)}) in the other.")
    return make_flag("date", "medium", where, [f"{b.article_id} line {b.line}: \"{b.quote}\""], reason)


def _days(days: tuple[dt.date, dt.date]) -> str:
    return days[0].isoformat() if days[0] == days[1] else f"{days[0].isoformat()} to {days[1].isoformat()}"
