"""Render a Report as Markdown for reviewers, or JSON for machines.

The output depends only on the input and the model's answers (no timings, no cache counts),
so a rerun of the same folder prints the same report.

Every string that comes from the input (article text, quotes, file names, metadata, the
model's answers, reviewers' notes, reasons and evidence built from them) goes through `md_text`
or `md_code`, so it shows as written and cannot add a heading, a list, a table row, a link, an
image or raw HTML.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict

from .models import Claim, Decision, Flag, Report
from .sentences import flat

REPORT_EXCLUDE = {"usage": True, "decisions": True}


def to_json(report: Report) -> str:
    """The report as JSON; a flag a reviewer decided on carries its `decision`, and dismissed flags
    move from `flags` to `dismissed_flags`."""
    data = report.model_dump(mode="json", exclude=REPORT_EXCLUDE)
    if report.decisions:
        for flag in data["flags"]:
            if flag["id"] in report.decisions:
                flag["decision"] = report.decisions[flag["id"]].model_dump(mode="json", exclude={"flag_id"})
        data["dismissed_flags"] = [f for f in data["flags"] if _is_dismissed(report, f["id"])]
        data["flags"] = [f for f in data["flags"] if not _is_dismissed(report, f["id"])]
    return json.dumps(data, indent=2, ensure_ascii=False)


def _is_dismissed(report: Report, flag_id: str) -> bool:
    decision = report.decisions.get(flag_id)
    return decision is not None and decision.status == "dismissed"


def to_markdown(report: Report) -> str:
    parts = [_header(report), _flags(report), _dismissed(report), _archive(report), _verdicts(report), _skipped(report),
             _not_extracted(report), _dates(report), _quantities(report), _entities(report), _articles(report)]
    return "\n\n".join(p for p in parts if p).rstrip() + "\n"


def _header(report: Report) -> str:
    duplicates = sum(1 for s in report.sentences if s.duplicate_of)
    rows = [
        ("articles", len(report.articles)),
        ("files skipped", len(report.skipped)),
        ("sentences", len(report.sentences)),
        ("sentences repeating an earlier one verbatim", duplicates),
        ("check-worthy sentences", len(report.candidates)),
        ("claims", len(report.claims)),
        ("flags", len(report.flags)),
        *([("flags dismissed by a reviewer", sum(_is_dismissed(report, f.id) for f in report.flags))]
          if report.decisions else []),
        ("sentences not extracted", len(report.not_extracted)),
        *([("claims searched in the archive", report.archive.claims)] if report.archive else []),
        *[(OUTCOME_ROWS[o], n) for o, n in _outcome_counts(report).items()],
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return (
        f"# Fact-check report: {md_text(report.source)}\n\n"
        f"Claims extracted by {md_code(report.model)}. Every quote is exact; `line` and `chars` point into the file "
        f"(characters counted from the start of the file, front matter included; line breaks in quotes are "
        f"shown as spaces).\n\n"
        f"| | count |\n|---|---:|\n{table}"
    )


def _flags(report: Report) -> str:
    if not report.flags:
        return "## Flags\n\nNone: no claim contradicts another article or the reference data."
    shown = [f for f in report.flags if not _is_dismissed(report, f.id)]
    blocks = ["## Flags\n\nMost severe first. Each flag shows the exact quote, where it is, the evidence and why."]
    if not shown:
        blocks.append("None left: a reviewer dismissed every flag (see below).")
    blocks += [_flag_block(n, flag, report.decisions.get(flag.id)) for n, flag in enumerate(shown, 1)]
    return "\n\n".join(blocks)


def _dismissed(report: Report) -> str:
    dismissed = [f for f in report.flags if _is_dismissed(report, f.id)]
    if not dismissed:
        return ""
    blocks = ["## Dismissed flags\n\nA reviewer looked at these and dismissed them, for the reason given."]
    blocks += [_flag_block(n, flag, report.decisions[flag.id]) for n, flag in enumerate(dismissed, 1)]
    return "\n\n".join(blocks)


def _flag_block(n: int, flag: Flag, decision: Decision | None) -> str:
    mark = " (confirmed)" if decision and decision.status == "confirmed" else ""
    lines = [f"### {n}. {flag.severity.upper()} {flag.kind}{mark}: {md_text(flag.reason)}", f"id {md_code(flag.id)}", ""]
    for loc in flag.locations:
        lines.append(f"- {md_code(loc.article_id)} line {loc.line}, chars {loc.start}-{loc.end}: "
                     f"\"{md_text(_clip(_one_line(loc.quote), 400))}\"")
    lines += [f"- evidence: {md_text(_clip(e, 400))}" for e in flag.evidence]
    if decision:
        lines += _decision_lines(decision)
    return "\n".join(lines)


def _decision_lines(decision: Decision) -> list[str]:
    day = decision.updated[:10]
    lines = []
    if decision.status == "confirmed":
        lines.append(f"- **confirmed** by a reviewer ({md_text(day)})")
    elif decision.status == "dismissed":
        lines.append(f"- **dismissed** by a reviewer ({md_text(day)}): {md_text(str(decision.reason))}")
    if decision.note:
        lines.append(f"- reviewer's note: {md_text(decision.note)}")
    return lines


OUTCOMES = {  # in the order a reviewer takes them
    "contradicted": "a passage of the archive says otherwise (the flag above gives the figure or title that differs)",
    "no evidence found": "nothing in the archive bears on it, apart from copies of the same text: check it by hand "
                         "first (the nearest passage, if any, is shown)",
    "related": "the archive speaks of the same things, but the rules found no figure or title that differs or "
               "agrees (the model's judgment, when asked, is told beside the passage)",
    "supported": "an independent passage of the archive states it",
}


OUTCOME_ROWS = {"contradicted": "claims the archive contradicts", "no evidence found": "claims with no evidence in the archive",
                "related": "claims the archive speaks of, neither way", "supported": "claims the archive supports"}


def _outcome_counts(report: Report) -> dict[str, int]:
    counts = {o: 0 for o in OUTCOMES}
    for claim in report.claims:
        if claim.evidence and not claim.copied_from:
            counts[claim.evidence] += 1
    return {o: n for o, n in counts.items() if n} if report.archive else {}


def _archive(report: Report) -> str:
    if report.archive is None:
        return ""
    head = (f"## Evidence from the archive\n\nEvery claim searched in {md_code(report.archive.path)}: contradicted "
            f"first, then those with no evidence, then the rest. A passage that copies the claim's own sentence or "
            f"article is not independent: it supports nothing, but a copy that gives another figure or title still "
            f"contradicts the claim ({report.archive.copies_left_out} copies found).")
    sections = [head]
    for outcome, meaning in OUTCOMES.items():
        claims = [c for c in report.claims if c.evidence == outcome and not c.copied_from]
        if not claims:
            continue
        rows = _table_head(outcome, len(claims), meaning, ["best passage", "why"])
        for c in claims:
            best = c.passages[0] if c.passages else None
            where = f"{md_code(best.source, in_table=True)} line {best.line}: \"{_cell(_clip(best.quote, 240))}\"" \
                if best else ""
            why = "; ".join(e for e in c.verdict_evidence if e.startswith("archive")) if outcome != "related" else ""
            why = why or (best.judgment if best and best.judgment else "")
            rows.append(f"| {md_code(c.article_id, in_table=True)} | {c.line} | {_cell(_clip(c.claim_text or c.quote, 200))} "
                        f"| {_cell(_fact(c))} | {where} | {_cell(_clip(why, 300))} |")
        sections.append("\n".join(rows))
    return "\n\n".join(sections)


VERDICTS = {
    "contradicted": "another article, the archive or the reference table says otherwise",
    "corroborated": "another independent article or a passage of the archive states it (a verbatim copy does not "
                    "count), or the reference table confirms it",
    "single-source": "only this article states it",
    "unverifiable": "it holds no figure, date, title or name to check",
}


def _verdicts(report: Report) -> str:
    if not any(c.verdict for c in report.claims):
        return ""
    sections = ["## Claims by verdict\n\nWhat the other articles and the reference table say of each claim. "
                "A claim repeated verbatim is listed once, at its first place, with the lines that repeat it."]
    copies = _copies(report.claims)
    for verdict, meaning in VERDICTS.items():
        claims = [c for c in report.claims if c.verdict == verdict and not c.copied_from]
        if not claims:
            continue
        rows = _table_head(verdict, len(claims), meaning, ["evidence"])
        for c in claims:
            evidence = "; ".join(_clip(e, 200) for e in c.verdict_evidence)
            line = f"{c.line}" + (f" (repeated: {_cell(', '.join(copies[c.id]))})" if c.id in copies else "")
            rows.append(f"| {md_code(c.article_id, in_table=True)} | {line} | {_cell(_clip(c.claim_text or c.quote, 200))} "
                        f"| {_cell(_fact(c))} | {_cell(evidence)} |")
        sections.append("\n".join(rows))
    return "\n\n".join(sections)


def _table_head(name: str, count: int, meaning: str, columns: list[str]) -> list[str]:
    """A group of claims: its heading, what it means, and the head of its table."""
    names = ["article", "line", "claim", "figure, date or title", *columns]
    return [f"### {name} ({count})", "", f"{meaning[0].upper()}{meaning[1:]}.", "", "| " + " | ".join(names) + " |",
            "|---|---:|" + "---|" * (len(names) - 2)]


def _copies(claims: list[Claim]) -> dict[str, list[str]]:
    """Claim id -> where its verbatim repeats are ("line 9", or "other.txt line 3")."""
    from .verdicts import originals_of

    by_id = {c.id: c for c in claims}
    found: dict[str, list[str]] = defaultdict(list)
    for copy_id, original in originals_of(claims).items():
        copy = by_id[copy_id]
        place = f"line {copy.line}" if copy.article_id == original.article_id else f"{copy.article_id} line {copy.line}"
        if place not in found[original.id]:
            found[original.id].append(place)
    return dict(found)


def _fact(claim: Claim) -> str:
    """What sets a claim apart from the others of its sentence: its figure, date or title."""
    parts = []
    if claim.number:
        parts.append(" ".join(filter(None, [claim.number.text, claim.number.unit])))
    if claim.date:
        parts.append(claim.date)
    if claim.role:
        parts.append(f"{claim.subject}: {claim.role}")
    return "; ".join(parts)


def _dates(report: Report) -> str:
    languages = {a.id: a.language for a in report.articles}
    rows = ["| article | language | date | basis |", "|---|---|---|---|"]
    for d in report.article_dates:
        when = d.day or _window(d.earliest, d.latest)
        rows.append(f"| {md_code(d.article_id, in_table=True)} | {languages.get(d.article_id, '')} | {_cell(when)} "
                    f"| {_cell(d.basis)} |")
    return "## Article dates\n\n" + "\n".join(rows) + _encodings(report)


def _encodings(report: Report) -> str:
    """The articles not read as UTF-8, so a reviewer knows how their characters were taken."""
    other = [f"- {md_code(a.id)}: {md_text(a.encoding)}" for a in report.articles if a.encoding != "utf-8"]
    return "\n\nRead in another encoding than UTF-8:\n\n" + "\n".join(other) if other else ""


def _window(earliest: str | None, latest: str | None) -> str:
    if earliest and latest:
        return f"{earliest} to {latest}"
    return f"on or after {earliest}" if earliest else f"on or before {latest}" if latest else "unknown"


def _quantities(report: Report) -> str:
    if not report.quantities:
        return ""
    sections = ["## Quantities across articles\n\nNumbers of one kind side by side, with their time scope. "
                "Counts about different operations or times are not contradictions; a conflict is flagged "
                "only when two articles count the same kind for the same event."]
    families = sorted({q.kind.split(":")[0] for q in report.quantities})
    for family in families:  # 'killed', 'killed: civilians', 'killed: fighters' share one table
        rows = [f"**{md_text(family)}**", "", "| article | line | number | interval | counts | kind | time | quote |",
                "|---|---:|---|---|---|---|---|---|"]
        for q in (q for q in report.quantities if q.kind.split(":")[0] == family):
            rows.append(f"| {md_code(q.article_id, in_table=True)} | {q.line} | {_cell(q.text)} "
                        f"| {_interval(q.low, q.high, q.hedge)} | {_cell(q.unit or '')} | {_cell(q.kind)} "
                        f"| {_cell(q.time)} | {_cell(_clip(q.quote, 160))} |")
        sections.append("\n".join(rows))
    return "\n\n".join(sections)


def _interval(low, high, hedge: str) -> str:
    if low is None:
        return ""
    if high == float("inf"):
        return f"{'>' if hedge == 'more than' else '≥'} {_num(low)}"
    return _num(low) if low == high else f"{_num(low)}–{_num(high)}"


def _num(value: float) -> str:
    return f"{round(value):,}" if abs(value - round(value)) < 1e-3 or value >= 100 else f"{value:,.1f}"


def _entities(report: Report) -> str:
    if not report.entities:
        return ""
    rows = ["| person | written as | titles given | articles |", "|---|---|---|---|"]
    for e in report.entities:
        rows.append(f"| {_cell(e.name)} | {_cell('; '.join(e.variants))} | {_cell('; '.join(e.roles))} | "
                    f"{', '.join(md_code(a, in_table=True) for a in e.articles)} |")
    return "## People and their name variants\n\n" + "\n".join(rows)


def _skipped(report: Report) -> str:
    if not report.skipped:
        return ""
    lines = [f"- {md_code(s.path)}: {md_text(s.reason)}" for s in report.skipped]
    return "## Files skipped\n\n" + "\n".join(lines)


def _not_extracted(report: Report) -> str:
    if not report.not_extracted:
        return ""
    lines = [
        f"- {md_code(m.article_id)} line {m.line}: \"{md_text(_clip(m.quote))}\"  \n  reason: {md_text(m.reason)}"
        for m in report.not_extracted
    ]
    return "## Not extracted\n\nThese check-worthy sentences have no claims: the model's answer failed validation " \
           "or the request failed. Check them by hand.\n\n" + "\n".join(lines)


def _articles(report: Report) -> str:
    claims_by_sentence: dict[tuple[str, int], list[Claim]] = defaultdict(list)
    for claim in report.claims:
        claims_by_sentence[(claim.article_id, claim.sentence_index)].append(claim)
    failed = {(m.article_id, m.sentence_index) for m in report.not_extracted}
    candidates_of: dict[str, list] = defaultdict(list)
    for candidate in report.candidates:
        candidates_of[candidate.sentence.article_id].append(candidate)
    lines = {s.ref: s for s in report.sentences}
    sections = ["## All claims, by article"]
    for article in report.articles:
        meta = ", ".join(filter(None, [article.title, article.outlet, article.date]))
        sections.append(f"### {md_text(article.id)}" + (f" ({md_text(meta)})" if meta else ""))
        for candidate in candidates_of[article.id]:
            s = candidate.sentence
            key = (s.article_id, s.index)
            head = f"**line {s.line}, chars {s.start}-{s.end}** ({', '.join(candidate.reasons)})"
            if s.duplicate_of:
                head += f", repeats {md_code(s.duplicate_of)} verbatim"
            block = [head, f"> {md_text(s.text, line_start=True)}"]
            if key in failed:
                block.append("_not extracted_")
            elif s.duplicate_of and claims_by_sentence[key]:
                first = lines.get(s.duplicate_of)
                where = f"line {first.line}" if first and first.article_id == s.article_id else md_code(s.duplicate_of)
                block.append(f"_its claims are those of {where}, listed there_")
            elif claims_by_sentence[key]:
                block.append(_claims_table(claims_by_sentence[key]))
            sections.append("\n\n".join(block))
    return "\n\n".join(sections)


def _claims_table(claims: list[Claim]) -> str:
    rows = ["| subject | role | predicate | object / counts | number | date |", "|---|---|---|---|---|---|"]
    for c in claims:
        number = ""
        if c.number:
            number = f"{c.number.text} ({c.number.hedge}) @{c.number.span.start}-{c.number.span.end}"
        date = f"{c.date} @{c.date_span.start}-{c.date_span.end}" if c.date and c.date_span else (c.date or "")
        cells = [c.subject, c.role or "", c.predicate, c.object or "", number, date]
        rows.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    return "\n".join(rows)


# ---- escaping: input text shows as written and adds no structure --------------------------------

# Characters that open an inline construct (code, emphasis, HTML or autolink, entity,
# strikethrough) or close a heading, and a "]" that would end a link's or image's text ("](" or
# "]["); in a table cell, the pipe that ends a cell too. "[" alone links nothing: the report has
# no link definitions, and none can be made (a "[" that starts a line is escaped).
MARKDOWN_SPECIAL = re.compile(r"([\\`*_<>#~&]|\](?=[(\[]))")
IN_TABLE = re.compile(r"([\\`*_<>#~&|]|\](?=[(\[]))")
# At the start of a line: a list item, a numbered item, a setext underline or thematic break, a
# link definition.
BLOCK_START = re.compile(r"^(?:([-+=\[])|(\d{1,9})([.)]))")


def md_text(text: str, line_start: bool = False, in_table: bool = False) -> str:
    """`text` as Markdown inline text that reads as written: line breaks become spaces and every
    character that could open a Markdown or HTML construct is backslash-escaped. With
    `line_start`, also what would open a block at the start of a line (list item, rule); with
    `in_table`, pipes."""
    text = (IN_TABLE if in_table else MARKDOWN_SPECIAL).sub(r"\\\1", flat(text))
    if line_start:
        text = BLOCK_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}",
                              text.lstrip())
    return text


def md_code(text: str, in_table: bool = False) -> str:
    """`text` as a code span: fenced with more backticks than it holds, on one line; in a table
    cell, pipes are escaped (tables split cells before reading code spans)."""
    text = flat(text)
    if in_table:
        text = text.replace("|", "\\|")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text[:1] in ("`", " ") or text[-1:] in ("`", " ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _cell(text: str) -> str:
    return md_text(text, in_table=True)


def _one_line(text: str) -> str:
    return " ".join(text.splitlines())


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def usage_line(report: Report) -> str:
    u = report.usage
    return (
        f"{len(report.claims)} claims from {len(report.candidates)} check-worthy sentences; "
        f"LLM calls {u.calls} (cached answers {u.cached}), prompt tokens {u.prompt_tokens} ({u.prompt_tokens_reused} reused), "
        f"completion tokens {u.completion_tokens}, LLM time {u.seconds:.1f} s; "
        f"not extracted {len(report.not_extracted)}"
    )
