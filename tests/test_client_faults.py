"""The client against a loopback endpoint that misbehaves: what is retried, what is cached.

Only answers a model gave are cached (a validated one, or one that failed validation or was cut
at max_tokens); a request that got no answer is retried and never cached, so a rerun asks again.
"""

from __future__ import annotations

import time

import pytest
from stub import Reply, StubEndpoint, answer_for, completion, good

from factcheck.candidates import inspect
from factcheck.extract import extract_one
from factcheck.llm.client import LLMClient
from factcheck.models import Article, Sentence
from factcheck.settings import Settings
from factcheck.store import Store

TEXT = "Troops found 12 rockets in Bourem."
GARBAGE = {
    "html page with 200": Reply(body="<html><body>502 Bad Gateway</body></html>", content_type="text/html"),
    "empty object": Reply(body={}),
    "bare array": Reply(body=[]),
    "no choices": Reply(body={"id": "x", "object": "chat.completion", "created": 0, "model": "m", "choices": []}),
    "choice without message": Reply(body={"id": "x", "object": "chat.completion", "choices": [{"index": 0}]}),
    "500": Reply(status=500, body={"error": {"message": "internal error"}}),
    "502 html": Reply(status=502, body="<html>bad gateway</html>", content_type="text/html"),
    "503": Reply(status=503, body={"error": {"message": "overloaded"}}),
    "429": Reply(status=429, body={"error": {"message": "slow down"}}),
    "not json": Reply(body="this is not json"),
}


def ask(url: str, store: Store | None, **options):
    settings = Settings(base_url=url, model="m", progress=False, **{"retry_wait": 0, **options})
    client = LLMClient(settings, url, "m", store)
    sentence = Sentence(article_id="a.txt", index=0, start=0, end=len(TEXT), line=1, text=TEXT)
    return extract_one(inspect(sentence), Article(id="a.txt", path="a.txt", text=TEXT), client)


def rows(store: Store) -> list[tuple]:
    return store._db.execute("SELECT response, error FROM llm_cache").fetchall()


def then_good(bad: Reply, times: int):
    """`bad` for the first `times` requests, then a good answer."""
    return lambda request: bad if request.number < times else good(request)


@pytest.mark.parametrize("kind", GARBAGE)
def test_a_reply_that_is_no_answer_is_retried(kind):
    with StubEndpoint(then_good(GARBAGE[kind], 2)) as stub:
        store = Store(":memory:")
        result = ask(stub.url, store)
    assert result.error is None and result.claims[1].number.unit == "rockets"
    assert len(stub.requests) == 3
    assert len(rows(store)) == 1 and rows(store)[0][1] is None


@pytest.mark.parametrize("kind", GARBAGE)
def test_a_reply_that_is_no_answer_is_never_cached_and_a_rerun_asks_again(kind):
    store = Store(":memory:")
    with StubEndpoint(lambda request: GARBAGE[kind]) as broken:
        failed = ask(broken.url, store)
    assert failed.error and failed.usage.failed == 1
    assert [c.predicate for c in failed.claims] == ["count"]  # the rules' claim of the number is kept
    assert len(broken.requests) == 3  # the first try and two retries
    assert rows(store) == []
    with StubEndpoint() as working:  # the endpoint works again: the rerun asks
        result = ask(working.url, store)
    assert result.error is None and len(working.requests) == 1 and len(rows(store)) == 1


def test_a_client_error_is_not_retried_nor_cached():
    store = Store(":memory:")
    with StubEndpoint(lambda request: Reply(status=404, body={"error": {"message": "no such model"}})) as stub:
        result = ask(stub.url, store)
    assert len(stub.requests) == 1 and rows(store) == []
    assert result.error.startswith("NotFoundError: Error code: 404")


