"""Article dates from what the text says: stated dates, the terms of the office holders it names,
weekdays given with a day of the month; relative dates placed inside the window."""

from __future__ import annotations

import datetime as dt

from factcheck.articles import load_folder
from factcheck.candidates import select
from factcheck.checks import Corpus, run_all
from factcheck.checks.titles import check_titles
from factcheck.models import Article, ArticleDate
from factcheck.pipeline import check
from factcheck.models import Report
from factcheck.reference import load_table
from factcheck.resolve import article_date, placed, window
from factcheck.sentences import mark_duplicates, split_article


def dated(text: str) -> ArticleDate:
    return article_date(Article(id="a.txt", path="a.txt", text=text), table=load_table())


def days(date: ArticleDate) -> tuple[str | None, str | None]:
    return date.earliest, date.latest


def title_flags(text: str):
    table = load_table()
    article = Article(id="a.txt", path="a.txt", text=text)
    sentences = split_article(article)
    return check_titles(Corpus([article], sentences, select(sentences), [], {article.id: article_date(article, table=table)},
                               table))


def test_a_confirmed_title_puts_the_article_in_that_term():
    date = dated("Malian President Dioncounda Traore met the envoy.")
    assert days(date) == ("2012-04-12", "2013-09-04")
    assert "in office as President of Mali 2012-04-12 to 2013-09-04 (title confirmed" in date.basis


def test_holders_named_together_narrow_the_window_and_one_that_does_not_fit_is_left_out():
    date = dated("Malian President Dioncounda Traore met Prime Minister Django Sissoko in Bamako.")
    assert days(date) == ("2012-12-11", "2013-09-04")
    # the three-way case: two current holders outvote a past one, whose title is then flagged
    text = "Malian President Bah N'Daw and Prime Minister Moctar Ouane met President Ibrahim Boubacar Keita."
    date = dated(text)
    assert days(date) == ("2020-09-27", "2021-05-24")
    assert "President Ibrahim Boubacar Keita: not used, Ibrahim Boubacar Keïta's terms" in date.basis
    [flag] = title_flags(text)
    assert flag.severity == "medium" and flag.locations[0].quote == "President Ibrahim Boubacar Keita"
    assert "at any time from 2020-09-27 to 2021-05-24" in flag.reason


def test_holders_whose_terms_exclude_each_other_leave_the_window_wide_and_flag_nothing():
    text = "President Ibrahim Boubacar Keita and Prime Minister Moctar Ouane spoke."
    assert days(dated(text)) == ("2013-09-04", "2021-05-24")
    assert title_flags(text) == []


def test_stated_years_win_over_a_term_that_does_not_fit():
    text = "In 2014, French President Nicolas Sarkozy said the plan had failed."
    date = dated(text)
    assert date.earliest == "2014-01-01" and "not used" in date.basis
    [flag] = title_flags(text)
    assert "was not President of France at any time from 2014-01-01 to 2022-05-16" in flag.reason


def test_a_wrong_title_dates_the_article_by_the_persons_other_terms_and_stays_flagged():
    text = "Malian President Dioncounda Traore met French Prime Minister Francois Hollande."
    date = dated(text)
    assert days(date) == ("2012-05-15", "2013-09-04")
    assert "the reference table has no such term for François Hollande; within their terms in any office" in date.basis
    [flag] = title_flags(text)
    assert flag.severity == "high" and "Prime Minister of France at any time from 2012-05-15 to 2013-09-04" in flag.reason


def test_a_weekday_with_a_day_of_the_month_picks_the_year():
    date = dated("Malian President Dioncounda Traore said on Tuesday, the 19th of February, that talks would go on.")
    assert days(date) == ("2013-02-19", "2013-09-04")  # 19 February was a Tuesday in 2013, not 2012
    assert '"Tuesday, the 19th of February": that day was a Tuesday in 2013' in date.basis
    date = dated("Malian President Dioncounda Traore said on Monday, the 19th of February, that talks would go on.")
    assert days(date) == ("2012-04-12", "2013-09-04") and "fits no year of the window; not used" in date.basis


def test_relative_dates_are_placed_inside_a_short_window_only():
    short = ArticleDate(article_id="a", earliest="2013-02-19", latest="2013-03-01", basis="x")
    assert placed("last Tuesday", short) == (dt.date(2013, 2, 12), dt.date(2013, 2, 26))
    assert placed("October 30", short) == (dt.date(2012, 10, 30),) * 2
    assert placed("in 2011", short) == (dt.date(2011, 1, 1), dt.date(2011, 12, 31))
    wide = ArticleDate(article_id="a", earliest="2013-09-04", latest="2020-08-18", basis="x")
    assert placed("last Tuesday", wide) is None and placed("last Tuesday", ArticleDate(article_id="a", basis="x")) is None


def test_every_seed_gets_a_window_inside_the_named_terms_and_the_title_flag_stays(seeds):
    articles, _ = load_folder(seeds)
    sentences = mark_duplicates([s for a in articles for s in split_article(a)])
    candidates = select(sentences)
    report = check(Report(source=str(seeds), model="rules", articles=articles, skipped=[], sentences=sentences,
                          candidates=candidates, claims=[], not_extracted=[]), load_table())
    windows = {d.article_id[:3]: (window(d), d.basis) for d in report.article_dates}
    assert {k: w for k, (w, _) in windows.items()} == {
        "000": (dt.date(2012, 5, 15), dt.date(2017, 5, 14)),  # Hollande's terms (the title given is wrong)
        # Keita's term, and "Earlier this month" lets the article come up to 62 days after it
        "001": (dt.date(2013, 9, 4), dt.date(2020, 10, 19)),
        # Keita's start within Issoufou's term: "ousted him" ends Keita's term before the article
        "002": (dt.date(2013, 9, 4), dt.date(2021, 4, 2)),
    }
    assert "Niger President Mahamadou Issoufou: in office as President of Niger" in windows["002"][1]
    assert 'the text tells their term ended ("ousted")' in windows["002"][1]
    assert [(f.severity, f.kind) for f in report.flags] == [
        ("high", "title"), ("medium", "duplicate"), ("medium", "name"), ("medium", "name"), ("low", "pronoun"),
        ("note", "total")]
    assert "at any time from 2012-05-15 to 2017-05-14" in report.flags[0].reason
    corpus_flags = run_all(Corpus(articles, sentences, candidates, [], {d.article_id: d for d in report.article_dates},
                                  load_table()))
    assert [f.id for f in corpus_flags] == [f.id for f in report.flags]


def test_a_holder_named_in_the_past_does_not_put_the_article_inside_their_term():
    # told as past: the article may come up to a year after the term
    date = dated("Earlier this year, thousands protested against Malian President Dioncounda Traore.")
    assert days(date) == ("2012-04-12", "2014-09-05")
    assert 'told as past ("Earlier this year")' in date.basis
    # the end of the term told in the next sentence: only its start bounds the article
    date = dated("Crowds marched against Malian President Dioncounda Traore. The army ousted him on Friday.")
    assert days(date) == ("2012-04-12", None)
    # in office now: the term bounds it on both sides, as before
    assert days(dated("Malian President Dioncounda Traore met the envoy.")) == ("2012-04-12", "2013-09-04")


def test_someone_else_resigning_does_not_end_the_holders_term():
    text = ("French President Francois Hollande met the troops in Gao. Separately, the chairman of the Malian "
            "football federation resigned.")
    assert days(dated(text)) == ("2012-05-15", "2017-05-14")
