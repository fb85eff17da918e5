"""Counts that are really counts: times, dates, ages, places, days and other operations are not
casualty figures; a four-digit number before people counted is a count, not a year."""

from __future__ import annotations

from factcheck.candidates import find_dates, find_quantities, inspect, select
from factcheck.checks import Corpus
from factcheck.checks.quantities import check_quantities
from factcheck.extract import rule_claims
from factcheck.models import Article, Sentence
from factcheck.reference import load_table
from factcheck.resolve import article_date, kind_of
from factcheck.sentences import mark_duplicates, split_article


def counts(text: str) -> list[str]:
    return [q.text for q in find_quantities(text, 0, find_dates(text))]


def sentence(text: str) -> Sentence:
    return Sentence(article_id="a", index=0, start=0, end=len(text), line=1, text=text)


def test_clock_times_and_ages_are_not_counts_but_still_facts():
    assert counts("The shelling began at 10:30 and ended at 3 pm, or 1500 GMT, killing 12 people.") == ["12"]
    assert counts("A man aged 25, a 30-year-old and children aged between 5 and 12 were among 9 killed.") == ["9"]
    assert counts("The victims were 40 years old.") == []
    assert inspect(sentence("The textbooks are 10 years old.")).reasons == ["number"]


def test_places_days_weapons_and_attacks_are_not_casualty_kinds():
    assert kind_of("villages", "", "villages were shelled, killing 20 people") == "places"
    assert kind_of("days", "", "days of fighting that killed 20") == "duration"
    assert kind_of("rockets", "fired at least", "rockets at the capital killing seven civilians") == "weapons"
    assert kind_of("air strikes", "killed in nearly", "air strikes on the town") == "attacks"
    # a count of people: by its noun, or by its verb when it has no noun
    assert kind_of("people", "", "people were killed in the shelling") == "killed: civilians"
    assert kind_of("were killed", "", "were killed in the shelling") == "killed"


def test_a_four_digit_number_before_people_counted_is_a_count_not_a_year():
    text = "2001 soldiers were killed in 2001, the year of the 2001 elections."
    assert [d.text for d in find_dates(text)] == ["in 2001", "2001"]
    [count] = find_quantities(text, 0, find_dates(text))
    assert (count.text, count.value, count.noun) == ("2001", 2001.0, "soldiers")
    assert article_date(Article(id="a", path="a", text="About 1500 troops and 2001 soldiers were sent.")).earliest \
        is None  # no year named


def corpus_of(*texts: str, day: str = "2016-07-27") -> Corpus:
    articles = [Article(id=f"{n}.txt", path=f"{n}.txt", text=t, date=day) for n, t in enumerate(texts)]
    sentences = mark_duplicates([s for a in articles for s in split_article(a)])
    candidates = select(sentences)
    claims = [c for candidate in candidates for c in rule_claims(candidate).claims]
    table = load_table()
    return Corpus(articles, sentences, candidates, claims, {a.id: article_date(a, table=table) for a in articles}, table)


def test_counts_of_another_operation_are_not_the_articles_figure():
    b = "An air strike killed 20 civilians in Idlib."
    assert check_quantities(corpus_of("An air strike hit Idlib. In a separate raid near Hama, 45 civilians were killed.",
                                      b)) == []
    assert check_quantities(corpus_of("An air strike hit Idlib. Another operation targeted Hama on Monday. "
                                      "There, 45 civilians were killed.", b)) == []  # the next sentence too
    # without the other operation, 45 is the article's figure for the event, and disagrees
    [flag] = check_quantities(corpus_of("An air strike hit Idlib. Later, 45 civilians were killed.", b))
    assert '"45" and "20" cannot both hold' in flag.reason
    # a new paragraph is no longer about the other operation
    [flag] = check_quantities(corpus_of("In a separate raid near Hama, gunmen opened fire.\n\n"
                                        "An air strike killed 45 civilians in Idlib.", b))
    assert '"45" and "20" cannot both hold' in flag.reason


def test_people_at_a_protest_a_vote_or_a_poll_are_not_a_casualty_kind():
    assert kind_of("people", "had caused", "people to mass protests against President Keita") == "gathered"
    assert kind_of("protesters", "police dispersed", "protesters in the capital") == "gathered"
    assert kind_of("voters", "", "voters turned out on Sunday") == "gathered"
    # something done to them still makes them casualties
    assert kind_of("people", "security forces killed", "people at the protest") == "killed: civilians"
    assert kind_of("protesters", "security forces killed", "protesters in the capital").startswith("killed")
    assert kind_of("people", "", "people were injured at the rally") == "wounded: civilians"
    assert kind_of("people", "", "people live in the town") == "civilians"


def test_on_a_crowded_day_counts_meet_only_through_a_name_few_articles_give():
    towns = [f"Town{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(40)]  # 40 stories of one day
    stories = [f"At least {10 + n} people were killed in {town}, Syria, on Monday, officials said."
               for n, town in enumerate(towns)]
    stories[0] = stories[0].replace("officials said", "said Governor Rami Haddad")
    stories[1] = stories[1].replace("officials said", "said Governor Rami Haddad")  # another town: one name
    repeat = "The attack in Townaa, Syria, killed at least 90 people on Monday, said Governor Rami Haddad."
    flags = check_quantities(corpus_of(*stories, repeat))
    pairs = {tuple(sorted(l.article_id for l in f.locations)) for f in flags}
    assert pairs == {("0.txt", "40.txt")}  # the two reports of Townaa; 'Syria' names every story
    # one story's articles, however few names they share, are still compared
    few = check_quantities(corpus_of(stories[1], "At least 40 people were killed in the attack on Monday."))
    assert len(few) == 1
