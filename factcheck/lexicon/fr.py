"""French words the rules read: months and weekdays, number words, hedges, titles, kinds of count.

Beside `en.py`, with the same roles: `candidates` finds the dates, numbers and titled people of a
French article's sentences with these; a French number becomes the value an English reader would
write ("4 000" -> 4000, "1,5 million" -> 1,500,000, "quelque 2 000" -> about 2000), a French date
the same days ("le 19 février 2013"), a French title the role the reference tables declare
("Premier ministre"); the checks then compare them with the English articles' as they are.
"""

from __future__ import annotations

import re

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]
MONTH = "|".join(MONTHS + ["fevrier", "aout", "decembre"])
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEKDAY = "|".join(WEEKDAYS)
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                  "November", "December"]
ENGLISH_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

YEAR = r"(?:1[5-9]|20)\d{2}"
DAY = r"(?:1er|[12]\d|3[01]|0?[1-9])"
PERIOD = r"semaine|mois|année|an"
DATE_PATTERNS = [
    rf"(?:le\s+)?(?:(?:{WEEKDAY})\s+)?{DAY}\s+(?:{MONTH})(?:\s+{YEAR})?",
    rf"(?:(?:début|mi|fin)[-\s](?:{MONTH}))(?:\s+{YEAR})?",
    rf"(?:en\s+|depuis\s+)?(?:{MONTH})\s+{YEAR}",
    rf"(?:en|depuis|jusqu'en|avant|après)\s+{YEAR}",
    rf"(?:(?:ce|dernier|le)\s+)?(?:{WEEKDAY})(?:\s+dernier)?",
    r"(?:la\s+semaine|le\s+mois|l'année|l’année)\s+(?:dernière|dernier|passée|passé|prochaine|prochain)",
    r"(?:cette\s+(?:semaine|année)|ce\s+mois-ci|hier|aujourd'hui|aujourd’hui|demain)",
    rf"(?:plus\s+tôt\s+(?:cette|ce)\s+(?:{PERIOD}))",
]
DATE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(DATE_PATTERNS) + r")(?![\w-])", re.IGNORECASE)

# ---- numbers -----------------------------------------------------------------------------------

