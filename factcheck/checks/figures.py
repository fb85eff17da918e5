"""Figures: the same measure of the same named thing given as values that cannot both hold.

The quantity check covers counts of people (killed, wounded, troops) per event; this one covers
every other figure: scores, sums, shares, goals, votes. Two number claims from different
articles are about the same measure when their sentences have two capitalised words in common
("The Grey ... Rotten Tomatoes") and their units start with the same word ("% rating" and "%",
"goals"); one common word ("Syria", "Japan") names a place too often to tell two measures apart. They
conflict when their value ranges, hedges included ("over 79" is 79 to infinity), do not
overlap, and neither article also gives the other's figure about that name. Numbers that are
part of a name ("Boeing 787-8") are not figures. Figures are compared only between
articles dated within `SAME_EVENT_DAYS` of each other that may report one event (on a crowded day,
sharing names few others give: `quantities.event_gate`), and not when the two sentences name
different years (a 2011 figure and a 2014 figure are two facts).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from ..lexicon.en import YEAR_RE
from ..models import Claim, Flag
from ..sentences import normalize
from .base import Corpus, claim_location, make_flag, proper_names
from .quantities import COMPARED_ACTIONS, SAME_EVENT_DAYS, _disjoint, claim_kind, same_event

MODEL_NUMBER = re.compile(r"(?<![.!?]\s)\b[A-Z][A-Za-z]*\s*$")


def check_figures(corpus: Corpus) -> list[Flag]:
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for claim in corpus.claims:
        unit = _unit_head(corpus, claim)
        if unit is None or claim_kind(corpus, claim).startswith(COMPARED_ACTIONS):
            continue
        for name in proper_names(claim.quote):
            groups[(name, unit)].append(claim)
    values = _values_by_name(corpus)
    flags, seen = [], set()
    for (name, unit), claims in sorted(groups.items()):
        by_article: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims:
            by_article[claim.article_id].append(claim)
        dated = sorted(((day, c) for c in claims if (day := _day(corpus, c))), key=lambda pair: pair[0])
        other = _next_other_article(dated)
        for i, (day_a, a) in enumerate(dated):  # only other articles within the window: near-linear
            for day_b, b in (dated[j] for j in range(other[i], len(dated))):
                if (day_b - day_a).days > SAME_EVENT_DAYS:
                    break
                pair = (*sorted((a.article_id, b.article_id)), unit)  # one flag per measure and pair of articles
                if pair in seen or not _comparable(a, b) or len(proper_names(a.quote) & proper_names(b.quote)) < 2 \
                        or not same_event(corpus, a.article_id, b.article_id):
                    continue
                if _disjoint(a.number, b.number) and not _agrees(values, by_article[b.article_id], name, a) \
                        and not _agrees(values, by_article[a.article_id], name, b):
                    seen.add(pair)
                    flags.append(_flag(corpus, a, b, name, unit))
    return flags


def _next_other_article(dated: list[tuple[dt.date, Claim]]) -> list[int]:
    """For each place, the next place holding another article's claim (an article's claims are
    next to each other: one day per article, and the sort is stable)."""
    following = [len(dated)] * len(dated)
    for i in range(len(dated) - 2, -1, -1):
        same = dated[i + 1][1].article_id == dated[i][1].article_id
        following[i] = following[i + 1] if same else i + 1
    return following


def _day(corpus: Corpus, claim: Claim) -> dt.date | None:
    day = corpus.dates[claim.article_id].day
    return dt.date.fromisoformat(day) if day else None


def _unit_head(corpus: Corpus, claim: Claim) -> str | None:
    number = claim.number
    if number is None or claim.copied_from or number.low is None or number.hedge == "vague" or not number.unit:
        return None
    text = corpus.by_article[claim.article_id].text
    if MODEL_NUMBER.search(text[max(claim.span.start, number.span.start - 30):number.span.start]) \
            or text[number.span.end:number.span.end + 1] == "-":
        return None  # part of a name ("Boeing 787-8", "Windows 10"), not a measure
    words = normalize(number.unit).replace("%", " % ").split()
    if not words:
        return None
    head = words[0]
    if head != "%" and not head.isalpha():
        return None
    return head[:-1] if head.endswith("s") and len(head) > 3 else head


def _comparable(a: Claim, b: Claim) -> bool:
    """Different articles, and the two sentences do not name different years."""
    if a.article_id == b.article_id:
        return False
    years_a, years_b = set(YEAR_RE.findall(a.quote)), set(YEAR_RE.findall(b.quote))
    return not (years_a and years_b and not years_a & years_b)


def _values_by_name(corpus: Corpus) -> dict[tuple[str, str], set[float]]:
    """Per (article, name): the exact figures its sentences naming that name give, whatever the unit."""
    values: dict[tuple[str, str], set[float]] = defaultdict(set)
    for claim in corpus.claims:
        number = claim.number
        if number is not None and number.value is not None and number.low == number.high:
            for name in proper_names(claim.quote):
                values[(claim.article_id, name)].add(number.value)
    return values


def _agrees(values: dict, others: list[Claim], name: str, claim: Claim) -> bool:
    """The other article also gives a figure that fits `claim`: for an exact one, the same figure
    about that name in any unit ("49 of the 50 states" gives 49); for a hedged one, a figure of
    the same measure (`others`: that article's claims in the group) inside its range."""
    number = claim.number
    if not others:
        return False
    if number.low == number.high:
        return number.value in values.get((others[0].article_id, name), ())
    return any(o.number.low is not None and o.number.high is not None
               and number.low <= o.number.low and o.number.high <= number.high for o in others)


def _flag(corpus: Corpus, a: Claim, b: Claim, name: str, unit: str) -> Flag:
    where = [claim_location(corpus, c) for c in (a, b)]
    reason = (f"Both articles give a \"{unit}\" figure in a sentence about \"{name.title()}\": "
              f"\"{a.number.text}\" and \"{b.number.text}\" cannot both hold.")
    return make_flag("figure", "medium", where, [f"{b.article_id} line {b.line}: \"{b.quote}\""],
                     reason, about=(a.id, b.id))
