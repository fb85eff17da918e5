"""The Markdown report shows input text as written, and no input can add structure to it.

Reports are parsed with a CommonMark parser (tables on, as on GitHub); a hostile report must
have the same block structure as the same report with every input string made harmless (only
letters, digits and spaces), and no HTML, link or image anywhere.
"""

from __future__ import annotations

import json
import re

import pytest
from markdown_it import MarkdownIt

from factcheck import pipeline
from factcheck.models import NotExtracted, Report
from factcheck.report import md_code, md_text, to_markdown
from factcheck.sentences import flat
from factcheck.settings import Settings

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "a | b | c",
    "`code` and ``more`` and a lone `",
    "line one\n# Heading from the text\nline three",
    "# Heading",
    "---",
    "***",
    "- a list item",
    "+ another",
    "1. numbered",
    "2013) numbered",
    "> a quote",
    "[a link](http://example.com) and ![an image](http://example.com/x.png)",
    "[ref]: http://example.com",
    "<http://example.com> <me@example.com>",
    "&lt;b&gt; &amp; &#60;",
    "**bold** _em_ ~~gone~~",
    "back\\slash \\| \\< \\",
    "    indented code",
    "text\r\n===",
    "| x | y |\n|---|---|\n| 1 | 2 |",
    "<!-- comment -->",
    "ends with a hash #",
    "` starts with a backtick",
]
FORBIDDEN = {"html_block", "html_inline", "image", "link_open"}


def parse(markdown: str):
    return MarkdownIt("commonmark").enable("table").parse(markdown)


TEXT = ("text", "text_special", "code_inline")


def shown(inline, strict: bool = True) -> str:
    """The text a reader sees in an inline token; strict: fails on anything but text and code."""
    parts = []
    for token in inline.children:
        assert not strict or token.type in (*TEXT, "softbreak"), token.type
        parts.append(token.content if token.type in TEXT else " " if token.type.endswith("break") else "")
    return "".join(parts)


def structure(tokens) -> list[tuple[str, str]]:
    """Block tokens, and the inline tokens other than text (emphasis, breaks, links, ...)."""
    found = []
    for t in tokens:
        if t.type == "inline":
            found += [(c.type, c.tag) for c in t.children if c.type not in TEXT]
        else:
            found.append((t.type, t.tag))
    return found


