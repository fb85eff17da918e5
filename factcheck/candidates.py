"""Cheap, deterministic check-worthiness: find numbers, dates and titled people by rule.

A sentence is a candidate when it carries at least one of: a number, a date or time
expression, a person named with a title, or an attribution to a named source. The anchors
found here are what the LLM is later allowed to use, so they are grounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .lexicon.en import (AGE_OR_TIME_AFTER, AGE_OR_TIME_BEFORE, AMBIGUOUS_MONTHS, HONORIFICS, MONTH, MONTH_ABBR,
                         MONTHS, ORDINAL_DAY, RELATIONS, TITLES, WEEKDAY, WEEKDAYS, YEAR)
from .lexicon import fr
from .models import Candidate, DateMention, PersonMention, QuantityMention, Sentence
from .quantities import NUMBER_RE, hedge_of, interval

ORD = ORDINAL_DAY
PERIOD = r"day|week|weekend|month|year|decade|summer|winter|spring|autumn|fall"

DATE_PATTERNS = [
    rf"(?:the\s+)?{ORD}\s+(?:of\s+)?(?:{MONTH}|(?:{MONTH_ABBR})\.?)(?:,?\s+{YEAR})?",
    rf"(?:{MONTH}|(?:{MONTH_ABBR})\.?)\s+{ORD}(?:,?\s+{YEAR})?",
    rf"(?:(?:early|mid|late)[-\s])?(?:{MONTH})(?:\s+{YEAR})?",
    rf"(?:(?:last|this|next|on|early|late)\s+)?(?:{WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?",
    rf"(?:earlier|later)\s+(?:this|that|last)\s+(?:{PERIOD})",
    rf"(?:last|this|next|past)\s+(?:{PERIOD})",
    rf"(?:in\s+)?(?:the\s+)?(?:past|last|coming|recent)\s+(?:\w+\s+)?(?:{PERIOD})s?",
    rf"(?:in\s+)?recent\s+(?:{PERIOD})s",
    r"yesterday|today|tomorrow|tonight",
    rf"\d{{1,2}}/\d{{1,2}}/{YEAR}|{YEAR}-\d{{2}}-\d{{2}}",
    rf"(?:(?:in|since|until|by|from|of)\s+)?{YEAR}s?",
]
DATE_RE = re.compile(r"(?<![\w-])(?<!\d[,.])(?:" + "|".join(DATE_PATTERNS) + r")(?![\w-])", re.IGNORECASE)

_honorific_alt = "|".join(re.escape(h) for h in sorted(HONORIFICS, key=len, reverse=True))
CAPITALISED = r"[A-Z][a-zà-ÿ'’\-]+(?:[A-Z][a-zà-ÿ'’\-]+)*"  # 'Frank-Walter', 'Jean-Marc'
NAME_WORD = rf"(?:{CAPITALISED}|[A-Z]\.|al-[A-Z][a-z]+|de|da|van|von|bin|ibn)"
NAME = rf"(?:{CAPITALISED}|[A-Z]\.)(?:\s+{NAME_WORD}){{0,3}}(?<!\sde)(?<!\sda)(?<!\svan)(?<!\svon)"
AFFILIATION = r"(?:(?!{titles}\b)(?:U\.S\.|U\.N\.|[A-Z][a-zé]+)\s+)?(?:(?:military|army|government|defen[cs]e|foreign|interim|transitional|former|acting|deputy)\s+)*"


@lru_cache(maxsize=16)
def person_pattern(extra_titles: tuple[str, ...] = ()) -> re.Pattern:
    """A titled or honorific name, or one named by a relation ("counterpart"); `extra_titles`: role
    names the reference tables declare ('Taoiseach')."""
    titles = sorted({*TITLES, *RELATIONS, *extra_titles}, key=lambda t: (-len(t), t))
    title_alt = "|".join(re.escape(t) for t in titles)
    return re.compile(
        rf"(?P<affiliation>{AFFILIATION.format(titles=f'(?:{title_alt})')})(?P<role>(?:(?:{title_alt})\s+)*(?:{title_alt}))\s+(?P<name>{NAME})"
        rf"|(?P<honorific>{_honorific_alt})\s+(?P<hname>{NAME})"
    )
NOT_NAMES = {
    "The", "A", "An", "In", "On", "At", "Of", "And", "But", "He", "She", "They", "It", "This", "That",
    "Islamic", "State", "Government", "Army", "Forces",
} | set(MONTHS) | set(WEEKDAYS)

ATTRIBUTION_RE = re.compile(
    r"\b(?:said|says|say|told|announced|added|stated|claimed|reported|confirmed|according to|denied|estimated)\b",
    re.IGNORECASE,
)
PROPER_NOUN_RE = re.compile(r"(?<!^)(?<![.!?]\s)\b[A-Z][a-zà-ÿ]+")
# Numbers that are parts of names or ordinals, not quantities.
NOT_QUANTITY_AFTER = re.compile(r"^(?:st|nd|rd|th)\b|^-?th\b", re.IGNORECASE)
AGE_OR_TIME = (re.compile(AGE_OR_TIME_AFTER, re.IGNORECASE), re.compile(AGE_OR_TIME_BEFORE, re.IGNORECASE))
PARTITIVE_ONE = re.compile(r"^\s+of\b", re.IGNORECASE)
NOT_QUANTITY_BEFORE = re.compile(
    rf"(?:COVID|Covid|G|F|Mi|Su|MQ|No\.|number|#|page|Resolution|Article|\b(?:{MONTH}|{MONTH_ABBR})\.?)[-\s]?$"
)


def find_dates(text: str, offset: int = 0) -> list[DateMention]:
    found = []
    for m in DATE_RE.finditer(text):
        word = m.group(0)
        first = word.split()[0]
        if first.lower() in AMBIGUOUS_MONTHS and not first[0].isupper():
            continue
        if re.fullmatch(r"(?:on|this|last|next)", first, re.I) and len(word.split()) == 1:
            continue
        found.append(DateMention(text=word, start=offset + m.start(), end=offset + m.end()))
    return found


def find_people(text: str, offset: int = 0, titles: tuple[str, ...] = ()) -> list[PersonMention]:
    people = []
    for m in person_pattern(titles).finditer(text):
        name = (m.group("name") or m.group("hname")).strip()
        name = _trim_name(name)
        if not name:
            continue
        titled = m.group("role")
        affiliation = (m.group("affiliation") or "").strip() or None
        if affiliation and affiliation.split()[0] in NOT_NAMES:
            affiliation = " ".join(affiliation.split()[1:]) or None
        start = m.start() if affiliation else m.start("role") if titled else m.start("honorific")
        end = m.start("name" if titled else "hname") + len(name)
        # a relation ("counterpart") is not a title: the person is named, and given no role
        role = None if titled and titled.split()[-1].lower() in RELATIONS else titled
        people.append(
            PersonMention(
                text=text[start:end],
                name=name,
                role=role,
                affiliation=affiliation,
                start=offset + start,
                end=offset + end,
            )
        )
    return people


def _trim_name(name: str) -> str:
    words = re.sub(r"['’]s?$", "", name).split()
    while words and (words[-1] in NOT_NAMES or words[-1] in {"de", "da", "van", "von", "bin", "ibn"}):
        words.pop()
    if not words or words[0] in NOT_NAMES:
        return ""
    return " ".join(words)


def numbers(text: str, offset: int = 0, dates: list[DateMention] | None = None) -> Iterator[tuple[re.Match, bool]]:
    """Every number outside dates, ordinals and names ("COVID-19"), and whether it is a count:
    ages ("aged 25", "a 25-year-old") and clock times ("at 10:30", "3 pm") are numbers, not counts."""
    date_spans = [(d.start - offset, d.end - offset) for d in dates or []]
    after, before = AGE_OR_TIME
    for m in NUMBER_RE.finditer(text):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in date_spans):
            continue
        if NOT_QUANTITY_AFTER.match(text[end:]) or NOT_QUANTITY_BEFORE.search(text[:start]):
            continue
        if m.group("number").lower() == "one" and PARTITIVE_ONE.match(text[end:]):
            continue
        yield m, not (after.match(text[end:]) or before.search(text[:start]))


def find_quantities(text: str, offset: int = 0, dates: list[DateMention] | None = None) -> list[QuantityMention]:
    found = []
    for m, counted in numbers(text, offset, dates):
        if not counted:
            continue
        start, end, number_text = m.start(), m.end(), m.group("number")
        hedge = hedge_of(m.group("hedge"), number_text)
        value, low, high = interval(number_text, hedge)
        if low is None:
            continue
        noun = re.match(r"\s*([A-Za-z][\w-]*)", text[end:])
        found.append(
            QuantityMention(
                text=m.group(0),
                number_text=number_text,
                value=value,
                low=low,
                high=high,
                hedge=hedge,
                noun=noun.group(1) if noun else None,
                start=offset + start,
                end=offset + end,
            )
        )
    return found


# ---- French: the same anchors by the words of `lexicon/fr.py` ---------------------------------

def find_dates_fr(text: str, offset: int = 0) -> list[DateMention]:
    return [DateMention(text=m.group(0), start=offset + m.start(), end=offset + m.end()) for m in fr.DATE_RE.finditer(text)]


def numbers_fr(text: str, offset: int = 0, dates: list[DateMention] | None = None):
    """Every French number outside dates, and whether it is a count (not an age, an hour, an ordinal)."""
    date_spans = [(d.start - offset, d.end - offset) for d in dates or []]
    for m in fr.NUMBER_RE.finditer(text):
        start, end = m.start(), m.end()
        if any(s < end and start < e for s, e in date_spans) or fr.english_number(m.group("number")) is None:
            continue
        if m.group("number").lower() in fr.ARTICLES:  # "une présence": an article, not a count
            continue
        counted = not (FR_AGE_OR_TIME[0].match(text[end:]) or FR_AGE_OR_TIME[1].search(text[:start]))
        yield m, counted


def find_quantities_fr(text: str, offset: int = 0, dates: list[DateMention] | None = None) -> list[QuantityMention]:
    """French numbers, valued as the English rules value them ("quelque 2 000" is about 2,000)."""
    found = []
    for m, counted in numbers_fr(text, offset, dates):
        if not counted:
            continue
        english = fr.english_number(m.group("number"))
        hedge_text = " ".join((m.group("hedge") or "").lower().replace("’", "'").split())
        hedge = hedge_of(fr.HEDGES.get(hedge_text), english)
        value, low, high = interval(english, hedge)
        if low is None:
            continue
        noun = re.match(r"\s*(?:d[e'’]\s*)?([^\W\d_][\w-]*)", text[m.end():])
        found.append(QuantityMention(text=m.group(0), number_text=m.group("number"), value=value, low=low, high=high,
                                     hedge=hedge, noun=noun.group(1) if noun else None, start=offset + m.start(),
                                     end=offset + m.end()))
    return found


@lru_cache(maxsize=16)
def person_pattern_fr(extra_titles: tuple[str, ...] = ()) -> re.Pattern:
    """A French title, a country word after it ("le président malien"), a name: the title before
    the name, the country after the title; 'ancien' before it says it was held before."""
    titles = "|".join(re.escape(t) for t in sorted({*fr.TITLES, *extra_titles}, key=lambda t: (-len(t), t)))
    past = "|".join(fr.PAST)
    return re.compile(
        rf"(?P<past>\b(?:{past})[\s-]+)?(?P<role>(?<![\w-])(?:{titles}))(?:\s+(?P<after>(?-i:{fr.AFFILIATION_AFTER})))?"
        rf"\s+(?P<name>(?-i:{NAME}))", re.IGNORECASE)  # the case of the name and the country word counts


def find_people_fr(text: str, offset: int = 0, titles: tuple[str, ...] = ()) -> list[PersonMention]:
    people = []
    for m in person_pattern_fr(titles).finditer(text):
        name = _trim_name(m.group("name").strip())
        if not name or not name[0].isupper():
            continue
        if m.group("after") and m.group("after").lower() in fr.STOP_WORDS:
            continue  # "le président de X": not a country word, and the name is not next to the title
        affiliation = " ".join(w for w in ((m.group("past") or "").strip(), m.group("after") or "") if w) or None
        start = m.start("past") if m.group("past") else m.start("role")
        end = m.start("name") + len(name)
        people.append(PersonMention(text=text[start:end], name=name, role=m.group("role"), affiliation=affiliation,
                                    start=offset + start, end=offset + end))
    return people


FR_AGE_OR_TIME = (re.compile(fr.AGE_OR_TIME_AFTER, re.IGNORECASE), re.compile(fr.AGE_OR_TIME_BEFORE, re.IGNORECASE))
FR_ATTRIBUTION_RE = re.compile(r"\b(?:a déclaré|a dit|a annoncé|a affirmé|a indiqué|a précisé|selon|d'après|"
                               r"a confirmé|a ajouté|ont annoncé|ont déclaré)\b", re.IGNORECASE)


def select(sentences: list[Sentence], titles: tuple[str, ...] = ()) -> list[Candidate]:
    """The check-worthy sentences, each with its anchors and the previous sentence as context.

    `titles`: role names to find besides the lexicon's (those the reference tables declare)."""
    candidates = []
    previous: Sentence | None = None
    for sentence in sentences:
        candidate = inspect(sentence, previous, titles)
        if candidate.reasons:
            candidates.append(candidate)
        previous = sentence
    return candidates


def inspect(sentence: Sentence, previous: Sentence | None = None, titles: tuple[str, ...] = ()) -> Candidate:
    """Anchors and reasons for one sentence; no reasons means not check-worthy."""
    text, offset = sentence.text, sentence.start
    french = sentence.language == "fr"
    dates = (find_dates_fr if french else find_dates)(text, offset)
    quantities = (find_quantities_fr if french else find_quantities)(text, offset, dates)
    people = (find_people_fr if french else find_people)(text, offset, titles)
    reasons = []
    if quantities or any(True for _ in (numbers_fr if french else numbers)(text, offset, dates)):  # ages and times too
        reasons.append("number")
    if dates:
        reasons.append("date")
    if any(p.role for p in people):
        reasons.append("title")
    if (FR_ATTRIBUTION_RE if french else ATTRIBUTION_RE).search(text) and PROPER_NOUN_RE.search(text):
        reasons.append("attribution")
    same_article = previous is not None and previous.article_id == sentence.article_id
    return Candidate(
        sentence=sentence,
        context=previous.text if same_article else None,
        reasons=reasons,
        quantities=quantities,
        dates=dates,
        people=people,
    )
