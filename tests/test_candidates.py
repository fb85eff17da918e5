import math

import pytest

from factcheck.candidates import find_dates, find_people, find_quantities, inspect
from factcheck.models import Sentence
from factcheck.quantities import interval, parse_number


def sentence(text: str) -> Sentence:
    return Sentence(article_id="a", index=0, start=100, end=100 + len(text), line=1, text=text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("4,000", 4000), ("four", 4), ("twenty-one", 21), ("4.2 million", 4_200_000),
        ("a million", 1_000_000), ("three hundred", 300), ("1,500", 1500), ("forty thousand", 40_000),
    ],
)
def test_parse_number(text, expected):
    assert parse_number(text) == expected


def test_hedges_become_intervals():
    assert interval("1,500", "about") == (1500, pytest.approx(1350), pytest.approx(1650))
    value, low, high = interval("50", "more than")
    assert value == 50 and low > 50 and math.isinf(high)
    assert interval("hundreds", "vague") == (None, 200, 999)
    assert interval("10-12", "range") == (None, 10, 12)


def test_quantities_in_a_seed_sentence_with_their_hedges_and_nouns():
    text = "The French news agency says about 1,500 troops are involved in the operation, including 600 French and 600 Malian soldiers."
    found = find_quantities(text, 100)
    assert [(q.text, q.hedge, q.noun) for q in found] == [
        ("about 1,500", "about", "troops"), ("600", "exact", "French"), ("600", "exact", "Malian"),
    ]
    assert text[found[0].start - 100:found[0].end - 100] == "about 1,500"


def test_days_of_dates_and_ordinals_are_not_quantities():
    text = "It began on October 30 and on the 19th of February, for the second time, in 2013, during COVID-19."
    dates = find_dates(text)
    assert [d.text for d in dates] == ["October 30", "the 19th of February", "in 2013"]
    assert find_quantities(text, 0, dates) == []


def test_relative_dates_and_weekdays():
    text = "Troops found rockets last Tuesday; earlier this week officials met, and in recent weeks unrest grew last month."
    assert [d.text for d in find_dates(text)] == ["last Tuesday", "earlier this week", "in recent weeks", "last month"]


def test_may_as_a_verb_is_not_a_date():
    assert find_dates("Officials may meet again.") == []


@pytest.mark.parametrize(
    "text, name, role, affiliation",
    [
        ("French Prime Minister Francois Hollande has said", "Francois Hollande", "Prime Minister", "French"),
        ("Earlier this month, President Ibrahim Boubacar Keita cut short a trip", "Ibrahim Boubacar Keita", "President", None),
        ("met with Niger President Mahamadou Issoufou and", "Mahamadou Issoufou", "President", "Niger"),
        ("Mr. Keita's government", "Keita", None, None),
    ],
)
def test_people_with_titles(text, name, role, affiliation):
    [person] = find_people(text)
    assert (person.name, person.role, person.affiliation) == (name, role, affiliation)
    assert text[person.start:person.end] == person.text


def test_check_worthiness_reasons():
    hollande = inspect(sentence("As rebels retreat, French Prime Minister Francois Hollande has said he is sure."))
    assert hollande.reasons == ["title", "attribution"]
    assert inspect(sentence("Mali has seen an increase in unrest in recent weeks.")).reasons == ["date"]
    assert inspect(sentence("The jihadists saw the drone and scurried into a treeline.")).reasons == []


def test_context_is_the_previous_sentence_of_the_same_article():
    first = sentence("Parly met the minister.")
    second = sentence("She said 30 motorcycles were destroyed.").model_copy(update={"index": 1})
    other = second.model_copy(update={"article_id": "b"})
    assert inspect(second, first).context == "Parly met the minister."
    assert inspect(other, first).context is None


def test_a_person_named_by_a_relation_is_found_without_a_title():
    text = "The minister met Niger President Mahamadou Issoufou and her Nigerien counterpart Issoufou Katambe."
    people = find_people(text)
    assert [(p.name, p.role) for p in people] == [("Mahamadou Issoufou", "President"), ("Issoufou Katambe", None)]
    assert people[1].text == "Nigerien counterpart Issoufou Katambe"
