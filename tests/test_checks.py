"""Every check family on small real sentences (from the seeds), with no LLM."""

from __future__ import annotations

from factcheck.articles import load_folder
from factcheck.candidates import select
from factcheck.checks import Corpus, run_all
from factcheck.checks.dates import check_years
from factcheck.checks.duplicates import check_duplicates
from factcheck.checks.figures import check_figures
from factcheck.checks.names import check_names
from factcheck.checks.quantities import check_quantities
from factcheck.checks.titles import check_titles
from factcheck.checks.within import check_pronouns, check_totals, check_weekdays
from factcheck.models import Article, Claim, NumberValue, Span
from factcheck.reference import load_table
from factcheck.resolve import article_date, entities, kind_of
from factcheck.sentences import mark_duplicates, split_article


def corpus_of(*texts: str, dates: tuple[str | None, ...] = (), claims: list[Claim] | None = None) -> Corpus:
    articles = [Article(id=f"{n}.txt", path=f"{n}.txt", text=t, date=(dates[n] if n < len(dates) else None))
                for n, t in enumerate(texts)]
    sentences = mark_duplicates([s for a in articles for s in split_article(a)])
    table = load_table()
    return Corpus(articles, sentences, select(sentences), claims or [],
                  {a.id: article_date(a, table=table) for a in articles}, table)


HOLLANDE = "French Prime Minister Francois Hollande has said he is sure that the operation is ending."


def test_a_title_never_held_is_flagged_with_the_reference_row():
    [flag] = check_titles(corpus_of(HOLLANDE))
    assert flag.severity == "high" and flag.locations[0].quote == "French Prime Minister Francois Hollande"
    assert flag.evidence == [
        "François Hollande: President of France, 2012-05-15 to 2017-05-14 (wikidata_P39, Q157)",
        "article date: no date given; French Prime Minister Francois Hollande: the reference table has no such term "
        "for François Hollande; within their terms in any office (President of France, 2012-05-15 to 2017-05-14)"]
    assert "was not Prime Minister of France at any time from 2012-05-15 to 2017-05-14" in flag.reason


def test_a_title_held_at_the_article_date_is_not_flagged_and_a_wrong_one_names_the_holder():
    assert check_titles(corpus_of("French President Francois Hollande spoke.", dates=("2013-02-20",))) == []
    [flag] = check_titles(corpus_of("French President Nicolas Sarkozy spoke.", dates=("2013-02-20",)))
    assert "on the article's date, 2013-02-20" in flag.reason
    assert any("François Hollande: President of France" in e for e in flag.evidence)


def test_after_the_tables_coverage_the_answer_is_unknown():
    assert check_titles(corpus_of("French President Francois Hollande spoke.", dates=("2024-03-01",))) == []


def test_partial_name_and_one_letter_variants():
    flags = check_names(corpus_of(
        "Earlier this month, President Ibrahim Boubacar Keita cut short a trip to France.",
        "Thousands protested against President Ibrahim Boubacar. The Taureg rebellion grew, and Tuareg leaders met.",
    ))
    reasons = sorted(f.reason for f in flags)
    assert reasons[0].startswith('"Ibrahim Boubacar" gives only part of the name Ibrahim Boubacar Keita')
    assert reasons[1].startswith('"Taureg" and "Tuareg" differ by one letter in the same article')
    assert len(flags) == 2  # 'Estonia'/'Estonian'-like forms of one word are not flagged


def test_a_repeated_passage_is_one_flag_naming_both_places():
    passage = ("Malian and French officials announced the joint operation on Thursday in Tessalit.\n"
               "The French news agency says about 1,500 troops are involved in the operation.\n")
    [flag] = check_duplicates(corpus_of("Intro line about Mali and France.\n" + passage + passage))
    assert "2 sentences (lines 4-5) repeat this article lines 2-3 verbatim" in flag.reason


def test_conflicting_pronouns_for_one_named_person():
    text = ("French Defense Minister Florence Parly announced strikes.\nThe announcement came after his meeting.\n"
            "She said the action marked a blow.")
    [flag] = check_pronouns(corpus_of(text))
    assert '"his" (line 2) and "She" (line 3)' in flag.reason
    assert check_pronouns(corpus_of("French Defense Minister Florence Parly announced strikes. She said so.")) == []


