"""The local review page: reviewers confirm, dismiss or annotate the flags of the stored runs."""

from .app import create_app

__all__ = ["create_app"]