def all_types(tokens) -> set[str]:
    return {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_text_adds_no_structure_and_reads_as_written(text):
    expected = flat(text)
    contexts = {  # markdown -> (block structure, what the inline token shows)
        f"### 1. {md_text(text)}": (["heading_open", "heading_close"], f"1. {expected}".strip()),
        f"- where: {md_text(text)}\n- next": (["bullet_list_open", "list_item_open", "paragraph_open", "paragraph_close",
                                               "list_item_close", "list_item_open", "paragraph_open", "paragraph_close",
                                               "list_item_close", "bullet_list_close"], f"where: {expected}".strip()),
        f"> {md_text(text, line_start=True)}": (["blockquote_open", "paragraph_open", "paragraph_close",
                                                  "blockquote_close"], expected.strip()),
    }
    for markdown, (structure, seen) in contexts.items():
        tokens = parse(markdown)
        assert [t.type for t in tokens if t.type != "inline"] == structure, markdown
        assert shown(next(t for t in tokens if t.type == "inline")) == seen, markdown


@pytest.mark.parametrize("text", HOSTILE)
def test_escaped_table_cells_and_code_spans_stay_in_their_cell(text):
    table = f"| a | b | c |\n|---|---|---|\n| {md_text(text, in_table=True)} | {md_code(text, in_table=True)} | end |"
    tokens = parse(table)
    cells = [t for t in tokens if t.type == "inline"]
    assert len(cells) == 6 and sum(t.type == "tr_open" for t in tokens) == 2
    assert shown(cells[3]) == flat(text).strip()
    assert [c.type for c in cells[4].children] == ["code_inline"] and cells[4].children[0].content == flat(text)
    assert shown(cells[5]) == "end"
    tokens = parse(f"- {md_code(text)}: after")
    [item] = [t for t in tokens if t.type == "inline"]
    assert item.children[0].type == "code_inline" and item.children[0].content == flat(text)


# ---- a whole report on hostile articles, file names and metadata ------------------------------

ARTICLE = """\
# Heading from the article

<script>alert(1)</script> As rebels are pushed further to the border, French Prime Minister
Francois Hollande said on Tuesday, February 19, 2013 that 4,000 troops | were | deployed.

---

<img src=x onerror=alert(1)> About 1,500 troops ![x](http://e.x/x.png) [link](http://e.x) `code` were sent on
October 30, 2013, including 600 French and 600 Malian soldiers.

> 30 people were killed in Gao, including 20 civilians, officials said.

- 12 soldiers were wounded | a | b |
1. The Taureg rebels and Tuareg leaders met President Ibrahim Boubacar.
|---|---|

<img src=x onerror=alert(1)> About 1,500 troops ![x](http://e.x/x.png) [link](http://e.x) `code` were sent on
October 30, 2013, including 600 French and 600 Malian soldiers.
"""
FRONT_MATTER = '---\ntitle: "<script>alert(1)</script>\\n# Title heading"\ndate: 2013-02-20\noutlet: "x | y"\n---\n'
RECORDS = [
    {"title": "T | x\n---\n# Title heading", "outlet": "Evil\n# Outlet heading\n<script>x</script>",
     "date": "2013-02-21", "text": "President Ibrahim Boubacar Keita said 13 civilians were killed on Tuesday "
                                   "in Gao. Another 5 <b>bold</b> &amp; **x** | y | were hurt."},
    {"title": "`tick", "outlet": "![i](http://e.x/i.png)", "date": "2013-02-21",
     "text": "French President Francois Hollande said 3,000 soldiers were wounded on Monday."},
]
NAMES = {"md": "a`b|c<img src=x onerror=alert(1)>\n# x.md", "jsonl": "j|k\n---\n<b>.jsonl", "bin": "z<script>`|.bin"}


def hostile_report(tmp_path) -> Report:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / NAMES["md"]).write_text(FRONT_MATTER + ARTICLE, encoding="utf-8")
    (folder / NAMES["jsonl"]).write_text("\n".join(json.dumps(r) for r in RECORDS), encoding="utf-8")
    (folder / NAMES["bin"]).write_bytes(b"\x00\x01")
    report = pipeline.run(folder, Settings(extractor="rules", progress=False, cache_dir=tmp_path / "cache"))
    sentence = report.candidates[0].sentence
    report.not_extracted.append(NotExtracted(article_id=sentence.article_id, sentence_index=sentence.index,
                                             line=sentence.line, quote=HOSTILE[4], reason=HOSTILE[1]))
    claim = report.claims[0]
    report.claims.append(claim.model_copy(update={"id": "x", "subject": HOSTILE[0], "predicate": HOSTILE[2],
                                                  "object": HOSTILE[13], "role": HOSTILE[4]}))
    return report


KEEP = {"kind", "hedge", "severity", "verdict", "encoding", "status"}  # values the renderer groups or tests


def harmless(value, key: str = ""):
    """Every string reduced to letters, digits and spaces (the same string the same way)."""
    if isinstance(value, str):
        return value if key in KEEP else re.sub(r"[^A-Za-z0-9 ]", "", value.replace("\n", " ")) or "x"
    if isinstance(value, dict):
        return {k: harmless(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [harmless(v, key) for v in value]
    return value


def test_no_input_adds_a_heading_row_link_image_or_html_to_the_report(tmp_path):
    report = hostile_report(tmp_path)
    assert report.flags and report.quantities and report.entities and report.skipped
    markdown = to_markdown(report)
    tokens = parse(markdown)
    baseline = parse(to_markdown(Report.model_validate(harmless(report.model_dump()))))
    assert structure(tokens) == structure(baseline)
    assert not all_types(tokens) & FORBIDDEN
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == len([t for t in baseline if t.type == "heading_open"])
    assert sum(t.type == "tr_open" for t in tokens) == sum(t.type == "tr_open" for t in baseline)
    seen = "\n".join(shown(t, strict=False) for t in tokens if t.type == "inline")
    for text in ("<script>alert(1)</script> As rebels are pushed further to the border, French Prime Minister "
                 "Francois Hollande said",
                 "4,000 troops | were | deployed", "[x](http://e.x/x.png) [link](http://e.x) `code`", "`tick, ![i](http://e.x/i.png)",
                 "<b>bold</b> &amp; **x** | y |", "j|k --- <b>.jsonl:1", "a`b|c<img src=x onerror=alert(1)> # x.md",
                 "z<script>`|.bin", "Evil # Outlet heading <script>x</script>"):
        assert text in seen, text