def test_weekday_that_does_not_match_its_date():
    [flag] = check_weekdays(corpus_of("Troops were killed on Monday, February 19, 2013 near Gao."))
    assert "2013-02-19 was a Tuesday" in flag.reason
    assert check_weekdays(corpus_of("Troops were killed on Tuesday, February 19, 2013 near Gao.")) == []


def test_parts_against_totals():
    [note] = check_totals(corpus_of("About 1,500 troops are involved, including 600 French and 600 Malian soldiers."))
    assert note.severity == "note"
    [warning] = check_totals(corpus_of("About 1,000 troops are involved, including 600 French and 600 Malian soldiers."))
    assert warning.severity == "medium" and "exceed" in warning.reason


def number_claim(article: str, start: int, text: str, value: float, unit: str, quote: str) -> Claim:
    return Claim(id=f"{article}{start}", article_id=article, sentence_index=0, line=1, subject="x", predicate="y",
                 number=NumberValue(text=text, value=value, low=value, high=value, hedge="exact", unit=unit,
                                    span=Span(start=start, end=start + len(text))),
                 quote=quote, span=Span(start=0, end=len(quote)))


def test_counts_of_one_event_that_disagree_are_flagged_only_when_dated_together():
    a, b = "Airstrikes killed 100 terrorists in Deir Ezzor.", "Airstrikes killed 70 terrorists near Mayadin."
    claims = [number_claim("0.txt", 18, "100", 100, "terrorists killed", a),
              number_claim("1.txt", 18, "70", 70, "terrorists killed", b)]
    [flag] = check_quantities(corpus_of(a, b, dates=("2017-10-10", "2017-10-10"), claims=claims))
    assert [loc.quote for loc in flag.locations] == [a, b]
    assert check_quantities(corpus_of(a, b, dates=("2017-10-10", "2017-12-01"), claims=claims)) == []
    assert check_quantities(corpus_of(a, b, claims=claims)) == []  # undated: shown side by side, not flagged


def rule_claims_of(corpus: Corpus) -> list[Claim]:
    from factcheck.extract import rule_claims

    return [c for candidate in corpus.candidates for c in rule_claims(candidate).claims]


def test_two_kinds_of_count_in_one_pair_of_sentences_are_two_flags_on_those_sentences():
    a = "The strike killed 13 civilians and wounded 40 people in Gao."
    b = "The strike killed at least 84 civilians and wounded 7 people in Gao."
    corpus = corpus_of(a, b, dates=("2013-02-20", "2013-02-20"))
    corpus.claims = rule_claims_of(corpus)
    flags = check_quantities(corpus)
    assert len({f.id for f in flags}) == len(flags) == 2
    assert all([(loc.start, loc.end, loc.quote) for loc in f.locations] == [(0, len(a), a), (0, len(b), b)]
               for f in flags)


def test_figures_about_one_named_thing_that_cannot_both_hold():
    days = ("2020-01-01", "2020-01-02")
    claim = "Based on 177 reviews, The Grey scored over 79% on Rotten Tomatoes."
    evidence = "The Grey holds a 79% rating on Rotten Tomatoes based on 177 reviews."
    corpus = corpus_of(claim, evidence, dates=days)
    corpus.claims = rule_claims_of(corpus)
    [flag] = check_figures(corpus)
    assert flag.kind == "figure" and [loc.quote for loc in flag.locations] == [claim, evidence]
    assert '"over 79" and "79" cannot both hold' in flag.reason
    agreeing = corpus_of("The Grey scored 79% on Rotten Tomatoes.", evidence, dates=days)
    agreeing.claims = rule_claims_of(agreeing)
    assert check_figures(agreeing) == []
    undated = corpus_of(claim, evidence)
    undated.claims = rule_claims_of(undated)
    assert check_figures(undated) == []


