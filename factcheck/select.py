"""Check-worthiness: every sentence is judged a check-worthy factual claim, or not.

The rules of `candidates.py` find each sentence's anchors (numbers, dates, titled people,
attributions). They no longer decide alone:
- by default the trained classifier of `checkworthy.py` labels every sentence (no model call);
  its negatives are told apart as "not factual" (the rules' marks of opinion, intention,
  prediction or request) or "unimportant";
- with `--select model`, every distinct sentence gets one small call whose answer is a label
  (`check-worthy`, `unimportant`, `not factual`, ClaimBuster's three classes); the anchors go into
  the request as hints. The system text and its examples come first and never change, the
  sentence comes last, so the server reuses the cached prefix and each call costs the prefill
  of one sentence and a few tokens of answer;
- without a model (`--extractor rules`), a sentence is check-worthy when it is a statement (not
  a question) with an anchor, or a statement of some length with no mark of opinion, intention,
  prediction, request or question (`rule_label`).

Verbatim repeats take the label of their first occurrence. When the model gives no label (the
request failed, or the answer did not validate), the rules' label stands in and the error is kept.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from instructor import ResponseSchema

from . import checkworthy
from .candidates import inspect
from .llm.client import LLMClient
from .models import Candidate, Label, Selection, Sentence
from .parallel import in_parallel
from .prompts import Prompt
from .prompts import load as load_prompt

PROMPT = ("select_claims", 1)
VERSION = "1"  # bump when the answer's reading changes: cached answers are keyed on it
MAX_TOKENS = 24
MODEL_REASON = "judged check-worthy"
CLASSIFIER_REASON = "check-worthy (classifier, p {score:.2f})"  # its probability, for the reviewer
STATEMENT_REASON = "statement"
FACTS_REASON = "rule facts"  # not judged check-worthy, but its numbers and titles are checked


class SentenceLabel(ResponseSchema):
    """The label of one sentence."""

    label: Label


def prompt() -> Prompt:
    return load_prompt(*PROMPT)


def anchor_all(sentences: list[Sentence], titles: tuple[str, ...] = ()) -> list[Candidate]:
    """Every sentence with its rule anchors and, as context, the previous sentence of its article.
    `titles`: role names to find besides the lexicon's (those the reference tables declare)."""
    anchored, previous = [], None
    for sentence in sentences:
        anchored.append(inspect(sentence, previous, titles))
        previous = sentence
    return anchored


# ---- the request ---------------------------------------------------------------------------

def hints(candidate: Candidate) -> str:
    """What the rules found, as one line: 'number "30"; date "last Tuesday"; attribution'."""
    found = [f'number "{q.text}"' for q in candidate.quantities]
    found += [f'date "{d.text}"' for d in candidate.dates]
    found += [f'title "{p.text}"' for p in candidate.people if p.role]
    if "attribution" in candidate.reasons:
        found.append("attribution")
    return "; ".join(found) or "none"


def messages_for(candidate: Candidate, system: str) -> list[dict]:
    """The fixed system text first (byte-identical for every sentence), the sentence last."""
    user = f"Hints: {hints(candidate)}\nSentence: {candidate.sentence.text}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def judge_one(candidate: Candidate, client: LLMClient) -> Selection:
    system = prompt()
    answer = client.ask(system, SentenceLabel, messages_for(candidate, system.text), context={},
                        max_tokens=MAX_TOKENS, salt=VERSION)
    ref = candidate.sentence.ref
    if answer.value is None:
        return Selection(sentence_ref=ref, label=rule_label(candidate), source="rules", error=answer.error,
                         usage=answer.usage)
    return Selection(sentence_ref=ref, label=answer.value.label, source="model", usage=answer.usage)


def needs_model(candidate: Candidate) -> bool:
    """A sentence of fewer than two words ('Photo:', '***') states nothing: no call for it."""
    return len(re.findall(r"[^\W_]+", candidate.sentence.text)) >= 2


# ---- without a model -----------------------------------------------------------------------

QUESTION = re.compile(r"\?[\"'\u201d\u2019)\s]*$")
OPINION = re.compile(
    r"\b(?:I|we)(?:\s+(?:really|just|also|still|do|don't|do not|strongly))?\s+"
    r"(?:think|believe|feel|hope|want|wish|guess|suppose|intend|plan|promise|agree|disagree|know)\b",
    re.IGNORECASE)
MODAL = re.compile(
    r"\b(?:should|must|ought to|needs? to|ha(?:ve|s) to|will|won't|shall|going to|gonna|would|could|might|can|"
    r"can't|cannot)\b|['\u2019](?:ll|d)\b", re.IGNORECASE)
