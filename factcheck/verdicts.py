"""A verdict for every claim, from the flags, the judged pairs and the reference table.

- `contradicted`: a raised flag (not a note) that says two things cannot both hold points at it:
  the evidence is the other article's quote, the archive's passage, or the reference row;
- `corroborated`: another article or a passage of the archive states it independently (a pair
  judged "agree": by the model, or by rule for two equal counts of the same kind), or the
  reference table confirms the title it gives on the article's date;
- `single-source`: it can be checked (a figure, a date, a title or a proper name) but no other
  article states it;
- `unverifiable`: nothing in it can be checked: no figure, no date, no title, no name.

A verbatim copy takes the verdict of the claim it copies, and is never paired with it: a copy is
not independent corroboration.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from .checks.base import Corpus, proper_names
from .models import Claim, Flag, PairJudgment
from .pairing import ClaimIndex
from .reference import TitleReading, name_tokens

CONTRADICTING = {"title", "quantity", "figure", "date", "conflict"}


def assign(corpus: Corpus, flags: list[Flag], judgments: list[PairJudgment],
           support: dict[str, list[str]] | None = None) -> list[Claim]:
    """Every claim of the corpus with its verdict and the evidence behind it; `support`: claim id ->
    the archive's passages that state it (`evidence.search`)."""
    found: dict[str, tuple[str, list[str]]] = {}
    for claim_id, evidence in _contradicted(corpus, flags).items():
        found[claim_id] = ("contradicted", evidence)
    for claim_id, evidence in {**(support or {}), **_confirmed_titles(corpus), **_agreeing(corpus, judgments)}.items():
        found.setdefault(claim_id, ("corroborated", evidence))
    originals = originals_of(corpus.claims)
    result = []
    for claim in corpus.claims:
        source = originals.get(claim.id)
        if source is not None and source.id in found:
            verdict, evidence = found[source.id]
            evidence = evidence + [f"verbatim copy of {claim.copied_from}: not independent"]
        else:
            verdict, evidence = found.get(claim.id) or (_alone(claim), [])
        result.append(claim.model_copy(update={"verdict": verdict, "verdict_evidence": evidence}))
    return result


def _alone(claim: Claim) -> str:
    """The verdict of a claim no other source speaks to."""
    number = claim.number
    if (number is not None and number.low is not None and number.hedge != "vague") or claim.date or claim.role:
        return "single-source"
    return "single-source" if proper_names(claim.claim_text or claim.quote) else "unverifiable"


def _contradicted(corpus: Corpus, flags: list[Flag]) -> dict[str, list[str]]:
    """Claim id -> the evidence against it, from every raised flag of a contradicting kind."""
    against: dict[str, list[str]] = defaultdict(list)
    index = ClaimIndex(corpus)
    for flag in flags:
        if flag.kind not in CONTRADICTING or flag.severity == "note":
            continue
        for n, (where, claims) in enumerate(zip(flag.locations, index.of(flag))):
            others = [o for m, o in enumerate(flag.locations) if m != n]
            evidence = [f"{o.article_id} line {o.line}: \"{o.quote}\"" for o in others] or list(flag.evidence)
            if flag.kind == "title":  # the claims that give the person a title, when there are such
                claims = [c for c in claims if c.role] or claims
            for claim in claims:
                against[claim.id] += [e for e in evidence if e not in against[claim.id]]
    return dict(against)


def _agreeing(corpus: Corpus, judgments: list[PairJudgment]) -> dict[str, list[str]]:
    by_id = {c.id: c for c in corpus.claims}
    support: dict[str, list[str]] = defaultdict(list)
    for judgment in judgments:
        if judgment.relation != "agree" or not judgment.decisive or judgment.a not in by_id or judgment.b not in by_id:
            continue  # an archive judgment names a passage, not a claim: `evidence` tells its support
        a, b = by_id[judgment.a], by_id[judgment.b]
        support[a.id].append(_quote(b))
        support[b.id].append(_quote(a))
    return dict(support)


def _quote(claim: Claim) -> str:
    return f"{claim.article_id} line {claim.line}: \"{claim.quote}\""


def _confirmed_titles(corpus: Corpus) -> dict[str, list[str]]:
    """Claims giving a person a title the reference table has them holding on the article's date."""
    people = {(c.sentence.article_id, c.sentence.index): c for c in corpus.candidates}
    confirmed = {}
    for claim in corpus.claims:
        day = corpus.dates[claim.article_id].day
        candidate = people.get((claim.article_id, claim.sentence_index))
        if not claim.role or not day or candidate is None:
            continue
        for person in candidate.people:
            if name_tokens(person.name) != name_tokens(claim.subject) or person.role != claim.role:
                continue
            before = candidate.sentence.text[:person.start - candidate.sentence.start]
            row = _held(corpus.table.read_title(person, before), dt.date.fromisoformat(day))
            if row:
                confirmed[claim.id] = [f"reference: {row}"]
    return confirmed


def _held(reading: TitleReading | None, day: dt.date) -> str | None:
    """The table's term of the office the title names, held on `day` (a 'former' title is not judged)."""
    if reading is None or reading.former:
        return None
    held = [t for t in reading.terms if t.position in reading.positions and t.held_on(day)]
    return held[0].describe() if held else None


def originals_of(claims: list[Claim]) -> dict[str, Claim]:
    """Copy claim id -> the claim it copies (the same place in the sentence it repeats)."""
    by_sentence: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        by_sentence[f"{claim.article_id}#{claim.sentence_index}"].append(claim)
    found = {}
    for claim in claims:
        if claim.copied_from:
            own = by_sentence[f"{claim.article_id}#{claim.sentence_index}"]
            source = by_sentence.get(claim.copied_from, [])
            position = own.index(claim)
            if position < len(source) and not source[position].copied_from:
                found[claim.id] = source[position]
    return found
