"""The one path to a model: OpenAI chat completions through instructor, cached in SQLite.

Two retry layers with separate jobs, so they never multiply:
- this client retries a request that got no answer (`transport_retries`, with a doubling wait):
  no connection, a timeout, HTTP 408/409/429/5xx, or a body that is no chat completion (a proxy's
  HTML page, `{}`, a bare array, no choices). The `openai` client's own retries are off.
- instructor re-asks, through one `tenacity.Retrying`, only when the answer fails validation
  (`max_reasks`).

Only answers a model gave are cached: a validated answer, and one that failed validation after
the re-asks or was cut at `max_tokens` (the same input fails the same way at temperature 0;
`--retry-failed` asks again). A request that got no answer is never cached, so a rerun asks again.
Each request may take `timeout` seconds and all the requests for one sentence `sentence_deadline`.
Error texts are redacted of the API key and anything shaped like a credential.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar, get_args

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError
from tenacity import RetryError, Retrying, retry_if_exception_type, stop_after_attempt, wait_none

from ..errors import one_line, redact
from ..models import LLMUsage
from ..prompts import Prompt
from ..settings import Settings
from ..store import Store

T = TypeVar("T", bound=BaseModel)

MODES = {"tools": instructor.Mode.TOOLS, "json_schema": instructor.Mode.JSON_SCHEMA, "json": instructor.Mode.JSON}
RETRY_STATUS = {408, 409, 429}


@dataclass
class Answer:
    """A validated answer, or the reason there is none, with what it cost."""

    value: BaseModel | None
    error: str | None
    usage: LLMUsage


@dataclass
class _Outcome:
    """One attempt at a sentence: `answered` is False when no model answer came back."""

    value: BaseModel | None = None
    error: str | None = None
    answered: bool = True
    retry: bool = False
    usage: LLMUsage = field(default_factory=LLMUsage)


class NoCompletion(Exception):
    """The endpoint answered HTTP 200 with something that is not a chat completion."""


class OutOfTime(Exception):
    """The sentence's deadline passed, or the run was cancelled, before a request could start."""


