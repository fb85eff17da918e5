"""schema.org ClaimReview JSON-LD for what reviewers confirmed and what the judgments contradicted.

One ClaimReview per confirmed flag of a run, and one per claim of that run whose verdict is
`contradicted` (unless a confirmed flag already covers it). The claim reviewed is the claim's
self-contained text when it has one, else the quote; it appears in the article's file or URL,
published by the outlet its front matter names. Ratings are on a 1 (false) to 5 (true) scale;
the textual rating (`alternateName`) says what kind of problem was found.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field

from ..errors import InputError
from ..findings import claims_concerned
from ..models import Article, ArticleDate, Claim, Decision, Flag, RunInfo
from ..store import Store

WORST, BEST = 1, 5
# what a confirmed flag of each kind says of the claim: (rating on the 1-5 scale, textual rating)
FLAG_RATINGS: dict[str, tuple[int, str]] = {
    "title": (1, "False: wrong title"),
    "quantity": (2, "Contradicted by another report"),
    "figure": (2, "Contradicted by another report"),
    "date": (2, "Wrong or conflicting date"),
    "name": (3, "Misspelt or incomplete name"),
    "duplicate": (3, "Copied passage, not independent"),
    "pronoun": (2, "Internally inconsistent"),
    "weekday": (2, "Wrong weekday for the date"),
    "total": (2, "Parts do not add up"),
}
CONTRADICTED = (2, "Contradicted by other reports")


class ExportOptions(BaseModel):
    """Who publishes the reviews and where; read from options or the environment by the CLI."""

    author: str = Field(description="the organisation publishing the fact checks")
    url: str = Field(description="the page the fact checks are published on; each review gets an anchor on it")
    run_id: int | None = Field(None, description="the run to export; default the latest finished run")


def claim_reviews(store: Store, options: ExportOptions) -> list[dict]:
    """ClaimReview objects (JSON-LD, each with its @context) for a stored run."""
    run = _run(store, options.run_id)
    articles = {a.id: a for a in store.articles(run.id)}
    context = _Context(run, articles, store.article_dates(run.id), store.resolved_paths(run.id), options)
    claims = store.claims(run.id)
    flags = store.flags(run.id)
    decisions = store.decisions([f.id for f in flags])
    reviews, covered = [], set()
    for flag in flags:
        decision = decisions.get(flag.id)
        if decision and decision.status == "confirmed":
            concerned = claims_concerned(flag, claims)
            covered.update(c.id for c in concerned)
            reviews.append(_flag_review(flag, decision, concerned, context))
    for claim in claims:
        if claim.verdict == "contradicted" and claim.id not in covered:
            reviews.append(_claim_review(claim, context))
    return reviews


@dataclass
class _Context:
    run: RunInfo
    articles: dict[str, Article]
    dates: dict[str, ArticleDate]
    paths: dict[str, str]
    options: ExportOptions


def _run(store: Store, run_id: int | None) -> RunInfo:
    runs = store.runs()
    run = next((r for r in runs if r.id == run_id), None) if run_id is not None else store.latest_run()
    if run is None:
        raise InputError(f"no run {run_id} in {store.name}" if run_id is not None
                         else f"no finished run in {store.name}: run `factcheck run FOLDER` first")
    return run


def _flag_review(flag: Flag, decision: Decision, concerned: list[Claim], ctx: _Context) -> dict:
    with_text = next((c for c in concerned if c.claim_text), None)
    text = with_text.claim_text if with_text else flag.locations[0].quote
    body = " ".join(filter(None, [flag.reason, decision.note]))
    value, name = FLAG_RATINGS.get(flag.kind, CONTRADICTED)
    return _review(text, flag.locations[0].article_id, value, name, body, decision.updated[:10], flag.id, ctx)


def _claim_review(claim: Claim, ctx: _Context) -> dict:
    body = "; ".join(claim.verdict_evidence) or None
    value, name = CONTRADICTED
    day = (ctx.run.finished or ctx.run.started)[:10]
    return _review(claim.claim_text or claim.quote, claim.article_id, value, name, body, day, f"claim-{claim.id}", ctx)


def _review(text: str, article_id: str, value: int, name: str, body: str | None, day: str, anchor: str,
            ctx: _Context) -> dict:
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{ctx.options.url}#{anchor}",
        "claimReviewed": text,
        "itemReviewed": _item(article_id, ctx),
        "author": {"@type": "Organization", "name": ctx.options.author},
        "reviewRating": {"@type": "Rating", "ratingValue": value, "bestRating": BEST, "worstRating": WORST,
                         "alternateName": name},
        "datePublished": day,
    }
    if body:
        review["reviewBody"] = body
    return review


def _item(article_id: str, ctx: _Context) -> dict:
    """The Claim reviewed: where it appears (the article's URL or file), who published it and when."""
    article = ctx.articles.get(article_id)
    where = article.url if article and article.url else _file_uri(ctx.paths.get(article_id))
    appearance: dict = {"@type": "CreativeWork", "url": where}
    claim: dict = {"@type": "Claim", "appearance": [appearance]}
    if article and article.title:
        appearance["headline"] = article.title
    if article and article.outlet:
        outlet = {"@type": "Organization", "name": article.outlet}
        appearance["publisher"] = outlet
        claim["author"] = outlet
    day = _day(article, ctx.dates.get(article_id))
    if day:
        appearance["datePublished"] = claim["datePublished"] = day
    return claim


def _file_uri(path: str | None) -> str | None:
    return Path(path).as_uri() if path and Path(path).is_absolute() else path


def _day(article: Article | None, dated: ArticleDate | None) -> str | None:
    """The article's date as YYYY-MM-DD: from front matter, else the day its text gives, else none."""
    for candidate in (article.date if article else None, dated.day if dated else None):
        try:
            return date.fromisoformat(str(candidate)[:10]).isoformat()
        except ValueError:
            continue
    return None


def write_claim_reviews(store: Store, options: ExportOptions) -> tuple[str, int]:
    """The JSON-LD text of a run's reviews and how many; a review missing a required field is an
    InputError naming it, so nothing invalid is written."""
    from .validate import problems

    reviews = claim_reviews(store, options)
    for review in reviews:
        found = problems(review)
        if found:
            raise InputError(f"ClaimReview for {review.get('url')} is not valid: {'; '.join(found)}")
    return json.dumps(reviews, indent=2, ensure_ascii=False) + "\n", len(reviews)