def test_figures_of_other_years_parts_and_model_numbers_are_not_compared():
    days = ("2020-01-01", "2020-01-01")
    cases = [("Mexico scored 52 goals in 2011.", "Mexico scored 60 goals in 2014."),
             ("Ohio was one of 49 states in the list of Hawaii.", "In the list of Hawaii, 49 of the 50 states were named."),
             ("The first Boeing 787-8 Dreamliner flew in Seattle.", "The Boeing 787 Dreamliner flew in Seattle.")]
    for a, b in cases:
        corpus = corpus_of(a, b, dates=days)
        corpus.claims = rule_claims_of(corpus)
        assert check_figures(corpus) == [], (a, b)


def test_background_years_that_cannot_both_hold():
    days = ("2020-01-01", "2020-01-01")
    hosted = "The city previously hosted Super Bowl XXVI, in 1992."
    season = "It came after Super Bowl XXVI at the Metrodome during the 1991 season."
    [flag] = check_years(corpus_of(hosted, season, dates=days))
    assert flag.kind == "date" and [loc.quote for loc in flag.locations] == [hosted, season]
    assert '"in 1992" in one cannot be "1991"' in flag.reason
    released = "Guilty Gear was first released in Japan on May 14, 1998 for the PlayStation."
    assert check_years(corpus_of("Guilty Gear was first released in Japan before 1998.", released, dates=days))
    assert not check_years(corpus_of("Guilty Gear was first released in Japan in 1998.", released, dates=days))


def test_a_fact_given_with_k_dates_yields_fewer_than_k_year_flags():
    texts = [f"The city previously hosted Super Bowl XXVI, in {1980 + n}." for n in range(10)]
    flags = check_years(corpus_of(*texts, dates=("2020-01-01",) * 10))
    assert 1 <= len(flags) <= 9


def test_dates_of_the_news_itself_are_not_compared_by_year():
    a = "Rebels attacked Aleppo on 24 September 2016, the monitor said."
    b = "Rebels attacked Aleppo on 6 September 2016, the monitor said."
    assert check_years(corpus_of(a, b, dates=("2016-09-25", "2016-09-25"))) == []
    assert check_years(corpus_of(a, b, dates=("2020-01-01", "2020-01-01")))  # years later: background


def test_article_date_metadata_or_inferred_window():
    assert article_date(Article(id="a", path="a", text="x", date="2013-02-20")).day == "2013-02-20"
    inferred = article_date(Article(id="a", path="a", text="Deployed in 2013, after the 2012 revolt, 4,2015 km."))
    assert inferred.earliest == "2013-01-01" and inferred.day is None


def test_kinds_of_counts():
    assert [kind_of(u) for u in ("rebel militants killed", "troops deployed from France", "people displaced",
                                 "terrorists captured", "motorcycles")] == [
        "killed: fighters", "troops", "displaced", "captured", "vehicles"]


def test_seed_flags_and_people(seeds):
    articles, _ = load_folder(seeds)
    sentences = mark_duplicates([s for a in articles for s in split_article(a)])
    candidates = select(sentences)
    corpus = Corpus(articles, sentences, candidates, [], {a.id: article_date(a) for a in articles}, load_table())
    kinds = [(f.severity, f.kind) for f in run_all(corpus)]
    assert kinds == [("high", "title"), ("medium", "duplicate"), ("medium", "name"), ("medium", "name"),
                     ("low", "pronoun"), ("note", "total")]
    keita = next(e for e in entities(candidates, load_table()) if e.name == "Ibrahim Boubacar Keita")
    assert keita.variants == ["Ibrahim Boubacar", "Ibrahim Boubacar Keita", "Keita"]


def test_flag_ids_are_stable(seeds):
    def ids():
        articles, _ = load_folder(seeds)
        sentences = mark_duplicates([s for a in articles for s in split_article(a)])
        return [f.id for f in run_all(Corpus(articles, sentences, select(sentences), [],
                                             {a.id: article_date(a) for a in articles}, load_table()))]
    assert ids() == ids() and len(set(ids())) == 6



