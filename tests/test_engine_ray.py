"""`factcheck add --engine ray` on a local Ray instance against loopback stub endpoints.

The tasks share the model calls between the endpoints without ever having more requests in
flight at one endpoint than `--concurrency`; the corpus ends as the in-process engine leaves it;
a worker killed mid-task is replaced and its batch read again from the stored answers; a run
killed outright resumes where it stopped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from factcheck import corpus
from factcheck.engine_ray import plan
from factcheck.settings import Settings
from factcheck.store import Store
from stub import StubEndpoint, good
from test_corpus import SEED_FILES, folder, stored_flags

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


class Slow:
    """A well-behaved model that takes `latency` seconds and counts the requests in flight."""

    def __init__(self, latency: float):
        self.latency, self.in_flight, self.most = latency, 0, 0
        self.answered: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, request):
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        time.sleep(self.latency)
        with self._lock:
            self.in_flight -= 1
            self.answered.append(json.dumps(request.body["messages"], sort_keys=True))
        return good(request)


def test_plan_never_exceeds_the_requests_per_endpoint():
    for endpoints in (1, 2, 5):
        for cpus in (1, 2, 16, 64):
            for concurrency in (1, 4, 32):
                tasks, requests = plan(endpoints, cpus, concurrency)
                assert tasks >= 1 and requests >= 1 and tasks * requests <= max(concurrency, 1)
    assert plan(1, 16, 32) == (16, 2)  # the CPUs busy, each task with its share of the requests


def test_tasks_share_the_endpoints_and_end_as_the_local_engine(tmp_path, seeds, local_ray):
    models = [Slow(0.05), Slow(0.05)]
    with StubEndpoint(models[0]) as first, StubEndpoint(models[1]) as second:
        settings = Settings(base_url=first.url, base_urls=[first.url, second.url], model="m", engine="ray",
                            concurrency=2, batch=1, judge_pairs="all", db_path=tmp_path / "ray.sqlite",
                            progress="off")
        added = corpus.add(folder(tmp_path, seeds, "a", SEED_FILES), settings)
        local = settings.model_copy(update={"engine": "local", "base_urls": [], "db_path": tmp_path / "local.sqlite"})
        alone = corpus.add(folder(tmp_path, seeds, "b", SEED_FILES), local)
    assert added.new == 3 and not added.failed
    # every blocked pair judged, as Ray tasks, as the in-process engine judges them
    judged = [(j.a, j.b, j.relation, j.confidence) for j in added.report.judgments if j.source == "model"]
    assert judged and all(relation is not None for _, _, relation, _ in judged)
    assert judged == [(j.a, j.b, j.relation, j.confidence) for j in alone.report.judgments if j.source == "model"]
    assert first.requests and second.requests  # both endpoints took calls
    assert models[1].most <= 2  # --concurrency held at each endpoint (the local run used the first)
    assert stored_flags(tmp_path / "ray.sqlite") == stored_flags(tmp_path / "local.sqlite")


def _ray_task_pids() -> list[int]:
    """Ray workers running a batch now (their process title names the task)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if title.startswith("ray::_read_batch"):
                pids.append(int(entry.name))
    return pids


def test_a_killed_worker_loses_nothing_and_asks_again_only_what_was_in_flight(tmp_path, seeds, local_ray):
    model = Slow(0.3)
    killed, pending = [], []

    def kill_one_worker():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not killed:
            if len(model.answered) >= 2:
                for pid in _ray_task_pids():
                    pending.append(model.in_flight)
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    break
            time.sleep(0.05)

    with StubEndpoint(model) as stub:
        settings = Settings(base_url=stub.url, model="m", engine="ray", concurrency=2, batch=1,
                            db_path=tmp_path / "c.sqlite", progress="off")
        threading.Thread(target=kill_one_worker, daemon=True).start()
        added = corpus.add(folder(tmp_path, seeds, "a", SEED_FILES), settings)
    assert killed, "no worker was running a batch to kill"
    assert added.new == 3 and not added.failed  # Ray ran the dead worker's batch again
    asked_twice = len(model.answered) - len(set(model.answered))
    # what the dead worker had been answered came from the stored answers; only the requests in
    # flight when it died (their answers never arrived) were asked again
    assert asked_twice <= pending[0] <= 2
    store = Store(tmp_path / "c.sqlite")
    assert store.corpus_count() == 3
    store.close()


def test_a_run_killed_midway_resumes_where_it_stopped(tmp_path, seeds):
    model = Slow(0.2)
    database = tmp_path / "c.sqlite"
    source = folder(tmp_path, seeds, "a", SEED_FILES)
    with StubEndpoint(model) as stub:
        command = [sys.executable, "-m", "factcheck.cli", "add", str(source), "--base-url", stub.url, "--model", "m",
                   "--db", str(database), "--batch", "1", "--concurrency", "1", "--quiet", "-o", str(tmp_path / "r.md")]
        process = subprocess.Popen(command, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        stored = pending = 0
        while time.monotonic() < deadline and process.poll() is None:
            if database.exists():
                store = Store(database)
                stored = store.corpus_count()
                store.close()
                if stored >= 1:
                    pending = model.in_flight
                    process.kill()
                    break
            time.sleep(0.05)
        process.wait()
        assert 1 <= stored < 3, "the run was not stopped between two batches"
        answered = len(model.answered)
        again = corpus.add(source, Settings(base_url=stub.url, model="m", db_path=database, progress="off"))
    assert again.seen >= stored and again.seen + again.new == 3
    # nothing answered is asked again: only the request in flight when the run died
    assert len(model.answered) - len(set(model.answered)) <= pending <= 1
    assert len(model.answered) > answered  # the rest was read
