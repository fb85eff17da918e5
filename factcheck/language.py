"""Which language an article is written in, and whether the rules read it.

Detected by Lingua (`lingua-language-detector`, Apache-2.0: n-gram models of 75 languages shipped
in the package, no network), on the article's first `SAMPLE` characters. English and French are
read (`lexicon/en.py`, `lexicon/fr.py`); an article in another language is skipped with its
language named, never read as English. A text too short to tell (under `MIN_LETTERS` letters), or
one the detector is not sure of, is read as English, the default it always had. Lingua's
low-accuracy mode (trigrams) keeps it to some 100 MB and a fraction of a second to load; its
high-accuracy mode took 6.4 s and 920 MB here.
"""

from __future__ import annotations

from functools import lru_cache

SUPPORTED = {"en": "English", "fr": "French"}
SAMPLE = 2000  # characters read to tell the language
MIN_LETTERS = 200  # fewer letters: too short to tell (names sway it: "German Chancellor Olaf Scholz met
# President Frank-Walter Steinmeier in Berlin." reads as German), read as English
SURE = 0.6  # the detector's confidence in a language other than English before it is believed


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


def detect(text: str) -> tuple[str, str, float]:
    """(ISO 639-1 code, language name, confidence); English with confidence 0 when it cannot tell."""
    sample = text[:SAMPLE]
    if sum(c.isalpha() for c in sample) < MIN_LETTERS:
        return "en", "English", 0.0
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return "en", "English", 0.0
    best = values[0]
    code = best.language.iso_code_639_1.name.lower()
    if code != "en" and best.value < SURE:
        return "en", "English", 0.0
    return code, best.language.name.capitalize(), best.value


def unsupported_reason(code: str, name: str) -> str:
    return (f"written in {name} ({code}), which factcheck does not read (it reads "
            f"{' and '.join(SUPPORTED.values())}): skipped rather than read as English")
