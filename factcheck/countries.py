"""Country names, demonyms and role names for reference tables, from maintained data.

The words that name a country in text ("United Kingdom", "UK", "Great Britain", "British",
"Royaume-Uni") come from the `countryinfo` package (MIT; its data: names, alternative spellings,
the English demonym, translations), not from hand lists. A reference table's position label
gives the role: "Prime Minister of the United Kingdom" -> "Prime Minister", "Chancellor of Germany"
-> "Chancellor", "Premier ministre du Mali" -> "Premier ministre"; a label that does not name the
country ("Taoiseach") is the role itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .sentences import normalize

LINKS = r"(?:of|du|de\s+la|de\s+l'|de|des|d')"  # "X of Y", "X du Y"; an article after it ("the") is dropped
MAX_ROLE_WORDS = 5


@lru_cache(maxsize=1)
def _countries() -> dict[str, object]:
    """Folded name, alternative spelling or translation -> the package's country."""
    from countryinfo import all_countries

    found: dict[str, object] = {}
    for country in all_countries():
        for word in _names(country):
            found.setdefault(normalize(word), country)
    return found


def _names(country) -> list[str]:
    info = country.info()
    codes = set((info.get("ISO") or {}).values())  # "GB", "GBR": codes, not words of text ("UK" is one)
    names = [info.get("name") or "", info.get("nativeName") or ""]
    names += [s for s in info.get("altSpellings") or [] if s not in codes]
    names += [t for t in (info.get("translations") or {}).values() if t]
    return [n for n in names if n]


def country_words(name: str) -> list[str] | None:
    """The words that name `name` in English and French text: its names, spellings, its English
    demonym ("British") and its French name; None when the package does not know the country."""
    country = _countries().get(normalize(name))
    if country is None:
        return None
    info = country.info()
    words = [name, *_names(country)]
    french = (info.get("translations") or {}).get("fr")
    if info.get("demonym"):
        words.append(info["demonym"])
    if french:
        words.append(french)
    return list(dict.fromkeys(w for w in words if len(w) > 2 or (len(w) == 2 and w.isupper())))


def role_of(position: str, country_names: list[str]) -> str | None:
    """The role a position's label names, once the country ("of the United Kingdom", "du Mali") is
    taken off; None when what is left is not a short title."""
    label = " ".join(position.split())
    folded = {normalize(n) for n in country_names}
    role = label
    links = list(re.finditer(rf"\s+{LINKS}\s*(?:the\s+|la\s+|le\s+|l')?", label, re.IGNORECASE))
    for link in reversed(links):  # "Minister of Defence of Mali": the country is after the last link
        if normalize(label[link.end():]) in folded:
            role = label[:link.start()]
            break
    role = role.strip(" ,")
    if not role or len(role.split()) > MAX_ROLE_WORDS:
        return None
    return role
