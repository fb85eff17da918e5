"""bench/synthetic_wire.py: a seeded synthetic news wire the loader reads, every article dated."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from factcheck.articles import load_folder

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "synthetic_wire.py"


def generate(out: Path, *args: str) -> str:
    done = subprocess.run([sys.executable, str(SCRIPT), str(out), "--articles", "30", "--days", "3", *args],
                          capture_output=True, text=True, check=True)
    return done.stdout


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_the_same_seed_writes_the_same_bytes_and_every_article_loads_dated(tmp_path):
    summary = generate(tmp_path / "a" / "wire", "--seed", "3")
    generate(tmp_path / "b" / "wire", "--seed", "3")
    first, second = contents(tmp_path / "a" / "wire"), contents(tmp_path / "b" / "wire")
    assert len(first) == 30 and first == second
    truth_a, truth_b = (tmp_path / side / "wire.truth.json" for side in "ab")
    assert truth_a.read_bytes() == truth_b.read_bytes()
    assert "30 articles over 3 days" in summary and "repeated events" in summary

    articles, skipped = load_folder(tmp_path / "a" / "wire")
    assert not skipped and len(articles) == 30
    days = sorted(a.date for a in articles)
    assert days[0] == "2013-03-01" and days[-1] == "2013-03-03" and all(days.count(d) == 10 for d in set(days))
    assert all(300 <= len(a.text.split()) <= 1000 and a.title and a.outlet for a in articles)

    truth = json.loads(truth_a.read_text())
    assert truth["groups"] and truth["repeat_articles"] == 9  # 30% of 30
    ids = {a.id for a in articles}
    for group in truth["groups"]:
        reports = group["articles"]
        assert {r["id"] for r in reports} <= ids
        assert len({r["figures"]["killed"] for r in reports}) == len(reports)  # the reports disagree
        assert all(r["date"] >= group["day"] for r in reports)


def test_another_seed_writes_another_wire(tmp_path):
    generate(tmp_path / "a" / "wire", "--seed", "1")
    generate(tmp_path / "b" / "wire", "--seed", "2")
    assert contents(tmp_path / "a" / "wire") != contents(tmp_path / "b" / "wire")