def stable_hash(value: Any) -> str:
    """sha256 of a JSON value with sorted keys: the same across processes and machines."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# What the answer's validators check it against (the sentence, for grounding), for the call in
# progress. Not passed to instructor as `context=`: instructor also renders every message as a
# Jinja template with it, so an article containing "{{" or "{%" would be altered or crash the call.
# A ContextVar is per thread, and instructor validates (and re-asks) in the calling thread.
VALIDATION_CONTEXT: ContextVar[dict | None] = ContextVar("validation_context", default=None)
# When the sentence in progress must be done (time.monotonic()), for each request it makes.
DEADLINE: ContextVar[float] = ContextVar("deadline", default=float("inf"))

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
        self._raw: openai.OpenAI | None = None
        self._lock = threading.Lock()
        self._cancelled = threading.Event()

    def endpoint(self) -> str:
        """The endpoint's URL; the first call of a callable `base_url` starts the embedded server."""
        with self._lock:
            return self._endpoint()

    def _endpoint(self) -> str:
        if callable(self._base_url):
            self._base_url = self._base_url()
        return self._base_url

    def _instructor(self):
        with self._lock:
            if self._client is None:
                base_url = self._endpoint()
                self._raw = openai.OpenAI(
                    base_url=base_url,
                    api_key=self.settings.api_key or "not-needed",
                    max_retries=0,  # this client retries, with its own deadline
                    timeout=self.settings.timeout,
                )
                completions = self._raw.chat.completions
                completions.create = self._checked(completions.create)  # instructor calls this one
                self._client = instructor.from_openai(self._raw, mode=MODES[self.settings.mode])
            return self._client

    def _checked(self, create: Callable[..., Any]) -> Callable[..., Any]:
        """`create` within the sentence's deadline, refusing a reply that is no chat completion."""
        def checked(*args, **kwargs):
            remaining = DEADLINE.get() - time.monotonic()
            if self._cancelled.is_set():
                raise OutOfTime("cancelled")
            if remaining <= 0:
                raise OutOfTime(f"no answer within the sentence's {self.settings.sentence_deadline:g} s")
            response = create(*args, **{**kwargs, "timeout": min(self.settings.timeout, remaining)})
            if not isinstance(response, ChatCompletion) or not response.choices or response.choices[0].message is None:
                raise NoCompletion(f"the endpoint's reply is not a chat completion: {_shape(response)}")
            return response
        return checked

    def cancel(self) -> None:
        """Stop: no new request starts, and the connections of those in flight are closed."""
        self._cancelled.set()
        raw = self._raw
        if raw is not None:
            try:
                raw.close()
            except Exception:  # closing under a request in flight may fail; the request fails too
                pass

    def _retrying(self) -> Retrying:
        return Retrying(
            stop=stop_after_attempt(self.settings.max_reasks + 1),
            retry=retry_if_exception_type(ValidationError),
            wait=wait_none(),
            reraise=False,
        )

    def ask(self, prompt: Prompt, response_model: type[T], messages: list[dict], context: dict,
            max_tokens: int | None = None, salt: str = "", shares_of: str | None = None) -> Answer:
        """Ask for `response_model`; never raises for a bad answer or a failed request.

        `salt` names the version of the caller's validators, so changing them re-asks.
        `shares_of`: a field whose value is one of a `Literal`'s options; the answer's `shares`
        field gets the probability the model gave each option at the value's first token (from
        the endpoint's token log-probabilities), so one prefill yields a graded judgment.
        """
        schema = response_model.model_json_schema()
        request = {"model": self.model, "mode": self.settings.mode, "messages": messages,
                   "max_tokens": max_tokens or self.settings.max_tokens, "temperature": self.settings.temperature}
        if shares_of:
            request["shares_of"] = shares_of
        schema_hash = stable_hash(schema)
        key = stable_hash({"prompt": prompt.sha256, "schema": schema_hash, "request": request, "salt": salt})
        hit = self._from_cache(key, response_model, context)
        if hit is not None:
            return hit
        started = time.perf_counter()
        outcome = self._answer(response_model, messages, context, request["max_tokens"], shares_of)
        outcome.usage.seconds = time.perf_counter() - started
        if self.store and outcome.answered:
            self.store.save_answer(
                key, model=self.model, prompt_hash=prompt.sha256, schema_hash=schema_hash, request=request,
                response=outcome.value.model_dump_json(by_alias=True) if outcome.value else None, error=outcome.error,
                prompt_tokens=outcome.usage.prompt_tokens, completion_tokens=outcome.usage.completion_tokens,
                seconds=outcome.usage.seconds,
            )
        return Answer(outcome.value, outcome.error, outcome.usage)

    def _from_cache(self, key: str, response_model: type[T], context: dict) -> Answer | None:
        if not self.store:
            return None
        row = self.store.cached(key)
        if row is None or (row[1] and self.settings.retry_failed):
            return None
        try:
            value = response_model.model_validate_json(row[0], context=context) if row[0] else None
        except ValueError:  # written by other validators or damaged: ask again
            return None
        return Answer(value, row[1], LLMUsage(cached=1))

    def _answer(self, response_model, messages, context, max_tokens, shares_of=None) -> _Outcome:
        """Ask until the model answers, retrying requests that got no answer within the deadline."""
        deadline = time.monotonic() + self.settings.sentence_deadline
        usage = LLMUsage()
        token = DEADLINE.set(deadline)
        try:
            for attempt in range(self.settings.transport_retries + 1):
                if attempt:
                    wait = min(self.settings.retry_wait * 2 ** (attempt - 1), 30.0)
                    if time.monotonic() + wait >= deadline or self._cancelled.wait(wait):
                        break
                outcome = self._call(response_model, messages, context, max_tokens, shares_of)
                usage.add(outcome.usage)
                if outcome.answered or not outcome.retry:
                    break
        finally:
            DEADLINE.reset(token)
        outcome.usage = usage
        outcome.usage.failed = 0 if outcome.answered else 1
        return outcome

    def _call(self, response_model, messages, context, max_tokens, shares_of=None) -> _Outcome:
        """One instructor call: a validated answer, an answer that failed, or no answer."""
        retrying = self._retrying()
        client = self._instructor()
        token = VALIDATION_CONTEXT.set(context)
        extra = {"logprobs": True, "top_logprobs": TOP_LOGPROBS} if shares_of else {}
        try:
            value, completion = client.chat.completions.create_with_completion(
                model=self.model,
                messages=messages,
                response_model=response_model,
                max_retries=retrying,
                max_tokens=max_tokens,
                temperature=self.settings.temperature,
                seed=self.settings.seed,
                **extra,
            )
        except IncompleteOutputException as exc:
            used = getattr(exc.last_completion, "usage", None)
            return _Outcome(error=f"the answer was cut at the limit of {max_tokens} tokens", usage=_usage(used, calls=1))
        except InstructorRetryException as exc:
            return self._failed(exc)
        finally:
            VALIDATION_CONTEXT.reset(token)
        total = getattr(value, "_total_usage", None) or completion.usage
        usage = _usage(total, calls=retrying.statistics.get("attempt_number", 1))
        if shares_of:
            options = get_args(response_model.model_fields[shares_of].annotation)
            value.shares = option_shares(completion, shares_of, options) or {str(getattr(value, shares_of)): 1.0}
        return self._as_cached(value, response_model, context, usage)

    def _failed(self, exc: InstructorRetryException) -> _Outcome:
        usage = _usage(exc.total_usage, calls=max(exc.n_attempts, 1))
        cause = exc.__cause__
        if isinstance(cause, RetryError) and exc.failed_attempts:  # re-asks ran out
            last = exc.failed_attempts[-1].exception
            return _Outcome(error=f"invalid after {exc.n_attempts} attempts: {_first_error(last, self._secrets())}",
                            usage=usage)
        if isinstance(cause, (openai.APIError, NoCompletion, OutOfTime, json.JSONDecodeError)):
            return _Outcome(error=self._describe(cause), answered=False, retry=_retryable(cause), usage=usage)
        raise cause or exc  # not the model's answer nor the transport: a defect, shown as one

    def _as_cached(self, value: BaseModel, response_model, context: dict, usage: LLMUsage) -> _Outcome:
        """The answer as a rerun will read it from the cache (validated again from its JSON), so
        the first run and every rerun print the same report."""
        try:
            value = response_model.model_validate_json(value.model_dump_json(by_alias=True), context=context)
        except ValidationError as exc:
            return _Outcome(error=f"invalid when read back: {_first_error(exc, self._secrets())}", usage=usage)
        return _Outcome(value=value, usage=usage)

    def _describe(self, exc: BaseException) -> str:
        text = one_line(exc, self._secrets())
        if isinstance(exc, openai.APIConnectionError) and exc.__cause__ is not None:
            text += f" ({one_line(exc.__cause__, self._secrets(), limit=200)})"
        return text

    def _secrets(self) -> tuple[str | None, ...]:
        return (self.settings.api_key,)


