"""Errors the tool expects: each carries a message fit to print on one line.

Error texts from outside (an endpoint's error body, an exception's message) pass through
`redact` before they reach a report, the database or the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


class FactcheckError(Exception):
    """Base class; the CLI prints `Error: <message>` and exits non-zero."""


class InputError(FactcheckError):
    """The input folder or a setting is unusable."""


class BackendError(FactcheckError):
    """The LLM backend could not be started or reached."""


class ReferenceTableError(InputError):
    """A reference table (office holders) or the file declaring its words is unusable."""


class Interrupted(BaseException):
    """The run was stopped by a signal (Ctrl-C, SIGTERM); a BaseException, as KeyboardInterrupt is,
    so that no `except Exception` on the way up swallows it."""

    def __init__(self, signum: int):
        super().__init__(f"signal {signum}")
        self.signum = signum


REDACTED = "[redacted]"
_SECRET_PATTERNS = [
    # a token after an authorization scheme: "Bearer sk-...", "Basic dXNlcjpw..."
    (re.compile(r"\b(Bearer|Basic|Token)\s+(?!\[redacted\])[^\s\"',;}\]]+", re.IGNORECASE), rf"\1 {REDACTED}"),
    # OpenAI-style keys anywhere: sk-..., sk-proj-...
    (re.compile(r"\bsk-[A-Za-z0-9_\-]{6,}"), REDACTED),
    # "authorization: x", "'api_key': 'x'", "x-api-key=x" (headers, dict reprs, query strings)
    (re.compile(r"\b((?:proxy-)?authorization|x-api-key|api[-_]?key|access[-_]?token|password|secret)"
                r"([\"']?\s*[:=]\s*[\"']?)(?!\[redacted\]|Bearer |Basic |Token )[^\s\"',;}&\]]+", re.IGNORECASE),
     rf"\1\2{REDACTED}"),
    # credentials in a URL: scheme://user:password@host
    (re.compile(r"(\w+://)[^/\s:@]+:[^/\s@]+@"), rf"\1{REDACTED}@"),
]


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` without the given secrets and without anything shaped like a key or a credential."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def one_line(exc: BaseException, secrets: Iterable[str | None] = (), limit: int = 300) -> str:
    """'TypeName: first line of the message', redacted, then cut to `limit` characters."""
    lines = str(exc).strip().splitlines()
    return redact(f"{type(exc).__name__}: {lines[0] if lines else ''}", secrets)[:limit]


def without_password(database: object) -> str:
    """A database path as it is, or a database URL without its password (`user:password@` and a
    `password=` parameter are dropped), fit to print."""
    text = str(database)
    scheme, sep, rest = text.partition("://")
    if not sep:
        return text
    place, _, query = rest.partition("?")
    user, at, host = place.rpartition("@")
    if at:
        place = f"{user.split(':', 1)[0]}@{host}"
    kept = [p for p in query.split("&") if p and p.split("=", 1)[0].strip().lower() != "password"]
    return redact(f"{scheme}://{place}" + ("?" + "&".join(kept) if kept else ""))
