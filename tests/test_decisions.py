"""Reviewers' decisions: kept by flag id across runs, shared through a JSON file, shown in reports."""

import json

import pytest

from factcheck import decisions, pipeline, report
from factcheck.cli import main
from factcheck.errors import InputError
from factcheck.models import Decision
from factcheck.settings import Settings
from factcheck.store import Store


@pytest.fixture
def settings(database):
    """A rules run's settings, storing into an SQLite file or a PostgreSQL database."""
    return Settings(extractor="rules", db_path=database, progress=False)


def test_actions_change_the_decision_and_a_dismissal_needs_a_reason():
    confirmed = decisions.apply(None, "f1", "confirm")
    assert (confirmed.status, confirmed.reason) == ("confirmed", None)
    noted = decisions.apply(confirmed, "f1", "annotate", "  checked   with the desk ")
    assert (noted.status, noted.note) == ("confirmed", "checked with the desk")
    with pytest.raises(InputError, match="needs a reason"):
        decisions.apply(noted, "f1", "dismiss", "   ")
    dismissed = decisions.apply(noted, "f1", "dismiss", "the table is out of date")
    assert (dismissed.status, dismissed.reason, dismissed.note) == ("dismissed", "the table is out of date",
                                                                     "checked with the desk")
    reopened = decisions.apply(dismissed, "f1", "reopen")
    assert (reopened.status, reopened.reason, reopened.note) == (None, None, "checked with the desk")


def test_a_decision_holds_on_the_same_flag_in_a_later_run(seeds, settings):
    first = pipeline.run(seeds, settings)
    title = first.flags[0]
    store = Store(settings.database)
    decisions.record(store, title.id, "dismiss", "a reviewer checked the wire copy")
    store.close()
    second = pipeline.run(seeds, settings)
    assert second.flags[0].id == title.id
    assert second.decisions[title.id].status == "dismissed"
    assert set(second.decisions) == {title.id}


def test_the_markdown_report_moves_dismissed_flags_to_their_own_section(seeds, settings):
    first = pipeline.run(seeds, settings)
    assert "Dismissed" not in report.to_markdown(first) and "dismissed by" not in report.to_markdown(first)
    title, name = first.flags[0], next(f for f in first.flags if f.kind == "name")
    store = Store(settings.database)
    decisions.record(store, title.id, "dismiss", "the wire copy has | a pipe")
    decisions.record(store, name.id, "confirm")
    decisions.record(store, name.id, "annotate", "asked the outlet")
    store.close()
    text = report.to_markdown(pipeline.run(seeds, settings))
    flags, dismissed = text.split("## Dismissed flags")
    dismissed = dismissed.split("\n## ")[0]
    assert f"id `{title.id}`" in dismissed and f"id `{title.id}`" not in flags
    assert "- **dismissed** by a reviewer (" in dismissed and "): the wire copy has | a pipe" in dismissed
    assert f"MEDIUM name (confirmed): {name.reason}" in flags and "- reviewer's note: asked the outlet" in flags
    assert "| flags dismissed by a reviewer | 1 |" in text
    assert flags.count("\n### ") == 5 and dismissed.count("\n### ") == 1


def test_the_json_report_carries_the_decisions(seeds, settings):
    first = pipeline.run(seeds, settings)
    store = Store(settings.database)
    decisions.record(store, first.flags[0].id, "dismiss", "out of date")
    decisions.record(store, first.flags[1].id, "confirm")
    store.close()
    data = json.loads(report.to_json(pipeline.run(seeds, settings)))
    assert [f["id"] for f in data["dismissed_flags"]] == [first.flags[0].id]
    assert data["dismissed_flags"][0]["decision"]["reason"] == "out of date"
    assert data["flags"][0]["id"] == first.flags[1].id and data["flags"][0]["decision"]["status"] == "confirmed"
    assert len(data["flags"]) == 5 and "decisions" not in data


def test_decisions_travel_through_a_file_and_the_newer_one_wins(seeds, settings, tmp_path):
    first = pipeline.run(seeds, settings)
    store = Store(settings.database)
    decisions.record(store, first.flags[0].id, "dismiss", "out of date")
    assert decisions.write_file(tmp_path / "d.json", store) == 1
    store.close()
    shared = json.loads((tmp_path / "d.json").read_text())
    assert shared["format"] == "factcheck-decisions" and shared["decisions"][0]["about"].startswith("title: ")

    other = Settings(extractor="rules", db_path=tmp_path / "other.sqlite", decisions_file=tmp_path / "d.json",
                     progress=False)
    assert pipeline.run(seeds, other).decisions[first.flags[0].id].reason == "out of date"
    store = Store(other.database)
    older = Decision(flag_id=first.flags[0].id, status="confirmed", updated="2001-01-01T00:00:00+00:00")
    assert decisions.merge(store, [older]) == (0, 1)
    assert store.decisions()[first.flags[0].id].status == "dismissed"
    newer = older.model_copy(update={"updated": "2999-01-01T00:00:00+00:00"})
    assert decisions.merge(store, [newer]) == (1, 0)
    assert store.decisions()[first.flags[0].id].status == "confirmed"


def test_cli_exports_and_imports_decisions(seeds, settings, tmp_path, capsys):
    first = pipeline.run(seeds, settings)
    store = Store(settings.database)
    decisions.record(store, first.flags[0].id, "confirm")
    store.close()
    db, out = str(settings.database), tmp_path / "shared.json"
    assert main(["decisions", "export", str(out), "--db", db]) == 0
    assert capsys.readouterr().err == f"1 decisions written to {out}\n"
    fresh = tmp_path / "fresh.sqlite"
    Store(fresh).close()
    assert main(["decisions", "import", str(out), "--db", str(fresh)]) == 0
    assert Store(fresh).decisions()[first.flags[0].id].status == "confirmed"


@pytest.mark.parametrize("content, message", [
    ("not json", "is not JSON"),
    ('{"decisions": [{"flag_id": "x", "status": "maybe", "updated": "2020-01-01"}]}', "decisions.0.status"),
    ('[1, 2]', "is not a factcheck decisions file"),
])
def test_a_bad_decisions_file_is_a_one_line_error(seeds, tmp_path, capsys, content, message):
    path = tmp_path / "d.json"
    path.write_text(content)
    db = str(tmp_path / "f.sqlite")
    assert main(["run", str(seeds), "--extractor", "rules", "--db", db, "--decisions", str(path), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: decisions file") and message in err and err.count("\n") == 1


def test_commands_on_a_missing_database_are_one_line_errors(tmp_path, capsys):
    missing = tmp_path / "none.sqlite"
    for argv in (["decisions", "export", str(tmp_path / "d.json")], ["review"],
                 ["export", "--author", "Desk", "--url", "https://example.org/checks"]):
        assert main(argv + ["--db", str(missing)]) == 1
        assert capsys.readouterr().err == (f"Error: no database at {missing}: run `factcheck run FOLDER` first, "
                                           "or pass --db FILE\n")
    assert not missing.exists()