TOP_LOGPROBS = 10


def option_shares(completion: ChatCompletion, field: str, options: tuple[str, ...]) -> dict[str, float] | None:
    """The probability of each option at the first token of `field`'s value, renormalised over the
    options (a top token that starts an option counts for it); None without log-probabilities."""
    logprobs = getattr(completion.choices[0], "logprobs", None)
    content = getattr(logprobs, "content", None) or []
    written = ""
    for token in content:
        after_key = written.split(f'"{field}"', 1)[1] if f'"{field}"' in written else None
        if after_key is not None and ":" in after_key and token.token.strip(' "'):
            mass = dict.fromkeys(options, 0.0)
            for top in token.top_logprobs or []:
                start = top.token.lstrip(' "').lower()
                matches = [o for o in options if start and o.lower().startswith(start)]
                for option in matches:
                    mass[option] += math.exp(top.logprob) / len(matches)
            total = sum(mass.values())
            return {o: round(m / total, 4) for o, m in mass.items()} if total else None
        written += token.token
    return None


def _retryable(exc: BaseException) -> bool:
    if isinstance(exc, OutOfTime):
        return False
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRY_STATUS or exc.status_code >= 500
    return True


def _shape(response: Any) -> str:
    if isinstance(response, str):
        return repr(response.strip()[:80])
    if isinstance(response, ChatCompletion):
        return "no choices" if not response.choices else "no message"
    return type(response).__name__


def _usage(usage: Any, calls: int) -> LLMUsage:
    return LLMUsage(
        calls=calls,
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        prompt_tokens_reused=getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
    )


def _first_error(exc: Exception, secrets=()) -> str:
    if isinstance(exc, ValidationError) and exc.errors():
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        return redact(f"{where}: {first['msg']}" if where else first["msg"], secrets)
    return one_line(exc, secrets)
