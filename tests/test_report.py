"""Rendering a constructed Report: every section, in order, and JSON without run-specific usage."""

from __future__ import annotations

import json

from factcheck import report
from factcheck.models import (
    Article, ArticleDate, Candidate, Claim, Entity, Flag, LLMUsage, Location, NotExtracted, NumberValue, QuantityRow,
    Report, Sentence, SkippedFile, Span,
)

TEXT = "Gao, Mali\n\nFrench Prime Minister Francois Hollande said 4,000 troops were deployed. Rebels fled on Monday."


def build() -> Report:
    first, second = TEXT.index("French"), TEXT.index("Rebels")
    s1 = Sentence(article_id="a.txt", index=0, start=first, end=second - 1, line=3, text=TEXT[first:second - 1])
    s2 = Sentence(article_id="a.txt", index=1, start=second, end=len(TEXT), line=3, text=TEXT[second:])
    number = NumberValue(text="4,000", value=4000, low=4000, high=4000, hedge="exact", unit="troops deployed",
                         span=Span(start=TEXT.index("4,000"), end=TEXT.index("4,000") + 5))
    claim = Claim(id="c1", article_id="a.txt", sentence_index=0, line=3, subject="Francois Hollande",
                  role="Prime Minister", predicate="said", object="troops deployed", number=number, quote=s1.text,
                  span=Span(start=s1.start, end=s1.end))
    flag = Flag(id="title-1", kind="title", severity="high",
                locations=[Location(article_id="a.txt", line=3, start=first, end=first + 39, quote=TEXT[first:first + 39])],
                evidence=["François Hollande: President of France, 2012-05-15 to 2017-05-14 (table)"],
                reason="Francois Hollande is called French Prime Minister, but was not Prime Minister of France then.")
    return Report(
        source="articles/", model="stub-model",
        articles=[Article(id="a.txt", path="articles/a.txt", title="Troops in Gao", date="2013-02-20", text=TEXT)],
        skipped=[SkippedFile(path="articles/logo.png", reason="not an article file type (.png)")],
        sentences=[s1, s2],
        candidates=[Candidate(sentence=s1, reasons=["number", "title"]), Candidate(sentence=s2, reasons=["date"])],
        claims=[claim],
        not_extracted=[NotExtracted(article_id="a.txt", sentence_index=1, line=3, quote=s2.text,
                                    reason="APITimeoutError: Request timed out.")],
        flags=[flag],
        article_dates=[ArticleDate(article_id="a.txt", day="2013-02-20", basis="front matter")],
        quantities=[QuantityRow(kind="troops", article_id="a.txt", line=3, text="4,000", hedge="exact", low=4000,
                                high=4000, unit="troops deployed", time="article date 2013-02-20", quote=s1.text)],
        entities=[Entity(name="Francois Hollande", variants=["Francois Hollande"], articles=["a.txt"],
                         roles=["Prime Minister"])],
        usage=LLMUsage(calls=2, cached=1, failed=1, prompt_tokens=20, completion_tokens=9, seconds=1.5),
    )


def test_markdown_has_every_section_in_order():
    text = report.to_markdown(build())
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == ["## Flags", "## Files skipped", "## Not extracted", "## Article dates",
                        "## Quantities across articles", "## People and their name variants", "## All claims, by article"]
    assert text.startswith("# Fact-check report: articles/\n") and text.endswith("\n") and not text.endswith("\n\n")
    assert "| claims | 1 |" in text and "| flags | 1 |" in text and "| sentences not extracted | 1 |" in text


def test_markdown_shows_the_flag_with_quote_place_and_evidence():
    text = report.to_markdown(build())
    assert "### 1. HIGH title: Francois Hollande is called French Prime Minister" in text
    assert "id `title-1`" in text
    assert '- `a.txt` line 3, chars 11-50: "French Prime Minister Francois Hollande"' in text
    assert "- evidence: François Hollande: President of France, 2012-05-15 to 2017-05-14 (table)" in text


def test_markdown_tables_hold_the_rows():
    text = report.to_markdown(build())
    assert "| `a.txt` | en | 2013-02-20 | front matter |" in text
    assert "**troops**" in text and "| `a.txt` | 3 | 4,000 | 4,000 | troops deployed | troops |" in text
    assert "| Francois Hollande | Francois Hollande | Prime Minister | `a.txt` |" in text
    assert "| Francois Hollande | Prime Minister | said | troops deployed | 4,000 (exact) @56-61 |  |" in text
    assert "reason: APITimeoutError: Request timed out." in text and "_not extracted_" in text
    assert "- `articles/logo.png`: not an article file type (.png)" in text


def test_markdown_without_flags_or_tables_says_so_and_leaves_them_out():
    empty = build().model_copy(update={"flags": [], "quantities": [], "entities": [], "skipped": [], "not_extracted": []})
    text = report.to_markdown(empty)
    assert "None: no claim contradicts another article or the reference data." in text
    for heading in ["## Quantities", "## People", "## Files skipped", "## Not extracted"]:
        assert heading not in text


def test_json_is_the_report_without_usage_and_reads_back():
    built = build()
    data = json.loads(report.to_json(built))
    assert "usage" not in data
    assert data["flags"][0]["id"] == "title-1" and data["claims"][0]["number"]["value"] == 4000
    assert Report.model_validate(data | {"usage": {}}).model_dump(exclude={"usage"}) == built.model_dump(exclude={"usage"})


def test_the_output_is_the_same_for_the_same_input_whatever_the_usage():
    other = build().model_copy(update={"usage": LLMUsage(calls=0, cached=2, seconds=0.1)})
    assert report.to_markdown(other) == report.to_markdown(build())
    assert report.to_json(other) == report.to_json(build())


def test_usage_line_counts_calls_cache_and_tokens():
    line = report.usage_line(build())
    assert line.startswith("1 claims from 2 check-worthy sentences; LLM calls 2 (cached answers 1)")
    assert line.endswith("not extracted 1")


def test_a_repeated_passage_lists_its_claims_once_with_the_lines_that_repeat_it(seeds, tmp_path):
    from factcheck import pipeline
    from factcheck.settings import Settings

    result = pipeline.run(seeds, Settings(extractor="rules", db_path=tmp_path / "db.sqlite", progress="off"))
    text = report.to_markdown(result)
    verdicts = text.split("## Claims by verdict")[1].split("\n## ")[0]
    rows = [line for line in verdicts.splitlines() if line.startswith("| `")]
    assert len(rows) == len({tuple(r.split(" | ")[2:4]) for r in rows})  # no claim and figure twice
    assert "| `001_90729137ea9a1b76.txt` | 3 (repeated: line 10) |" in verdicts
    assert "_its claims are those of line 3, listed there_" in text
