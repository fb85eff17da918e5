import codecs
import json
import os
import unicodedata
from pathlib import Path

import pytest

from factcheck import pipeline
from factcheck.articles import load_folder
from factcheck.cli import main
from factcheck.errors import InputError
from factcheck.report import to_markdown
from factcheck.settings import Settings


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
    (tmp_path / "latin1.txt").write_bytes(b"caf\xe9 " + bytes(range(1, 9)) * 2)
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
        "latin1.txt": "binary file",
        "photo.png": "not an article file type (.png)",
    }


def test_missing_folder_and_folder_without_articles_are_errors(tmp_path, monkeypatch):
    with pytest.raises(InputError, match="no such folder"):
        load_folder(tmp_path / "missing")
    with monkeypatch.context() as patch:
        patch.setattr(os, "scandir", lambda path: (_ for _ in ()).throw(PermissionError(13, "Permission denied")))
        with pytest.raises(InputError, match=f"cannot read folder {tmp_path}: permission denied"):
            load_folder(tmp_path)
    (tmp_path / "notes.png").write_bytes(b"x")
    with pytest.raises(InputError, match="no readable articles"):
        load_folder(tmp_path)


# ---- the folder is the boundary -------------------------------------------------------------

def test_links_are_not_followed_and_are_listed_with_where_they_lead(tmp_path):
    folder, outside = tmp_path / "in", tmp_path / "out"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    (folder / "a.txt").write_text("Four soldiers were killed on Monday.")
    (outside / "secret.txt").write_text("Nine soldiers were killed on Monday.")
    (folder / "out.txt").symlink_to(outside / "secret.txt")
    (folder / "outdir").symlink_to(outside)
    (folder / "copy.txt").symlink_to(folder / "a.txt")
    (folder / "sub" / "up").symlink_to(folder)
    (folder / "loop1.txt").symlink_to(folder / "loop2.txt")
    (folder / "loop2.txt").symlink_to(folder / "loop1.txt")
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    articles, skipped = load_folder(folder)
    assert [a.id for a in articles] == ["a.txt"]
    reasons = {s.path.removeprefix(f"{folder}/"): s.reason for s in skipped}
    assert reasons == {
        "copy.txt": f"link not followed: it leads to the file {folder}/a.txt, read in place",
        "gone.txt": f"link not followed: its target is missing ({folder}/missing.txt)",
        "loop1.txt": "link not followed: it loops",
        "loop2.txt": "link not followed: it loops",
        "out.txt": f"link not followed: it leads out of the folder, to {outside}/secret.txt",
        "outdir": f"link not followed: it leads out of the folder, to {outside}",
        "sub/up": "link not followed: it leads to the folder itself, read in place",
    }


def test_unreadable_files_and_folders_are_skipped_not_raised(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "inside.txt").write_text("Nine soldiers were killed on Monday.")
    (tmp_path / "a.txt").write_text("Four soldiers were killed on Monday.")
    (tmp_path / "b.txt").write_text("Five soldiers were killed on Monday.")
    os.mkfifo(tmp_path / "pipe.txt")  # reading it would wait for ever
    real_scandir, real_read = os.scandir, Path.read_bytes

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    def read_bytes(self):
        if self.name == "b.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    articles, skipped = load_folder(tmp_path)
    assert [a.id for a in articles] == ["a.txt"]
    assert {s.path.rsplit("/", 1)[-1]: s.reason for s in skipped} == {
        "b.txt": "cannot read: permission denied",
        "locked": "cannot read folder: permission denied",
        "pipe.txt": "not a regular file (device, pipe or socket)",
    }


@pytest.mark.skipif(os.geteuid() == 0, reason="file permissions do not bind root")
def test_files_without_read_permission_are_skipped(tmp_path):
    (tmp_path / "a.txt").write_text("Four soldiers were killed on Monday.")
    (tmp_path / "b.txt").write_text("Five soldiers were killed on Monday.")
    (tmp_path / "b.txt").chmod(0)
    _, skipped = load_folder(tmp_path)
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("b.txt", "cannot read: permission denied")]


def test_a_file_name_that_is_not_utf8_is_shown_and_the_report_is_written(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "w") as handle:
        handle.write("Four soldiers were killed on Monday in Gao.")
    out = tmp_path / "report.md"
    assert main(["run", str(folder), "--extractor", "rules", "--quiet", "-o", str(out)]) == 0
    assert "caf\ufffd.txt" in out.read_text(encoding="utf-8")


# ---- encodings ------------------------------------------------------------------------------

