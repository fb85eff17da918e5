"""What a stored flag is about: the claims it concerns. Shared by the review page and the export."""

from __future__ import annotations

from .models import Claim, Flag


def claims_concerned(flag: Flag, claims: list[Claim]) -> list[Claim]:
    """The claims drawn from text a flag points at: same article, overlapping characters."""
    found = []
    for claim in claims:
        for loc in flag.locations:
            if claim.article_id == loc.article_id and claim.span.start < loc.end and loc.start < claim.span.end:
                found.append(claim)
                break
    return found
