"""Write the shipped office-holder table as an archive of plain sentences (a JSONL dump).

One record per term: "French President François Hollande took office on 15 May 2012 and left it
on 14 May 2017." The facts are Wikidata's (CC0) and the English Wikipedia office-holder lists the
table cites (its `source_*` columns); the sentences are this script's wording of them. It shows
`factcheck index` and `run --archive` on the seeds without any text that may not be shipped:

    python bench/holders_archive.py > holders.jsonl
    factcheck index holders.jsonl --archive holders.sqlite
    factcheck run seeds/ --archive holders.sqlite
"""

from __future__ import annotations

import json
import sys

from factcheck.reference import load_table


def day(value) -> str:
    return f"{value.day} {value.strftime('%B')} {value.year}"


def main() -> int:
    table = load_table()
    seen = set()
    for term in sorted(table.terms, key=lambda t: (t.country, t.position, t.start)):
        key = (term.person, term.position, term.start, term.end)
        if key in seen:
            continue
        seen.add(key)
        position = table.positions[term.position]
        words = table.countries[position.country].words
        demonym = next((w for w in words[1:] if w[0].isupper() and " " not in w), words[0])
        role = position.roles[0]
        held = f"took office on {day(term.start)}" + (f" and left it on {day(term.end)}" if term.end else "")
        text = f"{demonym} {role} {term.person} {held}."
        print(json.dumps({"title": f"{term.person}, {term.position}", "text": text, "source": term.source},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
