"""Find numbers in text and turn them into values and intervals.

'about 1,500' -> 1500 in [1350, 1650]; 'more than 50' -> (50, inf); 'hundreds' -> [200, 999];
'four' -> 4; 'a million' -> 1,000,000; '4.2 million' -> 4,200,000.
"""

from __future__ import annotations

import math
import re

from .lexicon.en import HEDGES
from .models import Hedge

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
# Plural counts with no exact value: the interval a reader would accept.
VAGUE = {
    "dozens": (24, 99), "scores": (40, 99), "hundreds": (200, 999), "thousands": (2_000, 9_999),
    "tens of thousands": (20_000, 99_999), "hundreds of thousands": (200_000, 999_999),
    "millions": (2_000_000, 9_999_999), "several": (3, 9), "a dozen": (12, 12), "a few": (2, 5),
}
ABOUT_TOLERANCE = 0.1

_word = "|".join(sorted(list(UNITS) + list(TENS), key=len, reverse=True))
_scale = "hundred|thousand|million|billion"
WORD_NUMBER = rf"(?:(?:{_word})(?:[\s-](?:{_word}))?(?:\s(?:{_scale}))?)"
DIGIT_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:million|billion|thousand|m\b|bn\b))?"
VAGUE_NUMBER = "|".join(sorted((re.escape(v) for v in VAGUE), key=len, reverse=True))
HEDGE_WORDS = "|".join(sorted((re.escape(h) for h in HEDGES), key=len, reverse=True))
RANGE = rf"(?:between\s+)?(?:{DIGIT_NUMBER})\s*(?:-|–|to|and)\s*(?:{DIGIT_NUMBER})"

NUMBER_RE = re.compile(
    rf"(?<![\w.,-])(?:(?P<hedge>{HEDGE_WORDS})\s+)?"
    rf"(?P<number>{RANGE}|{VAGUE_NUMBER}|a\s(?:million|billion|hundred|thousand)|{DIGIT_NUMBER}|{WORD_NUMBER})"
    rf"(?![\w-])",
    re.IGNORECASE,
)


def parse_number(text: str) -> float | None:
    """The value of one number written in digits or words; None for vague counts."""
    t = text.lower().replace(",", "").strip()
    t = re.sub(r"^a\s", "one ", t)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s?(million|billion|thousand|m|bn)?", t)
    if m:
        scale = {"m": "million", "bn": "billion"}.get(m.group(2), m.group(2))
        return float(m.group(1)) * SCALES.get(scale, 1)
    total, current = 0.0, 0.0
    for word in re.split(r"[\s-]+", t):
        if word in UNITS:
            current += UNITS[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in SCALES:
            total += max(current, 1) * SCALES[word]
            current = 0
        else:
            return None
    return total + current


def interval(number_text: str, hedge: Hedge) -> tuple[float | None, float | None, float | None]:
    """(value, low, high) for a number and its hedge; `inf` for open upper bounds."""
    low_text = number_text.lower()
    if low_text in VAGUE:
        low, high = VAGUE[low_text]
        return None, float(low), float(high)
    rng = re.fullmatch(rf"(?:between\s+)?({DIGIT_NUMBER})\s*(?:-|–|to|and)\s*({DIGIT_NUMBER})", number_text, re.I)
    if rng:
        return None, parse_number(rng.group(1)), parse_number(rng.group(2))
    value = parse_number(number_text)
    if value is None:
        return None, None, None
    bounds = {
        "exact": (value, value),
        "about": (value * (1 - ABOUT_TOLERANCE), value * (1 + ABOUT_TOLERANCE)),
        "at least": (value, math.inf),
        "more than": (math.nextafter(value, math.inf), math.inf),
        "at most": (0.0, value),
        "up to": (0.0, value),
        "less than": (0.0, math.nextafter(value, 0)),
    }[hedge]
    return value, bounds[0], bounds[1]


def hedge_of(hedge_text: str | None, number_text: str) -> Hedge:
    if number_text.lower() in VAGUE and number_text.lower() not in ("a dozen",):
        return "vague"
    if re.search(r"\d\s*(?:-|–|to|and)\s*\d", number_text):
        return "range"
    return HEDGES.get((hedge_text or "").lower(), "exact")
