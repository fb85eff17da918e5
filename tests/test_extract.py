"""The extraction stage with a fake client: schema shape, grounding validators, claim assembly."""

import pytest
from pydantic import ValidationError

from factcheck.candidates import inspect
from factcheck.extract import answer_model, claims_from_answer, extract_all, messages_for, validation_sources
from factcheck.llm.client import Answer
from factcheck.models import Article, LLMUsage, Sentence
from factcheck.sentences import mark_duplicates, split_article

HOLLANDE = ("As al-Qaeda linked rebels continue to be pushed further to the border, French Prime Minister "
            "Francois Hollande has said he is sure that \u201cWe are now in the last phase of the operation in Mali\u201d.")
TROOPS = ("Paired with local military, the 4,000 troops deployed from France have since pursued the goal, "
          "and suffered casualties for the second time on the 19th of February.")


def candidate(text, start=0):
    return inspect(Sentence(article_id="a.txt", index=0, start=start, end=start + len(text), line=3, text=text))


def test_schema_has_one_required_entry_per_number_and_dates_as_choices():
    schema = answer_model(candidate(TROOPS)).model_json_schema()
    assert schema["required"] == ["statement", "4,000 troops"]
    number = schema["$defs"]["NumberClaim"]["properties"]
    choice = number["date"]["anyOf"][0]
    assert choice.get("enum", [choice.get("const")]) == ["the 19th of February"]


def test_every_key_is_asked_for_but_a_missing_date_or_object_reads_as_null():
    """A structured-output grammar may skip optional keys: the schema asks for all of them."""
    model = answer_model(candidate(TROOPS))
    defs = model.model_json_schema()["$defs"]
    assert defs["Statement"]["required"] == ["subject", "predicate", "object", "date", "claim_text"]
    assert defs["NumberClaim"]["required"] == ["counts", "subject", "predicate", "date", "claim_text"]
    answer = model.model_validate(
        {"statement": {"subject": "troops", "predicate": "pursued the goal", "claim_text": "The troops pursued the goal."},
         "4,000 troops": {"counts": "troops", "subject": "troops", "predicate": "deployed",
                          "date": "the 19th of February", "claim_text": "4,000 troops were deployed."}},
        context=validation_sources(candidate(TROOPS), Article(id="a.txt", path="a.txt", text=TROOPS)))
    statement, number = claims_from_answer(answer, candidate(TROOPS))
    assert statement.date is None and statement.object is None
    assert number.date == "the 19th of February"


def test_a_date_not_in_the_sentence_cannot_validate():
    model = answer_model(candidate(TROOPS))
    answer = {"statement": {"subject": "troops", "predicate": "pursued the goal", "claim_text": "x", "date": "March 3"},
              "4,000 troops": {"counts": "troops", "subject": "France", "predicate": "deployed", "claim_text": "x"}}
    with pytest.raises(ValidationError, match="the 19th of February"):
        model.model_validate(answer)


def test_words_absent_from_the_sentence_are_rejected_or_replaced_by_the_written_ones():
    c = candidate(TROOPS)
    context = validation_sources(c, Article(id="a.txt", path="a", text=TROOPS))
    answer = {"statement": {"subject": "soldiers", "predicate": "pursued the goal", "claim_text": "x"},
              "4,000 troops": {"counts": "soldiers", "subject": "France", "predicate": "deployed", "claim_text": "x"}}
    with pytest.raises(ValidationError, match="statement.subject uses words not in the sentence: soldiers"):
        answer_model(c).model_validate(answer, context=context)
    answer["statement"]["subject"] = "troops"
    assert answer_model(c).model_validate(answer, context=context).n0.counts == "troops deployed"
    answer["4,000 troops"]["counts"] = "troops deployed from France"
    assert answer_model(c).model_validate(answer, context=context).n0.counts == "troops deployed from France"


def test_added_words_are_cut_from_counts_and_an_invented_object_is_dropped():
    c = candidate(TROOPS)
    context = validation_sources(c, Article(id="a.txt", path="a", text=TROOPS))
    answer = answer_model(c).model_validate(
        {"statement": {"subject": "troops", "predicate": "pursued", "claim_text": "x", "object": "peace talks in Geneva"},
         "4,000 troops": {"counts": "troops involved, deployed", "subject": "troops", "predicate": "deployed", "claim_text": "x"}},
        context=context)
    assert answer.statement.object is None
    assert answer.n0.counts == "troops deployed"
    kept = answer_model(c).model_validate(
        {"statement": {"subject": "troops", "predicate": "pursued", "claim_text": "x", "object": "the goal of peace"},
         "4,000 troops": {"counts": "troops", "subject": "troops", "predicate": "deployed", "claim_text": "x"}}, context=context)
    assert kept.statement.object == "the goal of peace"


