"""Model requests `workers` at a time, on threads an interrupt can abandon."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def in_parallel(run: Callable[[Item], Result], items: Iterable[Item], workers: int = 1,
                on_done: Callable[[Result], None] | None = None) -> list[Result]:
    """`run` on every item, on `workers` daemon threads; the results in the items' order.
    `on_done` is called with each result as it comes (a progress bar).

    When the waiting thread is interrupted (Ctrl-C, SIGTERM) no further item starts and the
    exception goes on up at once: the items in flight are abandoned, and as daemon threads they
    do not hold the process open while their requests run out (a `ThreadPoolExecutor` would
    wait for them at exit). An exception in `run` is raised here.
    """
    pending: queue.SimpleQueue = queue.SimpleQueue()
    finished: queue.SimpleQueue = queue.SimpleQueue()
    items = list(items)
    for entry in enumerate(items):
        pending.put(entry)
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            try:
                index, item = pending.get_nowait()
            except queue.Empty:
                return
            try:
                result = run(item)
                if on_done:
                    on_done(result)
                finished.put((index, result, None))
            except BaseException as exc:  # handed to the waiting thread
                finished.put((index, None, exc))

    for _ in range(min(max(1, workers), len(items))):
        threading.Thread(target=work, daemon=True, name="model-request").start()
    results: list = [None] * len(items)
    try:
        for _ in items:
            index, result, error = finished.get()
            if error is not None:
                raise error
            results[index] = result
    finally:
        stop.set()
    return results
