"""Claims resolved across articles: one canonical entity per subject, and a self-contained claim text.

- People: `resolve.entities` groups the names the rules found (a part with its whole: "Keita" with
  "Ibrahim Boubacar Keita", or the reference table's full name); here names that fold to the same
  words (accents, case: "François" / "Francois") or differ by one letter in a long word ("Issoufou" /
  "Issoufu") are merged too, so one person has one key in every article.
- A claim's `entity` is the person its subject names, else its subject's content words folded
  ("the French troops" -> "french troops"): the key the pairing stage blocks on and the checks read.
- A claim's `claim_text` is one sentence that can be read alone. The model writes it; without a
  model (or when its text does not hold), it is the sentence itself with a leading pronoun
  replaced by the full name of the last person the article named, and a name given in part by
  the full name the articles give.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz.distance import OSA

from .models import Candidate, Claim, Entity
from .reference import OfficeTable, is_part_of, name_tokens
from .sentences import normalize

STOP = set("a an the of in on at to for from by with and or its their his her this that these those".split())
MIN_VARIANT = 5  # letters a name word needs before one changed letter is read as a spelling variant
SUBJECT_PRONOUN = re.compile(r"^(?P<lead>\W*)(?P<pronoun>He|She|His|Her)\b(?=\s)")
REFERS_BACK = re.compile(r"\b(?:he|she|his|her|him|they|their|them)\b", re.IGNORECASE)


class People:
    """Every person the articles name, by the folded words of each form of their name."""

    def __init__(self, entities: list[Entity], table: OfficeTable | None = None):
        self.by_tokens: dict[tuple[str, ...], str] = {}
        self.known: set[str] = set()  # spellings of the reference table
        for entity in entities:
            for form in [entity.name, *entity.variants]:
                self.by_tokens.setdefault(name_tokens(form), entity.name)
        if table is not None:  # the table's spelling wins for the people it knows
            for entity in entities:
                terms = table.person_terms(entity.name)
                if terms:
                    self.known.add(terms[0].person)
                    for form in [entity.name, *entity.variants]:
                        self.by_tokens[name_tokens(form)] = terms[0].person
        self._merge_variants()
        self._by_end: dict | None = None
        self._wholes: dict[tuple[str, ...], str | None] = {}

    def _merge_variants(self) -> None:
        """Names of as many words, each equal or one letter apart in a long word, are one person."""
        canon = sorted(set(self.by_tokens.values()), key=lambda n: (n not in self.known, -len(name_tokens(n)), n))
        alias: dict[str, str] = {}
        earlier: dict[tuple, list[str]] = defaultdict(list)  # variants share the words' count and first letters
        for name in canon:
            tokens = name_tokens(name)
            shape = tuple(t[:1] for t in tokens)
            for other in earlier[shape]:
                if alias.get(other, other) == other and _variants(tokens, name_tokens(other)):
                    alias[name] = other
                    break
            earlier[shape].append(name)
        self.by_tokens = {k: alias.get(v, v) for k, v in self.by_tokens.items()}

    def full_names(self) -> list[str]:
        return sorted({v for v in self.by_tokens.values() if len(name_tokens(v)) >= 2})

    def resolve(self, text: str) -> str | None:
        """The person `text` names: a form of a name inside it, the longest first, else the one
        full name it is a part of ('Keita' -> 'Ibrahim Boubacar Keita')."""
        tokens = name_tokens(text)
        for size in range(len(tokens), 0, -1):
            for i in range(len(tokens) - size + 1):
                found = self.by_tokens.get(tokens[i:i + size])
                if found:
                    return found
        if not tokens:
            return None
        if tokens not in self._wholes:
            ends = self._ends()
            wholes = {v for k, v in ends.get(("last", tokens[-1]), []) + ends.get(("first", tokens[0]), [])
                      if is_part_of(tokens, k)}
            self._wholes[tokens] = wholes.pop() if len(wholes) == 1 else None
        return self._wholes[tokens]

    def _ends(self) -> dict[tuple[str, str], list[tuple[tuple[str, ...], str]]]:
        """The forms of names by their first and by their last word: a part shares one of them."""
        if self._by_end is None:
            self._by_end = defaultdict(list)
            for form, name in self.by_tokens.items():
                if form:
                    self._by_end[("first", form[0])].append((form, name))
                    self._by_end[("last", form[-1])].append((form, name))
        return self._by_end


def _variants(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if len(a) != len(b) or a == b:
        return a == b
    return all(x == y or (min(len(x), len(y)) >= MIN_VARIANT and x[0] == y[0] and OSA.distance(x, y) == 1)
               for x, y in zip(a, b))


def entity_of(subject: str, people: People) -> str:
    """The canonical entity of a claim's subject: a person's full name, else its folded content words."""
    person = people.resolve(subject)
    if person:
        return person
    words = [w for w in re.findall(r"[a-z0-9%]+", normalize(subject)) if w not in STOP]
    return " ".join(words) or normalize(subject)


# ---- claim text without a model ------------------------------------------------------------

def names_before(anchored: list[Candidate], people: People) -> dict[str, list[str]]:
    """Per sentence ref: the full names of the people its article named up to and including it,
    the most recent last (at most three), as the claim text may need them."""
    seen: dict[str, list[str]] = defaultdict(list)
    result = {}
    for candidate in anchored:
        names = seen[candidate.sentence.article_id]
        for person in candidate.people:
            full = people.resolve(person.name) or person.name
            if len(name_tokens(full)) >= 2:
                if full in names:
                    names.remove(full)
                names.append(full)
        result[candidate.sentence.ref] = names[-3:]
    return result


def needs_names(sentence: str, names: list[str]) -> bool:
    """The sentence refers back with a pronoun, or gives a listed person's name only in part."""
    return bool(names) and (REFERS_BACK.search(sentence) is not None or any(
        _partial_at(sentence, name) for name in names))


