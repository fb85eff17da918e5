"""The flag contract: every location of every flag, and every claim's span, points into the file.

For each location, `quote == file_text[start:end]` and `line` is the 1-based line of `start` in
the file, front matter included, where `file_text` is the file as read from disk and decoded
(line ends kept as written, byte-order mark left out). Run on the seeds with copies of them in
other forms (front matter, NFD, CRLF line ends, zero-width characters, UTF-16, cp1252), and on
the dev news clusters when ../shared/eval is present.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from pathlib import Path

import pytest

from factcheck import pipeline
from factcheck.models import Report
from factcheck.settings import Settings

CLUSTERS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "news_clusters_dev.jsonl"
FRONT = "---\ntitle: \"Operation Serval: the second month\"\noutlet: Wire\ndate: 2013-02-20\n---\n"


def run_rules(folder: Path) -> Report:
    return pipeline.run(folder, Settings(extractor="rules", progress=False))


def file_text(path: Path, encoding: str = "utf-8-sig") -> str:
    return path.read_bytes().decode(encoding)


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def violations(report: Report, folder: Path, encodings: dict[str, str] | None = None) -> list[str]:
    """Every place where a flag location or a claim span does not match the file."""
    texts = {a.id: file_text(folder / a.id, (encodings or {}).get(a.id, "utf-8-sig")) for a in report.articles}
    found = []

    def check(what: str, article_id: str, start: int, end: int, quote: str, line: int | None = None) -> None:
        text = texts[article_id]
        if text[start:end] != quote:
            found.append(f"{what} {article_id} {start}-{end}: {quote[:60]!r} != file {text[start:end][:60]!r}")
        if line is not None and line != line_of(text, start):
            found.append(f"{what} {article_id} {start}: line {line} != file line {line_of(text, start)}")

    for flag in report.flags:
        for loc in flag.locations:
            check(f"{flag.kind} flag", loc.article_id, loc.start, loc.end, loc.quote, loc.line)
    for claim in report.claims:
        check("claim", claim.article_id, claim.span.start, claim.span.end, claim.quote, claim.line)
        if claim.number:
            check("claim number", claim.article_id, claim.number.span.start, claim.number.span.end, claim.number.text)
    for sentence in report.sentences:
        check("sentence", sentence.article_id, sentence.start, sentence.end, sentence.text, sentence.line)
    for candidate in report.candidates:
        for mention in [*candidate.quantities, *candidate.dates, *candidate.people]:
            check("mention", candidate.sentence.article_id, mention.start, mention.end, mention.text)
    return found


def seeds_in_many_forms(seeds: Path, folder: Path) -> dict[str, str]:
    """The seeds, and copies of them written the ways newsroom files come; returns non-UTF-8 encodings."""
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(seeds.iterdir())}
    first, second, third = texts.values()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8", newline="")
    accented = first.replace("Francois", "François")
    (folder / "100_front_matter.md").write_text(FRONT + second, encoding="utf-8", newline="")
    (folder / "101_nfd.txt").write_text(unicodedata.normalize("NFD", accented), encoding="utf-8", newline="")
    (folder / "102_crlf.md").write_text(FRONT.replace("\n", "\r\n") + third.replace("\n", "\r\n"),
                                        encoding="utf-8", newline="")
    invisible = accented.replace("François", "Fran\u200dçois").replace("troops", "tro\u00adops")
    (folder / "103_zero_width.txt").write_text("\ufeff" + invisible.replace(" the ", " the\u200b "),
                                               encoding="utf-8", newline="")
    (folder / "104_utf16.txt").write_text(second, encoding="utf-16", newline="")
    (folder / "105_cp1252.txt").write_bytes(accented.encode("cp1252"))
    return {"104_utf16.txt": "utf-16", "105_cp1252.txt": "cp1252"}


def test_every_flag_quote_is_the_files_text_at_its_offsets_on_the_seeds(seeds, tmp_path):
    encodings = seeds_in_many_forms(seeds, tmp_path)
    report = run_rules(tmp_path)
    assert len(report.articles) == len(list(tmp_path.iterdir())) and report.skipped == []
    kinds = {f.kind for f in report.flags}
    assert {"title", "duplicate", "name", "total"} <= kinds
    assert violations(report, tmp_path, encodings) == []


def test_front_matter_lines_and_offsets_count_in_the_file(seeds, tmp_path):
    """A dated .md copy of a seed beside a dated seed gives quantity flags; all point into the files."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.iterdir())]
    (tmp_path / "a.md").write_text(FRONT + texts[1], encoding="utf-8")
    (tmp_path / "b.md").write_text(FRONT + texts[1].replace("about 1,500", "about 2,500").replace(
        "600 French", "900 French"), encoding="utf-8")
    report = run_rules(tmp_path)
    assert report.flags and all(loc.line > 5 for f in report.flags for loc in f.locations)
    assert violations(report, tmp_path) == []


