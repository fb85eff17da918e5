"""Reference tables as data: any declared country and role is judged, anything else is unknown,
and a malformed table is a one-line error naming its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from factcheck.candidates import select
from factcheck.checks import Corpus
from factcheck.checks.titles import check_titles
from factcheck.cli import main
from factcheck.errors import FactcheckError, ReferenceTableError
from factcheck.models import Article
from factcheck.reference import load_table
from factcheck.resolve import article_date
from factcheck.sentences import mark_duplicates, split_article

DATA = Path(__file__).resolve().parent / "data"
GERMANY = DATA / "germany.csv"


def title_flags(*texts: str, date: str | None = "2015-06-01", tables: tuple[Path, ...] = (GERMANY,)):
    table = load_table(tables)
    articles = [Article(id=f"{n}.txt", path=f"{n}.txt", text=t, date=date) for n, t in enumerate(texts)]
    sentences = mark_duplicates([s for a in articles for s in split_article(a)])
    candidates = select(sentences, tuple(table.role_words()))
    dates = {a.id: article_date(a) for a in articles}
    return check_titles(Corpus(articles, sentences, candidates, [], dates, table))


def test_a_user_table_for_another_country_judges_its_own_roles():
    assert title_flags("German Chancellor Angela Merkel met ministers in Berlin.") == []
    assert title_flags("Federal President Joachim Gauck opened the session.") == []
    assert title_flags("Chancellor Merkel and President Gauck spoke.") == []  # surnames alone
    [flag] = title_flags("German Chancellor Olaf Scholz met ministers in Berlin.")
    assert flag.severity == "high" and flag.locations[0].quote == "German Chancellor Olaf Scholz"
    assert "was not Chancellor of Germany on the article's date, 2015-06-01" in flag.reason
    assert "Chancellor of Germany then: Angela Merkel: Chancellor of Germany, 2005-11-22 to 2021-12-08 (test table)" \
        in flag.evidence
    [flag] = title_flags("German President Frank-Walter Steinmeier visited Paris.")
    assert "was not President of Germany" in flag.reason


def test_a_title_of_another_declared_country_is_judged_against_that_country():
    [flag] = title_flags("German Chancellor Francois Hollande spoke.")  # in the shipped table, for France
    assert "was not Chancellor of Germany" in flag.reason and "President of France" in flag.reason
    [flag] = title_flags("President Angela Merkel spoke.")  # no country named: her own country's President
    assert "was not President of Germany" in flag.reason and "the reference table has no term of theirs as President of Germany" in flag.reason


def test_roles_and_countries_no_table_declares_are_unknown():
    assert title_flags("German Chancellor Angela Merkel spoke.", tables=()) == []  # no German table
    assert title_flags("Chancellor Francois Hollande spoke.") == []  # no French chancellor is declared
    assert title_flags("Chadian President Angela Merkel spoke.") == []  # Chad is in no table
    assert title_flags("Deputy Chancellor Angela Merkel spoke.") == []  # another office
    assert title_flags("German Chancellor Angela Merkel spoke.", date="2026-03-01") == []  # after coverage


def test_former_holders_and_titles_between_articles():
    assert title_flags("Former Chancellor Angela Merkel spoke.", date="2023-01-10") == []
    [flag] = title_flags("Former Chancellor Joachim Gauck spoke.", date="2023-01-10")
    assert "was not Chancellor of Germany at any time up to 2023-01-10" in flag.reason
    flags = title_flags("Chancellor Angela Merkel spoke.", "President Angela Merkel spoke.", date=None)
    assert [(f.severity, f.kind) for f in flags] == [("high", "title"), ("medium", "title")]
    assert flags[1].reason == "Angela Merkel is called Chancellor in one article and President in another."


def test_the_united_states_president_once_misjudged(tmp_path):
    (tmp_path / "us.csv").write_text("country,position,person,start_date,end_date\n"
                                     "United States,President of the United States,Barack Obama,2009-01-20,2017-01-20\n"
                                     "United States,President of the United States,Donald Trump,2017-01-20,2021-01-20\n")
    (tmp_path / "us.toml").write_text('[countries."United States"]\nwords = ["United States", "U.S.", "American"]\n'
                                      '[positions."President of the United States"]\ncountry = "United States"\n'
                                      'roles = ["President"]\n')
    tables = (tmp_path / "us.csv",)
    assert title_flags("U.S. President Barack Obama spoke.", tables=tables) == []
    assert title_flags("President Barack Obama spoke.", tables=tables) == []
    [flag] = title_flags("American President Donald Trump spoke.", tables=tables)
    assert "was not President of the United States on the article's date, 2015-06-01" in flag.reason


def test_a_role_name_only_a_table_knows_is_found_in_the_text(tmp_path):
    (tmp_path / "ie.csv").write_text("country,position,person,start_date,end_date\n"
                                     "Ireland,Taoiseach,Enda Kenny,2011-03-09,2017-06-14\n"
                                     "Ireland,Taoiseach,Leo Varadkar,2017-06-14,2020-06-27\n")
    (tmp_path / "ie.toml").write_text('[countries.Ireland]\nwords = ["Ireland", "Irish"]\n'
                                      '[positions.Taoiseach]\ncountry = "Ireland"\nroles = ["Taoiseach"]\n')
    tables = (tmp_path / "ie.csv",)
    assert title_flags("Irish Taoiseach Enda Kenny spoke.", tables=tables) == []
    [flag] = title_flags("Taoiseach Leo Varadkar spoke.", tables=tables)
    assert flag.locations[0].quote == "Taoiseach Leo Varadkar" and "was not Taoiseach" in flag.reason


def write_table(tmp_path: Path, rows: str, words: str | None = None) -> Path:
    path = tmp_path / "t.csv"
    path.write_text("country,position,person,start_date,end_date\n" + rows, encoding="utf-8")
    if words is not None:
        (tmp_path / "t.toml").write_text(words, encoding="utf-8")
    return path


GERMAN_WORDS = GERMANY.with_suffix(".toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("rows, words, message", [
    ("Germany,Chancellor of Germany,Angela Merkel,2005-13-01,2021-12-08\n", GERMAN_WORDS,
     "line 2: start_date '2005-13-01' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)"),
    ("Germany,Chancellor of Germany,,2005-11-22,\n", GERMAN_WORDS, "line 2: person is empty"),
    ("Germany,Chancellor of Germany,Angela Merkel,2021-12-08,2005-11-22\n", GERMAN_WORDS,
     "line 2: end_date 2005-11-22 is before start_date 2021-12-08"),
    ("Germany,Chancellor of Germany,Angela Merkel,2005-11-22\n", GERMAN_WORDS, "line 2: 4 fields where the header has 5"),
    ("Germany,Chancellor of Germany,Angela Merkel,2005-11-22,,x\n", GERMAN_WORDS, "line 2: 6 fields where the header has 5"),
    ("Atlantis,King of Atlantis,Angela Merkel,2005-11-22,2021-12-08\n", None,
     "line 2: country 'Atlantis' is not one the country data knows; declare its words in t.toml: "
     "[countries.\"Atlantis\"] words = [\"Atlantis\", ...] (README: Reference tables)"),
    ("Germany,Chancellor of the Federal Republic of Germany and Minister of Everything Else,Angela Merkel,2005,\n", None,
     "line 2: the role of position 'Chancellor of the Federal Republic of Germany and Minister of Everything Else' "
     "cannot be read from its label; declare it in t.toml: [positions.\"Chancellor of the Federal Republic of Germany "
     "and Minister of Everything Else\"] country = \"Germany\", roles = [...] (README: Reference tables)"),
    ("Austria,Chancellor of Germany,Angela Merkel,2005-11-22,2021-12-08\n", GERMAN_WORDS,
     "line 2: position 'Chancellor of Germany' is declared in Germany, not Austria"),
])
def test_a_malformed_row_is_one_line_naming_file_and_line(tmp_path, rows, words, message):
    path = write_table(tmp_path, "France,President of France,François Hollande,2012-05-15,2017-05-14\n" + rows, words)
    with pytest.raises(ReferenceTableError) as caught:
        load_table((path,))
    assert str(caught.value) == f"reference table {path}, {message.replace('line 2', 'line 3')}"
    assert "\n" not in str(caught.value) and isinstance(caught.value, FactcheckError)


def test_broken_files_are_one_line_errors(tmp_path):
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(ReferenceTableError, match=rf"^reference table {binary} is a binary file, not text$"):
        load_table((binary,))
    latin = tmp_path / "l.csv"
    latin.write_bytes("country,position,person,start_date,end_date\nFrance,President of France,Fran\xe7ois,2012,\n"
                      .encode("latin-1"))
    with pytest.raises(ReferenceTableError, match=r"is not UTF-8 text \(byte 75\)$"):
        load_table((latin,))
    no_columns = write_table(tmp_path, "")
    no_columns.write_text("name,from,to\nX,2010,2012\n")
    with pytest.raises(ReferenceTableError, match=r"lacks columns: country, position, person, start_date, end_date$"):
        load_table((no_columns,))
    bad_words = write_table(tmp_path, "", "[positions.X]\ncountry = \n")
    with pytest.raises(ReferenceTableError, match=rf"^words file {bad_words.with_suffix('.toml')}: not valid TOML"):
        load_table((bad_words,))
    typo = write_table(tmp_path, "", '[positions.X]\ncountry = "Y"\nrole = ["X"]\n')
    with pytest.raises(ReferenceTableError, match=r"words file .*t\.toml: positions\.X\.roles: Field required$"):
        load_table((typo,))


def test_a_malformed_table_on_the_command_line_is_one_line(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("German Chancellor Angela Merkel spoke in 2015.")
    path = write_table(tmp_path, "Germany,Chancellor of Germany,Angela Merkel,22/11/2005,\n", GERMAN_WORDS)
    assert main(["run", str(tmp_path / "a.txt"), "--extractor", "rules", "--reference", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err == (f"Error: reference table {path}, line 2: start_date '22/11/2005' is not a date "
                   f"(YYYY-MM-DD, YYYY-MM or YYYY)\n")


def test_a_user_table_on_the_command_line_flags_and_clears(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("---\ndate: 2019-04-02\n---\nGerman Chancellor Olaf Scholz met President "
                                 "Frank-Walter Steinmeier in Berlin.\n")
    assert main(["run", str(folder), "--extractor", "rules", "--reference", str(GERMANY), "--quiet",
                 "--format", "json"]) == 0
    import json

    flags = json.loads(capsys.readouterr().out)["flags"]
    assert [(f["kind"], f["locations"][0]["quote"]) for f in flags] == [("title", "German Chancellor Olaf Scholz")]


def test_the_country_named_right_before_a_title_counts_and_one_further_away_does_not():
    assert title_flags("Burkina Faso President Roch Marc Christian Kabore spoke.", date="2016-06-01", tables=()) == []
    [flag] = title_flags("Mali's President Mahamadou Issoufou spoke.", date="2016-06-01", tables=())
    assert "was not President of Mali" in flag.reason
    # "Mali," ends a phrase: the title is read in Issoufou's own country, Niger
    assert title_flags("After talks in Mali, President Mahamadou Issoufou spoke.", date="2016-06-01", tables=()) == []


def test_a_declared_until_ends_the_coverage(tmp_path):
    path = tmp_path / "de.csv"
    path.write_text(GERMANY.read_text(encoding="utf-8"), encoding="utf-8")
    path.with_suffix(".toml").write_text(GERMAN_WORDS.replace('words = ["Germany", "German", "Federal Republic of Germany"]',
                                                              'words = ["Germany", "German"]\nuntil = 2016-12-31'))
    assert load_table((path,)).coverage_end("Germany").isoformat() == "2016-12-31"
    assert title_flags("German Chancellor Olaf Scholz spoke.", date="2019-04-02", tables=(path,)) == []  # unknown
    assert len(title_flags("German Chancellor Olaf Scholz spoke.", date="2016-04-02", tables=(path,))) == 1


def test_a_table_without_a_words_file_is_read_its_countries_and_roles_inferred(tmp_path):
    path = tmp_path / "world.csv"
    path.write_text("country,position,person,start_date,end_date\n"
                    "United Kingdom,Prime Minister of the United Kingdom,Theresa May,2016-07-13,2019-07-24\n"
                    "United Kingdom,Prime Minister of the United Kingdom,Boris Johnson,2019-07-24,2022-09-06\n"
                    "Canada,Prime Minister of Canada,Justin Trudeau,2015-11-04,2025-03-14\n"
                    "Germany,Chancellor of Germany,Angela Merkel,2005-11-22,2021-12-08\n"
                    "Germany,Chancellor of Germany,Olaf Scholz,2021-12-08,2025-05-06\n"
                    "Mali,Premier ministre du Mali,Moctar Ouane,2020-09-27,2021-05-24\n", encoding="utf-8")
    table = load_table((path,))
    assert table.positions["Prime Minister of the United Kingdom"].roles == ["Prime Minister"]
    assert table.positions["Premier ministre du Mali"].roles == ["Premier ministre"]
    assert {"British", "UK", "Great Britain"} <= set(table.countries["United Kingdom"].words)
    tables = (path,)
    assert title_flags("British Prime Minister Theresa May spoke.", date="2018-03-01", tables=tables) == []
    [flag] = title_flags("British Prime Minister Boris Johnson spoke.", date="2018-03-01", tables=tables)
    assert "was not Prime Minister of the United Kingdom on the article's date, 2018-03-01" in flag.reason
    [flag] = title_flags("German Chancellor Olaf Scholz spoke.", date="2019-04-02", tables=tables)
    assert "was not Chancellor of Germany" in flag.reason
    assert title_flags("Canadian Prime Minister Justin Trudeau spoke.", date="2019-04-02", tables=tables) == []
    # the shipped countries keep their declared words; an inferred position in one of them adds its role
    assert "President" in table.positions["President of Mali"].roles and "Malian" in table.countries["Mali"].words


def test_a_role_is_read_up_to_the_last_link_before_the_country():
    from factcheck.countries import country_words, role_of

    assert role_of("Minister of Defence of Mali", country_words("Mali")) == "Minister of Defence"
    assert role_of("Secretary of State of the United States", country_words("United States")) == "Secretary of State"
