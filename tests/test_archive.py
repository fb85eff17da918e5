"""The archive: an incremental full-text index of trusted documents, and evidence for claims from it."""

from __future__ import annotations

import datetime as dt
import json
import os


from factcheck import pipeline, report
from factcheck.archive import Archive, match_query, passages
from factcheck.cli import main
from factcheck.settings import Settings

STRIKE = ("BEIRUT, 12 March 2017. At least 30 civilians were killed in an air strike on the Bab al-Nairab district "
          "of Aleppo on Sunday, the Syrian Observatory for Human Rights said. Rescue workers searched the rubble.")
AGREE = ("Damascus, 12 March 2017. Activists said 12 rebels were captured near Aleppo by Syrian army units "
         "on Sunday in the Bab al-Nairab district.")
TITLE = "In Paris, President Francois Hollande said France would keep its troops in Mali until the summer."
OTHER = "The football club signed a new striker for the coming season, its manager said on Friday."

ARTICLE = ("---\ndate: 2017-03-12\n---\n"
           "Government media said 12 civilians were killed in an air strike on the Bab al-Nairab district of Aleppo "
           "on Sunday, according to the Syrian Observatory.\n\n"
           "Syrian army units captured 12 rebels near Aleppo in the Bab al-Nairab district, activists said.\n\n"
           "French Prime Minister Francois Hollande said France would keep troops in Mali.\n\n"
           "The price of bread in the city rose by 40 percent in a month, traders in the souk of Hama told reporters.\n")


