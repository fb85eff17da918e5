import json

import pytest

from factcheck.articles import load_folder
from factcheck.errors import InputError


def test_seed_texts_load_unchanged(seeds):
    articles, skipped = load_folder(seeds)
    assert [a.id for a in articles] == sorted(p.name for p in seeds.iterdir())
    assert skipped == []
    for article in articles:
        assert article.text == (seeds / article.id).read_text(encoding="utf-8")


def test_markdown_front_matter_gives_metadata_and_offsets(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Strike in Gao\ndate: 2013-02-20\noutlet: Wire\n---\nTen soldiers died.\n")
    [article], _ = load_folder(tmp_path)
    assert (article.title, article.date, article.outlet) == ("Strike in Gao", "2013-02-20", "Wire")
    assert article.text.startswith("Ten soldiers died.")
    raw = (tmp_path / "a.md").read_text()
    assert raw[article.body_offset:] == article.text
    assert article.header_lines == 5
    from factcheck.sentences import split_article

    assert split_article(article)[0].line == 6  # the line in the file, front matter counted


def test_jsonl_records_become_articles(tmp_path):
    lines = [{"title": "One", "text": "Five people died."}, {"title": "Two", "body": "Six people died."}, {"x": 1}]
    (tmp_path / "many.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    articles, _ = load_folder(tmp_path)
    assert [(a.id, a.title, a.text) for a in articles] == [
        ("many.jsonl:1", "One", "Five people died."),
        ("many.jsonl:2", "Two", "Six people died."),
    ]


def test_bad_files_are_skipped_with_reasons(tmp_path):
    (tmp_path / "good.txt").write_text("Four soldiers were killed on Monday.")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("   ")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG")
    (tmp_path / "broken.json").write_text("{not json")
    articles, skipped = load_folder(tmp_path)
    assert [a.id for a in articles] == ["good.txt"]
    reasons = {s.path.rsplit("/", 1)[-1]: s.reason for s in skipped}
    assert reasons == {
        "binary.txt": "binary file",
        "broken.json": "invalid JSON at line 1",
        "empty.txt": "empty file",
        "latin1.txt": "not UTF-8 text (byte 3)",
        "photo.png": "not an article file type (.png)",
    }


def test_missing_folder_and_folder_without_articles_are_errors(tmp_path):
    with pytest.raises(InputError, match="no such folder"):
        load_folder(tmp_path / "missing")
    (tmp_path / "notes.png").write_bytes(b"x")
    with pytest.raises(InputError, match="no readable articles"):
        load_folder(tmp_path)