UNITS = {"zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
         "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
         "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
SCALES = {"cent": 100, "cents": 100, "mille": 1_000, "million": 1_000_000, "millions": 1_000_000,
          "milliard": 1_000_000_000, "milliards": 1_000_000_000}
# Plural counts with no exact value, as their English twins read them.
VAGUE = {"des dizaines": "dozens", "des centaines": "hundreds", "des milliers": "thousands",
         "des dizaines de milliers": "tens of thousands", "des centaines de milliers": "hundreds of thousands",
         "des millions": "millions", "plusieurs": "several", "une dizaine": "a dozen", "quelques": "a few",
         "une douzaine": "a dozen"}
HEDGES = {"environ": "about", "quelque": "about", "près de": "about", "presque": "about", "approximativement": "about",
          "plus de": "more than", "au moins": "at least", "pas moins de": "at least", "au plus": "at most",
          "jusqu'à": "up to", "jusqu’à": "up to", "moins de": "less than", "une centaine de": "about"}
_space = "[\u00a0\u202f\u2009 ]"  # thousands: a space, a non-breaking, narrow or thin space
DIGITS = rf"(?:\d{{1,3}}(?:{_space}\d{{3}})+|\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:,\d+)?"
_words = "|".join(sorted(UNITS, key=len, reverse=True))
WORD_NUMBER = (rf"(?:(?:{_words}|cent|mille)(?:[\s-](?:et[\s-])?(?:{_words}|vingts|cents?|mille))*"
               rf"(?:\s(?:mille|millions?|milliards?))?)")
DIGIT_NUMBER = rf"{DIGITS}(?:\s(?:millions?|milliards?|mille))?"
_vague = "|".join(sorted((re.escape(v) for v in VAGUE), key=len, reverse=True))
_hedge = "|".join(sorted((re.escape(h).replace("\\ ", r"[\s\u00a0\u202f]+") for h in HEDGES), key=len, reverse=True))
NUMBER_RE = re.compile(
    rf"(?<![\w.,-])(?:(?P<hedge>{_hedge})\s+)?(?P<number>{_vague}|{DIGIT_NUMBER}|{WORD_NUMBER})(?![\w-])",
    re.IGNORECASE,
)
ARTICLES = {"un", "une"}  # alone, an article ("une présence"), not the number one
# Not counts: ages, hours ("à 10 h 30"), ordinals ("1er", "2e"), numbered things.
AGE_OR_TIME_AFTER = r"^\s?(?:ans?\b|h\b|heures?\b|h\d|min\b|e\b|ème\b|er\b|°)"
AGE_OR_TIME_BEFORE = r"(?:âgée?s?\s+de|n°|numéro|\d\s*h)\s*$"


def english_number(text: str) -> str | None:
    """A French number as the English rules read it: '4 000' -> '4000', '1,5 million' -> '1.5 million',
    'deux mille' -> '2000', 'des centaines' -> 'hundreds'; None when it is not one."""
    folded = " ".join(re.sub(r"[\u00a0\u202f\u2009]", " ", text.lower()).split())
    if folded in VAGUE:
        return VAGUE[folded]
    m = re.fullmatch(rf"({DIGITS.replace(_space, ' ')})(?:\s(millions?|milliards?|mille))?", folded)
    if m:
        number = re.sub(r"[ .](?=\d{3}\b)", "", m.group(1)).replace(",", ".")
        scale = {"million": "million", "millions": "million", "milliard": "billion", "milliards": "billion",
                 "mille": "thousand"}.get(m.group(2) or "", "")
        return f"{number} {scale}".strip()
    total, current = 0, 0
    for word in re.split(r"[\s-]+", folded):
        if word == "et":
            continue
        if word in ("vingt", "vingts") and current % 100 == 4:
            current += 76  # "quatre-vingt(s)": four twenties
        elif word in UNITS:
            current += UNITS[word]
        elif word == "vingts":
            current += 20
        elif word in ("cent", "cents"):
            current = max(current, 1) * 100
        elif word == "mille":
            total += max(current, 1) * 1000
            current = 0
        elif word in SCALES:
            total += max(current, 1) * SCALES[word]
            current = 0
        else:
            return None
    value = total + current
    return str(value) if value else None


# ---- people named with a title -----------------------------------------------------------------

TITLES = [
    "Premier ministre", "président de la République", "présidente de la République", "président", "présidente",
    "chef de l'État", "chef du gouvernement", "vice-président", "ministre de la Défense", "ministre des Armées",
    "ministre des Affaires étrangères", "ministre de l'Intérieur", "ministre", "secrétaire général", "chancelier",
    "chancelière", "roi", "reine", "général", "colonel", "capitaine", "commandant", "porte-parole", "ambassadeur",
    "gouverneur", "maire", "chef d'état-major",
]
# Before a title: held before, not now ("l'ancien président").
PAST = ["ancien", "ancienne", "ex", "feu", "défunt", "défunte"]
# Words for a country or a body after a title ("le président malien", "le Premier ministre français"):
# one lower-case word, read against the reference tables' country words.
AFFILIATION_AFTER = r"[a-zà-ÿ][a-zà-ÿ'’-]+"
NAME_PARTICLES = {"de", "du", "des", "la", "le", "d'", "ben", "ould", "ag"}

STOP_WORDS = frozenset(
    "le la les un une des du de d l au aux et ou mais que qui quoi dont où ce cet cette ces son sa ses leur leurs "
    "il elle ils elles on nous vous est sont était été être a ont avait avec pour par sur dans en ne pas plus "
    "a-t-il selon dit déclaré".split()
)

# ---- kinds of count: the kinds of `en.COUNT_ACTIONS` / `COUNT_SUBJECTS`, in French words ---------
# Read on folded text (lower case, no accents): "tués" is "tues".

COUNT_ACTIONS = [
    ("killed", r"tuee?s?\b|morte?s?\b|deces\b|decedee?s?\b|peri|massacr|execut|abattue?s?\b|neutralis|victimes?\b"),
    ("wounded", r"bless"),
    ("captured", r"captur|arrete|detenue?s?\b|prisonnier|otage|enleve|kidnapp"),
    ("displaced", r"deplacee?s?\b|refugiee?s?\b|fui|evacu|sans-abri"),
]
COUNT_SUBJECTS = [
    ("children", r"enfants?\b|garcons?\b|filles?\b|mineurs?\b"),
    ("women", r"femmes?\b"),
    ("fighters", r"djihadistes?\b|jihadistes?\b|terroristes?\b|rebelles?\b|insurges?\b|combattants?\b"
                 r"|islamistes?\b|militants?\b|assaillants?\b"),
    ("troops", r"soldats?\b|militaires?\b|troupes?\b|policiers?\b|gendarmes?\b|forces\b"),
    ("civilians", r"civils?\b|personnes?\b|habitants?\b|villageois\b|residents?\b"),
    ("vehicles", r"motos?\b|vehicules?\b|camions?\b|avions?\b|helicopteres?\b|drones?\b|chars?\b"),
    ("duration", r"mois\b|ans?\b|annees?\b|semaines?\b|jours?\b|heures?\b"),
    ("places", r"villages?\b|villes?\b|districts?\b|provinces?\b|regions?\b|quartiers?\b|zones?\b|sites?\b"
               r"|maisons?\b|ecoles?\b|hopitaux\b|hopital\b|mosquees?\b|camps?\b|pays\b"),
    ("weapons", r"roquettes?\b|missiles?\b|obus\b|bombes?\b|armes?\b|fusils?\b"),
    ("attacks", r"raids?\b|operations?\b|attaques?\b|frappes?\b|attentats?\b|explosions?\b|embuscades?\b"),
]
GATHERING = r"manifest|rassembl|foule|marche\b|greve|electeurs?\b|votes?\b|sondage|participation"


def english_date(text: str) -> str:
    """A French date expression in the English words the date rules read: 'le 19 février 2013' ->
    '19 February 2013', 'mi-janvier' -> 'mid-January', 'la semaine dernière' -> 'last week'."""
    folded = text.lower().replace("’", "'")
    for n, month in enumerate(MONTHS):
        folded = re.sub(rf"\b{month}\b|\b{_plain(month)}\b", ENGLISH_MONTHS[n], folded)
    for n, day in enumerate(WEEKDAYS):
        folded = re.sub(rf"\b{day}\b", ENGLISH_WEEKDAYS[n], folded)
    for french, english in RELATIVE:
        folded = re.sub(french, english, folded)
    return re.sub(r"\b1er\b", "1", folded).strip()


def _plain(word: str) -> str:
    return word.replace("é", "e").replace("û", "u").replace("è", "e")


RELATIVE = [  # the longer expressions first: "plus tôt cette semaine" before "cette semaine", "le mois" before "le"
    (r"plus tôt cette semaine", "earlier this week"), (r"plus tôt ce mois", "earlier this month"),
    (r"plus tôt cette année", "earlier this year"),
    (r"la semaine (?:dernière|passée)", "last week"), (r"la semaine prochaine", "next week"),
    (r"le mois (?:dernier|passé)", "last month"), (r"le mois prochain", "next month"),
    (r"l'année (?:dernière|passée)", "last year"), (r"l'année prochaine", "next year"),
    (r"cette semaine", "this week"), (r"cette année", "this year"), (r"ce mois-ci", "this month"),
    (r"^le\s+", ""), (r"^(?:en|depuis)\s+", "in "), (r"^jusqu'en\s+", "until "), (r"^avant\s+", "before "),
    (r"^après\s+", "after "), (r"\bmi-\s*", "mid-"), (r"\bdébut\s+|\bdébut-", "early "),
    (r"\bfin\s+|\bfin-", "late "), (r"\bhier\b", "yesterday"),
    (r"aujourd'hui", "today"), (r"\bdemain\b", "tomorrow"), (r"\b(\w+day) dernier\b", r"last \1"),
    (r"^ce\s+(\w+day)", r"this \1"), (r"^dernier\s+", "last "),
]
