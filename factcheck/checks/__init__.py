"""Checks over the resolved claims of all articles; one module per family of rule.

Each check is a function `(Corpus) -> list[Flag]`; `run_all` runs every family and orders the
flags by severity, then by where they are.
"""

from __future__ import annotations

from ..models import SEVERITY_ORDER, Flag
from .base import Corpus
from .dates import check_dates, check_years
from .duplicates import check_duplicates
from .figures import check_figures
from .names import check_names
from .quantities import check_quantities
from .titles import check_titles
from .within import check_pronouns, check_totals, check_weekdays

CHECKS = [check_titles, check_quantities, check_figures, check_dates, check_years, check_names, check_duplicates, check_pronouns, check_weekdays, check_totals]
# The checks that read the claims (the others read every sentence's rule anchors): only these can
# differ between the model's claims and the rules' claims of the same sentences.
CLAIM_CHECKS = [check_quantities, check_figures, check_dates]


def run_all(corpus: Corpus, checks: list = CHECKS) -> list[Flag]:
    flags = [flag for check in checks for flag in check(corpus)]
    return ordered(list({flag.id: flag for flag in flags}.values()))


def ordered(flags: list[Flag]) -> list[Flag]:
    """Most severe first, then by where they are."""
    return sorted(flags, key=lambda f: (SEVERITY_ORDER[f.severity], f.locations[0].article_id,
                                        f.locations[0].start, f.kind))


__all__ = ["CLAIM_CHECKS", "Corpus", "ordered", "run_all"]
