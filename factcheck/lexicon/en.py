"""English: the calendar, the year pattern, hedges, stop words, titles and kinds of count.

Each list is written here once; the stages import it. Patterns are strings meant to be placed
inside larger regular expressions (`MONTH`, `WEEKDAY`, `YEAR`), with compiled forms where a
stage only needs to find them (`YEAR_RE`).
"""

from __future__ import annotations

import re

# ---- the calendar ------------------------------------------------------------------------------

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
MONTH_NAMES = [m.lower() for m in MONTHS]
MONTH = "|".join(MONTHS)
MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
AMBIGUOUS_MONTHS = {"may", "march", "august"}  # dates only when capitalised

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WEEKDAY_NAMES = [d.lower() for d in WEEKDAYS]
WEEKDAY = "|".join(WEEKDAYS)

ORDINAL_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

# One year pattern for every stage: 1500-2099, as digits standing alone ("4,2015" and "2015.5"
# are not years; "1990s" is a decade, read by the date finder, not here).
YEAR = r"(?:1[5-9]|20)\d{2}"
YEAR_RE = re.compile(rf"(?<![\w,.])({YEAR})(?![\w]|[,.]\d)")


def month_number(text: str) -> int | None:
    """1-12 for the first month named (or abbreviated) in `text`, else None."""
    found = [(m.start(), n) for n, name in enumerate(MONTH_NAMES, 1)
             if (m := re.search(rf"\b{name[:3]}", text, re.IGNORECASE))]
    return min(found)[1] if found else None


def weekday_number(text: str) -> int | None:
    """0 (Monday) to 6 for the first weekday named in `text`, else None."""
    found = [(m.start(), n) for n, name in enumerate(WEEKDAY_NAMES)
             if (m := re.search(rf"\b{name}", text, re.IGNORECASE))]
    return min(found)[1] if found else None


# ---- numbers -----------------------------------------------------------------------------------

HEDGES: dict[str, str] = {
    "about": "about", "around": "about", "approximately": "about", "roughly": "about", "some": "about",
    "nearly": "about", "almost": "about", "an estimated": "about", "estimated": "about", "close to": "about",
    "more than": "more than", "over": "more than", "upwards of": "more than",
    "at least": "at least", "no fewer than": "at least", "no less than": "at least",
    "at most": "at most", "no more than": "at most", "up to": "up to",
    "fewer than": "less than", "less than": "less than", "under": "less than",
}

# ---- words that carry no fact ------------------------------------------------------------------

STOP_WORDS = frozenset(
    "a an the of in on at to for from by with and or but as is are was were be been being has have had "
    "that this these those it its their his her they he she we who which what when where than then there "
    "into over after before about also not no so such said says".split()
)

# ---- people named with a title -----------------------------------------------------------------

TITLES = [
    "Prime Minister", "Deputy Prime Minister", "President", "Vice President", "Vice-President",
    "Defense Minister", "Defence Minister", "Foreign Minister", "Interior Minister", "Finance Minister",
    "Minister", "Secretary-General", "Secretary General", "Secretary of State", "Secretary",
    "Chancellor", "King", "Queen", "Emperor", "Governor", "Mayor", "Senator", "Ambassador", "Envoy",
    "General", "Gen.", "Colonel", "Col.", "Lieutenant", "Lt.", "Major", "Captain", "Commander",
    "Admiral", "Chief of Staff", "Army Chief", "spokesman", "spokeswoman", "spokesperson",
    "chief", "leader", "counterpart", "Judge", "Justice", "Speaker", "Chairman", "Director",
]
HONORIFICS = {"Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr"}

# ---- kinds of count ----------------------------------------------------------------------------

COUNT_ACTIONS = [  # what happened to the counted: first match wins
    ("killed", r"kill|dead|death|die[ds]?\b|fatalit|massacr|execut|slain|eliminat|lost their lives|perish"),
    ("wounded", r"wound|injur|hurt"),
    ("captured", r"captur|arrest|detain|prisoner|hostage|abduct|kidnap"),
    ("displaced", r"displac|refugee|fled|flee|homeless|evacuat"),
]
COUNT_SUBJECTS = [  # who or what is counted
    ("children", r"child|kid|boy|girl|infant|minor"),
    ("women", r"wom[ae]n\b"),
    ("fighters", r"militant|rebel|jihadi|insurgent|fighter|terrorist|gunm|isis|daesh|extremist|combatant"),
    ("troops", r"troop|soldier|forces|personnel|servicem|marine|commando|officer|militar|police|army|airm[ae]n|pilot|guard"),
    ("civilians", r"civilian|people|person|resident|villager|inhabitant|men\b|worker|student|patient"),
    ("vehicles", r"motorcycle|vehicle|truck|car\b|tank|jet|aircraft|helicopter|drone"),
    ("duration", r"month|year|week|day|hour"),
    ("money", r"dollar|euro|franc|\$|€|budget|fund"),
]
