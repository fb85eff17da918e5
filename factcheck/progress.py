"""Progress of a model stage on standard error: a tqdm bar on a terminal, plain lines otherwise.

A log file or a CI console gets one line when a stage starts, one every `every` seconds
while it runs (whether or not a request finished meanwhile) and one at the end:
    extracting: 12/31 sentences, 3 from cache, 45 s
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from tqdm import tqdm

from .models import LLMUsage


class Progress:
    """Counts finished items (sentences, pairs); safe to update from the worker threads."""

    def __init__(self, total: int, style: str = "bar", every: float = 10.0, stream: TextIO | None = None,
                 what: str = "extracting", unit: str = "sentences", show_cached: bool = True):
        self.total, self.style, self.every, self.what, self.unit = total, style, every, what, unit
        self.show_cached = show_cached
        self.stream = stream or sys.stderr
        self.done = self.cached = 0
        self._started = time.monotonic()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._bar = tqdm(total=total, desc=what, unit=unit.rstrip("s"), leave=False, file=self.stream,
                         disable=style != "bar")
        if style == "lines" and total:
            self._line()
            threading.Thread(target=self._tick, daemon=True, name="progress").start()

    def update(self, item) -> None:
        """One more item done: anything with a `usage` (an extraction, a label), or its usage."""
        usage = item if isinstance(item, LLMUsage) else item.usage
        with self._lock:
            self.done += 1
            self.cached += usage.cached
        self._bar.update()

    def advance(self, count: int) -> None:
        """`count` more items done (articles of a batch), none of them counted as cached."""
        with self._lock:
            self.done += count
        self._bar.update(count)

    def line(self) -> str:
        with self._lock:
            done, cached = self.done, self.cached
        from_cache = f", {cached} from cache" if self.show_cached else ""
        return f"{self.what}: {done}/{self.total} {self.unit}{from_cache}, {time.monotonic() - self._started:.0f} s"

    def _line(self) -> None:
        print(self.line(), file=self.stream, flush=True)

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            self._line()

    def close(self) -> None:
        if self.style == "lines" and self.total and not self._stop.is_set():
            self._stop.set()
            self._line()
        self._stop.set()
        self._bar.close()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
