"""The one path to a model: OpenAI chat completions through instructor, cached in SQLite.

Two retry layers with separate jobs, so they never multiply:
- the `openai` client retries a failed HTTP request (`transport_retries`);
- instructor re-asks, through one `tenacity.Retrying`, only when the answer fails validation
  (`max_reasks`). When re-asks run out the answer is recorded as an error and cached, so a
  rerun of the same input reports the same thing without calling the model again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

import instructor
import openai
from instructor.core.exceptions import InstructorRetryException
from pydantic import BaseModel, ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_none

from ..models import LLMUsage
from ..prompts import Prompt
from ..settings import Settings
from ..store import Store

T = TypeVar("T", bound=BaseModel)

MODES = {"tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA, "json": instructor.Mode.JSON}


@dataclass
class Answer:
    """A validated answer, or the reason there is none, with what it cost."""

    value: BaseModel | None
    error: str | None
    usage: LLMUsage


def stable_hash(value: Any) -> str:
    """sha256 of a JSON value with sorted keys: the same across processes and machines."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# What the answer's validators check it against (the sentence, for grounding), for the call in
# progress. Not passed to instructor as `context=`: instructor also renders every message as a
# Jinja template with it, so an article containing "{{" or "{%" would be altered or crash the call.
# A ContextVar is per thread, and instructor validates (and re-asks) in the calling thread.
VALIDATION_CONTEXT: ContextVar[dict | None] = ContextVar("validation_context", default=None)

# instructor logs every failed attempt at ERROR level; the outcome is reported by the caller.
logging.getLogger("instructor").setLevel(logging.CRITICAL)


class LLMClient:
    """Typed calls to one OpenAI-compatible endpoint, with a cache in front."""

    def __init__(self, settings: Settings, base_url: str | Callable[[], str], model: str, store: Store | None):
        """`base_url` may be a callable, called once on the first cache miss (to start a server lazily)."""
        self.settings = settings
        self.model = model
        self.store = store if settings.use_cache else None
        self._base_url = base_url
        self._client = None
        self._lock = threading.Lock()

    def _instructor(self):
        with self._lock:
            if self._client is None:
                base_url = self._base_url() if callable(self._base_url) else self._base_url
                raw = openai.OpenAI(
                    base_url=base_url,
                    api_key=self.settings.api_key or "not-needed",
                    max_retries=self.settings.transport_retries,
                    timeout=self.settings.timeout,
                )
                self._client = instructor.from_openai(raw, mode=MODES[self.settings.mode])
            return self._client

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.settings.max_reasks + 1),
            retry=retry_if_exception_type(ValidationError),
            wait=wait_none(),
            reraise=False,
        )

    def ask(self, prompt: Prompt, response_model: type[T], messages: list[dict], context: dict,
            max_tokens: int | None = None, salt: str = "") -> Answer:
        """Ask for `response_model`; never raises for a bad answer or a failed request.

        `salt` names the version of the caller's validators, so changing them re-asks.
        """
        schema = response_model.model_json_schema()
        request = {"model": self.model, "mode": self.settings.mode, "messages": messages,
                   "max_tokens": max_tokens or self.settings.max_tokens, "temperature": self.settings.temperature}
        schema_hash = stable_hash(schema)
        key = stable_hash({"prompt": prompt.sha256, "schema": schema_hash, "request": request, "salt": salt})
        hit = self._from_cache(key, response_model, context)
        if hit is not None:
            return hit
        started = time.perf_counter()
        value, error, retryable, usage = self._call(response_model, messages, context, request["max_tokens"])
        usage.seconds = time.perf_counter() - started
        if self.store and not retryable:
            self.store.save_answer(
                key, model=self.model, prompt_hash=prompt.sha256, schema_hash=schema_hash, request=request,
                response=value.model_dump_json(by_alias=True) if value else None, error=error,
                prompt_tokens=usage.prompt_tokens, completion_tokens=usage.completion_tokens, seconds=usage.seconds,
            )
        return Answer(value, error, usage)

    def _from_cache(self, key: str, response_model: type[T], context: dict) -> Answer | None:
        if not self.store:
            return None
        row = self.store.cached(key)
        if row is None or (row[1] and self.settings.retry_failed):
            return None
        value = response_model.model_validate_json(row[0], context=context) if row[0] else None
        return Answer(value, row[1], LLMUsage(cached=1))

    def _call(self, response_model, messages, context, max_tokens) -> tuple[BaseModel | None, str | None, bool, LLMUsage]:
        """(value, error, retryable, usage); `retryable` errors are transport failures, not cached."""
        retrying = self._retrying()
        token = VALIDATION_CONTEXT.set(context)
        try:
            value, completion = self._instructor().chat.completions.create_with_completion(
                model=self.model,
                messages=messages,
                response_model=response_model,
                max_retries=retrying,
                max_tokens=max_tokens,
                temperature=self.settings.temperature,
                seed=self.settings.seed,
            )
        except InstructorRetryException as exc:
            usage = _usage(exc.total_usage, calls=max(exc.n_attempts, 1))
            if not exc.failed_attempts:  # the request itself failed: nothing was answered
                return None, _one_line(exc.__cause__ or exc), True, usage
            return None, f"invalid after {exc.n_attempts} attempts: {_first_error(exc.failed_attempts[-1].exception)}", False, usage
        except openai.APIError as exc:
            return None, _one_line(exc), True, LLMUsage(calls=1)
        finally:
            VALIDATION_CONTEXT.reset(token)
        total = getattr(value, "_total_usage", None) or completion.usage
        return value, None, False, _usage(total, calls=retrying.statistics.get("attempt_number", 1))


def _usage(usage: Any, calls: int) -> LLMUsage:
    return LLMUsage(
        calls=calls,
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        prompt_tokens_reused=getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
    )


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return _one_line(exc)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]