def test_encodings_are_detected_and_noted(tmp_path):
    text = "Le pr\u00e9sident Fran\u00e7ois Hollande a parl\u00e9 \u201cde l'op\u00e9ration\u201d \u2013 \u00e0 Gao."
    (tmp_path / "a_utf16.txt").write_bytes(text.encode("utf-16"))
    (tmp_path / "b_utf16be.txt").write_bytes(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    (tmp_path / "c_cp1252.txt").write_bytes(text.encode("cp1252"))
    (tmp_path / "d_latin1.txt").write_bytes(text.replace("\u201c", '"').replace("\u201d", '"').replace(
        "\u2013", "-").encode("latin-1"))
    (tmp_path / "e_bom.txt").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    (tmp_path / "f_utf16_no_mark.txt").write_bytes(text.encode("utf-16-le"))
    (tmp_path / "g_utf8.txt").write_bytes(text.encode("utf-8"))
    articles, skipped = load_folder(tmp_path)
    assert skipped == []
    assert [(a.id, a.encoding) for a in articles] == [
        ("a_utf16.txt", "utf-16"), ("b_utf16be.txt", "utf-16"), ("c_cp1252.txt", "cp1252"),
        ("d_latin1.txt", "latin-1"), ("e_bom.txt", "utf-8"), ("f_utf16_no_mark.txt", "utf-16-le"),
        ("g_utf8.txt", "utf-8"),
    ]
    assert all(a.text.startswith("Le pr\u00e9sident Fran\u00e7ois Hollande") for a in articles)
    markdown = to_markdown(pipeline.run(tmp_path, Settings(extractor="rules", progress=False)))
    assert "Read in another encoding than UTF-8:\n\n- `a_utf16.txt`: utf-16\n" in markdown
    listed = markdown.split("another encoding")[1].split("\n## ")[0]
    assert "`c_cp1252.txt`: cp1252" in listed and "`g_utf8.txt`" not in listed


def test_a_few_broken_bytes_in_utf8_text_do_not_make_it_latin1(tmp_path):
    text = "Le pr\u00e9sident Fran\u00e7ois Hollande a parl\u00e9 \u00e0 Gao."
    (tmp_path / "a.txt").write_bytes(text.encode("utf-8") + b" \xff.")
    [article], _ = load_folder(tmp_path)
    assert article.encoding == "utf-8 (1 undecodable byte sequence replaced)"
    assert article.text == text + " \ufffd."


# ---- one normal form, and the way back to the file ------------------------------------------

def test_text_is_nfc_without_invisible_characters_and_maps_back_to_the_file(tmp_path):
    written = "\ufeffLe pre\u0301sident\r\nFran\u200d\u00e7ois Hol\u00adlande a\u200b parl\u00e9.\r\n"
    (tmp_path / "a.md").write_bytes(("---\r\ntitle: Caf\u0065\u0301\r\n---\r\n" + written).encode("utf-8"))
    [article], _ = load_folder(tmp_path)
    file = (tmp_path / "a.md").read_bytes().decode("utf-8")
    assert article.title == "Caf\u00e9"
    assert article.text == "Le pr\u00e9sident\nFran\u00e7ois Hollande a parl\u00e9.\n"
    assert article.header_lines == 3
    for word in ("Le pr\u00e9sident", "Fran\u00e7ois Hollande", "parl\u00e9.", "a"):
        start = article.text.index(word)
        file_start, file_end = article.file_span(start, start + len(word))
        assert unicodedata.normalize("NFC", file[file_start:file_end]).replace("\u200d", "").replace(
            "\u00ad", "") == word
    assert article.file_span(article.text.index("Fran"), article.text.index(" Hollande")) == (
        file.index("Fran"), file.index(" Hol"))
    assert article.file_line(article.file_span(article.text.index("Fran"), 0)[0]) == 5


def test_decomposed_accents_and_zero_width_joiners_do_not_break_names(seeds, tmp_path):
    """Each copy in a folder of its own: in one folder, the second would repeat the first verbatim."""
    first = sorted(seeds.iterdir())[0].read_text(encoding="utf-8").replace("Francois", "Fran\u00e7ois")
    copies = {"nfd.txt": unicodedata.normalize("NFD", first),
              "zwj.txt": first.replace("Fran\u00e7ois", "Fran\u200d\u00e7ois"),
              "zwsp.txt": first.replace("Fran\u00e7ois Hollande", "Fran\u00e7ois\u200b Hol\u00adlande")}
    titles = {}
    for name, text in copies.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / name).write_text(text, encoding="utf-8")
        report = pipeline.run(tmp_path / name, Settings(extractor="rules", progress=False))
        titles |= {loc.article_id: loc.quote for f in report.flags if f.kind == "title" and f.severity == "high"
                   for loc in f.locations}
    assert titles == {"nfd.txt": "French Prime Minister Franc\u0327ois Hollande",
                      "zwj.txt": "French Prime Minister Fran\u200d\u00e7ois Hollande",
                      "zwsp.txt": "French Prime Minister Fran\u00e7ois\u200b Hol\u00adlande"}


