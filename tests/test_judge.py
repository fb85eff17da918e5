"""The whole pipeline with a fake model client: selection, extraction with claim texts, pairing,
the pair judgments settling rule conflicts, and a verdict for every claim."""

from __future__ import annotations

import contextlib
import math
import re

import pytest

from factcheck import pairing, pipeline, report
from factcheck.extract import Grounded
from factcheck.llm.client import Answer
from factcheck.models import LLMUsage
from factcheck.pairing import PairAnswer
from factcheck.select import SentenceLabel
from factcheck.settings import Settings


class FakeModel:
    """Answers every kind of request the pipeline sends; records the requests by kind."""

    def __init__(self, relation=lambda a, b: "different facts", labels=None, confidence=0.95):
        self.relation, self.labels, self.confidence = relation, labels or {}, confidence
        self.requests: dict[str, list] = {"select": [], "extract": [], "judge": []}

    def ask(self, prompt, response_model, messages, context, max_tokens=None, salt="", shares_of=None):
        user = messages[-1]["content"]
        if response_model is SentenceLabel:
            self.requests["select"].append(messages)
            sentence = user.split("Sentence: ", 1)[1]
            return self._answer(response_model(label=self.labels.get(sentence, "check-worthy")))
        if response_model is PairAnswer:
            self.requests["judge"].append(messages)
            a, b = (re.search(rf"^{x} \([^)]*\): (.*)$", user, re.M).group(1) for x in ("A", "B"))
            relation = self.relation(a, b)
            rest = (1 - self.confidence) / 2
            shares = {r: self.confidence if r == relation else rest for r in ("different facts", "agree", "contradict")}
            return self._answer(PairAnswer(relation=relation, shares=shares))
        assert issubclass(response_model, Grounded)
        self.requests["extract"].append(messages)
        return self._answer(response_model.model_validate(self._claims(user, response_model), context=context))

    @staticmethod
    def _answer(value) -> Answer:
        return Answer(value, None, LLMUsage(calls=1, prompt_tokens=10, completion_tokens=3))

    @staticmethod
    def _claims(user: str, response_model) -> dict:
        sentence = re.search(r"^Sentence: (.*)$", user, re.M).group(1)
        words = sentence.rstrip(".").split()
        entry = {"subject": words[0], "predicate": words[1], "claim_text": sentence}
        numbers = {f.alias: {"counts": words[3], **entry} for n, f in response_model.model_fields.items()
                   if n.startswith("n")}
        return {"statement": entry} | numbers


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    texts = {
        "a.md": "---\ndate: 2020-03-02\n---\nGunmen killed 12 villagers in Gao on Monday.\nThe mayor of Gao resigned on Tuesday.\n",
        "b.md": "---\ndate: 2020-03-03\n---\nGunmen killed 30 villagers in Gao on Monday.\nThe mayor of Gao has not resigned.\n",
    }
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def run_with(fake: FakeModel, folder, monkeypatch, judge_pairs="all", select="model", judge_confidence=0.9,
             archive=None, cache="cache.sqlite"):
    @contextlib.contextmanager
    def fake_model(settings, store):
        yield fake, "fake"

    monkeypatch.setattr(pipeline, "model", fake_model)
    return pipeline.run(folder, Settings(base_url="http://127.0.0.1:9/v1", model="fake", progress=False,
                                         db_path=folder.parent / cache, judge_pairs=judge_pairs,
                                         select=select, judge_confidence=judge_confidence, archive=archive))


def gao_archive(folder, text: str):
    """An archive of one wire story of 2020-03-03 about Gao, with a.md the only article left to check."""
    from factcheck.archive import Archive

    archive_dir = folder.parent / "archive"
    archive_dir.mkdir()
    (archive_dir / "wire.md").write_text(f"---\ndate: 2020-03-03\n---\n{text}\n", encoding="utf-8")
    with Archive(folder.parent / "a.sqlite") as archive:
        archive.index(archive_dir)
    (folder / "b.md").unlink()
    return folder.parent / "a.sqlite"


def test_rules_alone_raise_the_count_conflict(folder):
    result = pipeline.run(folder, Settings(extractor="rules", progress=False, db_path=folder.parent / "cache.sqlite"))
    [flag] = [f for f in result.flags if f.kind == "quantity"]
    assert flag.severity == "high"