def plain_claim_text(sentence: str, names: list[str], previous_names: list[str] | None = None) -> str:
    """The sentence, readable alone: a leading "He"/"She"/"His"/"Her" becomes the last person named
    before it (`previous_names`, else `names`), a surname alone the full name."""
    text = sentence.strip()
    earlier = previous_names if previous_names is not None else names
    match = SUBJECT_PRONOUN.match(text)
    if match and earlier:
        name = earlier[-1] + ("'s" if match.group("pronoun") in ("His", "Her") else "")
        text = match.group("lead") + name + text[match.end():]
    for name in names:
        text = _complete(text, name)
    return text


def _partial_at(text: str, name: str) -> bool:
    return _complete(text, name) != text


WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _complete(text: str, name: str) -> str:
    """'Keita said' -> 'Ibrahim Boubacar Keita said' where the name is not written in full (accents
    and case aside: 'Francois Hollande' is the full 'François Hollande')."""
    parts = name_tokens(name)
    if len(parts) < 2:
        return text
    words = list(WORD.finditer(text))
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        if name_tokens(re.sub(r"['’]s$", "", word.group(0))) != parts[-1:] or not word.group(0)[0].isupper():
            continue
        if i > 0 and name_tokens(words[i - 1].group(0)) == parts[-2:-1]:
            continue  # the name is written in full here
        following = words[i + 1] if i + 1 < len(words) else None
        if following and following.group(0)[0].isupper() and text[word.end():following.start()].isspace():
            continue  # part of another name ("Issoufou Katambe")
        end = word.start() + len(re.sub(r"['’]s$", "", word.group(0)))
        text = text[:word.start()] + name + text[end:]
    return text


# ---- the stage -----------------------------------------------------------------------------

def resolve_claims(claims: list[Claim], anchored: list[Candidate], people: People) -> list[Claim]:
    """Every claim with its canonical entity and a claim text (the rules' one where none was written)."""
    names = names_before(anchored, people)
    previous = _previous_refs(anchored)
    resolved = []
    for claim in claims:
        ref = f"{claim.article_id}#{claim.sentence_index}"
        text = claim.claim_text or plain_claim_text(claim.quote, names.get(ref, []),
                                                   names.get(previous.get(ref, ""), []))
        resolved.append(claim.model_copy(update={"entity": entity_of(claim.subject, people), "claim_text": text}))
    return resolved


def _previous_refs(anchored: list[Candidate]) -> dict[str, str]:
    """Per sentence ref, the ref of the previous sentence of its article."""
    previous, last = {}, {}
    for candidate in anchored:
        s = candidate.sentence
        if s.article_id in last:
            previous[s.ref] = last[s.article_id]
        last[s.article_id] = s.ref
    return previous
