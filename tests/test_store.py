"""The store on both back ends: an SQLite file, and a PostgreSQL database (a throwaway server the
`database` fixture starts; skipped where PostgreSQL is not installed)."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factcheck.errors import InputError
from factcheck.store import MIGRATIONS, POSTGRES, SQLITE, Store

ROOT = Path(__file__).resolve().parent.parent
TABLES = ["llm_cache", "runs", "claims", "articles", "sentences", "flags", "flag_locations", "not_extracted",
          "skipped", "decisions", "corpus_articles", "corpus_keys", "corpus_flags", "corpus_flag_articles"]


def is_postgres(database) -> bool:
    return str(database).startswith("postgresql://")


def test_answers_survive_reopening_and_migrations_run_once(database):
    store = Store(database)
    store.save_answer("k1", model="m", prompt_hash="p", schema_hash="s", request={"x": 1}, response='{"a": 1}',
                      error=None, prompt_tokens=10, completion_tokens=2, seconds=0.5)
    store.save_answer("k2", model="m", prompt_hash="p", schema_hash="s", request={}, response=None,
                      error="boom", prompt_tokens=0, completion_tokens=0, seconds=0.25)
    store.save_answer("k2", model="m", prompt_hash="p", schema_hash="s", request={}, response='{"b": 2}',
                      error=None, prompt_tokens=3, completion_tokens=4, seconds=1.5)  # replaces the failure
    run = store.start_run("seeds", "m")
    store.close()

    again = Store(database)  # an interrupted run's answers are all there for the rerun
    assert again._version() == len(MIGRATIONS)
    assert tuple(again.cached("k1")) == ('{"a": 1}', None, 10, 2, 0.5)
    assert tuple(again.cached("k2")) == ('{"b": 2}', None, 3, 4, 1.5)
    assert again.cached("missing") is None
    assert again.start_run("seeds", "m") == run + 1
    started = [r.started for r in again.runs()]
    assert all(abs(time.time() - _seconds(s)) < 60 for s in started)  # to the second: no float4 rounding


def _seconds(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def test_a_run_stores_what_it_found_and_a_rerun_adds_a_run(seeds, database):
    from factcheck import pipeline
    from factcheck.settings import Settings

    settings = Settings(extractor="rules", db_path=database, progress=False)
    assert settings.database == database
    first = pipeline.run(seeds, settings)
    second = pipeline.run(seeds, settings)
    store = Store(settings.database)
    runs = store.runs()
    assert [r.id for r in runs] == [2, 1] and store.latest_run().id == 2
    assert runs[0].flags == len(second.flags) == 6 and runs[1].flags == 6
    for run_id, report in ((1, first), (2, second)):  # the earlier run is kept as it was
        assert store.flags(run_id) == report.flags
        assert store.claims(run_id) == report.claims
        stored = store.articles(run_id)
        assert [a.model_dump() for a in stored] == [a.model_dump() for a in report.articles]
        assert [a.file_text for a in stored] == [a.file_text for a in report.articles]
        assert store.article_dates(run_id) == {d.article_id: d for d in report.article_dates}
    article = first.articles[0].id
    sentences = store.sentences(1, article)
    assert [s for s, _ in sentences] == [s for s in first.sentences if s.article_id == article]
    chosen = {c.sentence.index: c.reasons for c in first.candidates if c.sentence.article_id == article}
    assert {s.index: reasons for s, reasons in sentences if reasons} == chosen
    assert store.claims(1, article) == [c for c in first.claims if c.article_id == article]
    assert store.resolved_paths(1)[article] == str((seeds / article).resolve())
    summaries = store.flag_summaries()
    assert set(summaries) == {f.id for f in second.flags}


def _claim(claim_id: str, text: str = "S did p."):
    from factcheck.models import Claim, Span

    return Claim(id=claim_id, article_id="a.txt", sentence_index=0, line=1, subject="s", predicate="p", quote="q",
                 span=Span(start=0, end=1), claim_text=text, verdict="contradicted")


def test_claim_text_and_verdict_are_columns_of_the_claims_table(database):
    store = Store(database)
    run = store.start_run("x", "m")
    claim = _claim("c1")
    store.save_claims(run, [claim])
    row = store._db.execute("SELECT sentence_index, claim_text, verdict FROM claims").fetchone()
    assert tuple(row) == (0, "S did p.", "contradicted")
    assert store.claims(run) == [claim]


def test_a_claim_stored_again_moves_to_the_end_as_in_sqlite(database):
    """SQLite's REPLACE deletes and inserts anew; PostgreSQL's upsert keeps that order."""
    store = Store(database)
    run = store.start_run("x", "m")
    store.save_claims(run, [_claim("a"), _claim("b"), _claim("c")])
    store.save_claims(run, [_claim("b", "changed")])
    assert [(c.id, c.claim_text) for c in store.claims(run)] == [("a", "S did p."), ("c", "S did p."), ("b", "changed")]


def test_an_interrupted_run_is_not_the_latest(database):
    store = Store(database)
    done = store.start_run("x", "m")
    store.finish_run(done, {})
    store.start_run("x", "m")  # never finished
    assert store.latest_run().id == done and store.runs()[0].finished is None


def test_a_database_of_an_earlier_version_is_migrated_and_keeps_its_rows(database):
    if is_postgres(database):
        import psycopg

        old = psycopg.connect(database, autocommit=True)
        for migration in MIGRATIONS[:2]:
            migration(old, POSTGRES)
        old.execute("CREATE TABLE schema_version (one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), "
                    "version INTEGER NOT NULL)")
        old.execute("INSERT INTO schema_version (version) VALUES (2)")
    else:
        import sqlite3

        old = sqlite3.connect(database)
        for migration in MIGRATIONS[:2]:
            migration(old, SQLITE)
        old.execute("PRAGMA user_version = 2")
    old.execute("INSERT INTO runs (started, source, model) VALUES (1, 'x', 'm')")
    old.execute("INSERT INTO claims (run_id, claim_id, article_id, body) VALUES (1, 'c1', 'a.txt', '{}')")
    old.commit()
    old.close()
    store = Store(database)
    assert store._version() == len(MIGRATIONS)
    assert [tuple(r) for r in store._db.execute("SELECT claim_id, verdict FROM claims").fetchall()] == [("c1", None)]
    assert store.decisions() == {} and store.corpus_count() == 0


def test_migrations_on_a_new_postgres_database(postgres_database):
    import psycopg

    Store(postgres_database).close()
    with psycopg.connect(postgres_database) as db:
        assert [r[0] for r in db.execute("SELECT version FROM schema_version")] == [len(MIGRATIONS)]
        for table in TABLES:
            assert db.execute("SELECT to_regclass(%s)", (table,)).fetchone()[0] is not None, table
        indexes = {r[0] for r in db.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'corpus%'")}
        assert {"corpus_articles_day", "corpus_keys_article", "corpus_flag_articles_article"} <= indexes
    Store(postgres_database).close()  # opening again migrates nothing
    with psycopg.connect(postgres_database) as db:
        assert db.execute("SELECT COUNT(*), MAX(version) FROM schema_version").fetchone() == (1, len(MIGRATIONS))


def test_first_runs_at_once_on_a_new_database_all_open_it(database):
    """Eight processes start together on a database that has no tables yet: each one sees the
    whole schema, none fails on a table another has just created."""
    if not is_postgres(database):
        database = database.parent / "new" / "cache.sqlite"
    script = (
        "import sys, time; from factcheck.store import Store\n"
        "time.sleep(max(0, float(sys.argv[2]) - time.time()))\n"
        "s = Store(sys.argv[1]); s.start_run('x', 'm'); s.close()\n"
    )
    start = str(time.time() + 1.5)  # every process imported, then all open the database in the same instant
    procs = [subprocess.Popen([sys.executable, "-c", script, str(database), start], stderr=subprocess.PIPE, text=True,
                              cwd=ROOT) for _ in range(8)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, "\n".join(e.strip().splitlines()[-1] for e in errors if e.strip())
    store = Store(database)
    assert store._version() == len(MIGRATIONS)
    assert store._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 8


def test_threads_opening_a_new_database_at_once_all_open_it(database):
    import threading

    barrier, errors = threading.Barrier(8), []

    def open_it():
        barrier.wait()
        try:
            Store(database).close()
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


# ---- opening a PostgreSQL database ------------------------------------------------------------

def test_a_server_that_cannot_be_reached_is_one_line_without_the_password(tmp_path, capsys):
    from factcheck.cli import main

    url = f"postgresql://alice:s3cret-pw@/factcheck?host={tmp_path}&password=other-secret&connect_timeout=2"
    with pytest.raises(InputError) as caught:
        Store(url)
    message = str(caught.value)
    assert message.startswith(f"cannot use postgresql://alice@/factcheck?host={tmp_path}&connect_timeout=2 as the "
                              "database: ")
    assert "\n" not in message and "s3cret" not in message and "other-secret" not in message
    assert main(["decisions", "export", str(tmp_path / "d.json"), "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "s3cret" not in err and err.startswith("Error: cannot use postgresql://alice@/")


def test_existing_needs_the_schema_and_creates_nothing(postgres_database):
    import psycopg

    with pytest.raises(InputError, match=r"^no factcheck tables in postgresql://postgres@/t_\w+\?host=.*: run "):
        Store.existing(postgres_database)
    with psycopg.connect(postgres_database) as db:
        assert db.execute("SELECT to_regclass('runs'), to_regclass('schema_version')").fetchone() == (None, None)
    Store(postgres_database).close()
    store = Store.existing(postgres_database)
    assert store.path == postgres_database and store.runs() == []


def test_the_store_names_a_url_without_its_password(postgres_database):
    with_password = postgres_database.replace("postgres@", "postgres:hunter22@", 1)  # trust: any password
    store = Store(with_password)
    assert store.path == with_password and "hunter22" not in store.name
    assert store.name == postgres_database


# ---- the corpus -------------------------------------------------------------------------------

def work(article_id: str, day: str | None = None, keys: tuple = (), body: str | None = None, digest: str = "d1",
         run_id: int | None = None) -> tuple:
    return (article_id, digest, day, body or json.dumps({"id": article_id}), list(keys), run_id)


def keys_of(store: Store) -> list[tuple[str, str]]:
    return sorted(tuple(r) for r in store._db.execute("SELECT key, article_id FROM corpus_keys").fetchall())


def test_a_work_is_new_unchanged_or_changed(database):
    store = Store(database)
    assert store.save_work(*work("a", "2024-03-01", ["n:Keita", "n:Mali"])) is True
    assert store.save_work(*work("a", "2024-03-01", ["n:Mali", "n:Keita", "n:Mali"])) is False  # same keys, any order
    assert store.corpus_digests(["a", "b"]) == {"a": "d1"}
    assert store.save_work(*work("a", "2024-03-01", ["n:Mali"], digest="d2")) is True
    assert store.corpus_digests(["a"]) == {"a": "d2"}
    assert keys_of(store) == [("n:Mali", "a")]  # the keys replaced, not added to
    assert store.save_work(*work("a", "2024-03-02", ["n:Mali"], digest="d2")) is True  # another day
    assert store.save_work(*work("a", "2024-03-02", ["n:Mali"], body='{"v": 2}', digest="d2")) is True
    assert store.save_work(*work("a", "2024-03-02", ["n:Mali", "n:Bamako"], body='{"v": 2}', digest="d2")) is True
    assert store.works(["a", "zz"]) == {"a": '{"v": 2}'}
    assert keys_of(store) == [("n:Bamako", "a"), ("n:Mali", "a")]
    assert store.corpus_count() == 1 and store.corpus_ids() == ["a"]


def test_many_works_in_one_transaction_as_one_after_another(database):
    store = Store(database)
    run = store.start_run("x", "m")
    assert store.save_works([]) == []
    items = [work("b", "2024-01-02", ["k1", "k2"], run_id=run), work("a", None, ["k2"], run_id=run),
             work("b", "2024-01-02", ["k1", "k2"], run_id=run),  # the same again: unchanged
             work("c", "2024-01-05", ["k3"], digest="x", run_id=run),
             work("c", "2024-01-05", ["k1"], digest="y", run_id=run)]  # changed within the batch: the last wins
    assert store.save_works(items) == [True, True, False, True, True]
    assert store.corpus_digests(["a", "b", "c"]) == {"a": "d1", "b": "d1", "c": "y"}
    assert keys_of(store) == [("k1", "b"), ("k1", "c"), ("k2", "a"), ("k2", "b")]
    assert store.save_works([work("a", None, ["k2"]), work("c", "2024-01-05", ["k1"], digest="y")]) == [False, False]
    assert store._db.execute("SELECT run_id FROM corpus_articles WHERE article_id = 'a'").fetchone()[0] == run
    rows = store._db.execute("SELECT COUNT(*), COUNT(DISTINCT article_id) FROM corpus_articles").fetchone()
    assert tuple(rows) == (3, 3)


def test_keys_holders_and_days(database):
    store = Store(database)
    store.save_works([work("a", "2024-01-31", ["n:Keita", "s:1"]), work("b", "2024-02-01", ["n:Keita"]),
                      work("c", None, ["n:Keita", "n:Hollande"]), work("d", "2024-02-10", ["n:Hollande"]),
                      work("e", "2023-12-31", [])])
    assert store.key_counts(["n:Keita", "n:Hollande", "s:1", "n:Nobody"]) == {"n:Keita": 3, "n:Hollande": 2, "s:1": 1}
    assert store.key_counts([]) == {}
    assert store.holders(["n:Hollande", "s:1", "n:Nobody"]) == [
        ("n:Hollande", "c", None), ("n:Hollande", "d", "2024-02-10"), ("s:1", "a", "2024-01-31")]
    assert store.holders([]) == []
    assert store.articles_between("2024-01-31", "2024-02-10") == ["a", "b", "d"]  # both ends included
    assert store.articles_between("2024-02-01", "2024-02-09") == ["b"]
    assert store.articles_between("2024-02-11", "2025-01-01") == []  # c has no day: never in a range
    assert store.articles_between("2023-12-31", "2023-12-31") == ["e"]
    assert store.corpus_ids() == ["a", "b", "c", "d", "e"] and store.corpus_count() == 5
    store.save_work(*work("c", "2024-02-02", ["n:Keita"], digest="d2"))  # no longer holds Hollande
    assert store.key_counts(["n:Hollande"]) == {"n:Hollande": 1}
    assert store.articles_between("2024-02-01", "2024-02-09") == ["b", "c"]


def test_long_lists_are_read_in_chunks(database):
    store = Store(database)
    ids = [f"art-{n:05d}" for n in range(1234)]
    store.save_works([work(i, f"2024-01-{n % 28 + 1:02d}", ["all", f"own:{i}"]) for n, i in enumerate(ids)])
    assert store.works(ids + ["missing"]) == {i: json.dumps({"id": i}) for i in ids}
    assert store.corpus_digests(ids) == {i: "d1" for i in ids}
    assert store.key_counts(["all"] + [f"own:{i}" for i in ids]) == {"all": 1234, **{f"own:{i}": 1 for i in ids}}
    assert len(store.holders(["all"])) == 1234 and store.corpus_count() == 1234
    assert store.corpus_ids() == ids
    store.save_works([work(i, None, ["other"], digest="d2") for i in ids])  # every key row replaced
    assert store.key_counts(["all", "other"]) == {"other": 1234}


def flag(flag_id: str, articles: list[str]) -> tuple:
    return (flag_id, articles, json.dumps({"id": flag_id, "articles": articles}))


def bodies(found: list[str]) -> list[str]:
    return [json.loads(b)["id"] for b in found]


def test_corpus_flags_are_replaced_within_the_articles_checked(database):
    store = Store(database)
    store.replace_corpus_flags(["a", "b", "c", "d"], [flag("f2", ["b", "c"]), flag("f1", ["a", "b"]),
                                                      flag("f3", ["d"]), flag("f4", ["c", "d"])], run_id=None)
    assert bodies(store.corpus_flags()) == ["f1", "f2", "f3", "f4"]
    assert bodies(store.corpus_flags(["c"])) == ["f2", "f4"]
    assert bodies(store.corpus_flags(["a", "b"])) == ["f1", "f2"]  # each flag once
    assert store.corpus_flags(["zz"]) == [] and store.corpus_flags([]) == []
    # checking a, b and c again: f1 and f2 lie within them and go; f4 also touches d: kept
    store.replace_corpus_flags(["c", "a", "b"], [flag("f5", ["a", "c"]), flag("f4", ["c", "d"])], run_id=7)
    assert bodies(store.corpus_flags()) == ["f3", "f4", "f5"]
    assert bodies(store.corpus_flags(["b"])) == []
    assert bodies(store.corpus_flags(["a"])) == ["f5"]
    stored = store._db.execute("SELECT articles, run_id FROM corpus_flags WHERE flag_id = 'f5'").fetchone()
    assert tuple(stored) == ('["a", "c"]', 7)
    links = store._db.execute("SELECT flag_id, article_id FROM corpus_flag_articles").fetchall()
    assert sorted(tuple(r) for r in links) == [("f3", "d"), ("f4", "c"), ("f4", "d"), ("f5", "a"), ("f5", "c")]
    store.replace_corpus_flags(["d"], [], run_id=None)  # f3 lies within d alone; f4 does not
    assert bodies(store.corpus_flags()) == ["f4", "f5"]
    store.replace_corpus_flags(["a", "b", "c", "d"], [], run_id=None)
    assert store.corpus_flags() == [] and store._db.execute("SELECT COUNT(*) FROM corpus_flag_articles").fetchone()[0] == 0


def test_the_database_size_grows_with_what_it_holds(database):
    store = Store(database)
    before = store.database_bytes()
    assert before > 0
    store.save_works([work(f"a{n}", None, [f"k{n}"], body="x" * 2000) for n in range(500)])
    assert store.database_bytes() > before
    assert Store(":memory:").database_bytes() > 0


WRITER = """
import json, random, sys, time
from factcheck.store import Store

