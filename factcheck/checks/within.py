"""Checks inside one article: pronouns, weekdays against dates, parts against totals.

- pronouns: a person named in the article, then referred to as both "he/his" and "she/her"
  before another person is named;
- weekdays: "Tuesday, February 19, 2013" where that date was another day of the week;
- totals: "about 1,500 troops ..., including 600 French and 600 Malian": parts that exceed the
  total are a warning; parts that fall short are a note (the rest may be other groups).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections import defaultdict

from ..candidates import find_quantities
from ..lexicon.en import MONTH, WEEKDAY, YEAR
from ..models import Flag
from .base import Corpus, location, make_flag, sentence_location

MALE = re.compile(r"\b(?:he|his|him|himself)\b", re.IGNORECASE)
FEMALE = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
WEEKDAY_DATE = re.compile(
    rf"\b({WEEKDAY}),?\s+(?:the\s+)?"
    rf"(?:({MONTH})\s+(\d{{1,2}})(?:st|nd|rd|th)?|(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH}))"
    rf",?\s+({YEAR})\b"
)
INCLUDING = re.compile(r"\b(?:including|of whom|of which|among them|comprising)\b", re.IGNORECASE)


def check_pronouns(corpus: Corpus) -> list[Flag]:
    sentences_of, people_of = defaultdict(list), defaultdict(list)
    for sentence in corpus.sentences:
        if not sentence.duplicate_of:
            sentences_of[sentence.article_id].append(sentence)
    for candidate in corpus.candidates:
        people_of[candidate.sentence.article_id] += [(candidate.sentence, p) for p in candidate.people
                                                     if len(p.name.split()) >= 2]
    flags = []
    for article_id, people in people_of.items():
        sentences = sentences_of[article_id]
        indices = [s.index for s in sentences]
        for run, stop in _runs_of_one_name(people, len(corpus.sentences)):
            flags += _pronoun_flags(corpus, run, sentences, bisect.bisect_left(indices, stop) - 1)
    return flags


def _runs_of_one_name(people: list, end: int) -> list[tuple[list, int]]:
    """Consecutive mentions of one name, each run with the sentence index where the next
    person is named (its pronouns can be about this one only before that)."""
    runs: list[tuple[list, int]] = []
    for mention in people:
        if runs and runs[-1][0][-1][1].name == mention[1].name:
            runs[-1][0].append(mention)
        else:
            if runs:
                runs[-1] = (runs[-1][0], mention[0].index)
            runs.append(([mention], end))
    return runs


def _pronoun_flags(corpus: Corpus, run: list, sentences: list, last: int) -> list[Flag]:
    """A flag for each mention of the run followed, up to `sentences[last]`, by both a "he" and a "she".

    The mentions are read from the last back, so the sentences between them are read once: the
    first "he" and "she" after a mention are the first in its own sentence (after the name), or
    else the first in the sentences after it.
    """
    flags = []
    later_male = later_female = None
    position = last
    for sentence, person in reversed(run):
        if last < 0 or sentence.index > sentences[last].index:
            continue  # the next person is named in this very sentence
        while position >= 0 and sentences[position].index > sentence.index:
            s = sentences[position]
            later_male = _first(MALE, s, s.text) or later_male
            later_female = _first(FEMALE, s, s.text) or later_female
            position -= 1
        own = position >= 0 and sentences[position].index == sentence.index
        tail = sentences[position].text[person.end - sentence.start:] if own else ""
        male = (own and _first(MALE, sentences[position], tail)) or later_male
        female = (own and _first(FEMALE, sentences[position], tail)) or later_female
        if male and female:
            flags.append(_pronoun_flag(corpus, person, sentence, male, female))
    return flags[::-1]


def _first(pattern: re.Pattern, sentence, text: str):
    match = pattern.search(text)
    return (sentence, match) if match else None


def _pronoun_flag(corpus, person, sentence, male, female) -> Flag:
    where = [location(corpus, sentence.article_id, person.start, person.end)]
    evidence = [f"line {s.line}: \"{s.text}\"" for s, _ in sorted((male, female), key=lambda x: x[0].index)]
    reason = (f"{person.name} is the only person named before \"{male[1].group(0)}\" (line {male[0].line}) and "
              f"\"{female[1].group(0)}\" (line {female[0].line}): one of the pronouns is likely wrong.")
    return make_flag("pronoun", "low", where, evidence, reason)


def check_weekdays(corpus: Corpus) -> list[Flag]:
    flags = []
    for sentence in corpus.sentences:
        if sentence.duplicate_of:
            continue
        for m in WEEKDAY_DATE.finditer(sentence.text):
            month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(4))
            try:
                date = dt.datetime.strptime(f"{month} {day} {m.group(6)}", "%B %d %Y").date()
            except ValueError:
                continue
            actual = date.strftime("%A")
            if actual != m.group(1):
                start = sentence.start + m.start()
                flags.append(make_flag(
                    "weekday", "medium", [location(corpus, sentence.article_id, start, start + len(m.group(0)))],
                    [f"calendar: {date.isoformat()} was a {actual}"],
                    f"\"{m.group(0)}\" names a {m.group(1)}, but {date.isoformat()} was a {actual}.",
                ))
    return flags


def check_totals(corpus: Corpus) -> list[Flag]:
    flags = []
    for sentence in corpus.sentences:
        split = INCLUDING.search(sentence.text)
        if sentence.duplicate_of or not split:
            continue
        totals = find_quantities(sentence.text[:split.start()], sentence.start)
        parts = find_quantities(sentence.text[split.end():], sentence.start + split.end())
        if not totals or len(parts) < 2 or any(p.value is None for p in parts) or totals[-1].low is None:
            continue
        total, parts_sum = totals[-1], sum(p.value for p in parts)
        listed = " + ".join(p.number_text for p in parts)
        if parts_sum > total.high:
            severity, why = "medium", "exceed the stated total"
        elif parts_sum < total.low:
            severity, why = "note", "fall short of the stated total; the rest may be other groups"
        else:
            continue
        flags.append(make_flag(
            "total", severity, [sentence_location(corpus, sentence)], [f"{listed} = {parts_sum:,.0f}; total \"{total.text}\""],
            f"The parts ({listed} = {parts_sum:,.0f}) {why} (\"{total.text}\").",
        ))
    return flags
