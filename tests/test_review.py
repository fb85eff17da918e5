"""The review page through Flask's test client: flags, evidence, filters, forms, escaping."""

import re

import pytest

from factcheck import pipeline
from factcheck.review import create_app
from factcheck.settings import Settings
from factcheck.store import Store


@pytest.fixture
def seeded(seeds, database):
    """The seeds run into an SQLite file or a PostgreSQL database, and the page over it."""
    settings = Settings(extractor="rules", db_path=database, progress=False)
    report = pipeline.run(seeds, settings)
    app = create_app(settings.database)
    return report, app, app.test_client()


def _post(client, app, flag_id, action, text="", next_url="/"):
    return client.post(f"/flags/{flag_id}", data={"token": app.config["FORM_TOKEN"], "action": action,
                                                  "text": text, "next": next_url})


def test_the_page_shows_every_flag_most_severe_first_with_its_passage_and_evidence(seeded):
    report, _, client = seeded
    page = client.get("/").get_data(as_text=True)
    ids = re.findall(r'data-flag-id="([^"]+)"', page)
    assert ids == [f.id for f in report.flags] and len(ids) == 6
    title = page[page.index(f'id="flag-{report.flags[0].id}"'):page.index(f'id="flag-{report.flags[1].id}"')]
    assert "<mark>French Prime Minister Francois Hollande</mark> has said he is sure" in title
    assert "François Hollande: President of France, 2012-05-15 to 2017-05-14" in title
    assert "Claims it concerns (1)" in title
    name = next(f for f in report.flags if f.id.startswith("name-") and "Boubacar" in f.reason)
    card = page[page.index(f'id="flag-{name.id}"'):]
    assert "<mark>President Ibrahim Boubacar Keita</mark>" in card  # the other article's passage as evidence


def test_filters_narrow_the_flags(seeded):
    report, _, client = seeded
    assert len(re.findall("data-flag-id", client.get("/?kind=name").get_data(as_text=True))) == 2
    assert len(re.findall("data-flag-id", client.get("/?severity=high").get_data(as_text=True))) == 1
    article = "001_90729137ea9a1b76.txt"
    shown = re.findall(r'data-flag-id="([^"]+)"', client.get(f"/?article={article}").get_data(as_text=True))
    assert shown == [f.id for f in report.flags if any(l.article_id == article for l in f.locations)]
    _post(client, client.application, report.flags[0].id, "confirm")
    assert re.findall(r'data-flag-id="([^"]+)"', client.get("/?decision=confirmed").get_data(as_text=True)) == \
        [report.flags[0].id]
    assert len(re.findall("data-flag-id", client.get("/?decision=undecided").get_data(as_text=True))) == 5


def test_forms_record_decisions_and_a_dismissal_needs_a_reason(seeded):
    report, app, client = seeded
    flag = report.flags[0].id
    response = _post(client, app, flag, "dismiss", "", next_url="/?kind=title")
    assert response.status_code == 303 and response.headers["Location"] == f"/?kind=title#flag-{flag}"
    assert "a dismissal needs a reason" in client.get("/").get_data(as_text=True)
    _post(client, app, flag, "dismiss", "the desk checked it")
    _post(client, app, flag, "annotate", "see the wire copy")
    decision = Store(app.config["STORE"].path).decisions()[flag]
    assert (decision.status, decision.reason, decision.note) == ("dismissed", "the desk checked it", "see the wire copy")
    page = client.get("/").get_data(as_text=True)
    assert "the desk checked it" in page and "Note: see the wire copy" in page


def test_posts_need_the_form_token_a_known_flag_and_a_loopback_host(seeded):
    report, app, client = seeded
    flag = report.flags[0].id
    assert client.post(f"/flags/{flag}", data={"action": "confirm", "token": "guess"}).status_code == 403
    assert _post(client, app, "title-00000000", "confirm").status_code == 404
    assert _post(client, app, flag, "delete").status_code == 400
    assert _post(client, app, flag, "confirm", next_url="https://elsewhere.example/").headers["Location"] == \
        f"/#flag-{flag}"
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"Host": "127.0.0.1:8765"}).status_code == 200
    assert Store(app.config["STORE"].path).decisions()[flag].status == "confirmed"


def test_article_page_lists_claims_with_verdicts(seeded):
    report, _, client = seeded
    article = report.articles[0].id
    page = client.get(f"/articles/{article}").get_data(as_text=True)
    assert "Claims and their verdicts" in page and '<span class="verdict-contradicted">contradicted</span>' in page
    assert page.count("<tr><th>article</th>") == len({c.sentence_index for c in report.claims if c.article_id == article})
    assert '<mark title="title-762a3df4">French Prime Minister Francois Hollande</mark>' in page
    assert "<td>2012-05-15 to 2017-05-14 (no date given; " in page  # the window the text allows, both ends
    assert client.get("/articles/nope.txt").status_code == 404
    assert client.get("/?run=99").status_code == 404


def test_article_text_is_shown_as_text_never_as_markup(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    hostile = ("<script>alert(1)</script> | a | table | French Prime Minister Francois Hollande said "
               "<b>4,000</b> troops were deployed on Monday.")
    (folder / "x.txt").write_text(hostile + "\n")
    settings = Settings(extractor="rules", db_path=tmp_path / "f.sqlite", progress=False)
    pipeline.run(folder, settings)
    client = create_app(settings.database).test_client()
    for path in ("/", "/articles/x.txt"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert "<script>" not in page and "<b>4,000</b>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; | a | table |" in page
        assert "script-src" not in response.headers["Content-Security-Policy"]  # no script may run at all


def test_an_empty_database_says_to_run_first(tmp_path):
    Store(tmp_path / "e.sqlite").close()
    page = create_app(tmp_path / "e.sqlite").test_client().get("/").get_data(as_text=True)
    assert "No finished run in this database yet" in page


def test_article_page_shows_each_claims_archive_evidence(seeds, tmp_path):
    from factcheck.archive import Archive

    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "paris.txt").write_text("In Paris, President Francois Hollande said France would keep its troops in "
                                      "Mali until the summer.\n", encoding="utf-8")
    with Archive(tmp_path / "a.sqlite") as archive:
        archive.index(folder)
    settings = Settings(extractor="rules", db_path=tmp_path / "f.sqlite", progress=False, archive=tmp_path / "a.sqlite")
    report = pipeline.run(seeds, settings)
    client = create_app(settings.database).test_client()
    page = client.get(f"/articles/{report.articles[0].id}").get_data(as_text=True)
    assert "<th>archive</th>" in page
    hollande = page[page.index("<td>French Prime Minister Francois Hollande</td>"):]
    hollande = hollande[:hollande.index("</tr>")]
    assert '<span class="evidence-contradicted">contradicted</span>' in hollande
    assert ('<blockquote class="evidence-passage">In Paris, President Francois Hollande said France would keep its '
            'troops in Mali until the summer.</blockquote>') in hollande
    assert "paris.txt line 1" in hollande