def test_parts_of_a_group_and_other_months_are_not_lead_figures():
    a = "A bomb killed 31 people in Qamishli. 50 of the dead were children."
    b_text = "A suicide blast killed 60 members of the security force in April. The twin bombing killed {} people."

    def run(toll: str):
        b = b_text.format(toll)
        a1, b1 = a.index(" 50") + 1, b.index(" The") + 1  # where the second sentences start
        claims = [number_claim("0.txt", a.index("31"), "31", 31, "people killed", a[:a1 - 1]),
                  number_claim("0.txt", a1, "50", 50, "people killed", a[a1:]),
                  number_claim("1.txt", b.index("60"), "60", 60, "people killed", b[:b1 - 1]),
                  number_claim("1.txt", b.rindex(toll), toll, float(toll), "people killed", b[b1:])]
        for claim, start in zip(claims, (0, a1, 0, b1)):
            claim.span = Span(start=start, end=start + len(claim.quote))
        for claim in claims[1::2]:  # the second sentence of each article
            claim.sentence_index = 1
        return check_quantities(corpus_of(a, b, dates=("2016-07-27", "2016-07-27"), claims=claims))

    assert run("31") == []  # '50 of the dead' and the April blast are not lead figures
    [flag] = run("44")
    assert flag.severity == "high" and '"31" and "44" cannot both hold' in flag.reason


def test_relative_and_partial_dates_are_placed_on_the_article_date():
    import datetime as dt

    from factcheck.resolve import absolute

    friday = dt.date(2020, 11, 6)
    assert absolute("last Tuesday", friday) == (dt.date(2020, 11, 3),) * 2
    assert absolute("on Thursday", friday) == (dt.date(2020, 11, 5),) * 2
    assert absolute("October 30", friday) == (dt.date(2020, 10, 30),) * 2
    assert absolute("the 19th of February", dt.date(2013, 3, 1)) == (dt.date(2013, 2, 19),) * 2
    assert absolute("last month", friday) == (dt.date(2020, 10, 1), dt.date(2020, 10, 31))
    assert absolute("earlier this week", friday) == (dt.date(2020, 11, 2), friday)
    assert absolute("in 2013", None) == (dt.date(2013, 1, 1), dt.date(2013, 12, 31))
    assert absolute("last Tuesday", None) is None and absolute("in recent weeks", friday) is None


def statement(article: str, subject: str, predicate: str, date: str, quote: str) -> Claim:
    start = quote.index(date)
    return Claim(id=f"{article}{date}", article_id=article, sentence_index=0, line=1, subject=subject,
                 predicate=predicate, date=date, date_span=Span(start=start, end=start + len(date)),
                 quote=quote, span=Span(start=0, end=len(quote)))


def test_the_same_happening_on_days_that_cannot_both_be_right():
    from factcheck.checks.dates import check_dates

    a = "Malian and French officials announced the joint operation on Thursday."
    b = "Malian and French officials announced the operation on Monday."
    claims = [statement("0.txt", "Malian and French officials", "announced the joint operation", "on Thursday", a),
              statement("1.txt", "Malian and French officials", "announced the operation", "on Monday", b)]
    [flag] = check_dates(corpus_of(a, b, dates=("2013-11-08", "2013-11-08"), claims=claims))
    assert "(2013-11-07)" in flag.reason and "(2013-11-04)" in flag.reason
    assert check_dates(corpus_of(a, b, claims=claims)) == []  # undated articles: weekdays cannot be placed
    b_later = b.replace("Monday", "Thursday")
    claims[1] = statement("1.txt", "Malian and French officials", "announced the operation", "on Thursday", b_later)
    assert check_dates(corpus_of(a, b_later, dates=("2013-11-08", "2013-11-09"), claims=claims)) == []  # both 7 Nov


def test_a_title_and_name_wrapped_over_two_lines_are_still_checked():
    text = ("As al-Qaeda linked rebels continue to be pushed further to the border, French Prime Minister\n"
            "Francois Hollande has said he is sure that the operation is ending.")
    [flag] = check_titles(corpus_of(text))
    start = text.index("French Prime")
    assert flag.kind == "title" and flag.locations[0].start == start
    assert flag.locations[0].end == start + len("French Prime Minister\nFrancois Hollande")
    assert flag.locations[0].line == 1
