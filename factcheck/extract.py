"""Turn check-worthy sentences into typed claims with one focused LLM call per sentence.

Rules already found the numbers, dates and titled people (candidates.py). The model is asked
only what needs language understanding: the main statement (who did what), and for each
number what it counts and who it is about. The answer schema is built per sentence:
- every number gets its own required entry, keyed by the number as written, so none is
  skipped and no value can be pasted onto another claim;
- dates are a `Literal` of the expressions found in the sentence, so an ungrounded date
  cannot even be produced (llama.cpp compiles the schema into a grammar);
- free-text fields are checked against the sentence by validators; a failure is re-asked
  with the error and, when re-asks run out, recorded as "not extracted";
- each claim carries a `claim_text` that reads alone (full names for pronouns and surnames, from
  the "Names" line: the people the article named up to this sentence). A claim text with words
  from nowhere, or without its number, is dropped, not re-asked: the rules' text stands in.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Callable
from functools import lru_cache
from typing import Literal, Optional

from instructor import ResponseSchema
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, create_model, model_validator

from .canonical import needs_names
from .lexicon.en import STOP_WORDS
from .llm.client import VALIDATION_CONTEXT, LLMClient
from .models import Article, Candidate, Claim, Extraction, LLMUsage, NumberValue, PersonMention, Span
from .parallel import in_parallel
from .prompts import Prompt
from .prompts import load as load_prompt
from .sentences import normalize

PROMPT = ("extract_claims", 3)
# Bump when the validators change: cached answers (and cached failures) are keyed on it.
VALIDATORS_VERSION = "10"
CLAIM_TEXT_CHARS = 200
CLAIM_TEXT_SHARE = 0.6  # of its content words a claim text must share with the sentence, context and names


def prompt() -> Prompt:
    return load_prompt(*PROMPT)


# ---- the answer schema, built per sentence -------------------------------------------------

class Grounded(ResponseSchema):
    """Base of every answer: free-text fields must use words of the sentence or its context.

    A `ResponseSchema` already, so instructor uses the class as it is instead of deriving a
    wrapper class (and its schema) again on every call.
    """

    model_config = ConfigDict(populate_by_name=True, extra="forbid")

    @classmethod
    def model_json_schema(cls, *args, **kwargs) -> dict:
        """The schema without titles (in `tools` mode it is shown to the model and costs prompt tokens).

        Computed once per answer class (the client and instructor both ask for it on every call),
        and for answer classes once per shape (see `shape_schema`).
        """
        if args or kwargs:
            schema = super().model_json_schema(*args, **kwargs)
            return {**_drop_titles(schema), "title": schema["title"]}
        if "_schema" not in cls.__dict__:
            if "_shape" in cls.__dict__:  # an answer_model class: its shape's schema, relabelled
                cls._schema = _relabel(shape_schema(*cls._shape), cls._labels)
            else:
                schema = super().model_json_schema()
                cls._schema = {**_drop_titles(schema), "title": schema["title"]}
        return copy.deepcopy(cls._schema)

    @model_validator(mode="after")
    def _grounded(self, info: ValidationInfo):
        """Subjects must be the source's words (re-asked otherwise); what a number counts is cut to
        them (`keep_grounded`); an object with fewer than half its content words in the sentence
        is dropped: it carries no checked fact."""
        sources = info.context or VALIDATION_CONTEXT.get() or {}
        if "sentence" not in sources:
            return self
        for name, entry in self:
            name = type(self).model_fields[name].alias or name
            if isinstance(entry, BaseModel):
                check_grounded(entry.subject, sources["subject"], f"{name}.subject", share=1.0)
                if getattr(entry, "counts", None):
                    fallback = sources.get("written", {}).get(name)
                    entry.counts = keep_grounded(entry.counts, sources["counts"], f"{name}.counts", fallback)
                if getattr(entry, "object", None):
                    entry.object = entry.object if grounded_share(entry.object, sources["sentence"]) >= 0.5 else None
                if getattr(entry, "claim_text", None) and "claim_text" in sources:
                    grounded = grounded_share(entry.claim_text, sources["claim_text"]) >= CLAIM_TEXT_SHARE
                    entry.claim_text = entry.claim_text if grounded else ""
        return self


def _drop_titles(node):
    if isinstance(node, dict):
        return {k: _drop_titles(v) for k, v in node.items() if not (k == "title" and isinstance(v, str))}
    if isinstance(node, list):
        return [_drop_titles(v) for v in node]
    return node


def check_grounded(value: str | None, source: str, where: str, share: float) -> None:
    """Raise unless at least `share` of the content words of `value` occur in `source`.

    A subject must be all copied: it says who did what, and a wrong one cannot be repaired, so
    it is re-asked. Predicates are not checked: "is located in" for a place name is a fair
    paraphrase, and no fact hangs on the verb.
    """
    if value and grounded_share(value, source) < share:
        raise _ungrounded(value, source, where)


def grounded_share(value: str, source: str) -> float:
    words = content_words(value)
    return sum(_word_in(w, source) for w in words) / len(words) if words else 1.0


def keep_grounded(value: str, source: str, where: str, fallback: str | None = None) -> str:
    """`value` without the words the source does not have ("soldiers involved" -> "soldiers").

    What a number counts decides its kind (killed, wounded, troops), so no added word may stay.
    When nothing of the source is left, the words written after the number stand in ("18
    months" counts "months", not "time period"); with none either, the answer is re-asked.
    The result is a fixed point (the fallback is cut the same way), so an answer validated again
    from the cache keeps the value it was served with.
    """
    kept = _grounded_part(value, source)
    if kept:
        return _with_written_noun(kept, _grounded_part(fallback, source) if fallback else "")
    if fallback:
        return _grounded_part(fallback, source) or fallback
    raise _ungrounded(value, source, where)


def _with_written_noun(kept: str, written: str) -> str:
    """What a number counts starts with the noun written after it: a model that answers
    "deployed" for "4,000 troops deployed" gets "troops deployed". Applied twice, the same."""
    words = re.findall(r"\S+", written)
    have = set(content_words(kept))
    if not words or not content_words(words[0]) or set(content_words(words[0])) <= have:
        return kept
    missing = [w for w in words if not set(content_words(w)) <= have]
    return " ".join(missing + [kept])


def _grounded_part(value: str, source: str) -> str:
    """The tokens of `value` whose words the source has, without function words at either end."""
    tokens = re.findall(r"\S+", value)
    kept = [t for t in tokens if not content_words(t) or all(_word_in(w, source) for w in content_words(t))]
    while kept and not content_words(kept[-1]):
        kept.pop()
    while kept and not content_words(kept[0]):
        kept.pop(0)
    return " ".join(kept)


def _ungrounded(value: str, source: str, where: str) -> ValueError:
    missing = [w for w in content_words(value) if not _word_in(w, source)]
    return ValueError(f"{where} uses words not in the sentence: {', '.join(missing[:5])}; copy words from the sentence")


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", normalize(text)) if w not in STOP_WORDS]


def _word_in(word: str, source: str) -> bool:
    if word in source:
        return True
    stem = word[: max(4, len(word) - 3)]
    return re.search(rf"\b{re.escape(stem)}", source) is not None


def number_labels(candidate: Candidate) -> list[str]:
    """One unique key per number: the number as written plus the word after it."""
    labels: list[str] = []
    for q in candidate.quantities:
        label = f"{q.text} {q.noun}" if q.noun and q.noun.isalpha() else q.text
        while label in labels:
            label += "*"
        labels.append(label)
    return labels


def answer_model(candidate: Candidate) -> type[Grounded]:
    dates = tuple(dict.fromkeys(d.text for d in candidate.dates))
    labels = number_labels(candidate)
    model = _answer_class(dates, labels)
    model._shape, model._labels = (dates, len(labels)), labels
    return model


def _answer_class(dates: tuple[str, ...], labels: list[str]) -> type[Grounded]:
    statement, number = entry_models(dates)
    fields = {f"n{i}": (number, Field(alias=label)) for i, label in enumerate(labels)}
    return create_model(
        "SentenceClaims", __base__=Grounded, __doc__="Claims of one sentence.", statement=(statement, ...), **fields
    )


@lru_cache(maxsize=256)
def shape_schema(dates: tuple[str, ...], numbers: int) -> dict:
    """The JSON schema of every answer class with these dates and this many numbers, with
    placeholder keys ("#0", "#1"): pydantic builds it once per shape, not once per sentence."""
    return _answer_class(dates, [f"#{i}" for i in range(numbers)]).model_json_schema()


def _relabel(schema: dict, labels: list[str]) -> dict:
    names = {f"#{i}": label for i, label in enumerate(labels)}
    return {**schema, "properties": {names.get(k, k): v for k, v in schema["properties"].items()},
            "required": [names.get(k, k) for k in schema["required"]]}


def _every_key_required(schema: dict) -> None:
    schema["required"] = list(schema.get("properties", {}))


# Every key is asked for, null where nothing applies, though a missing one still validates as
# null: a structured-output grammar writes the required keys first and lets the model skip the
# optional ones, and the model then skipped them all (no claim had a date).
ASK_EVERY_KEY = ConfigDict(extra="forbid", json_schema_extra=_every_key_required)


@lru_cache(maxsize=256)
def entry_models(dates: tuple[str, ...]) -> tuple[type[BaseModel], type[BaseModel]]:
    """The statement and number entry models for a sentence with these date expressions."""
    date_field = {"date": (Optional[Literal[dates]], Field(None))} if dates else {}  # noqa: UP007
    short = Field(max_length=80)
    claim_text = (str, Field(max_length=CLAIM_TEXT_CHARS))
    statement = create_model(
        "Statement",
        __config__=ASK_EVERY_KEY,
        subject=(str, short),
        predicate=(str, short),
        object=(Optional[str], Field(None, max_length=200)),  # noqa: UP007
        **date_field,
        claim_text=claim_text,
    )
    number = create_model(
        "NumberClaim",
        __config__=ASK_EVERY_KEY,
        counts=(str, short),
        subject=(str, short),
        predicate=(str, short),
        **date_field,
        claim_text=claim_text,
    )
    return statement, number


# ---- the request ---------------------------------------------------------------------------

LANGUAGES = {"fr": "French"}
PRONOUN = re.compile(r"\b(?:he|she|they|his|her|their|him|them|those|these)\b", re.IGNORECASE)


def refers_back(sentence: str) -> bool:
    return PRONOUN.search(sentence) is not None


def messages_for(candidate: Candidate, article: Article, system: str, names: list[str] = ()) -> list[dict]:
    """System text first and byte-identical for every sentence (the server reuses its KV cache).

    The previous sentence is given only when this one refers back with a pronoun: otherwise the
    subject must come from the sentence, and a context sentence only tempts the model to take
    its subject from there (it gave "troops discovered rocket launchers" to the president named
    in the previous sentence). The title likewise: given with every sentence, the model made it
    the subject of each ("Russian jets" for "At least eight died including two children."), the
    subject check refused it through every re-ask, and the sentence's counts were lost. `names`
    (full names the article gave up to here) are listed only when the sentence refers back or
    gives one of them in part, for the claim text.
    """
    lines = []
    back = refers_back(candidate.sentence.text)
    if back and (article.title or article.date):
        lines.append(f"Article: {article.title or ''}{f' ({article.date})' if article.date else ''}".strip())
    if candidate.context and back:
        lines.append(f"Context: {candidate.context}")
    if needs_names(candidate.sentence.text, list(names)):
        lines.append("Names: " + "; ".join(names))
    lines.append(f"Sentence: {candidate.sentence.text}")
    if candidate.sentence.language != "en":  # the model translated French subjects into English, refused every time
        lines.append(f"Language: {LANGUAGES.get(candidate.sentence.language, candidate.sentence.language)}; "
                     "copy the subject and what each number counts in that language, as the sentence writes them")
    labels = number_labels(candidate)
    lines.append("Numbers: " + (", ".join(f'"{label}"' for label in labels) if labels else "none"))
    lines.append("Dates: " + (", ".join(f'"{d.text}"' for d in candidate.dates) if candidate.dates else "none"))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(lines)}]


def validation_sources(candidate: Candidate, article: Article, names: list[str] = ()) -> dict:
    """What each field may copy from: the sentence; for the subject and what a number counts,
    also the previous sentence (and the title, for the subject) when the sentence refers back
    with a pronoun ("He added that ...", "A million of those"), and only then, so a statement
    is never put in the mouth of someone the sentence does not name; and the full names the request
    gave for a pronoun or a partial name ("Names:"), which the prompt asks the model to use. `written`: per number, the
    words after it, which stand in when none of the model's words for what it counts are left.
    """
    sentence = candidate.sentence.text
    back = refers_back(sentence)
    subject = [article.title, candidate.context, sentence] if back else [sentence]
    subject += list(names)  # the full names the request gave for a pronoun or a partial name
    counts = [candidate.context, sentence] if back else [sentence]
    written = {}
    for label, q in zip(number_labels(candidate), candidate.quantities):
        words = noun_phrase(sentence[q.end - candidate.sentence.start:])
        if content_words(words):
            written[label] = words
    claim_text = [article.title, candidate.context, *names, sentence]
    return {"sentence": normalize(sentence), "subject": normalize(" ".join(filter(None, subject))),
            "counts": normalize(" ".join(filter(None, counts))), "written": written,
            "claim_text": normalize(" ".join(filter(None, claim_text)))}


# ---- from answer to claims -----------------------------------------------------------------

def claims_from_answer(answer: BaseModel, candidate: Candidate) -> list[Claim]:
    claims = [_claim(candidate, "statement", answer.statement, number=None)]
    for i, quantity in enumerate(candidate.quantities):
        entry = getattr(answer, f"n{i}")
        value = NumberValue(
            text=quantity.text, value=quantity.value, low=quantity.low, high=quantity.high, hedge=quantity.hedge,
            unit=entry.counts, span=Span(start=quantity.start, end=quantity.end),
        )
        claim = _claim(candidate, f"n{i}", entry, number=value)
        if claim.claim_text and normalize(quantity.number_text) not in normalize(claim.claim_text):
            claim = claim.model_copy(update={"claim_text": None})  # a claim text must give its number
        claims.append(claim)
    return claims


def _claim(candidate: Candidate, key: str, entry: BaseModel, number: NumberValue | None) -> Claim:
    sentence = candidate.sentence
    subject, role = attach_role(entry.subject, candidate.people)
    date = getattr(entry, "date", None)
    date_span = next((Span(start=d.start, end=d.end) for d in candidate.dates if d.text == date), None)
    return Claim(
        id=claim_id(sentence.article_id, sentence.start, key),
        article_id=sentence.article_id,
        sentence_index=sentence.index,
        line=sentence.line,
        subject=subject,
        role=role,
        predicate=entry.predicate,
        object=getattr(entry, "object", None) if number is None else entry.counts,
        number=number,
        date=date,
        date_span=date_span,
        quote=sentence.text,
        span=Span(start=sentence.start, end=sentence.end),
        claim_text=getattr(entry, "claim_text", None) or None,
    )


def ground_subjects(extraction: Extraction, article: Article) -> Extraction:
    """Every subject in the article's own words: a name the request gave in full ("Ibrahim Boubacar
    Keita" for the article's "President Ibrahim Boubacar") is cut to the words the article has up
    to the claim's sentence; a subject with none of them is marked, never passed off as the text's.
    Who a subject is stays in the claim's `entity`, resolved later. The article up to the sentence
    is read only for a subject its own sentence does not hold, once per sentence."""
    claims, before = [], None
    for claim in extraction.claims:
        if grounded_share(claim.subject, normalize(claim.quote)) < 1.0:
            before = before or normalize(article.text[:claim.span.end])
            if grounded_share(claim.subject, before) < 1.0:
                kept = _grounded_part(claim.subject, before)
                claim = claim.model_copy(update={"subject": kept or f"{UNGROUNDED} {claim.subject}"})
        claims.append(claim)
    return extraction.model_copy(update={"claims": claims})


UNGROUNDED = "[not in the article]"


def attach_role(subject: str, people: list[PersonMention]) -> tuple[str, str | None]:
    """The person's name and the title the sentence gives them, when the subject is that person."""
    folded = normalize(subject)
    for person in people:
        surname = normalize(person.name).split()[-1]
        if re.search(rf"\b{re.escape(surname)}\b", folded):
            return person.name, person.role
    return subject, None


def claim_id(article_id: str, start: int, key: str) -> str:
    return hashlib.sha256(f"{article_id}|{start}|{key}".encode()).hexdigest()[:12]


def copy_claims(claims: list[Claim], sentence, source_ref: str) -> list[Claim]:
    """Claims of a verbatim repeat, moved to the repeat's place and marked as copies."""
    copied = []
    for claim in claims:
        shift = sentence.start - claim.span.start
        number = claim.number.model_copy(update={"span": _shift(claim.number.span, shift)}) if claim.number else None
        key = claim.id
        copied.append(claim.model_copy(update={
            "id": claim_id(sentence.article_id, sentence.start, key),
            "article_id": sentence.article_id, "sentence_index": sentence.index, "line": sentence.line,
            "span": Span(start=sentence.start, end=sentence.end), "number": number,
            "date_span": _shift(claim.date_span, shift) if claim.date_span else None,
            "copied_from": source_ref,
        }))
    return copied


def _shift(span: Span, by: int) -> Span:
    return Span(start=span.start + by, end=span.end + by)


# ---- without a model ---------------------------------------------------------------------

def rule_claims(candidate: Candidate) -> Extraction:
    """Claims from the rule-found anchors alone (`--extractor rules`): fast, no model, less understood.

    Each number becomes a claim whose unit is the words after it up to punctuation; each titled
    person becomes a claim of their title, whose claim text is the mention ("French Prime Minister
    Francois Hollande"). Subjects and predicates are left for a reviewer.
    """
    sentence = candidate.sentence
    claims = []
    for i, q in enumerate(candidate.quantities):
        after = sentence.text[q.end - sentence.start:]
        unit = noun_phrase(after) or None
        number = NumberValue(text=q.text, value=q.value, low=q.low, high=q.high, hedge=q.hedge, unit=unit,
                             span=Span(start=q.start, end=q.end))
        claims.append(_rule_claim(candidate, f"n{i}", subject=unit or q.text, predicate="count", number=number))
    for i, person in enumerate(p for p in candidate.people if p.role):
        claim = _rule_claim(candidate, f"p{i}", subject=person.name, predicate="is named with a title", number=None)
        claims.append(claim.model_copy(update={"role": person.role, "claim_text": person.text}))
    if sentence.duplicate_of:
        claims = [c.model_copy(update={"copied_from": sentence.duplicate_of}) for c in claims]
    return Extraction(sentence_ref=sentence.ref, claims=claims)


PHRASE_END = re.compile(
    r"[,.;:()\u201c\u201d\"]|\s(?:and|or|including|in|on|at|who|which|that|were|was|have|has|had|are|is|been|by|"
    r"from|to|after|as|during|with|when|while|since|for)\b", re.IGNORECASE)


def noun_phrase(after: str) -> str:
    """The words right after a number, up to punctuation or a function word: what it counts."""
    return " ".join(PHRASE_END.split(" " + after, maxsplit=1)[0].split()[:3])


def _rule_claim(candidate: Candidate, key: str, subject: str, predicate: str, number: NumberValue | None) -> Claim:
    s = candidate.sentence
    return Claim(id=claim_id(s.article_id, s.start, key), article_id=s.article_id, sentence_index=s.index,
                 line=s.line, subject=subject, predicate=predicate, number=number, quote=s.text,
                 span=Span(start=s.start, end=s.end))


# ---- the stage -----------------------------------------------------------------------------

def extract_one(candidate: Candidate, article: Article, client: LLMClient, names: list[str] = ()) -> Extraction:
    system = prompt()
    model = answer_model(candidate)
    names = list(names) if needs_names(candidate.sentence.text, list(names)) else []
    answer = client.ask(
        system, model, messages_for(candidate, article, system.text, names),
        context=validation_sources(candidate, article, names),
        max_tokens=200 + 130 * len(candidate.quantities),
        salt=VALIDATORS_VERSION,
    )
    ref = candidate.sentence.ref
    if answer.value is None:
        return with_rule_facts(Extraction(sentence_ref=ref, error=answer.error, usage=answer.usage), candidate)
    return with_rule_facts(Extraction(sentence_ref=ref, claims=claims_from_answer(answer.value, candidate),
                                      usage=answer.usage), candidate)


def with_rule_facts(extraction: Extraction, candidate: Candidate) -> Extraction:
    """The model's claims and every rule fact they lack, so the model adds to the rules and never
    takes away: a number with no claim of its own (all of them when the answer failed; the sentence
    stays listed as not extracted) and a titled person whose title no claim carries."""
    have_numbers = {c.number.span.start for c in extraction.claims if c.number}
    have_titles = {(normalize(c.subject), c.role) for c in extraction.claims if c.role}
    missing = [c for c in rule_claims(candidate).claims
               if (c.number and c.number.span.start not in have_numbers)
               or (c.role and (normalize(c.subject), c.role) not in have_titles)]
    return extraction.model_copy(update={"claims": extraction.claims + missing}) if missing else extraction


def extract_all(candidates: list[Candidate], articles: dict[str, Article], client: LLMClient,
                workers: int = 1, on_done: Callable[[Extraction], None] | None = None,
                names: dict[str, list[str]] | None = None) -> list[Extraction]:
    """Extract every candidate; verbatim repeats reuse the first occurrence's answer. `names`: per
    sentence ref, the full names its article gave up to it (`canonical.names_before`)."""
    originals = [c for c in candidates if not c.sentence.duplicate_of]
    names = names or {}

    def run(candidate: Candidate) -> Extraction:
        article = articles[candidate.sentence.article_id]
        return ground_subjects(extract_one(candidate, article, client, names.get(candidate.sentence.ref, [])), article)

    done = {e.sentence_ref: e for e in in_parallel(run, originals, workers, on_done)}
    results = []
    for candidate in candidates:
        source = candidate.sentence.duplicate_of
        if source is None:
            results.append(done[candidate.sentence.ref])
            continue
        first = done.get(source)
        if first is None:  # the repeat differs in case or quotes and only it was check-worthy: ask for it
            results.extend(in_parallel(run, [candidate], 1, on_done))
            continue
        results.append(Extraction(
            sentence_ref=candidate.sentence.ref, error=first.error, usage=LLMUsage(),
            claims=copy_claims(first.claims, candidate.sentence, source),
        ))
    return results
