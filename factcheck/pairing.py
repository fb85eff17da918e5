"""Cross-article agreement: claims of different articles paired by cheap blocking, each pair judged.

Blocking, near-linear: every claim gets keys, its canonical entity (`entity:`), its kind of count
for counts of people (`kind:`, as the quantity check reads it) and the proper names of its
sentence (`name:`). Claims of different articles that share keys are partners when their articles'
dates are within `SAME_EVENT_DAYS` of each other (undated articles fit any date), both are counts
or both are not, and they share a kind, an entity, or two names (`MIN_SCORE`); each claim keeps
its `PER_CLAIM` best partners (most shared, then nearest in date). A key shared by more than
`BUCKET_CAP` claims names nothing in particular and is not used. The pairs behind every rule conflict (quantity, figure and date
flags) are judged too, whatever their keys. Verbatim copies are not paired: they are not
independent.

Judgment: with a model, each distinct pair is asked in both orders (prompt `judge_pair`), and only
for the relation ("different facts", "agree", "contradict"); the probability of each relation at
the answer's first token (the endpoint's log-probabilities) is averaged over the two orders, so the
judgment does not depend on which claim comes first and costs a prefill and a few tokens per
order. The fixed system text comes first and never changes; the two claims come last. Without a
model, two counts of the same kind with the same exact figure agree (a rule judgment), with a model
too: the model adds, never takes away.

Settling (`settle`): rules keep what they do well (values that cannot both hold, titles against the
reference table). A model judgment acts only when decisive, at the confidence the settings require
(`judge_confidence`; none by default): then a rule conflict whose every judged pair it calls
"different facts" (another operation, another day) is kept as a note, and a contradiction it finds
where no rule flag stands becomes a `conflict` flag with both quotes. A judgment that is not
decisive is told in the rule flag's reason and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import get_args
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from instructor import ResponseSchema
from pydantic.json_schema import SkipJsonSchema

from .checks.base import NOT_NAMES, Corpus, claim_location, make_flag, proper_names
from .checks.quantities import COMPARED_ACTIONS, SAME_EVENT_DAYS, claim_kind
from .parallel import in_parallel
from .llm.client import LLMClient
from .models import Claim, Flag, Location, LLMUsage, PairJudgment, Relation
from .prompts import Prompt
from .prompts import load as load_prompt
from .resolve import window
from .sentences import normalize

PROMPT = ("judge_pair", 2)
VERSION = "2"  # bump when the answer's reading changes: cached answers are keyed on it
MAX_TOKENS = 12  # '{"relation": "different facts"}': the judgment is read at its first token
PER_CLAIM = 3
BUCKET_CAP = 60
MIN_SCORE = 2
WEIGHTS = {"entity": 2, "kind": 2, "name": 1}
RULE_CONFLICTS = {"quantity", "figure", "date"}


class PairAnswer(ResponseSchema):
    """How two claims of different articles relate. `shares`: the probability of each relation at
    the answer's first token (filled by the client from log-probabilities, never asked for)."""

    relation: Relation
    shares: SkipJsonSchema[dict[str, float] | None] = None


@dataclass(frozen=True)
class Pair:
    a: Claim
    b: Claim
    keys: tuple[str, ...]


def prompt() -> Prompt:
    return load_prompt(*PROMPT)


# ---- blocking ------------------------------------------------------------------------------

FIRST_NAME = re.compile(r"^\W*([A-Z][\w'\u2019]*[a-z\u00e0-\u00ff][\w'\u2019]*)")


def keys_of(corpus: Corpus, claim: Claim) -> set[str]:
    keys = {f"name:{n}" for name in proper_names(claim.quote) for n in name.split("-") if len(n) >= 3}
    first = FIRST_NAME.match(claim.quote)  # a sentence's first word is a name too when it is not a function word
    if first and first.group(1).lower() not in NOT_NAMES and len(first.group(1)) >= 3:
        keys.add(f"name:{normalize(first.group(1))}")
    if claim.entity:
        keys.add(f"entity:{claim.entity}")
    if claim.number is not None:
        kind = claim_kind(corpus, claim)
        if kind.startswith(COMPARED_ACTIONS):
            keys.add(f"kind:{kind}")
    return keys


