"""Exports of reviewed findings for other tools: schema.org ClaimReview JSON-LD."""

from .claimreview import ExportOptions, claim_reviews, write_claim_reviews
from .validate import problems, warnings

__all__ = ["ExportOptions", "claim_reviews", "problems", "warnings", "write_claim_reviews"]