def test_front_matter_ends_at_its_closing_line_whatever_the_title(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Ten soldiers died.\n---\nTen soldiers died.\n")
    [article], _ = load_folder(tmp_path)
    assert (article.title, article.text, article.body_offset) == ("Ten soldiers died.", "Ten soldiers died.\n", 34)


def test_only_front_matter_is_skipped(tmp_path):
    (tmp_path / "good.txt").write_text("Four soldiers were killed on Monday.")
    (tmp_path / "a.md").write_text("---\ntitle: Nothing\n---\n\n")
    _, skipped = load_folder(tmp_path)
    assert [(Path(s.path).name, s.reason) for s in skipped] == [("a.md", "no text after the front matter")]


# ---- JSON -----------------------------------------------------------------------------------

def test_jsonl_keeps_good_records_and_lists_bad_lines_by_their_line_in_the_file(tmp_path):
    lines = ['{"text": "Five people died."}', "", '{"text": "Six people died."', "42", '{"title": "no text"}',
             "", '{"body": "Seven people died."}', "[" * 100_000 + "]" * 100_000]
    (tmp_path / "many.jsonl").write_text("\n".join(lines) + "\n")
    articles, skipped = load_folder(tmp_path)
    assert [(a.id, a.text) for a in articles] == [("many.jsonl:1", "Five people died."),
                                                  ("many.jsonl:7", "Seven people died.")]
    assert [s.reason for s in skipped] == [
        "line 3: invalid JSON at column 28",
        "line 4: not a JSON object (a number)",
        "line 5: no text in any of the fields text, body, content",
        "line 8: JSON nested too deeply to read",
    ]


def test_json_that_is_not_an_article_is_a_skipped_file(tmp_path):
    (tmp_path / "good.txt").write_text("Four soldiers were killed on Monday.")
    (tmp_path / "deep.json").write_text('{"a": ' * 100_000 + "1" + "}" * 100_000)
    (tmp_path / "number.json").write_text("42")
    (tmp_path / "string.json").write_text('"Four soldiers were killed."')
    (tmp_path / "null.json").write_text("null")
    (tmp_path / "huge.json").write_text("1" * 5000)
    (tmp_path / "notext.json").write_text('{"title": "x", "text": 5}')
    (tmp_path / "list.json").write_text('[1, {"text": "Nine people died."}, {"text": ""}]')
    articles, skipped = load_folder(tmp_path)
    assert [a.id for a in articles] == ["good.txt", "list.json:2"]
    assert {Path(s.path).name + (" " + s.reason.split(":")[0] if s.reason.startswith("record") else ""): s.reason
            for s in skipped} == {
        "deep.json": "JSON nested too deeply to read",
        "huge.json": "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion: value has "
                     "5000 digits; use sys.set_int_max_str_digits() to increase the limit",
        "list.json record 1": "record 1: not a JSON object (a number)",
        "list.json record 3": "record 3: no text in any of the fields text, body, content",
        "notext.json": "no text in any of the fields text, body, content",
        "null.json": "not a JSON object or a list of them (a null)",
        "number.json": "not a JSON object or a list of them (a number)",
        "string.json": "not a JSON object or a list of them (a string)",
    }


def test_every_span_of_the_analysed_text_maps_to_the_same_text_in_the_file():
    """Random texts mixing decomposed accents, invisible characters, Hangul jamo and line ends."""
    import random

    from factcheck.models import Article
    from factcheck.normalise import INVISIBLE, normalise

    alphabet = ["a", "e", " ", "\n", "\r\n", "\r", "\u0301", "\u0327", "\u00e9", "\u200b", "\u200d", "\u00ad",
                "\ufeff", "\u1100", "\u1161", "\u11a8", "\u212b", "Z", "."]
    rng = random.Random(7)
    for _ in range(300):
        written = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        text, pieces = normalise(written, 4)
        lines_as_written = written.replace("\r\n", "\n").replace("\r", "\n")
        assert text == unicodedata.normalize("NFC", INVISIBLE.sub("", lines_as_written))
        article = Article(id="a", path="a", text=text, source="----" + written, pieces=pieces, body_offset=4)
        for start in range(len(text) + 1):
            for end in range(start, len(text) + 1):
                file_start, file_end = article.file_span(start, end)
                assert 4 <= file_start <= file_end <= 4 + len(written)
                back = INVISIBLE.sub("", article.file_text[file_start:file_end].replace("\r\n", "\n").replace("\r", "\n"))
                assert text[start:end] in unicodedata.normalize("NFC", back)
