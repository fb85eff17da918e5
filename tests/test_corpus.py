"""`factcheck add`: a corpus that grows, checked increment by increment.

Adding the seeds in two steps must leave the corpus with the flags one step (and one `run`) gives;
a rerun adds nothing and asks the model nothing; a changed article is read again and its flags
replaced; the neighbours of an increment are the stored articles that can share a flag with it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from factcheck import corpus, pipeline
from factcheck.cli import main
from factcheck.settings import Settings
from factcheck.store import Store
from stub import StubEndpoint

SEED_FILES = ["000_f20fe307f4a01c7d.txt", "001_90729137ea9a1b76.txt", "002_fdf487f7ad7eef5c.txt"]


def folder(tmp_path: Path, seeds: Path, name: str, files: list[str]) -> Path:
    path = tmp_path / name
    path.mkdir()
    for file in files:
        shutil.copy(seeds / file, path / file)
    return path


def stored_flags(database) -> list[dict]:
    store = Store(database)
    try:
        return [json.loads(body) for body in store.corpus_flags()]
    finally:
        store.close()


def rules(database) -> Settings:
    return Settings(extractor="rules", db_path=database, progress="off")


@pytest.fixture(params=["sqlite", "postgresql"])
def databases(request, tmp_path):
    """A maker of empty databases of one back end: SQLite files, or PostgreSQL databases."""
    if request.param == "sqlite":
        names = iter(range(100))
        return lambda: tmp_path / f"c{next(names)}.sqlite"
    return request.getfixturevalue("new_postgres_database")


def test_two_steps_give_the_flags_of_one_step_and_of_a_run(tmp_path, seeds, databases):
    one, two = databases(), databases()
    everything = corpus.add(folder(tmp_path, seeds, "all", SEED_FILES), rules(one))
    first = corpus.add(folder(tmp_path, seeds, "first", SEED_FILES[:2]), rules(two))
    second = corpus.add(folder(tmp_path, seeds, "second", SEED_FILES[2:]), rules(two))
    run = pipeline.run(folder(tmp_path, seeds, "run", SEED_FILES), rules(tmp_path / "run.sqlite"))

    assert (everything.new, first.new, second.new) == (3, 2, 1)
    assert second.neighbours == 2  # both stored articles share names with the third
    flags = stored_flags(one)
    assert flags == stored_flags(two)
    assert sorted(f["id"] for f in flags) == sorted(f.id for f in run.flags)
    assert {f["kind"] for f in flags} >= {"title", "duplicate", "name"}
    # each step's report holds the flags its new articles take part in, and only those
    assert {f.id for f in second.report.flags} == {
        f["id"] for f in flags if any(l["article_id"] == SEED_FILES[2] for l in f["locations"])}
    assert {a.id for a in second.report.articles} >= {SEED_FILES[2]}
    assert all(any(l.article_id in SEED_FILES[:2] for l in f.locations) for f in first.report.flags)


def test_a_rerun_adds_nothing_and_asks_the_model_nothing(tmp_path, seeds):
    database = tmp_path / "c.sqlite"
    with StubEndpoint() as stub:
        settings = Settings(base_url=stub.url, model="m", db_path=database, progress="off")
        first = corpus.add(folder(tmp_path, seeds, "a", SEED_FILES), settings)
        asked = len(stub.requests)
        again = corpus.add(folder(tmp_path, seeds, "b", SEED_FILES), settings)  # the same files elsewhere
        assert len(stub.requests) == asked
    assert first.new == 3 and asked > 0
    assert again.report is None and (again.new, again.seen, again.corpus) == (0, 3, 3)


def test_model_claims_two_steps_equal_one_step(tmp_path, seeds):
    with StubEndpoint() as stub:
        def settings(name):
            return Settings(base_url=stub.url, model="m", db_path=tmp_path / name, progress="off")

        corpus.add(folder(tmp_path, seeds, "all", SEED_FILES), settings("one.sqlite"))
        corpus.add(folder(tmp_path, seeds, "first", SEED_FILES[:1]), settings("two.sqlite"))
        corpus.add(folder(tmp_path, seeds, "second", SEED_FILES[1:]), settings("two.sqlite"))
    flags = stored_flags(tmp_path / "one.sqlite")
    assert flags and flags == stored_flags(tmp_path / "two.sqlite")


def test_a_changed_article_is_read_again_and_its_flags_replaced(tmp_path, seeds):
    database = tmp_path / "c.sqlite"
    source = folder(tmp_path, seeds, "a", SEED_FILES)
    corpus.add(source, rules(database))
    assert any(f["kind"] == "title" for f in stored_flags(database))
    first = source / SEED_FILES[0]
    first.write_text(first.read_text(encoding="utf-8").replace("French Prime Minister", "French President"),
                     encoding="utf-8")
    again = corpus.add(source, rules(database))
    assert (again.new, again.seen) == (1, 2)
    assert not any(f["kind"] == "title" for f in stored_flags(database))  # the corrected title: no flag left


def dated(path: Path, name: str, day: str, text: str) -> None:
    path.mkdir(exist_ok=True)
    (path / name).write_text(f"---\ndate: {day}\n---\n{text}\n", encoding="utf-8")


def test_neighbours_are_the_articles_in_the_window_or_sharing_a_name(tmp_path):
    database = tmp_path / "c.sqlite"
    old = tmp_path / "old"
    dated(old, "a.md", "2015-03-01", "At least 12 people were killed in Zarqa on Monday, officials said.")
    dated(old, "b.md", "2015-06-01", "Heavy rain fell over the coast of Brittany, forecasters said.")
    dated(old, "c.md", "2014-01-01", "The mayor of Zarqa opened a new bridge over the river.")
    corpus.add(old, rules(database))
    new = tmp_path / "new"
    dated(new, "d.md", "2015-03-03", "At least 30 people were killed in the attack in the city on Monday.")
    added = corpus.add(new, rules(database))
    assert added.neighbours == 1  # a: within the window; b: another month, no name shared
    assert [f.kind for f in added.report.flags] == ["quantity"]
    later = tmp_path / "later"
    dated(later, "e.md", "2016-01-01", "Officials in Zarqa said the bridge would close for repairs.")
    assert corpus.add(later, rules(database)).neighbours == 2  # a and c share the name Zarqa


def test_a_common_name_brings_no_neighbour_by_itself(tmp_path, monkeypatch):
    monkeypatch.setattr(corpus, "KEY_CAP", 2)
    database = tmp_path / "c.sqlite"
    old = tmp_path / "old"
    for n in range(3):
        dated(old, f"{n}.md", f"201{n}-01-01", f"Officials in Zarqa said the road number {n} would reopen.")
    corpus.add(old, rules(database))
    new = tmp_path / "new"
    dated(new, "x.md", "2019-01-01", "Officials in Zarqa said the market would reopen.")
    assert corpus.add(new, rules(database)).neighbours == 0  # 'zarqa' is held by 3 > 2 articles


def test_the_add_command_writes_the_report_and_says_when_nothing_is_new(tmp_path, seeds, capsys):
    database = tmp_path / "c.sqlite"
    source = folder(tmp_path, seeds, "a", SEED_FILES)
    assert main(["add", str(source), "--extractor", "rules", "--db", str(database), "--quiet"]) == 0
    assert "HIGH title: Francois Hollande is called French Prime Minister" in capsys.readouterr().out
    assert main(["add", str(source), "--extractor", "rules", "--db", str(database)]) == 0
    captured = capsys.readouterr()
    assert "nothing new" in captured.out and "0 new articles, 3 already stored" in captured.err


def test_several_endpoints_need_the_ray_engine(tmp_path, seeds, capsys):
    code = main(["run", str(seeds), "--base-url", "http://127.0.0.1:9/v1", "--base-url", "http://127.0.0.1:8/v1",
                 "--db", str(tmp_path / "c.sqlite")])
    assert code == 1 and "--engine ray" in capsys.readouterr().err


def test_a_stored_work_keeps_an_open_interval(tmp_path, seeds):
    database = tmp_path / "c.sqlite"
    corpus.add(folder(tmp_path, seeds, "a", SEED_FILES), rules(database))
    store = Store(database)
    works = [corpus._loaded(body) for body in store.works(SEED_FILES).values()]
    store.close()
    highs = [c.number.high for w in works for e in w.extractions for c in e.claims if c.number]
    assert float("inf") in highs  # "more than 50 jihadists": 50 to infinity, not 50 to nothing


def test_add_refuses_an_archive_in_one_line(tmp_path, seeds, capsys):
    code = main(["add", str(seeds), "--extractor", "rules", "--db", str(tmp_path / "c.sqlite"),
                 "--archive", str(tmp_path / "a.sqlite")])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Error: add does not search an archive") and len(err.splitlines()) == 1


def test_chunks_of_one_article_give_the_flags_and_report_of_one_chunk(tmp_path, seeds):
    whole = corpus.add(folder(tmp_path, seeds, "a", SEED_FILES), rules(tmp_path / "one.sqlite"))
    chunked = corpus.add(folder(tmp_path, seeds, "b", SEED_FILES),
                         rules(tmp_path / "many.sqlite").model_copy(update={"chunk": 1}))
    assert stored_flags(tmp_path / "one.sqlite") == stored_flags(tmp_path / "many.sqlite")
    assert sorted(f.id for f in chunked.report.flags) == sorted(f.id for f in whole.report.flags)
    assert [a.id for a in chunked.report.articles] == SEED_FILES
    assert len(chunked.report.claims) == len(whole.report.claims)
