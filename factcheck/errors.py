"""Errors the tool expects: each carries a message fit to print on one line."""


class FactcheckError(Exception):
    """Base class; the CLI prints `Error: <message>` and exits non-zero."""


class InputError(FactcheckError):
    """The input folder or a setting is unusable."""


class BackendError(FactcheckError):
    """The LLM backend could not be started or reached."""


class ReferenceTableError(InputError):
    """A reference table (office holders) or the file declaring its words is unusable."""
