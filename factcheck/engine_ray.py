"""`factcheck add --engine ray`: the per-article stage as Ray tasks, model calls over several endpoints.

A task reads a batch of articles (`corpus.work_on`) with its own model client and stores the
batch's work in the shared database itself, so a finished batch is never lost, whatever happens
to the driver or to other workers later; it returns the ids only. Every answer the model gives is
stored the moment it arrives (the answer cache), so a task that Ray runs again after its worker
died asks only what the dead one had not been answered.

Requests in flight per endpoint are bounded: each endpoint gets at most `tasks` tasks at once
(the cluster's CPUs shared between the endpoints, at most `concurrency`), each sending at most
`concurrency // tasks` requests at once, so no endpoint ever has more than `concurrency` requests
from this run in flight. Batches go to whichever endpoint frees a place first.
"""

from __future__ import annotations

import json
from collections import deque

from .errors import BackendError, InputError
from .models import Article, LLMUsage, PairJudgment
from .progress import Progress
from .settings import Settings
from .store import _dump_article

MAX_RETRIES = 3  # a task whose worker died is run again this many times


def plan(endpoints: int, cpus: int, concurrency: int) -> tuple[int, int]:
    """(tasks per endpoint, requests per task): as many tasks as the CPUs allow, never more
    requests in flight per endpoint than `concurrency`."""
    tasks = max(1, min(concurrency, cpus // max(1, endpoints) or 1))
    return tasks, max(1, concurrency // tasks)


def read_with_ray(articles: list[Article], client, model_name: str, settings: Settings, digests: dict[str, str],
                  run_id: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Stage 1 of `add` for these articles as Ray tasks; (the ids stored, the (id, why) of the
    articles of batches that failed)."""
    values = settings.model_dump()
    batches = [articles[i:i + settings.batch] for i in range(0, len(articles), settings.batch)]
    jobs = [(([_dump_article(a) for a in batch], values, {a.id: digests[a.id] for a in batch}, run_id), len(batch))
            for batch in batches]
    done, failed = [], []
    for batch, (result, error) in zip(batches, _scheduled(_read_batch, jobs, client, model_name, settings,
                                                          "reading (ray)", "articles")):
        if error is None:
            done += result
        else:
            failed += [(a.id, error) for a in batch]
    if not done and failed:
        raise BackendError(f"no article was read: every Ray task failed; first: {failed[0][1]}")
    return done, failed


def judge_with_ray(pairs: list, corpus, client, model_name: str, settings: Settings,
                   confidence: float | None) -> list[tuple[PairJudgment, LLMUsage]]:
    """Distinct pairs judged as Ray tasks in batches over the endpoints (`pairing.judge_all`'s
    `ask`): a (judgment, usage) per pair, in order; a batch that failed gives its pairs the error."""
    from .pairing import _dated

    size = max(settings.batch * 5, settings.concurrency * 4)  # pairs per task: enough to keep its requests busy
    values = settings.model_dump()
    jobs = [(([(p.a.model_dump_json(), p.b.model_dump_json(), _dated(corpus, p.a.article_id),
                _dated(corpus, p.b.article_id), list(p.keys)) for p in pairs[start:start + size]], values, confidence),
             len(pairs[start:start + size])) for start in range(0, len(pairs), size)]
    results: list[tuple[PairJudgment, LLMUsage]] = []
    for start, (result, error) in zip(range(0, len(pairs), size),
                                      _scheduled(_judge_batch, jobs, client, model_name, settings, "judging (ray)",
                                                 "pairs")):
        if error is None:
            results += [(PairJudgment.model_validate_json(j), LLMUsage.model_validate_json(u)) for j, u in result]
        else:
            results += [(PairJudgment(a=p.a.id, b=p.b.id, keys=list(p.keys), error=error), LLMUsage())
                        for p in pairs[start:start + size]]
    return results


def _scheduled(function, jobs: list[tuple[tuple, int]], client, model_name: str, settings: Settings,
               what: str, unit: str) -> list[tuple[object, str | None]]:
    """Run `function(*args, base_url, model_name, requests)` for each job `(args, size)` as Ray tasks, at most `tasks` at
    once per endpoint; (result, None) or (None, why) per job, in the jobs' order."""
    ray = _ray()
    if not ray.is_initialized():
        ray.init(address=settings.ray_address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False, ignore_reinit_error=True)
    urls = _endpoints(settings, client)
    tasks, requests = plan(len(urls), int(ray.cluster_resources().get("CPU", 1)), settings.concurrency)
    remote = ray.remote(max_retries=MAX_RETRIES, retry_exceptions=False)(function)
    waiting = deque(enumerate(jobs))
    running: dict = {}  # object ref -> (job number, endpoint, size)
    busy = [0] * len(urls)
    results: list = [None] * len(jobs)
    with Progress(sum(size for _, size in jobs), settings.progress, settings.progress_every, what=what, unit=unit,
                  show_cached=False) as progress:
        while waiting or running:
            for endpoint in range(len(urls)):
                while waiting and busy[endpoint] < tasks:
                    number, (args, size) = waiting.popleft()
                    ref = remote.remote(*args, urls[endpoint], model_name, requests)
                    running[ref] = (number, endpoint, size)
                    busy[endpoint] += 1
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                number, endpoint, size = running.pop(ref)
                busy[endpoint] -= 1
                try:
                    results[number] = (ray.get(ref), None)
                except ray.exceptions.RayError as exc:  # failed after its retries: the caller reports its items
                    results[number] = (None, _reason(exc))
                progress.advance(size)
    return results


def _endpoints(settings: Settings, client) -> list[str]:
    urls = list(settings.base_urls) or ([settings.base_url] if settings.base_url else [])
    if not urls and client is not None:
        urls = [client.endpoint()]  # the embedded server of this machine (a local Ray instance)
    return urls or [""]  # the rules extractor: no endpoint


def _read_batch(bodies: list[str], settings_values: dict, digests: dict[str, str], run_id: int, base_url: str,
                model_name: str, requests: int) -> list[str]:
    """One Ray task: read a batch of articles and store their work; returns their ids."""
    from . import corpus
    from .reference import load_table
    from .store import Store

    settings = Settings.model_validate(settings_values).model_copy(
        update={"base_url": base_url or None, "progress": "off"})
    articles = [Article.model_validate(json.loads(body)) for body in bodies]
    table = load_table(tuple(settings.reference_files))
    store = Store(settings.database)
    try:
        client = None
        if settings.extractor == "llm":
            from .llm.client import LLMClient

            client = LLMClient(settings, base_url, model_name, store)
        works = corpus.work_on(articles, client, settings, table, requests)
        corpus.save(store, works, digests, run_id)
    finally:
        store.close()
    return [a.id for a in articles]


def _judge_batch(items: list, settings_values: dict, confidence: float | None, base_url: str, model_name: str,
                 requests: int) -> list[tuple[str, str]]:
    """One Ray task: judge a batch of pairs (both orders each); (judgment, usage) as JSON per pair."""
    from .llm.client import LLMClient
    from .models import Claim
    from .pairing import judge_claims
    from .parallel import in_parallel
    from .store import Store

    settings = Settings.model_validate(settings_values).model_copy(update={"base_url": base_url, "progress": "off"})
    store = Store(settings.database)
    try:
        client = LLMClient(settings, base_url, model_name, store)

        def judge(item):
            a, b, dated_a, dated_b, keys = item
            return judge_claims(Claim.model_validate_json(a), Claim.model_validate_json(b), dated_a, dated_b, client,
                                tuple(keys), confidence)

        done = in_parallel(judge, items, requests)
    finally:
        store.close()
    return [(j.model_dump_json(), u.model_dump_json()) for j, u in done]


def _ray():
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'factcheck[scale]'") from None
    return ray


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "cause", None) or exc).strip().splitlines()
    return (text[-1] if text else type(exc).__name__)[:300]
