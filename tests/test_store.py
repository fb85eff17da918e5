from factcheck.store import MIGRATIONS, Store


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