REQUEST = re.compile(
    r"^\W*(?:(?:and|but|so|now|well|look|oh|yes|no|okay|ok)\W+)*(?:let\b|let's|thank|thanks|please|imagine|listen|excuse)",
    re.IGNORECASE)
MIN_WORDS = 5


def not_factual(text: str) -> bool:
    """Marks of a sentence that states no fact: a question, an opinion or intention of the speaker
    ("I think", "we want"), a modal verb (a prediction, promise or proposal: "will", "should"), a
    request ("Let me", "Thank you"), or fewer than `MIN_WORDS` words."""
    return bool(QUESTION.search(text) or OPINION.search(text) or MODAL.search(text) or REQUEST.search(text)
                or len(re.findall(r"[^\W_]+", text)) < MIN_WORDS)


def rule_label(candidate: Candidate) -> Label:
    """Check-worthy: a statement with an anchor (a number, date, titled person or named
    attribution: "France will send 500 troops"), or a statement without marks of opinion,
    intention, prediction or request. The rules cannot tell an unimportant fact from a check-worthy one."""
    text = candidate.sentence.text
    if candidate.reasons and not QUESTION.search(text):
        return "check-worthy"
    return "not factual" if not_factual(text) else "check-worthy"


def rule_all(anchored: list[Candidate]) -> list[Selection]:
    return [Selection(sentence_ref=c.sentence.ref, label=rule_label(c), source="rules") for c in anchored]


# ---- the trained classifier ----------------------------------------------------------------

def classify_all(anchored: list[Candidate], classifier: checkworthy.Classifier | None = None) -> list[Selection]:
    """A label for every sentence from the trained classifier, with its probability; no model call."""
    classifier = classifier or checkworthy.shipped()
    scores = classifier.probabilities([c.sentence.text for c in anchored])
    selections = []
    for candidate, score in zip(anchored, scores, strict=True):
        text = candidate.sentence.text
        if needs_model(candidate) and score >= classifier.threshold:
            label = "check-worthy"
        else:
            label = "not factual" if not_factual(text) else "unimportant"
        selections.append(Selection(sentence_ref=candidate.sentence.ref, label=label, source="classifier",
                                    score=round(float(score), 4)))
    return selections


def has_rule_facts(candidate: Candidate) -> bool:
    """A statement in which the rules found a number or a person named with a title: the facts the
    checks compare, kept whatever the label (a question states none)."""
    return bool(candidate.quantities or any(p.role for p in candidate.people)) and not QUESTION.search(
        candidate.sentence.text)


# ---- the stage -----------------------------------------------------------------------------

def judge_all(anchored: list[Candidate], client: LLMClient, workers: int = 1,
              on_done: Callable[[Selection], None] | None = None) -> list[Selection]:
    """A label for every sentence, in order; one call per distinct sentence, `workers` at a time (on
    the extraction's daemon threads, so an interrupt abandons the requests in flight)."""
    asked = [c for c in anchored if not c.sentence.duplicate_of and needs_model(c)]

    def run(candidate: Candidate) -> Selection:
        return judge_one(candidate, client)

    done = {s.sentence_ref: s for s in in_parallel(run, asked, workers, on_done)}
    results = []
    for candidate in anchored:
        ref, first = candidate.sentence.ref, done.get(candidate.sentence.duplicate_of or candidate.sentence.ref)
        if first is not None:
            results.append(first if first.sentence_ref == ref else Selection(
                sentence_ref=ref, label=first.label, source=first.source, error=first.error))
        elif needs_model(candidate):  # a repeat of a sentence that was not asked: ask for it
            results.extend(in_parallel(run, [candidate], 1, on_done))
        else:
            results.append(Selection(sentence_ref=ref, label="not factual", source="rules"))
    return results


def chosen(anchored: list[Candidate], selections: list[Selection], keep_facts: bool = False) -> list[Candidate]:
    """The check-worthy sentences, with the reason they were chosen added to their anchors; with
    `keep_facts`, also the other statements with rule facts (reason `FACTS_REASON`), so that no
    number or title the rules found is lost to a label."""
    picked = []
    for candidate, selection in zip(anchored, selections, strict=True):
        if selection.label != "check-worthy":
            if keep_facts and has_rule_facts(candidate):
                picked.append(candidate.model_copy(update={"reasons": candidate.reasons + [FACTS_REASON]}))
            continue
        reason = {"model": MODEL_REASON, "classifier": CLASSIFIER_REASON.format(score=selection.score or 0.0)
                  }.get(selection.source)
        reason = reason or (None if candidate.reasons else STATEMENT_REASON)
        picked.append(candidate.model_copy(update={"reasons": candidate.reasons + [reason]}) if reason else candidate)
    return picked
