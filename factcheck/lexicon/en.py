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

# Plural nouns of people or things counted: a four-digit number before one is a count, not a
# year ("2001 soldiers were killed"; "in 2001" and "the 2001 elections" stay years).
COUNTED_PLURALS = (
    r"soldiers|troops|people|persons|civilians|children|women|men|fighters|militants|rebels|insurgents|jihadists"
    r"|terrorists|refugees|residents|villagers|protesters|demonstrators|students|workers|policemen|officers"
    r"|casualties|victims|deaths|dead|wounded|prisoners|hostages|families|voters|members|migrants|patients|doctors"
    r"|journalists|homes|houses|vehicles|tanks|seats|tons|tonnes|kilometres|kilometers|km|miles|metres|meters"
    r"|dollars|euros|pounds|acres|hectares"
)
# One year pattern for every stage: 1500-2099, as digits standing alone ("4,2015" and "2015.5"
# are not years; "1990s" is a decade, read by the date finder, not here), not followed by a
# plural of people or things counted.
YEAR = rf"(?:1[5-9]|20)\d{{2}}(?!\s+(?:{COUNTED_PLURALS})\b)"
YEAR_RE = re.compile(rf"(?<![\w,.])({YEAR})(?![\w]|[,.]\d)", re.IGNORECASE)


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

# Numbers that are not counts: clock times ("at 10:30", "3 pm", "0800 GMT") and ages ("aged 25",
# "25-year-old", "25 years old"), read after / before the number (case ignored).
AGE_OR_TIME_AFTER = (r"^-?(?:year|month|week|day)s?-old\b|^\s+(?:years?|months?)[\s-]+old\b"
                     r"|^:\d|^\s?(?:a\.m\.|p\.m\.|am\b|pm\b|gmt\b|utc\b|o'clock|o’clock|hrs\b|h\b)")
AGE_OR_TIME_BEFORE = r"\d:$|\bag(?:ed?|es)\s+(?:(?:between|under|over|about|around|from|of)\s+)?$"

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
    "chief", "leader", "Judge", "Justice", "Speaker", "Chairman", "Director",
]
# Words that name a person by their relation to another, not by an office: "her Nigerien
# counterpart Issoufou Katambe" names a person, but gives them no title to check.
RELATIONS = ["counterpart", "successor", "predecessor", "colleague", "rival", "ally"]
HONORIFICS = {"Mr.", "Mrs.", "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr"}

# ---- when a title dates the article ------------------------------------------------------------

# A titled mention told as past ("Earlier this year, ... protests against President X") dates the
# event, not the article: the article may come up to this many days after the holder's term.
PAST_LAGS = [  # (pattern, days), the first that matches the mention's sentence
    (r"\b(?:earlier|later)\s+(?:this|that)\s+week\b|\blast\s+week\b", 14),
    (r"\b(?:earlier|later)\s+(?:this|that)\s+month\b|\blast\s+month\b", 62),
    (r"\b(?:earlier|later)\s+(?:this|that)\s+year\b|\bin\s+(?:the\s+)?(?:past|last)\s+year\b", 366),
    (r"\blast\s+year\b", 731),
]
# The end of a holder's time in office told in the mention's sentence or the next ones ("ousted him
# in a military coup"), or a government that replaced theirs ("the interim government"): their
# term no longer bounds the article from above.
TERM_ENDED = (r"\b(?:ousted|overthr(?:ew|own)|deposed|toppled|removed from (?:office|power)|resigned|stepped down"
              r"|(?:interim|transitional|caretaker)\s+(?:government|president|authorities))\b")

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
    ("places", r"villages?\b|towns?\b|cit(?:y|ies)\b|districts?\b|provinces?\b|regions?\b|neighbou?rhoods?\b"
               r"|areas?\b|sites?\b|buildings?\b|homes?\b|houses?\b|schools?\b|hospitals?\b|mosques?\b"
               r"|church(?:es)?\b|camps?\b|checkpoints?\b|countr(?:y|ies)\b|localit(?:y|ies)\b|streets?\b"),
    ("weapons", r"rockets?\b|missiles?\b|shells?\b|bombs?\b|mortars?\b|weapons?\b|rifles?\b|guns?\b"),
    ("attacks", r"(?:{events})\b"),
]
# People counted at a gathering, in a vote or a poll: not a casualty figure when nothing was done
# to them ("thousands of people to mass protests", "2,000 protesters", "60% of voters").
GATHERING = (r"protest|demonstrat|rall(?:y|ies)\b|march(?:ed|es|ers)?\b|crowds?\b|gather|vigil|strikers?\b"
             r"|voters?\b|votes?\b|turnout|polls?\b|survey|respondents?\b|attend|audience|spectators?\b")
# Kinds of count that are never people: a number whose noun is one of these is not a casualty
# figure, whatever verb stands near it ("5 villages" in a sentence about killing).
THINGS_COUNTED = ("vehicles", "duration", "money", "places", "weapons", "attacks")
# What an operation is called: "in a separate raid", "another operation".
EVENT_NOUNS = (r"raids?|operations?|attacks?|air ?strikes?|strikes?|bombings?|offensives?|assaults?|clash(?:es)?"
               r"|ambush(?:es)?|blasts?|explosions?|incidents?|shelling")
COUNT_SUBJECTS = [(kind, pattern.format(events=EVENT_NOUNS)) for kind, pattern in COUNT_SUBJECTS]
