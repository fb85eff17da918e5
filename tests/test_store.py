from pathlib import Path

from factcheck.store import MIGRATIONS, Store

ROOT = Path(__file__).resolve().parent.parent


def test_answers_survive_reopening_and_migrations_run_once(tmp_path):
    path = tmp_path / "cache.sqlite"
    store = Store(path)
    store.save_answer("k1", model="m", prompt_hash="p", schema_hash="s", request={"x": 1}, response='{"a": 1}',
                      error=None, prompt_tokens=10, completion_tokens=2, seconds=0.5)
    run = store.start_run("seeds", "m")
    store.close()

    again = Store(path)  # an interrupted run's answers are all there for the rerun
    assert again._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert tuple(again.cached("k1")) == ('{"a": 1}', None, 10, 2, 0.5)
    assert again.cached("missing") is None
    assert again.start_run("seeds", "m") == run + 1


def test_a_run_stores_what_it_found_and_a_rerun_adds_a_run(seeds, tmp_path):
    from factcheck import pipeline
    from factcheck.settings import Settings

    settings = Settings(extractor="rules", db_path=tmp_path / "f.sqlite", progress=False)
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


def test_claim_text_and_verdict_are_columns_of_the_claims_table(tmp_path):
    from factcheck.models import Claim, Span

    store = Store(tmp_path / "c.sqlite")
    run = store.start_run("x", "m")
    claim = Claim(id="c1", article_id="a.txt", sentence_index=0, line=1, subject="s", predicate="p", quote="q",
                  span=Span(start=0, end=1), claim_text="S did p.", verdict="contradicted")
    store.save_claims(run, [claim])
    row = store._db.execute("SELECT sentence_index, claim_text, verdict FROM claims").fetchone()
    assert row == (0, "S did p.", "contradicted")
    assert store.claims(run) == [claim]


def test_an_interrupted_run_is_not_the_latest(tmp_path):
    store = Store(tmp_path / "c.sqlite")
    done = store.start_run("x", "m")
    store.finish_run(done, {})
    store.start_run("x", "m")  # never finished
    assert store.latest_run().id == done and store.runs()[0].finished is None


def test_a_database_of_an_earlier_version_is_migrated_and_keeps_its_rows(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    for migration in MIGRATIONS[:2]:
        migration(old)
    old.execute("PRAGMA user_version = 2")
    old.execute("INSERT INTO runs (started, source, model) VALUES (1, 'x', 'm')")
    old.execute("INSERT INTO claims VALUES (1, 'c1', 'a.txt', '{}')")
    old.commit()
    old.close()
    store = Store(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store._db.execute("SELECT claim_id, verdict FROM claims").fetchall() == [("c1", None)]
    assert store.decisions() == {}


def test_first_runs_at_once_on_a_new_database_all_open_it(tmp_path):
    """Eight processes start together on a file that does not exist yet: each one sees the whole
    schema, none fails on a table another has just created."""
    import subprocess
    import sys

    path = tmp_path / "new" / "cache.sqlite"
    script = (
        "import sys, time; from factcheck.store import Store\n"
        "time.sleep(max(0, float(sys.argv[2]) - time.time()))\n"
        "s = Store(sys.argv[1]); s.start_run('x', 'm'); s.close()\n"
    )
    import time
    start = str(time.time() + 1.5)  # every process imported, then all open the file in the same instant
    procs = [subprocess.Popen([sys.executable, "-c", script, str(path), start], stderr=subprocess.PIPE, text=True,
                              cwd=ROOT) for _ in range(8)]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, "\n".join(e.strip().splitlines()[-1] for e in errors if e.strip())
    store = Store(path)
    assert store._db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store._db.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 8


def test_threads_opening_a_new_database_at_once_all_open_it(tmp_path):
    import threading

    path = tmp_path / "cache.sqlite"
    barrier, errors = threading.Barrier(8), []

    def open_it():
        barrier.wait()
        try:
            Store(path).close()
        except Exception as exc:  # collected: an exception in a thread would not fail the test
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
