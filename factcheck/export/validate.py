"""Checks a ClaimReview against what structured-data consumers need before they show a fact check.

Required (a review missing one is not shown): `claimReviewed`, `reviewRating` (a Rating with a
textual `alternateName`; a numeric `ratingValue` needs `bestRating` and `worstRating` around it),
`url` (an absolute http(s) address of the page with the review), `author` (an Organization or
Person with a name). Recommended: `itemReviewed` (a Claim, with where it appeared) and
`datePublished` (an ISO 8601 date).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlparse


def problems(review: dict) -> list[str]:
    """What keeps a ClaimReview from being used: one line per missing or malformed required field."""
    found = []
    if review.get("@context") not in ("https://schema.org", "http://schema.org", "https://schema.org/"):
        found.append("@context is not schema.org")
    if review.get("@type") != "ClaimReview":
        found.append("@type is not ClaimReview")
    if not _text(review.get("claimReviewed")):
        found.append("claimReviewed is missing")
    found += _rating_problems(review.get("reviewRating"))
    url = review.get("url")
    if not _text(url) or urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc:
        found.append("url is missing or not an absolute http(s) URL")
    author = review.get("author")
    if not isinstance(author, dict) or author.get("@type") not in ("Organization", "Person") \
            or not _text(author.get("name")):
        found.append("author is missing or is not an Organization or Person with a name")
    return found


def warnings(review: dict) -> list[str]:
    """Recommended fields that are missing or malformed."""
    found = []
    item = review.get("itemReviewed")
    if not isinstance(item, dict) or item.get("@type") != "Claim":
        found.append("itemReviewed is missing or is not a Claim")
    elif not item.get("appearance") and not item.get("firstAppearance"):
        found.append("itemReviewed has no appearance")
    if not _is_date(review.get("datePublished")):
        found.append("datePublished is missing or not an ISO 8601 date")
    return found


def _rating_problems(rating) -> list[str]:
    if not isinstance(rating, dict) or rating.get("@type") != "Rating":
        return ["reviewRating is missing or is not a Rating"]
    found = []
    if not _text(rating.get("alternateName")):
        found.append("reviewRating.alternateName is missing")
    value = rating.get("ratingValue")
    if value is not None:
        best, worst = rating.get("bestRating"), rating.get("worstRating")
        numbers = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (value, best, worst))
        if not numbers:
            found.append("reviewRating.ratingValue needs numeric bestRating and worstRating")
        elif not worst <= value <= best:
            found.append("reviewRating.ratingValue is outside worstRating..bestRating")
    return found


def _text(value) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_date(value) -> bool:
    try:
        date.fromisoformat(str(value)[:10])
    except ValueError:
        return False
    return isinstance(value, str)