def test_a_pair_judged_different_facts_keeps_the_rule_conflict_only_as_a_note(folder, monkeypatch):
    result = run_with(FakeModel(relation=lambda a, b: "different facts"), folder, monkeypatch)
    [flag] = [f for f in result.flags if f.kind == "quantity"]
    assert flag.severity == "note" and "different facts" in flag.reason
    assert not [f for f in result.flags if f.kind == "conflict"]
    counts = [c for c in result.claims if c.number is not None]
    assert {c.verdict for c in counts} == {"single-source"}


def test_a_judgment_below_the_confidence_set_leaves_the_rule_conflict_and_is_only_told(folder, monkeypatch):
    unsure = FakeModel(relation=lambda a, b: "different facts", confidence=0.6)
    result = run_with(unsure, folder, monkeypatch, judge_confidence=0.9)
    [flag] = [f for f in result.flags if f.kind == "quantity"]
    assert flag.severity == "high" and "not acted on" in flag.reason and "P(different facts) 0.60" in flag.reason
    never = run_with(FakeModel(relation=lambda a, b: "different facts"), folder, monkeypatch, judge_confidence=None)
    assert [f.severity for f in never.flags if f.kind == "quantity"] == ["high"]


def test_the_pair_judgment_is_the_same_whichever_claim_comes_first(folder, monkeypatch):
    # a model that leans to "contradict" when the earlier article comes first
    leaning = FakeModel(relation=lambda a, b: "contradict" if "12" in a else "different facts", confidence=0.7)
    result = pipeline.run(folder, Settings(extractor="rules", progress=False, db_path=folder.parent / "c.sqlite"))
    a, b = (next(c for c in result.claims if c.article_id == x and c.number) for x in ("a.md", "b.md"))
    forward, _ = pairing.judge_claims(a, b, "article of 2020-03-02", "article of 2020-03-03", leaning)
    backward, _ = pairing.judge_claims(b, a, "article of 2020-03-03", "article of 2020-03-02", leaning)
    assert (forward.relation, forward.confidence) == (backward.relation, backward.confidence)
    assert forward.confidence == pytest.approx((0.7 + 0.15) / 2, abs=0.001)
    assert len(leaning.requests["judge"]) == 4  # each pair asked in both orders


def test_a_pair_judged_the_same_fact_keeps_the_rule_conflict(folder, monkeypatch):
    result = run_with(FakeModel(relation=lambda a, b: "contradict"), folder, monkeypatch)
    [flag] = [f for f in result.flags if f.kind == "quantity"]
    assert flag.severity == "high"
    twelve = next(c for c in result.claims if c.number is not None and c.number.value == 12)
    assert twelve.verdict == "contradicted"
    assert twelve.verdict_evidence == ['b.md line 4: "Gunmen killed 30 villagers in Gao on Monday."']


def test_a_contradiction_in_words_becomes_a_conflict_flag_with_both_quotes_and_the_reason(folder, monkeypatch):
    def relation(a, b):
        return "contradict" if "mayor" in a and "mayor" in b else "different facts"

    result = run_with(FakeModel(relation=relation), folder, monkeypatch)
    [flag] = [f for f in result.flags if f.kind == "conflict"]
    assert [loc.quote for loc in flag.locations] == ["The mayor of Gao resigned on Tuesday.",
                                                     "The mayor of Gao has not resigned."]
    assert flag.severity == "medium" and "P(contradict) 0.95" in flag.reason
    mayor = [c for c in result.claims if "mayor" in c.quote]
    assert {c.verdict for c in mayor} == {"contradicted"}
    markdown = report.to_markdown(result)
    assert markdown.index("## Flags") < markdown.index("## Claims by verdict") < markdown.index("### contradicted")


def test_by_default_the_model_only_settles_rule_conflicts_and_raises_none_of_its_own(folder, monkeypatch):
    result = run_with(FakeModel(relation=lambda a, b: "contradict"), folder, monkeypatch, judge_pairs="flagged")
    assert not [f for f in result.flags if f.kind == "conflict"]
    ruled = {frozenset(f.claims) for f in result.flags if f.kind == "quantity"}
    assert ruled and {frozenset((j.a, j.b)) for j in result.judgments if j.source == "model"} == ruled
    assert not [c for c in result.claims if "mayor" in c.quote and c.verdict == "contradicted"]


