"""Duplicates: passages repeated verbatim inside or across articles.

A copy is not independent corroboration: the reviewer should count it once. Consecutive repeated
sentences are reported as one passage.
"""

from __future__ import annotations

from ..models import Flag, Sentence
from .base import Corpus, location, make_flag


def check_duplicates(corpus: Corpus) -> list[Flag]:
    by_ref = {s.ref: s for s in corpus.sentences}
    flags = []
    for run in _runs([s for s in corpus.sentences if s.duplicate_of]):
        first = [by_ref[s.duplicate_of] for s in run]
        copy_where = location(corpus, run[0].article_id, run[0].start, run[-1].end)
        same = run[0].article_id == first[0].article_id
        reason = (f"{len(run)} sentence{'s' if len(run) > 1 else ''} (lines {run[0].line}-{run[-1].line}) repeat "
                  f"{'this article' if same else first[0].article_id} lines {first[0].line}-{first[-1].line} "
                  f"verbatim; a copy is not independent corroboration.")
        evidence = [f"{first[0].article_id} line {first[0].line}: \"{first[0].text}\""]
        flags.append(make_flag("duplicate", "medium", [copy_where], evidence, reason))
    return flags


def _runs(sentences: list[Sentence]) -> list[list[Sentence]]:
    runs: list[list[Sentence]] = []
    for sentence in sentences:
        last = runs[-1][-1] if runs else None
        if last and last.article_id == sentence.article_id and sentence.index - last.index <= 2:
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return runs