def clusters() -> list[dict]:
    if not CLUSTERS.exists():
        return []
    return [json.loads(line) for line in CLUSTERS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.skipif(not CLUSTERS.exists(), reason="../shared/eval is absent")
@pytest.mark.parametrize("form", ["txt", "md"])
def test_every_flag_quote_is_the_files_text_at_its_offsets_on_the_dev_clusters(tmp_path, form):
    """Each cluster as .txt files (the brief's form), and as .md with front matter giving the event
    date, so that the quantity and figure checks, which need dated articles, have work to do."""
    found, kinds = [], set()
    for n, cluster in enumerate(clusters()):
        folder = tmp_path / str(n)
        folder.mkdir()
        for article in cluster["articles"]:
            day = dt.datetime.strptime(cluster["event_key"]["date"], "%m/%d/%y").date().isoformat()
            head = f"---\noutlet: {article['source']}\ndate: {day}\n---\n" if form == "md" else ""
            (folder / f"{article['unit_id']}.{form}").write_text(head + article["text"], encoding="utf-8")
        report = run_rules(folder)
        kinds |= {f.kind for f in report.flags}
        found += violations(report, folder)
    assert found == []
    if form == "md":
        assert {"quantity", "figure", "duplicate"} <= kinds


def test_model_claims_move_to_the_file_with_their_number_and_date(tmp_path):
    """The claims the model path builds (statement with a date, number) are moved like the rule ones."""
    from factcheck.articles import load_folder
    from factcheck.candidates import select
    from factcheck.extract import answer_model, claims_from_answer
    from factcheck.file_offsets import to_file
    from factcheck.sentences import split_article

    sentence = "The 4,000 troops deployed from Fran\u0327ce were attacked on the 19th of February."
    (tmp_path / "a.md").write_text(FRONT + "Intro.\r\n\u200b" + sentence + "\r\n", encoding="utf-8")
    articles, _ = load_folder(tmp_path)
    [candidate] = select(split_article(articles[0]))
    answer = answer_model(candidate).model_validate(
        {"statement": {"subject": "troops", "predicate": "were attacked", "date": "the 19th of February",
                       "claim_text": "The troops were attacked on the 19th of February."},
         "4,000 troops": {"counts": "troops deployed from France", "subject": "France", "predicate": "deployed",
                          "date": None, "claim_text": "4,000 troops were deployed from France."}})
    report = Report(source=str(tmp_path), model="fake", articles=articles, claims=claims_from_answer(answer, candidate))
    statement, number = to_file(report).claims
    text = file_text(tmp_path / "a.md")
    assert statement.quote == text[statement.span.start:statement.span.end] == unicodedata.normalize("NFD", sentence)
    assert statement.line == line_of(text, statement.span.start) == 7
    assert text[statement.date_span.start:statement.date_span.end] == "the 19th of February"
    assert number.number.text == text[number.number.span.start:number.number.span.end] == "4,000"