def write_archive(folder) -> None:
    folder.mkdir()
    (folder / "strike.md").write_text(f"---\ntitle: Aleppo strike\ndate: 2017-03-12\n---\n{STRIKE}\n", encoding="utf-8")
    records = [{"title": "Captured", "date": "2017-03-12", "text": AGREE}, {"title": "Mali", "text": TITLE},
               {"title": "Sport", "text": OTHER}]
    (folder / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def checked_against(tmp_path, folder):
    """The article ARTICLE checked (rules) against an archive of `folder`."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text(ARTICLE, encoding="utf-8")
    with Archive(tmp_path / "a.sqlite") as archive:
        archive.index(folder)
    settings = Settings(extractor="rules", db_path=tmp_path / "db.sqlite", progress="off", archive=tmp_path / "a.sqlite")
    return pipeline.run(articles, settings)


def test_passages_are_whole_sentences_of_one_paragraph_up_to_the_limit():
    text = "One two three. Four five six. Seven eight nine.\n\nTen eleven."
    assert [text[s:e] for s, e in passages(text, limit=20)] == [
        "One two three.", "Four five six.", "Seven eight nine.", "Ten eleven."]
    assert [text[s:e] for s, e in passages(text, limit=200)] == [
        "One two three. Four five six. Seven eight nine.", "Ten eleven."]


def test_a_query_quotes_every_word_so_none_is_an_operator():
    assert match_query(["NOT", "near", "troops"], ["4 000"]) == '"4 000" OR "not" OR "near" OR "troops"'
    assert match_query([]) == ""


def test_indexing_reads_only_new_and_changed_files_and_drops_gone_ones(tmp_path):
    folder = tmp_path / "archive"
    write_archive(folder)
    with Archive(tmp_path / "a.sqlite") as archive:
        first = archive.index(folder)
        assert (first.files_indexed, first.files_unchanged, first.passages) == (2, 0, 4)
        again = archive.index(folder)
        assert (again.files_indexed, again.files_unchanged, again.passages_added) == (0, 2, 0)
        (folder / "strike.md").write_text(f"---\ndate: 2017-03-12\n---\n{STRIKE}\n\nA second paragraph here.\n",
                                          encoding="utf-8")
        os.utime(folder / "strike.md", ns=(1, 1))
        changed = archive.index(folder)
        assert (changed.files_indexed, changed.files_unchanged, changed.passages) == (1, 1, 5)
        (folder / "wire.jsonl").unlink()
        gone = archive.index(folder)
        assert (gone.files_removed, gone.passages) == (1, 2)
        assert [p.source for p in archive.search(["captured"])] == []  # the dropped file is out of the index too


def test_search_ranks_by_bm25_names_the_file_line_and_record_and_filters_by_date(tmp_path):
    folder = tmp_path / "archive"
    write_archive(folder)
    with Archive(tmp_path / "a.sqlite") as archive:
        archive.index(folder)
        best = archive.search(["civilians", "killed", "aleppo"], k=2)
        assert best[0].source.endswith("strike.md") and best[0].line == 5 and best[0].day == "2017-03-12"
        assert best[0].text.startswith("BEIRUT, 12 March 2017.")
        body = (folder / "strike.md").read_text(encoding="utf-8").split("---\n", 2)[2]
        assert body[best[0].start:best[0].end] == best[0].text  # offsets in the text after the front matter
        [mali] = archive.search(["hollande"])
        assert mali.source.endswith("wire.jsonl:2") and mali.day is None
        assert archive.search(["4 000"]) == []
        dated = archive.search(["aleppo"], between=(dt.date(2018, 1, 1), dt.date(2018, 12, 31)))
        assert dated == []  # the Aleppo documents are dated 2017; the undated ones do not name Aleppo


def test_claims_get_evidence_from_the_archive_contradicted_supported_or_none(tmp_path):
    folder = tmp_path / "archive"
    write_archive(folder)
    (folder / "copy.txt").write_text(ARTICLE.split("---\n", 2)[2], encoding="utf-8")  # the article itself: no source
    result = checked_against(tmp_path, folder)
    killed = next(c for c in result.claims if c.number and "civilians" in (c.number.unit or "") and c.line == 4)
    captured = next(c for c in result.claims if c.number and "rebels" in (c.number.unit or ""))
    bread = next(c for c in result.claims if c.number and c.number.text.startswith("40"))
    title = next(c for c in result.claims if c.role == "Prime Minister")
    assert killed.evidence == "contradicted" and killed.verdict == "contradicted"
    assert killed.passages[0].source.endswith("strike.md") and "At least 30 civilians" in killed.passages[0].quote
    assert captured.evidence == "supported" and captured.verdict == "corroborated"
    assert any("wire.jsonl:1" in e for e in captured.verdict_evidence)
    assert title.evidence == "contradicted"
    assert bread.evidence == "no evidence found"
    assert result.archive.copies_left_out >= 4  # every claim found its own article in the archive, and left it out
    flags = [f for f in result.flags if any(e.startswith("archive:") for e in f.evidence)]
    assert {f.kind for f in flags} == {"quantity", "title"}
    assert all(len(f.locations) == 1 and f.locations[0].article_id == "a.md" for f in flags)
    text = report.to_markdown(result)
    section = text.split("## Evidence from the archive")[1].split("\n## ")[0]
    assert section.index("### contradicted (2)") < section.index("### no evidence found") < section.index("### supported")


def test_the_index_command_reports_what_it_did_and_a_run_without_the_archive_file_is_one_line(tmp_path, capsys):
    folder = tmp_path / "archive"
    write_archive(folder)
    assert main(["index", str(folder), "--archive", str(tmp_path / "a.sqlite")]) == 0
    assert "2 files read, 0 unchanged, 0 removed, 0 skipped; 4 passages added" in capsys.readouterr().err
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text(ARTICLE, encoding="utf-8")
    code = main(["run", str(articles), "--extractor", "rules", "--db", str(tmp_path / "db.sqlite"), "--quiet",
                 "--archive", str(tmp_path / "missing.sqlite")])
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"Error: no archive at {tmp_path / 'missing.sqlite'}: build it first with "
                   f"`factcheck index FOLDER --archive {tmp_path / 'missing.sqlite'}`"]


def test_a_copy_of_the_article_supports_nothing_but_a_copy_with_another_figure_contradicts(tmp_path):
    body = ARTICLE.split("---\n", 2)[2]
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "same.txt").write_text(body, encoding="utf-8")
    changed = body.replace("captured 12 rebels", "captured 21 rebels")
    (folder / "changed.md").write_text(f"---\ndate: 2017-03-13\n---\n{changed}", encoding="utf-8")
    result = checked_against(tmp_path, folder)
    captured = next(c for c in result.claims if c.number and "rebels" in (c.number.unit or ""))
    assert captured.evidence == "contradicted" and captured.passages[0].source.endswith("changed.md")
    assert "captured 21 rebels" in captured.passages[0].quote
    others = [c for c in result.claims if c is not captured and c.evidence]
    assert others and all(c.evidence == "no evidence found" for c in others)  # the copies support nothing


def test_an_unreadable_file_is_read_again_next_time_and_a_non_archive_is_refused(tmp_path, capsys):
    folder = tmp_path / "archive"
    write_archive(folder)
    (folder / "empty.txt").write_text("", encoding="utf-8")
    with Archive(tmp_path / "a.sqlite") as archive:
        assert archive.index(folder).skipped[0].reason == "empty file"
        (folder / "empty.txt").write_text("Gunmen killed 12 villagers in Ansongo on Monday, officials said.",
                                          encoding="utf-8")
        os.utime(folder / "empty.txt", ns=(1, 1))
        assert archive.index(folder).files_indexed == 1  # no row was kept for the skipped file
        # words the archive does not hold take no place among the words searched
        absent = [f"zzz{n}" for n in range(30)]
        assert [p.source.rsplit("/", 1)[1] for p in archive.search(absent + ["ansongo"])] == ["empty.txt"]
    other = tmp_path / "other.sqlite"
    import sqlite3

    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.md").write_text(ARTICLE, encoding="utf-8")
    assert main(["run", str(articles), "--extractor", "rules", "--quiet", "--db", str(tmp_path / "db.sqlite"),
                 "--archive", str(other)]) == 1
    assert capsys.readouterr().err == (f"Error: {other} is not an archive built by `factcheck index` "
                                       f"(no passages in it)\n")