def test_the_subject_comes_from_the_context_only_when_the_sentence_refers_back():
    from factcheck.models import Sentence as S

    context = "As rebels are pushed back, French Prime Minister Francois Hollande said the end is near."
    article = Article(id="a.txt", path="a", text=context)
    answer = {"statement": {"subject": "Francois Hollande", "predicate": "discovered rocket launchers", "claim_text": "x"}}

    def sources(text):
        return validation_sources(inspect(S(article_id="a.txt", index=1, start=0, end=len(text), line=1, text=text),
                                          S(article_id="a.txt", index=0, start=0, end=len(context), line=1,
                                            text=context)), article)

    no_pronoun = "Troops discovered rocket launchers in Bourem last Tuesday."
    with pytest.raises(ValidationError, match="statement.subject uses words not in the sentence: francois, hollande"):
        answer_model(candidate(no_pronoun)).model_validate(answer, context=sources(no_pronoun))
    pronoun = "He added that troops discovered rocket launchers in Bourem."
    assert answer_model(candidate(pronoun)).model_validate(answer, context=sources(pronoun))


def test_claims_carry_role_number_span_and_exact_quote():
    c = candidate(HOLLANDE, start=500)
    answer = answer_model(c).model_validate(
        {"statement": {"subject": "French Prime Minister Francois Hollande", "predicate": "has said he is sure", "claim_text": "x",
                       "object": "We are now in the last phase of the operation in Mali"}}
    )
    [claim] = claims_from_answer(answer, c)
    assert (claim.subject, claim.role) == ("Francois Hollande", "Prime Minister")
    assert claim.quote == HOLLANDE and (claim.span.start, claim.span.end) == (500, 500 + len(HOLLANDE))

    t = candidate(TROOPS, start=40)
    answer = answer_model(t).model_validate(
        {"statement": {"subject": "troops", "predicate": "pursued the goal", "claim_text": "x"},
         "4,000 troops": {"counts": "troops deployed from France", "subject": "France", "predicate": "deployed", "claim_text": "x",
                          "date": None}}
    )
    number_claim = claims_from_answer(answer, t)[1]
    assert number_claim.number.value == 4000 and number_claim.number.unit == "troops deployed from France"
    assert TROOPS[number_claim.number.span.start - 40:number_claim.number.span.end - 40] == "4,000"


def test_messages_keep_the_system_text_first_and_the_sentence_last():
    c = candidate(TROOPS)
    system, user = messages_for(c, Article(id="a.txt", path="a", text=TROOPS), "SYSTEM")
    assert system == {"role": "system", "content": "SYSTEM"}
    assert user["content"].splitlines() == [
        f"Sentence: {TROOPS}", 'Numbers: "4,000 troops"', 'Dates: "the 19th of February"',
    ]


def test_counts_fall_back_to_the_written_words_or_come_from_the_context_when_referring_back():
    elections = "The interim government has agreed to hold elections in 18 months."
    c = candidate(elections)
    answer = answer_model(c).model_validate(
        {"statement": {"subject": "interim government", "predicate": "agreed", "claim_text": "x"},
         "18 months": {"counts": "time period", "subject": "elections", "predicate": "held", "claim_text": "x"}},
        context=validation_sources(c, Article(id="a.txt", path="a", text=elections)))
    assert answer.n0.counts == "months"

    previous = Sentence(article_id="a.txt", index=0, start=0, end=60, line=1,
                        text="In the Sahel region, more than 4.2 million people have been displaced.")
    text = "A million of those, just in the past year."
    back = inspect(Sentence(article_id="a.txt", index=1, start=61, end=61 + len(text), line=1, text=text), previous)
    answer = {"statement": {"subject": "A million", "predicate": "displaced", "claim_text": "x"},
              "A million of": {"counts": "people displaced", "subject": "people", "predicate": "displaced", "claim_text": "x"}}
    sources = validation_sources(back, Article(id="a.txt", path="a", text=text))
    assert answer_model(back).model_validate(answer, context=sources).n0.counts == "people displaced"
    alone = inspect(Sentence(article_id="a.txt", index=1, start=61, end=61 + len(text), line=1,
                             text="A million, just in the past year."), previous)
    with pytest.raises(ValidationError, match="counts uses words not in the sentence: people, displaced"):
        answer_model(alone).model_validate(
            {"statement": answer["statement"], "A million": {**answer["A million of"], "subject": "million"}},
            context=validation_sources(alone, Article(id="a.txt", path="a", text=text)))