def test_an_answer_cut_at_max_tokens_is_not_extracted_and_cached_as_such():
    cut = completion('{"statement": {"subject": "Troo', finish_reason="length")
    store = Store(":memory:")
    with StubEndpoint(lambda request: Reply(body=cut)) as stub:
        result = ask(stub.url, store)
        again = ask(stub.url, store)
    assert "cut at the limit of" in result.error
    assert [(c.number.text, c.predicate) for c in result.claims] == [("12", "count")]  # only the rules' claim
    assert again.error == result.error and again.usage.cached == 1 and len(stub.requests) == 1
    assert rows(store) == [(None, result.error)]


def test_an_invalid_answer_then_no_answer_is_not_cached():
    """The first answer fails validation; the re-ask gets a gateway page: nothing to cache."""
    def reply(request):
        if request.number == 0:
            return Reply(body=completion(answer_for(request) | {"statement": {"subject": "Gao", "predicate": "x", "claim_text": "x"}}))
        return GARBAGE["502 html"]

    store = Store(":memory:")
    with StubEndpoint(reply) as stub:
        result = ask(stub.url, store, transport_retries=0)
    assert len(stub.requests) == 2 and result.error.startswith("InternalServerError")
    assert rows(store) == []


def _invalid(request):
    """An answer whose subject is not in the sentence: fails validation every time."""
    return Reply(body=completion(answer_for(request) | {"statement": {"subject": "Gao", "predicate": "found", "claim_text": "x"}}))


def test_a_failed_answer_is_cached_and_retry_failed_asks_again():
    store = Store(":memory:")
    with StubEndpoint(_invalid) as stub:
        first = ask(stub.url, store, max_reasks=1)
        assert len(stub.requests) == 2 and first.error.startswith("invalid after 2 attempts:") and "statement.subject uses words not in the sentence: gao" in first.error
        cached = ask(stub.url, store, max_reasks=1)
        assert len(stub.requests) == 2 and cached.error == first.error and cached.usage.cached == 1
    with StubEndpoint() as fixed:
        still = ask(fixed.url, store, max_reasks=1)
        assert still.error == first.error and fixed.requests == []  # the failure is an answer: kept
        retried = ask(fixed.url, store, max_reasks=1, retry_failed=True)
        assert retried.error is None and len(fixed.requests) == 1
    assert len(rows(store)) == 1 and rows(store)[0][1] is None  # the new answer replaced the failure


def test_no_cache_neither_reads_nor_writes_the_cache():
    store = Store(":memory:")
    with StubEndpoint() as stub:
        ask(stub.url, store)
        ask(stub.url, store, use_cache=False)
        ask(stub.url, Store(":memory:"), use_cache=False)
    assert len(stub.requests) == 3 and len(rows(store)) == 1


def test_retries_stop_at_the_configured_count():
    with StubEndpoint(lambda request: GARBAGE["503"]) as stub:
        result = ask(stub.url, None, transport_retries=4)
    assert len(stub.requests) == 5 and result.usage.calls == 5 and result.usage.failed == 1


def test_error_texts_lose_keys_and_credentials():
    from factcheck.errors import redact

    text = ("Error code: 401 - {'authorization': 'Bearer abc.def', 'x-api-key': 'k123', 'api_key=zz&x=1', "
            "http://bob:hunter2@proxy:8080/v1, sk-proj-ABCDEFGH123, my-own-key-value}")
    clean = redact(text, secrets=["my-own-key-value"])
    for leaked in ["abc.def", "k123", "zz", "hunter2", "bob", "ABCDEFGH123", "my-own-key-value"]:
        assert leaked not in clean
    assert clean.count("[redacted]") == 6 and "x=1" in clean and "proxy:8080/v1" in clean


def test_the_wait_between_retries_doubles_and_none_follows_the_last():
    with StubEndpoint(lambda request: GARBAGE["503"]) as stub:
        started = time.monotonic()
        ask(stub.url, None, transport_retries=2, retry_wait=0.3)
        took = time.monotonic() - started
    gaps = [b - a for a, b in zip(stub.times, stub.times[1:])]
    assert len(gaps) == 2 and 0.3 <= gaps[0] < 0.55 and 0.6 <= gaps[1] < 0.85
    assert took - (stub.times[-1] - stub.times[0]) < 0.3  # no wait after the last try
