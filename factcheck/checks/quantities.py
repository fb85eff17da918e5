"""Quantities: the same kind of count about the same event disagreeing beyond its hedges.

Each article's lead count of a kind (the largest exact or hedged figure it gives, outside
sentences with a cumulative time scope such as "in the last month" or "since 2011"; vague ones
such as "hundreds" are shown, not compared) stands for the article, unless the other article
also gives that figure somewhere. Two articles' lead counts
are compared only when they are about the same event: both articles dated (metadata) within
`SAME_EVENT_DAYS` of each other, and, on a crowded day (more than `CROWD` dated articles within
the window: a wire, not one story's articles), giving with their counts `SHARED_NAMES` names
(a town, an official, a group) that few other articles of those days give. Counts whose event or
time cannot be matched are not contradictions; the report shows them side by side with their
time scope.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass

from ..models import Flag, QuantityRow
from ..lexicon.en import EVENT_NOUNS, YEAR_RE, month_number
from ..resolve import kind_of
from .base import Corpus, claim_location, make_flag, proper_names
from .dates import _days, claim_days

SAME_EVENT_DAYS = 3
CROWD = 30  # dated articles within the window: above it, counts meet only through a name few of them give
NAME_CROWD = 8  # "few": the articles within the window that give the name, besides the one compared
SHARED_NAMES = 2  # such names two articles must share: one may be a coincidence (a first name)
COMPARED_ACTIONS = ("killed", "wounded", "captured", "displaced", "troops")
CUMULATIVE = re.compile(
    r"\b(?:since|so far|to date|in total|overall|altogether|in the (?:last|past) (?:\w+ )?(?:weeks?|months?|years?)"
    r"|this year|last year|(?:civil )?war\b|conflict began|toll)\b",
    re.IGNORECASE,
)


def quantity_rows(corpus: Corpus) -> list[QuantityRow]:
    """Every number claim with its kind and time scope, in article order (the cross-reference table)."""
    rows = []
    for claim in corpus.claims:
        if claim.number is None or claim.copied_from:
            continue
        date = corpus.dates[claim.article_id]
        days = claim_days(corpus, claim)
        when = claim.date + (f" ({_days(days)})" if days else "") if claim.date else None
        rows.append(QuantityRow(
            kind=claim_kind(corpus, claim), hedge=claim.number.hedge,
            article_id=claim.article_id, line=claim.line, text=claim.number.text,
            low=claim.number.low, high=claim.number.high, unit=claim.number.unit,
            time=when or (f"article date {date.day}" if date.day else "unknown"),
            quote=claim.quote,
        ))
    return rows


def claim_kind(corpus: Corpus, claim) -> str:
    """The kind of count of a number claim; worked out once per corpus (three checks ask)."""
    if claim.id not in corpus.kinds:
        text = corpus.by_article[claim.article_id].text
        before = " ".join(text[claim.span.start:claim.number.span.start].split()[-4:])
        after = " ".join(text[claim.number.span.end:claim.span.end].split()[:12])
        corpus.kinds[claim.id] = kind_of(claim.number.unit, before, after, corpus.by_article[claim.article_id].language)
    return corpus.kinds[claim.id]


def check_quantities(corpus: Corpus) -> list[Flag]:
    counts = _counts(corpus)
    by_kind: dict[str, list[tuple[dt.date, str]]] = {}
    for kind, article in counts:
        day = corpus.dates[article].day
        if day:  # undated articles cannot be matched to an event
            by_kind.setdefault(kind, []).append((dt.date.fromisoformat(day), article))
    flags = []
    for kind, dated in sorted(by_kind.items()):
        for a, b in _same_event_pairs(corpus, sorted(dated)):
            flag = _compare(corpus, kind, counts[(kind, a)], counts[(kind, b)])
            if flag:
                flags.append(flag)
    return flags


@dataclass
class EventGate:
    """Which dated articles lie on crowded days, and the pairs of them that name one event."""

    crowded: set[str]
    pairs: set[tuple[str, str]]  # (id, id) sorted


def event_gate(corpus: Corpus) -> EventGate:
    """Two articles dated within `SAME_EVENT_DAYS` of each other may report the same event. Where
    more than `CROWD` articles of the corpus are dated within those days (a wire, not one story's
    articles), they must also give with their counts `SHARED_NAMES` names in common that at most
    `NAME_CROWD` other articles give then: in a day's wire "Syria" names every story from Syria, a
    town and its governor one. Near-linear: each article meets only its window, through its names.
    Worked out once per corpus."""
    if corpus.gate is None:
        dated = sorted((dt.date.fromisoformat(d.day), a) for a, d in corpus.dates.items() if d.day)
        busy = _crowded(dated, [day for day, _ in dated], CROWD)
        crowded = {article for (_, article), full in zip(dated, busy) if full}
        pairs = set()
        if crowded:
            holders: dict[str, list[tuple[dt.date, str]]] = defaultdict(list)
            for day, article in dated:
                for name in _article_names(corpus, article):
                    holders[name].append((day, article))
            shared: Counter = Counter()
            for members in holders.values():
                if len(members) < 2:
                    continue
                many = _crowded(members, [day for day, _ in members], NAME_CROWD)
                shared.update(tuple(sorted((members[i][1], members[j][1])))
                              for i, j in _within(members) if not many[i] and not many[j])
            pairs = {pair for pair, n in shared.items() if n >= SHARED_NAMES}
        corpus.gate = EventGate(crowded, pairs)
    return corpus.gate


def same_event(corpus: Corpus, a: str, b: str) -> bool:
    """Whether two articles dated within the window may report one event (`event_gate`)."""
    gate = event_gate(corpus)
    return (a not in gate.crowded and b not in gate.crowded) or tuple(sorted((a, b))) in gate.pairs


def _same_event_pairs(corpus: Corpus, dated: list[tuple[dt.date, str]]) -> list[tuple[str, str]]:
    """The pairs of articles of a date-sorted list (in its order) that may report one event."""
    gate = event_gate(corpus)
    calm = [entry for entry in dated if entry[1] not in gate.crowded]
    pairs = [(calm[i][1], calm[j][1]) for i, j in _within(calm)]
    if not gate.crowded:
        return pairs
    places = {article: n for n, (_, article) in enumerate(dated)}
    named = [(a, b) if places[a] < places[b] else (b, a) for a, b in gate.pairs
             if a in places and b in places and (a in gate.crowded or b in gate.crowded)]
    return pairs + sorted(named, key=lambda pair: (places[pair[0]], places[pair[1]]))


def _within(dated: list[tuple[dt.date, str]]):
    """Index pairs (i < j) of a date-sorted list dated within `SAME_EVENT_DAYS` of each other."""
    for i, (day_a, _) in enumerate(dated):
        for j in range(i + 1, len(dated)):
            if (dated[j][0] - day_a).days > SAME_EVENT_DAYS:
                break
            yield i, j


def _crowded(dated: list[tuple[dt.date, str]], days: list[dt.date], most: int) -> list[bool]:
    """Per entry of a date-sorted list: more than `most` others of `days` (sorted) lie within
    `SAME_EVENT_DAYS` of it."""
    window = dt.timedelta(days=SAME_EVENT_DAYS)
    return [bisect_right(days, day + window) - bisect_left(days, day - window) - 1 > most for day, _ in dated]


def _article_names(corpus: Corpus, article_id: str) -> frozenset[str]:
    """The names an article gives with its counts, each run of capitalised words one name ("Medecins
    Sans Frontieres", "Nadia Morales"): its title's and those of its sentences that count
    something (a place, a group, an official; not every name of the background)."""
    if corpus.event_names is None:
        corpus.event_names = {}
        for claim in corpus.claims:
            if claim.number is not None and not claim.copied_from:
                corpus.event_names.setdefault(claim.article_id, set()).update(name_phrases(claim.quote))
        for article in corpus.articles:
            if article.title:
                corpus.event_names.setdefault(article.id, set()).update(name_phrases(". " + article.title))
    return frozenset(corpus.event_names.get(article_id, ()))


def name_phrases(sentence: str) -> set[str]:
    """Runs of the sentence's proper names (`proper_names`) written next to each other, lower-cased."""
    words = proper_names(sentence)
    phrases, run = set(), []
    for token in re.findall(r"[\w'’-]+|[^\w\s]", sentence):
        if token.lower().strip("'’-") in words:
            run.append(token.lower().strip("'’-"))
            continue
        if run:
            phrases.add(" ".join(run))
        run = []
    if run:
        phrases.add(" ".join(run))
    return phrases


def _compare(corpus: Corpus, kind: str, claims_a: list, claims_b: list) -> Flag | None:
    first, second = _lead(claims_a), _lead(claims_b)
    if _reconciled(first, claims_b) or _reconciled(second, claims_a):
        return None  # the other article also gives this article's figure
    if _disjoint(first.number, second.number):
        return _flag(corpus, kind, first, second, "high")
    if _differ(first.number, second.number):
        return _flag(corpus, kind, first, second, "medium")
    return None


PARTITIVE = re.compile(r"^\s+of\s+(?:the|them|those|these|whom|which)\b", re.IGNORECASE)
# A sentence that ties its counts to another operation than the article's: "in a separate raid",
# "another month-long operation", "a second rocket attack". Its counts and those of the next
# sentence of its paragraph are not the article's figure for the event.
OTHER_EVENT = re.compile(
    rf"\b(?:separate|another|other|second|earlier|previous|different|later)\s+(?:[\w-]+\s+){{0,2}}?(?:{EVENT_NOUNS})\b",
    re.IGNORECASE,
)


def _counts(corpus: Corpus) -> dict:
    """Per (kind, article): its counts in order; the first is the article's lead figure.

    Left out: vague figures, cumulative tolls, parts of a group ("five of the dead"),
    sentences dated to another month or year than the article ("in April", "in 2014"), and
    counts tied to another operation ("in a separate raid").
    """
    counts: dict = {}
    other_time = _other_time_sentences(corpus) | _other_event_sentences(corpus)
    for claim in corpus.claims:
        number = claim.number
        if number is None or claim.copied_from or number.low is None or number.hedge == "vague":
            continue
        text = corpus.by_article[claim.article_id].text
        if CUMULATIVE.search(claim.quote) or PARTITIVE.match(text[number.span.end:claim.span.end]):
            continue
        if (claim.article_id, claim.sentence_index) in other_time:
            continue
        kind = claim_kind(corpus, claim)
        if kind.startswith(COMPARED_ACTIONS):
            counts.setdefault((kind, claim.article_id), []).append(claim)
    return counts


def _other_time_sentences(corpus: Corpus) -> set[tuple[str, int]]:
    """Sentences whose date expression names a month or year other than their article's."""
    found = set()
    for candidate in corpus.candidates:
        article_day = corpus.dates[candidate.sentence.article_id].day
        if not article_day:
            continue
        day = dt.date.fromisoformat(article_day)
        for date in candidate.dates:
            year = YEAR_RE.search(date.text)
            month = month_number(date.text)
            if (year and int(year.group(1)) != day.year) or (month and month != day.month and not year):
                found.add((candidate.sentence.article_id, candidate.sentence.index))
    return found


def _other_event_sentences(corpus: Corpus) -> set[tuple[str, int]]:
    """Sentences naming another operation than the article's, and the next one of the same paragraph."""
    found = set()
    for previous, sentence in zip([None, *corpus.sentences], corpus.sentences):
        if OTHER_EVENT.search(sentence.text):
            found.add((sentence.article_id, sentence.index))
        elif (previous and (previous.article_id, previous.index) in found and previous.article_id == sentence.article_id
              and previous.line == sentence.line and OTHER_EVENT.search(previous.text)):
            found.add((sentence.article_id, sentence.index))
    return found


def _reconciled(lead, others) -> bool:
    return any(o.number.value is not None and o.number.value == lead.number.value for o in others)


def _disjoint(x, y) -> bool:
    if None in (x.low, x.high, y.low, y.high):
        return False
    return x.high < y.low or y.high < x.low


def _differ(x, y) -> bool:
    """Both give a figure and the figures differ, though the hedges ('at least') could reconcile them."""
    return x.value is not None and y.value is not None and x.value != y.value


def _flag(corpus: Corpus, kind: str, first, second, severity: str) -> Flag:
    where = [claim_location(corpus, c) for c in (first, second)]
    verdict = "cannot both hold" if severity == "high" else "differ, though their hedges could reconcile them"
    reason = (f"Both articles count {kind} for the same event (dated within {SAME_EVENT_DAYS} days): "
              f"\"{first.number.text}\" and \"{second.number.text}\" {verdict}.")
    return make_flag("quantity", severity, where, [f"{second.article_id} line {second.line}: \"{second.quote}\""],
                     reason, about=(first.id, second.id))


def _lead(claims: list) -> object:
    """The article's headline figure: sub-counts ("seven of them children") are smaller."""
    return max(claims, key=lambda c: c.number.value if c.number.value is not None else c.number.low)
