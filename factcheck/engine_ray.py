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
from .models import Article
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
    ray = _ray()
    if not ray.is_initialized():
        ray.init(address=settings.ray_address, include_dashboard=False, log_to_driver=False,
                 configure_logging=False, ignore_reinit_error=True)
    urls = list(settings.base_urls) or ([settings.base_url] if settings.base_url else [])
    if not urls and client is not None:
        urls = [client.endpoint()]  # the embedded server of this machine (a local Ray instance)
    if not urls:
        urls = [""]  # the rules extractor: no endpoint
    tasks, requests = plan(len(urls), int(ray.cluster_resources().get("CPU", 1)), settings.concurrency)
    worker = ray.remote(max_retries=MAX_RETRIES, retry_exceptions=False)(_read_batch)
    text = settings.model_dump_json()
    batches = deque(articles[i:i + settings.batch] for i in range(0, len(articles), settings.batch))
    running: dict = {}  # object ref -> (endpoint index, batch)
    busy = [0] * len(urls)
    done: list[str] = []
    failed: list[tuple[str, str]] = []
    from .progress import Progress

    with Progress(len(articles), settings.progress, settings.progress_every, what="reading (ray)", unit="articles",
                  show_cached=False) as progress:
        while batches or running:
            for endpoint in range(len(urls)):
                while batches and busy[endpoint] < tasks:
                    batch = batches.popleft()
                    bodies = [_dump_article(a) for a in batch]
                    ref = worker.remote(bodies, text, urls[endpoint], model_name, requests,
                                        {a.id: digests[a.id] for a in batch}, run_id)
                    running[ref] = (endpoint, batch)
                    busy[endpoint] += 1
            ready, _ = ray.wait(list(running), num_returns=1)
            for ref in ready:
                endpoint, batch = running.pop(ref)
                busy[endpoint] -= 1
                try:
                    done += ray.get(ref)
                except Exception as exc:  # the batch failed after its retries: its articles are reported
                    why = _reason(exc)
                    failed += [(a.id, why) for a in batch]
                progress.advance(len(batch))
    if not done and failed:
        raise BackendError(f"no article was read: every Ray task failed; first: {failed[0][1]}")
    return done, failed


def _read_batch(bodies: list[str], settings_json: str, base_url: str, model_name: str, requests: int,
                digests: dict[str, str], run_id: int) -> list[str]:
    """One Ray task: read a batch of articles and store their work; returns their ids."""
    from . import corpus
    from .reference import load_table
    from .store import Store

    settings = Settings.model_validate_json(settings_json).model_copy(
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


def _ray():
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'factcheck[scale]'") from None
    return ray


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "cause", None) or exc).strip().splitlines()
    return (text[-1] if text else type(exc).__name__)[:300]