def block(corpus: Corpus, forced: list[tuple[Claim, Claim]] = (), only_forced: bool = False,
          touching: set[str] | None = None) -> list[Pair]:
    """The pairs to judge: each claim's best partners in other articles (unless `only_forced`),
    and the `forced` ones. `touching`: only the pairs with a claim of these articles are wanted,
    so only the claims that could pair with one of theirs look for partners."""
    claims = [] if only_forced else [c for c in corpus.claims if not c.copied_from]
    order = {c.id: n for n, c in enumerate(corpus.claims)}
    keys = {c.id: keys_of(corpus, c) for c in claims}
    buckets: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        for key in keys[claim.id]:
            buckets[key].append(claim)
    seekers = claims
    if touching is not None:
        near = {c.id for c in claims if c.article_id in touching}
        near |= {o.id for c in claims if c.id in near for key in keys[c.id] if len(buckets[key]) <= BUCKET_CAP
                 for o in buckets[key]}
        seekers = [c for c in claims if c.id in near]
    pairs: dict[frozenset, Pair] = {}
    for claim in seekers:
        scores: Counter = Counter()
        partners = {}
        for key in keys[claim.id]:
            if len(buckets[key]) > BUCKET_CAP:
                continue
            for other in buckets[key]:
                if _comparable(corpus, claim, other):
                    scores[other.id] += WEIGHTS[key.split(":", 1)[0]]
                    partners[other.id] = other
        best = sorted((i for i in scores if scores[i] >= MIN_SCORE),
                      key=lambda i: (-scores[i], _days_apart(corpus, claim, partners[i]), order[i]))
        for other_id in best[:PER_CLAIM]:
            _add(pairs, claim, partners[other_id], keys, order)
    for a, b in forced:
        if a.article_id != b.article_id and not a.copied_from and not b.copied_from:
            _add(pairs, a, b, keys, order)
    return sorted(pairs.values(), key=lambda p: (order[p.a.id], order[p.b.id]))


def _add(pairs: dict, x: Claim, y: Claim, keys: dict, order: dict) -> None:
    a, b = (x, y) if order[x.id] < order[y.id] else (y, x)
    shared = tuple(sorted(keys.get(a.id, set()) & keys.get(b.id, set())))
    pairs.setdefault(frozenset((a.id, b.id)), Pair(a, b, shared))


def _comparable(corpus: Corpus, a: Claim, b: Claim) -> bool:
    """Other articles, close enough in date, both counts or both not, and not the same words."""
    if a.article_id == b.article_id or (a.number is None) != (b.number is None):
        return False
    if not _near(window(corpus.dates[a.article_id]), window(corpus.dates[b.article_id])):
        return False
    return normalize(a.quote) != normalize(b.quote)  # a verbatim repeat is not independent


def _days_apart(corpus: Corpus, a: Claim, b: Claim) -> int:
    """Days between two claims' article dates (0 when either is unknown): the nearer partner first."""
    x, y = corpus.dates[a.article_id].day, corpus.dates[b.article_id].day
    return abs((dt.date.fromisoformat(x) - dt.date.fromisoformat(y)).days) if x and y else 0


def _near(x: tuple[dt.date | None, dt.date | None], y: tuple[dt.date | None, dt.date | None]) -> bool:
    gap = dt.timedelta(days=SAME_EVENT_DAYS)
    if x[1] and y[0] and x[1] + gap < y[0]:
        return False
    return not (y[1] and x[0] and y[1] + gap < x[0])


# ---- judging -------------------------------------------------------------------------------

def messages_for(pair: Pair, corpus: Corpus, system: str) -> list[dict]:
    return claim_messages(pair.a, pair.b, _dated(corpus, pair.a.article_id), _dated(corpus, pair.b.article_id), system)


def claim_messages(a: Claim, b: Claim, dated_a: str, dated_b: str, system: str) -> list[dict]:
    """The fixed system text first (byte-identical for every pair), the two claims last: each
    claim's text, with its sentence when that says more."""
    lines = []
    for label, claim, dated in (("A", a, dated_a), ("B", b, dated_b)):
        text = claim.claim_text or claim.quote
        lines.append(f"{label} ({dated}): {text}")
        if normalize(text) != normalize(claim.quote):
            lines.append(f"Sentence {label}: {claim.quote}")
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(lines)}]


def _dated(corpus: Corpus, article_id: str) -> str:
    return dated(corpus.dates[article_id].day)


def dated(day: str | None) -> str:
    return f"article of {day}" if day else "undated article"


def judge_claims(a: Claim, b: Claim, dated_a: str, dated_b: str, client: LLMClient,
                 keys: tuple[str, ...] = (), confidence: float | None = None) -> tuple[PairJudgment, LLMUsage]:
    """The model's judgment of two claims, the same whichever comes first: the probabilities of
    the relations, averaged over both orders (`both_orders`); the relation is the likeliest, its
    probability the confidence. `decisive` when that reaches `confidence` (None: never)."""
    judgment = PairJudgment(a=a.id, b=b.id, keys=list(keys), source="model")
    shares, usage, error = both_orders(a, b, dated_a, dated_b, client)
    if shares is None:
        return judgment.model_copy(update={"error": error}), usage
    mean = averaged(shares)
    relation = likeliest(mean)
    reason = "; ".join(f"P({r}) {mean[r]:.2f}" for r in sorted(mean, key=mean.get, reverse=True))
    decisive = confidence is not None and mean[relation] >= confidence
    return judgment.model_copy(update={"relation": relation, "confidence": mean[relation], "decisive": decisive,
                                       "reason": f"{reason} (both orders)"}), usage