def test_the_previous_sentence_is_sent_only_when_the_sentence_refers_back():
    previous = Sentence(article_id="a.txt", index=0, start=0, end=30, line=1, text="President Keita spoke on Friday.")
    article = Article(id="a.txt", path="a", text="")

    def user_lines(text):
        c = inspect(Sentence(article_id="a.txt", index=1, start=31, end=31 + len(text), line=1, text=text), previous)
        return messages_for(c, article, "SYSTEM")[1]["content"].splitlines()

    assert user_lines("Troops found 12 rockets in Bourem.")[0].startswith("Sentence: ")
    assert user_lines("He said troops found 12 rockets.")[0] == "Context: President Keita spoke on Friday."


def test_the_title_is_sent_only_when_the_sentence_refers_back():
    article = Article(id="a.md", path="a.md", text="", title="Russian jets resume airstrikes on Aleppo",
                      date="2016-10-11")

    def user_lines(text):
        c = inspect(Sentence(article_id="a.md", index=1, start=0, end=len(text), line=1, text=text))
        return messages_for(c, article, "SYSTEM")[1]["content"].splitlines()

    assert user_lines("At least eight died including two children.")[0].startswith("Sentence: ")
    assert user_lines("They killed at least eight people.")[0] == \
        "Article: Russian jets resume airstrikes on Aleppo (2016-10-11)"


class FakeClient:
    """Answers from a table; records which sentences were asked."""

    def __init__(self, fail=()):
        self.asked, self.fail = [], set(fail)

    def ask(self, prompt, response_model, messages, context, max_tokens=None, salt=""):
        sentence = messages[-1]["content"].split("Sentence: ")[1].splitlines()[0]
        self.asked.append(sentence)
        if sentence in self.fail:
            return Answer(None, "invalid after 3 attempts: statement.subject: too long", LLMUsage(calls=3))
        value = response_model.model_validate({"statement": {"subject": "someone", "predicate": "did", "claim_text": "x"}} | {
            field.alias: {"counts": "x", "subject": "y", "predicate": "z", "claim_text": "x"}
            for name, field in response_model.model_fields.items() if name.startswith("n")
        })
        return Answer(value, None, LLMUsage(calls=1, prompt_tokens=10, completion_tokens=5))


def test_repeats_reuse_the_first_answer_and_failures_are_kept():
    text = "Two soldiers died on Monday.\nParly said 30 motorcycles burned.\nTwo soldiers died on Monday."
    article = Article(id="a.txt", path="a", text=text)
    sentences = mark_duplicates(split_article(article), min_chars=10)
    candidates = [inspect(s) for s in sentences]
    client = FakeClient(fail={"Parly said 30 motorcycles burned."})
    results = extract_all(candidates, {"a.txt": article}, client)
    assert client.asked == ["Two soldiers died on Monday.", "Parly said 30 motorcycles burned."]
    assert [r.error is None for r in results] == [True, False, True]
    copy = results[2].claims[1]
    assert copy.copied_from == "a.txt#0" and copy.line == 3
    assert text[copy.number.span.start:copy.number.span.end] == "Two"
    assert len({c.id for r in results for c in r.claims}) == 5
    assert [c.number.text for c in results[1].claims] == ["30"]  # the failed sentence keeps the rules' claim


def test_a_subject_may_be_the_full_name_the_request_gave_for_a_partial_one():
    from factcheck.extract import validation_sources

    text = "Hollande said the operation was in its last phase."
    sentence = Sentence(article_id="a", index=1, start=0, end=len(text), line=1, text=text)
    article = Article(id="a", path="a", text=text)
    assert "francois" not in validation_sources(inspect(sentence), article)["subject"]
    assert "francois hollande" in validation_sources(inspect(sentence), article, ["Francois Hollande"])["subject"]


def test_a_subject_is_cut_to_the_article_s_own_words():
    from factcheck.extract import UNGROUNDED, ground_subjects
    from factcheck.models import Claim, Extraction, Span

    text = "Soldiers loyal to President Ibrahim Boubacar left. He resigned on Tuesday."
    article = Article(id="a.txt", path="a", text=text)
    start = text.index("He")

    def claim(subject: str) -> Claim:
        return Claim(id=subject, article_id="a.txt", sentence_index=1, line=1, subject=subject, predicate="resigned",
                     quote=text[start:], span=Span(start=start, end=len(text)))

    given = Extraction(sentence_ref="a.txt#1", claims=[claim("Ibrahim Boubacar Keita"), claim("He"), claim("Macky Sall")])
    subjects = [c.subject for c in ground_subjects(given, article).claims]
    assert subjects == ["Ibrahim Boubacar", "He", f"{UNGROUNDED} Macky Sall"]
