"""French articles: the language told, French numbers, dates and titles read as the English ones are."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from factcheck import pipeline, report
from factcheck.candidates import find_dates_fr, find_people_fr, find_quantities_fr
from factcheck.language import detect
from factcheck.resolve import absolute, kind_of
from factcheck.settings import Settings

FRENCH_000 = Path(__file__).parent / "data" / "fr" / "000_fr.txt"
GERMAN = ("Die Kämpfe im Norden Malis gehen weiter. Frankreich hat nach eigenen Angaben etwa viertausend Soldaten "
          "in das Land geschickt, um die Rebellen zurückzudrängen, und will sie im März wieder abziehen. Die Regierung "
          "in Bamako hat die Nachbarländer um Hilfe gebeten.")


def test_the_language_is_detected_and_a_short_text_is_read_as_english():
    assert detect(FRENCH_000.read_text(encoding="utf-8"))[0] == "fr"
    assert detect(GERMAN)[:2] == ("de", "German")
    # names sway a short text ("Olaf Scholz", "Frank-Walter Steinmeier"): too short to tell, read as English
    assert detect("German Chancellor Olaf Scholz met President Frank-Walter Steinmeier in Berlin.")[0] == "en"


@pytest.mark.parametrize("text, value, low, high, hedge", [
    ("les 4 000 soldats", 4000, 4000, 4000, "exact"),
    ("1,5 million de personnes", 1_500_000, 1_500_000, 1_500_000, "exact"),
    ("quelque 2 000 soldats", 2000, 1800, 2200, "about"),
    ("plus de 50 djihadistes", 50, 50.000001, float("inf"), "more than"),
    ("deux mille habitants", 2000, 2000, 2000, "exact"),
    ("des centaines de morts", None, 200, 999, "vague"),
    ("au moins vingt et un civils", 21, 21, float("inf"), "at least"),
])
def test_french_numbers_are_valued_as_the_english_ones(text, value, low, high, hedge):
    [found] = find_quantities_fr(text)
    assert (found.value, found.hedge) == (value, hedge)
    assert found.low == pytest.approx(low) and found.high == pytest.approx(high)


def test_articles_ages_and_hours_are_not_counts():
    assert find_quantities_fr("une présence militaire durable") == []
    assert find_quantities_fr("un homme âgé de 25 ans") == []
    assert [q.text for q in find_quantities_fr("à 10 h 30, 12 soldats sont arrivés")] == ["12"]


def test_french_dates_mean_the_same_days():
    text = "Ils ont subi des pertes le 19 février 2013, puis mi-janvier et la semaine dernière."
    found = [d.text for d in find_dates_fr(text)]
    assert found == ["le 19 février 2013", "mi-janvier", "la semaine dernière"]
    anchor = dt.date(2013, 2, 20)
    assert absolute("le 19 février 2013", None) == (dt.date(2013, 2, 19), dt.date(2013, 2, 19))
    assert absolute("mi-janvier", anchor) == (dt.date(2013, 1, 1), dt.date(2013, 1, 31))
    assert absolute("la semaine dernière", anchor) == (dt.date(2013, 2, 11), dt.date(2013, 2, 17))


def test_french_titles_name_the_country_after_the_title_and_former_before_it():
    [pm, former] = find_people_fr("Le Premier ministre français François Hollande a parlé avec l'ancien président "
                                  "malien Amadou Toumani Touré.")
    assert (pm.name, pm.role, pm.affiliation) == ("François Hollande", "Premier ministre", "français")
    assert (former.name, former.role, former.affiliation) == ("Amadou Toumani Touré", "président", "ancien malien")


def test_french_counts_have_the_english_kinds():
    assert kind_of("soldats déployés", "quelque", "soldats déployés par la France", "fr") == "troops"
    assert kind_of(None, "", "civils ont été tués", "fr") == "killed: civilians"
    assert kind_of(None, "", "djihadistes tués", "fr") == "killed: fighters"


def test_a_french_article_gets_the_title_flag_its_english_twin_gets_and_no_flag_for_the_language(seeds, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(seeds, folder)
    shutil.copy(FRENCH_000, folder / "000_fr.txt")
    (folder / "de.txt").write_text(GERMAN, encoding="utf-8")
    result = pipeline.run(folder, Settings(extractor="rules", db_path=tmp_path / "db.sqlite", progress=False))
    titles = [f for f in result.flags if f.kind == "title"]
    assert [(f.severity, f.locations[0].article_id, f.locations[0].quote) for f in titles] == [
        ("high", "000_f20fe307f4a01c7d.txt", "French Prime Minister Francois Hollande"),
        ("high", "000_fr.txt", "Premier ministre français François Hollande"),
    ]  # "Prime Minister" and "Premier ministre" name one office: no flag for the two words
    assert "was not Prime Minister of France at any time from 2012-05-15 to 2017-05-14" in titles[1].reason
    assert "called Premier ministre français" in titles[1].reason
    assert [(s.path, s.reason.split(",")[0]) for s in result.skipped] == [("de.txt", "written in German (de)")]
    assert {a.id: a.language for a in result.articles}["000_fr.txt"] == "fr"
    troops = [q for q in result.quantities if q.article_id == "000_fr.txt" and q.kind == "troops"]
    assert [(q.text, q.low, q.high) for q in troops] == [("quelque 4 000", 3600, 4400)]
    assert "| `000_fr.txt` | fr |" in report.to_markdown(result)


def test_names_after_a_title_keep_their_case_and_counts_after_a_keep_their_number():
    [macron, keita] = find_people_fr("Le président Emmanuel Macron a reçu le président malien Ibrahim Boubacar "
                                     "Keïta, arrivé lundi.")
    assert (macron.name, macron.affiliation) == ("Emmanuel Macron", None)
    assert (keita.name, keita.affiliation) == ("Ibrahim Boubacar Keïta", "malien")
    assert [q.value for q in find_quantities_fr("Le bilan s'élève à 50 morts")] == [50]
    assert [q.value for q in find_quantities_fr("quatre-vingt-dix soldats et mille cinq cents civils")] == [90, 1500]
    assert [(q.value, q.hedge) for q in find_quantities_fr("au moins 4\u2009000 soldats")] == [(4000, "at least")]