def averaged(shares: list[dict[str, float]]) -> dict[str, float]:
    """The mean probability of each relation over the orders asked."""
    return {r: round(sum(s.get(r, 0.0) for s in shares) / len(shares), 3) for r in get_args(Relation)}


def likeliest(share: dict[str, float]) -> Relation:
    """The most probable relation; a tie reads as "different facts" (the judgment that claims least)."""
    return max(share, key=lambda r: (share[r], r == "different facts"))


def both_orders(a: Claim, b: Claim, dated_a: str, dated_b: str,
                client: LLMClient) -> tuple[list[dict[str, float]] | None, LLMUsage, str | None]:
    """The probability of each relation with `a` first, then with `b` first: two cached calls, a
    prefill and a few tokens each, read at the answer's first token. None with the error when
    either call got no answer."""
    system, usage, shares = prompt(), LLMUsage(), []
    for first, second, dated_first, dated_second in ((a, b, dated_a, dated_b), (b, a, dated_b, dated_a)):
        answer = client.ask(system, PairAnswer, claim_messages(first, second, dated_first, dated_second, system.text),
                            context={}, max_tokens=MAX_TOKENS, salt=VERSION, shares_of="relation")
        usage.add(answer.usage)
        if answer.value is None:
            return None, usage, answer.error
        shares.append(answer.value.shares or {answer.value.relation: 1.0})
    return shares, usage, None


def judge_all(pairs: list[Pair], corpus: Corpus, client: LLMClient, workers: int = 1,
              on_done: Callable[[LLMUsage], None] | None = None, confidence: float | None = None,
              ask: Callable[[list[Pair]], list[tuple[PairJudgment, LLMUsage]]] | None = None,
              ) -> tuple[list[PairJudgment], LLMUsage]:
    """One judgment per pair, in order; pairs whose request is the same are asked once, `workers`
    at a time. `on_done` gets what each request cost. `ask`: who judges the distinct pairs
    (default: `judge_claims` on this process's threads), a (judgment, usage) for each in order."""
    system = prompt().text
    requests = {}
    for pair in pairs:
        requests.setdefault(_request_key(pair, corpus, system), pair)

    def run(pair: Pair) -> tuple[PairJudgment, LLMUsage]:
        return judge_claims(pair.a, pair.b, _dated(corpus, pair.a.article_id), _dated(corpus, pair.b.article_id),
                            client, pair.keys, confidence)

    report = (lambda result: on_done(result[1])) if on_done else None
    distinct = list(requests.values())
    done = dict(zip(requests, ask(distinct) if ask else in_parallel(run, distinct, workers, report)))
    usage, judgments = LLMUsage(), []
    for key, (_, spent) in done.items():
        usage.add(spent)
    for pair in pairs:
        first = done[_request_key(pair, corpus, system)][0]
        judgments.append(first.model_copy(update={"a": pair.a.id, "b": pair.b.id, "keys": list(pair.keys)}))
    return judgments, usage


def _request_key(pair: Pair, corpus: Corpus, system: str) -> str:
    return messages_for(pair, corpus, system)[1]["content"]


def rule_judgments(pairs: list[Pair], corpus: Corpus) -> list[PairJudgment]:
    """Without a model: two counts of the same kind giving the same exact figure agree."""
    judgments = []
    for pair in pairs:
        a, b = pair.a.number, pair.b.number
        if a is None or b is None or a.value is None or a.low != a.high or b.low != b.high or a.value != b.value:
            continue
        kind = claim_kind(corpus, pair.a)
        if kind.startswith(COMPARED_ACTIONS) and kind == claim_kind(corpus, pair.b):
            judgments.append(PairJudgment(a=pair.a.id, b=pair.b.id, keys=list(pair.keys), relation="agree",
                                          reason=f"Both give {a.text} {kind}.", source="rule", decisive=True))
    return judgments


# ---- from flags to claims and back ---------------------------------------------------------

