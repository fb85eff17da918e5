"""Names: a person's name given in part where it is given in full elsewhere, and spelling variants.

- "President Ibrahim Boubacar" in one article, "Ibrahim Boubacar Keita" in another or in the
  reference table: the name is incomplete (a surname alone after a first full mention is normal
  style and is not flagged).
- Proper nouns one edit apart ("Tuareg" / "Taureg"): one of them may be misspelt.
"""

from __future__ import annotations

import re
from collections import defaultdict

from rapidfuzz.distance import OSA

from ..models import Flag
from ..reference import is_part_of, name_tokens
from ..resolve import names_by_end
from ..sentences import normalize
from .base import Corpus, location, make_flag

PROPER_NOUN = re.compile(r"(?<![\w-])(?:[A-Z][a-zà-ÿ]+(?:-[A-Za-zà-ÿ]+)*|al-[A-Z][a-z]+)(?![\w-])")
MIN_LENGTH = 5


def check_names(corpus: Corpus) -> list[Flag]:
    return _partial_names(corpus) + _spelling_variants(corpus)


def _partial_names(corpus: Corpus) -> list[Flag]:
    mentions = [(c.sentence, p) for c in corpus.candidates if not c.sentence.duplicate_of for p in c.people]
    full_names = {p.name for _, p in mentions} | {t.person for t in corpus.table.terms}
    by_end = names_by_end(full_names)  # a part shares the first or last word of the whole
    flags, named = [], _first_named(corpus)
    for sentence, person in mentions:
        tokens = name_tokens(person.name)
        if len(tokens) < 2:
            continue  # a surname alone is normal style
        wholes = {}
        for name in sorted(by_end[tokens[0]] | by_end[tokens[-1]]):
            if is_part_of(tokens, name_tokens(name)):
                wholes.setdefault(name_tokens(name), name)
        if len(wholes) != 1:
            continue
        whole = next(iter(wholes.values()))
        evidence = [named.get(whole) or _in_table(corpus, whole)]
        flags.append(make_flag(
            "name", "medium", [location(corpus, sentence.article_id, person.start, person.end)], evidence,
            f"\"{person.name}\" gives only part of the name {whole}.",
        ))
    return flags


def _first_named(corpus: Corpus) -> dict[str, str]:
    """Where each name is first given, as evidence: one pass over the candidates."""
    named: dict[str, str] = {}
    for candidate in corpus.candidates:
        for person in candidate.people:
            if person.name not in named:
                named[person.name] = f"{candidate.sentence.article_id} line {candidate.sentence.line}: \"{person.text}\""
    return named


def _in_table(corpus: Corpus, name: str) -> str:
    rows = [t for t in corpus.table.terms if t.person == name]
    return f"reference: {rows[0].describe()}" if rows else name


def _spelling_variants(corpus: Corpus) -> list[Flag]:
    places: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for sentence in corpus.sentences:
        if sentence.duplicate_of:
            continue
        for match in PROPER_NOUN.finditer(sentence.text):
            word = match.group(0)
            if len(word) >= MIN_LENGTH:
                start = sentence.start + match.start()
                places[word].append((sentence.article_id, start, start + len(word)))
    flags = []
    for a, b in _one_edit_pairs(sorted(places)):
        (art_a, s_a, e_a), (art_b, s_b, e_b) = _closest(places[a], places[b])
        same = art_a == art_b
        flags.append(make_flag(
            "name", "medium" if same else "low",
            [location(corpus, art_a, s_a, e_a), location(corpus, art_b, s_b, e_b)],
            [f"\"{a}\" {len(places[a])}x, \"{b}\" {len(places[b])}x"],
            f"\"{a}\" and \"{b}\" differ by one letter{' in the same article' if same else ''}: "
            f"one may be misspelt, or they are accepted variants of one name.",
        ))
    return flags


def _one_edit_pairs(words: list[str]) -> list[tuple[str, str]]:
    """Pairs of words one edit apart, found through shared one-letter deletions (near-linear)."""
    buckets: dict[str, set[str]] = defaultdict(set)
    for word in words:
        folded = normalize(word)
        for key in {folded} | {folded[:i] + folded[i + 1:] for i in range(len(folded))}:
            buckets[key].add(word)
    pairs = set()
    for group in buckets.values():
        if 1 < len(group) <= 50:
            ordered = sorted(group)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1:] if _variants(a, b))
    return sorted(pairs)


def _closest(a: list[tuple[str, int, int]], b: list[tuple[str, int, int]]):
    """A place of each word, in the same article when there is one: the first of `a` whose
    article has the word of `b`, with the first place of `b` there."""
    first_in: dict[str, tuple[str, int, int]] = {}
    for place in b:
        first_in.setdefault(place[0], place)
    return next(((x, first_in[x[0]]) for x in a if x[0] in first_in), (a[0], b[0]))


def _variants(a: str, b: str) -> bool:
    fa, fb = normalize(a), normalize(b)
    if fa[:1] != fb[:1] or fa.startswith(fb) or fb.startswith(fa):
        return False  # 'Estonia' / 'Estonian', 'Malian' / 'Malians': forms of one word
    return OSA.distance(fa, fb) == 1 and min(len(fa), len(fb)) >= MIN_LENGTH
