"""ClaimReview export: one review per confirmed flag and per contradicted claim, each valid."""

import copy
import json

import pytest

from factcheck import decisions, pipeline
from factcheck.cli import main
from factcheck.export import ExportOptions, claim_reviews, problems, warnings
from factcheck.settings import Settings
from factcheck.store import Store

OPTIONS = ExportOptions(author="Example Desk", url="https://checks.example.org/mali")


@pytest.fixture
def run(seeds, database):
    """The seeds run once with the rules extractor, into an SQLite file or a PostgreSQL database:
    (report, store)."""
    settings = Settings(extractor="rules", db_path=database, progress=False)
    report = pipeline.run(seeds, settings)
    store = Store(settings.database)
    yield report, store
    store.close()


def test_one_valid_review_per_confirmed_flag(run, seeds):
    report, store = run
    title, name, total = report.flags[0], next(f for f in report.flags if f.kind == "name"), report.flags[-1]
    decisions.record(store, title.id, "confirm")
    decisions.record(store, title.id, "annotate", "checked against the Elysee list")
    decisions.record(store, name.id, "confirm")
    decisions.record(store, total.id, "dismiss", "other troops")  # dismissed: not exported
    reviews = claim_reviews(store, OPTIONS)
    assert [r["url"] for r in reviews] == [f"{OPTIONS.url}#{title.id}", f"{OPTIONS.url}#{name.id}"]
    for review in reviews:
        assert problems(review) == [] and warnings(review) == []
    first = reviews[0]
    assert first["claimReviewed"] == "French Prime Minister Francois Hollande"
    assert first["reviewRating"] == {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1,
                                     "alternateName": "False: wrong title"}
    assert first["author"] == {"@type": "Organization", "name": "Example Desk"}
    assert first["itemReviewed"]["@type"] == "Claim"
    assert first["itemReviewed"]["appearance"] == [
        {"@type": "CreativeWork", "url": (seeds / title.locations[0].article_id).resolve().as_uri()}]
    assert first["reviewBody"] == f"{title.reason} checked against the Elysee list"
    assert first["datePublished"] == store.decisions()[title.id].updated[:10]


def test_claim_text_is_reviewed_and_contradicted_claims_are_exported_once(run):
    report, store = run
    title = report.flags[0]
    hollande = next(c for c in report.claims if c.role == "Prime Minister")
    other = next(c for c in report.claims if c.number and c.number.value == 4000)
    hollande.claim_text, hollande.verdict = "Francois Hollande is the French Prime Minister.", "contradicted"
    other.verdict, other.verdict_evidence = "contradicted", ['001 line 3: "about 1,500 troops"']
    run_id = store.start_run(report.source, report.model)
    store.save_findings(run_id, report)
    store.finish_run(run_id, {})
    decisions.record(store, title.id, "confirm")
    reviews = claim_reviews(store, OPTIONS)
    assert [r["claimReviewed"] for r in reviews] == [hollande.claim_text, other.quote]  # Hollande's once
    assert reviews[1]["reviewRating"]["alternateName"] == "Contradicted by other reports"
    assert reviews[1]["url"] == f"{OPTIONS.url}#claim-{other.id}"
    assert reviews[1]["reviewBody"] == '001 line 3: "about 1,500 troops"'
    assert all(problems(r) == [] for r in reviews)


def test_appearance_is_the_articles_url_and_outlet_from_front_matter(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.md").write_text("---\ntitle: Mali briefing\noutlet: Example News\ndate: 2013-03-01\n"
                                 "url: https://news.example.com/mali\n---\n"
                                 "French Prime Minister Francois Hollande spoke on Monday.\n")
    settings = Settings(extractor="rules", db_path=tmp_path / "f.sqlite", progress=False)
    report = pipeline.run(folder, settings)
    store = Store(settings.database)
    decisions.record(store, report.flags[0].id, "confirm")
    [review] = claim_reviews(store, OPTIONS)
    outlet = {"@type": "Organization", "name": "Example News"}
    assert review["itemReviewed"] == {
        "@type": "Claim", "author": outlet, "datePublished": "2013-03-01",
        "appearance": [{"@type": "CreativeWork", "url": "https://news.example.com/mali", "headline": "Mali briefing",
                        "publisher": outlet, "datePublished": "2013-03-01"}],
    }


VALID = {
    "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://checks.example.org/a#1",
    "claimReviewed": "The moon is made of cheese.", "datePublished": "2026-01-02",
    "author": {"@type": "Organization", "name": "Example Desk"},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1, "alternateName": "False"},
    "itemReviewed": {"@type": "Claim", "appearance": [{"@type": "CreativeWork", "url": "https://e.example/x"}]},
}


def _without(path: str) -> dict:
    review = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target = review
    for key in parents:
        target = target[key]
    del target[last]
    return review


def test_a_complete_review_is_valid():
    assert problems(VALID) == [] and warnings(VALID) == []


@pytest.mark.parametrize("field, message", [
    ("claimReviewed", "claimReviewed is missing"),
    ("reviewRating", "reviewRating is missing"),
    ("reviewRating.alternateName", "reviewRating.alternateName is missing"),
    ("reviewRating.bestRating", "needs numeric bestRating and worstRating"),
    ("url", "url is missing"),
    ("author", "author is missing"),
    ("author.name", "author is missing or is not an Organization or Person with a name"),
])
def test_a_review_missing_a_required_field_fails(field, message):
    found = problems(_without(field))
    assert found and message in found[0]


@pytest.mark.parametrize("field", ["itemReviewed", "itemReviewed.appearance", "datePublished"])
def test_a_review_missing_a_recommended_field_warns(field):
    assert problems(_without(field)) == [] and warnings(_without(field))


def test_a_relative_url_or_a_rating_off_the_scale_fails():
    review = copy.deepcopy(VALID)
    review["url"] = "/checks/a"
    review["reviewRating"]["ratingValue"] = 9
    assert len(problems(review)) == 2


def test_cli_writes_json_ld_and_needs_a_publisher(run, tmp_path, capsys):
    report, store = run
    decisions.record(store, report.flags[0].id, "confirm")
    db, out = str(store.path), tmp_path / "reviews.jsonld"
    assert main(["export", "--format", "claimreview", "--db", db, "-o", str(out)]) == 1
    assert capsys.readouterr().err == ("Error: ClaimReview needs a publisher and a page: pass --author NAME and "
                                       "--url URL (or set FACTCHECK_AUTHOR and FACTCHECK_URL)\n")
    assert main(["export", "--db", db, "-o", str(out), "--author", "Desk", "--url", "https://e.example/c"]) == 0
    assert capsys.readouterr().err == "1 ClaimReview objects\n"
    [review] = json.loads(out.read_text())
    assert review["@type"] == "ClaimReview" and problems(review) == []
    assert main(["export", "--db", db, "--author", "Desk", "--url", "checks.html"]) == 1
    assert "url is missing or not an absolute http(s) URL" in capsys.readouterr().err