class ClaimIndex:
    """The claims of a corpus by article, to find the claims a flag's location points at. Flags
    point into the file (`checks.base.location`); claims, until the report moves them, into the
    analysed text: their spans are compared in file offsets."""

    def __init__(self, corpus: Corpus):
        self.by_id = {c.id: c for c in corpus.claims}
        self.by_article: dict[str, list[tuple[Claim, tuple, tuple | None, tuple | None]]] = defaultdict(list)
        for claim in corpus.claims:
            article = corpus.by_article[claim.article_id]
            spans = [article.file_span(s.start, s.end) if s else None
                     for s in (claim.span, claim.number.span if claim.number else None, claim.date_span)]
            self.by_article[claim.article_id].append((claim, *spans))

    def of(self, flag: Flag) -> list[list[Claim]]:
        """Per location of the flag, the claims it is about: those it names, else those at the place."""
        named = [self.by_id[i] for i in flag.claims if i in self.by_id]
        if len(named) == len(flag.locations):
            return [[claim] for claim in named]
        return [self.at(where) for where in flag.locations]

    def at(self, where: Location) -> list[Claim]:
        """The count or date the location marks, else the sentence's statements, else every claim
        of the sentence."""
        span = (where.start, where.end)
        inside = [entry for entry in self.by_article.get(where.article_id, [])
                  if entry[1][0] <= where.start and where.end <= entry[1][1]]
        for found in ([c for c, _, number, _ in inside if number == span],
                      [c for c, _, _, date in inside if date == span],
                      [c for c, *_ in inside if c.number is None]):
            if found:
                return found
        return [c for c, *_ in inside]


def flagged_pairs(corpus: Corpus, flags: list[Flag]) -> list[tuple[Claim, Claim]]:
    """The claim pairs behind the rule conflicts between two articles."""
    pairs, index = [], ClaimIndex(corpus)
    for flag in flags:
        if flag.kind in RULE_CONFLICTS and len(flag.locations) == 2 \
                and flag.locations[0].article_id != flag.locations[1].article_id:
            first, second = index.of(flag)
            pairs += [(x, y) for x in first for y in second if (x.number is None) == (y.number is None)]
    return pairs


def settle(corpus: Corpus, flags: list[Flag], judgments: list[PairJudgment], raise_new: bool = True) -> list[Flag]:
    """Rule conflicts the model judges, decisively, to be about different facts become notes;
    contradictions it finds, decisively, where no rule flag stands become `conflict` flags when
    `raise_new`. A judgment that is not decisive changes nothing: it is added to the flag's reason."""
    index = ClaimIndex(corpus)
    judged = {frozenset((j.a, j.b)): j for j in judgments if j.source == "model" and j.relation}
    settled = [_settled(index, flag, judged) for flag in flags]
    raised = {_sentences(index, flag) for flag in settled if flag.severity != "note"}
    by_id = {c.id: c for c in corpus.claims}
    for judgment in judgments:
        if not raise_new or judgment.source != "model" or judgment.relation != "contradict" or not judgment.decisive \
                or judgment.a not in by_id or judgment.b not in by_id:
            continue
        flag = _conflict(corpus, by_id[judgment.a], by_id[judgment.b], judgment)
        if _sentences(index, flag) not in raised:
            raised.add(_sentences(index, flag))
            settled.append(flag)
    return settled


def _settled(index: ClaimIndex, flag: Flag, judged: dict) -> Flag:
    if flag.kind not in RULE_CONFLICTS or len(flag.locations) != 2:
        return flag
    first, second = index.of(flag)
    found = [judged[key] for x in first for y in second if (key := frozenset((x.id, y.id))) in judged]
    if not found:
        return flag
    if all(j.relation == "different facts" and j.decisive for j in found):
        reason = f"{flag.reason} Kept as a note: the model judges them to be about different facts ({found[0].reason})"
        return flag.model_copy(update={"severity": "note", "reason": reason})
    judgment = min(found, key=lambda j: j.confidence or 0.0)
    unsure = "" if judgment.decisive else ", not acted on (below the confidence set for it)"
    note = f" The model's judgment{unsure}: {judgment.relation}, {judgment.reason}."
    return flag.model_copy(update={"reason": flag.reason + note})


def _sentences(index: ClaimIndex, flag: Flag) -> frozenset:
    """The sentences a flag points into, so one pair of sentences is raised once."""
    refs = set()
    for where, claims in zip(flag.locations, index.of(flag)):
        refs |= {(c.article_id, c.sentence_index) for c in claims} or {(where.article_id, where.start)}
    return frozenset(refs)


def _conflict(corpus: Corpus, a: Claim, b: Claim, judgment: PairJudgment) -> Flag:
    where = [claim_location(corpus, c) for c in (a, b)]
    reason = (f"\"{_clip(a.claim_text or a.quote)}\" and \"{_clip(b.claim_text or b.quote)}\" cannot both hold "
              f"(the model's judgment): {judgment.reason}")
    return make_flag("conflict", "medium", where, [f"{b.article_id} line {b.line}: \"{b.quote}\""], reason,
                     about=(a.id, b.id))


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