def test_with_rule_selection_the_model_only_extracts_what_the_rules_pick(folder, monkeypatch):
    by_model, by_rules, by_classifier = FakeModel(), FakeModel(), FakeModel()
    run_with(by_model, folder, monkeypatch)
    run_with(by_rules, folder, monkeypatch, select="rules")
    run_with(by_classifier, folder, monkeypatch, select="classifier")
    assert by_model.requests["select"] and not by_rules.requests["select"] and not by_classifier.requests["select"]
    assert 0 < len(by_rules.requests["extract"]) <= len(by_model.requests["extract"])
    assert by_classifier.requests["extract"]


def test_the_model_path_keeps_every_rule_flag_whatever_it_reads(tmp_path, monkeypatch):
    """A model that reads one article's death toll as a count of the wounded still leaves the
    rules' count conflict standing."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("---\ndate: 2020-03-02\n---\nGunmen killed 12 villagers in Gao on Monday.\n")
    (folder / "b.md").write_text("---\ndate: 2020-03-03\n---\nGunmen killed 30 villagers and wounded others in Gao.\n")

    class Misreading(FakeModel):
        @staticmethod
        def _claims(user, response_model):
            claims = FakeModel._claims(user, response_model)
            misread = "30 villagers" in user
            return {k: v | {"counts": "wounded"} if k != "statement" and misread else v for k, v in claims.items()}

    rules = pipeline.run(folder, Settings(extractor="rules", progress=False, db_path=tmp_path / "r.sqlite"))
    model = run_with(Misreading(), folder, monkeypatch, select="classifier", judge_confidence=None)
    misread = next(c for c in model.claims if c.article_id == "b.md" and c.number)
    assert "wounded" in misread.number.unit
    places = lambda flags: {pipeline._places(f) for f in flags}  # noqa: E731
    assert [f.severity for f in rules.flags if f.kind == "quantity"] == ["high"]
    assert places(rules.flags) <= places(model.flags)


def test_agreeing_articles_corroborate_each_other_but_a_copy_does_not(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    same = "Gunmen killed 12 villagers in the market of Gao on Monday morning."
    for name, day in (("a.md", "2020-03-02"), ("b.md", "2020-03-02"), ("c.md", "2020-03-03")):
        text = same if name != "c.md" else "Gunmen killed twelve villagers in Gao on Monday."
        (folder / name).write_text(f"---\ndate: {day}\n---\n{text}\n", encoding="utf-8")
    fake = FakeModel(relation=lambda a, b: "agree")
    result = run_with(fake, folder, monkeypatch)
    by_article = {}
    for claim in result.claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    assert all(c.copied_from == "a.md#0" for c in by_article["b.md"])
    assert {c.verdict for c in result.claims} == {"corroborated"}
    copy = by_article["b.md"][0]
    assert copy.verdict_evidence[-1] == "verbatim copy of a.md#0: not independent"
    judged = {(j.a, j.b) for j in result.judgments}
    ids_b = {c.id for c in by_article["b.md"]}
    assert not any(a in ids_b or b in ids_b for a, b in judged)  # the copy is never paired


def test_every_request_kind_keeps_a_byte_identical_prefix_and_puts_the_text_last(folder, monkeypatch):
    fake = FakeModel()
    run_with(fake, folder, monkeypatch)
    for kind, requests in fake.requests.items():
        assert len(requests) >= 2, kind
        assert len({r[0]["content"] for r in requests}) == 1, kind  # one system text
        assert len({r[1]["content"] for r in requests}) == len(requests), kind  # what differs comes after it
    assert fake.requests["judge"][0][1]["content"].startswith("A (article of 2020-03-02): ")


def test_blocking_pairs_other_articles_within_the_date_window_only_and_caps_each_claim(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    line = "Gunmen killed {} villagers in Gao on Monday."
    days = ["2020-03-02", "2020-03-02", "2020-03-03", "2020-03-04", "2020-03-05", "2020-03-20"]
    for n, day in enumerate(days):
        (folder / f"{n}.md").write_text(f"---\ndate: {day}\n---\n{line.format(n + 10)}\n", encoding="utf-8")
    result = pipeline.run(folder, Settings(extractor="rules", progress=False, db_path=tmp_path / "cache.sqlite"))
    corpus = pipeline.resolved(result, pipeline.select.anchor_all(result.sentences), pipeline.load_table(()))
    pairs = pairing.block(corpus)
    assert pairs and all(p.a.article_id != p.b.article_id for p in pairs)
    assert all(p.a.number is not None and p.b.number is not None for p in pairs)  # counts pair with counts
    assert not [p for p in pairs if "5.md" in (p.a.article_id, p.b.article_id)]  # 15 days later
    assert {(p.a.article_id, p.b.article_id) for p in pairs} >= {("0.md", "1.md"), ("1.md", "2.md"), ("3.md", "4.md")}
    monkeypatch.setattr(pairing, "PER_CLAIM", 1)
    capped = pairing.block(corpus)
    assert len(capped) <= len(result.claims) < len(pairs)  # at most one partner chosen per claim


def test_the_relation_probabilities_are_read_at_the_first_token_of_its_value():
    from openai.types.chat import ChatCompletion

    from factcheck.llm.client import option_shares

    def token(text, tops=()):
        return {"token": text, "logprob": 0.0, "bytes": None,
                "top_logprobs": [{"token": t, "logprob": lp, "bytes": None} for t, lp in tops]}

    content = [token('{"'), token("relation"), token('":'), token(' "'),
               token("contr", [("contr", -0.5), ("different", -1.2), ("agree", -2.0), ("xyz", -3.0)]),
               token("adict"), token('"}')]
    completion = ChatCompletion.model_validate({
        "id": "x", "object": "chat.completion", "created": 0, "model": "m",
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": {"content": content},
                     "message": {"role": "assistant", "content": '{"relation": "contradict"}'}}]})
    shares = option_shares(completion, "relation", ("different facts", "agree", "contradict"))
    total = sum(math.exp(x) for x in (-0.5, -1.2, -2.0))
    assert shares == pytest.approx({"contradict": math.exp(-0.5) / total, "different facts": math.exp(-1.2) / total,
                                    "agree": math.exp(-2.0) / total}, abs=1e-3)
    without = completion.model_copy(update={"choices": [completion.choices[0].model_copy(update={"logprobs": None})]})
    assert option_shares(without, "relation", ("different facts", "agree", "contradict")) is None


def test_the_model_judges_each_claim_against_its_best_archive_passage_and_acts_only_when_sure(folder, monkeypatch):
    archive = gao_archive(folder, "The mayor of Gao has not resigned, his office said on Tuesday in Gao.")

    def run(confidence):
        fake = FakeModel(relation=lambda a, b: "contradict" if "not resigned" in a + b else "different facts")
        return fake, run_with(fake, folder, monkeypatch, judge_pairs="flagged", judge_confidence=confidence,
                              archive=archive, cache=f"cache{confidence}.sqlite")

    fake, sure = run(0.9)
    resigned = next(c for c in sure.claims if "resigned" in c.quote)
    assert resigned.evidence == "contradicted" and resigned.verdict == "contradicted"
    [flag] = [f for f in sure.flags if f.kind == "conflict" and "resigned" in f.locations[0].quote]
    assert flag.locations[0].article_id == "a.md" and "has not resigned" in flag.evidence[0]
    assert "wire.md line 4" in flag.evidence[0]
    asked = [m[-1]["content"] for m in fake.requests["judge"]]
    assert any(m.startswith("A (article of 2020-03-02)") and "B (article of 2020-03-03): The mayor of Gao has not"
               in m for m in asked)  # both orders, the passage's date given as an article's
    _, unsure = run(None)
    resigned = next(c for c in unsure.claims if "resigned" in c.quote)
    assert resigned.evidence == "related" and not [f for f in unsure.flags if f.kind == "conflict"]
    assert "not acted on" in resigned.passages[0].judgment and "contradict" in resigned.passages[0].judgment


def test_a_model_that_agrees_with_an_archive_passage_supports_the_claim(folder, monkeypatch):
    archive = gao_archive(folder, "The mayor of Gao stepped down on Tuesday, his office in Gao said.")
    fake = FakeModel(relation=lambda a, b: "agree" if "stepped down" in a + b else "different facts")
    result = run_with(fake, folder, monkeypatch, judge_pairs="flagged", archive=archive, cache="c.sqlite")
    resigned = next(c for c in result.claims if "resigned" in c.quote)
    assert resigned.evidence == "supported" and resigned.verdict == "corroborated"
    assert any("stepped down" in e for e in resigned.verdict_evidence)