database, me, start = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
store = Store(database)
shared = [(f"a{j:03d}", f"d{j}-{me}", f"2024-01-{j % 28 + 1:02d}", json.dumps({"id": j, "by": me}),
           [f"a:{j}", f"by:{me}", "all"], None) for j in range(200)]
own = [(f"p{me}-{j:02d}", "d", None, json.dumps({"id": j, "by": me}), [f"by:{me}", "all"], None) for j in range(50)]
items = shared + own
random.Random(me).shuffle(items)
sizes = random.Random(me + 100)
time.sleep(max(0, start - time.time()))
done = 0
while done < len(items):
    batch = items[done:done + sizes.choice([1, 1, 5, 40])]
    if len(batch) == 1:
        store.save_work(*batch[0])
    else:
        store.save_works(batch)
    done += len(batch)
store.close()
"""


def test_writers_at_once_lose_nothing_and_duplicate_nothing(database):
    """Four processes save the same 200 articles (each its own version, with keys that name the
    writer) and 50 of their own, one by one and in batches, at the same time: every article is
    stored once, with the keys of the version stored, and nothing is lost."""
    Store(database).close()
    start = str(time.time() + 2)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(database), str(me), start], stderr=subprocess.PIPE,
                              text=True, cwd=ROOT) for me in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, "\n".join(e.strip().splitlines()[-1] for e in errors if e.strip())
    store = Store(database)
    assert store.corpus_count() == 200 + 4 * 50
    counted = store._db.execute("SELECT COUNT(*), COUNT(DISTINCT article_id) FROM corpus_articles").fetchone()
    assert tuple(counted) == (400, 400)
    works = store.works(store.corpus_ids())
    keys: dict[str, set[str]] = {}
    for key, article in keys_of(store):
        keys.setdefault(article, set()).add(key)
    digests = store.corpus_digests(list(works))
    for article, body in works.items():
        stored = json.loads(body)
        writer = stored["by"]
        if article.startswith("a"):
            assert keys[article] == {f"a:{stored['id']}", f"by:{writer}", "all"}, article
            assert digests[article] == f"d{stored['id']}-{writer}"
        else:
            assert article.startswith(f"p{writer}-") and keys[article] == {f"by:{writer}", "all"}
    assert store.key_counts(["all"]) == {"all": 400}
    total = store._db.execute("SELECT COUNT(*) FROM corpus_keys").fetchone()[0]
    assert total == 200 * 3 + 4 * 50 * 2


# ---- end to end on PostgreSQL -----------------------------------------------------------------

def test_a_run_into_postgres_is_read_by_the_review_page_the_export_and_decisions(seeds, postgres_database, tmp_path):
    from factcheck.cli import main
    from factcheck.review import create_app

    url = postgres_database
    assert main(["run", str(seeds), "--extractor", "rules", "--db", url, "--quiet", "-o", str(tmp_path / "r.md")]) == 0
    app = create_app(url)
    client = app.test_client()
    ids = re.findall(r'data-flag-id="([^"]+)"', client.get("/").get_data(as_text=True))
    assert len(ids) == 6
    answer = client.post(f"/flags/{ids[0]}", data={"token": app.config["FORM_TOKEN"], "action": "confirm",
                                                   "text": "", "next": "/"})
    assert answer.status_code == 303
    assert Store(url).decisions()[ids[0]].status == "confirmed"
    article = Store(url).articles(1)[0].id
    assert client.get(f"/articles/{article}").status_code == 200

    out = tmp_path / "reviews.jsonld"
    assert main(["export", "--db", url, "--author", "Desk", "--url", "https://e.example/c", "-o", str(out)]) == 0
    [review] = json.loads(out.read_text())
    assert review["url"] == f"https://e.example/c#{ids[0]}"
    shared = tmp_path / "d.json"
    assert main(["decisions", "export", str(shared), "--db", url]) == 0
    assert [d["flag_id"] for d in json.loads(shared.read_text())["decisions"]] == [ids[0]]
    assert main(["export", "--db", url, "--author", "Desk", "--url", "https://e.example/c", "--run", "9"]) == 1
