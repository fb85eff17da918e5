"""The review page in a real headless Chromium: dismiss a flag, rerun, and the decision holds.

Needs Debian's chromium (`apt-get install chromium`); skipped, with the reason, where none is found.
Playwright drives the system browser through `executable_path`; it never downloads one.
"""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from factcheck.cli import main
from factcheck.review.server import review_server

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
CHROMIUM = next((p for p in (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
                 if p and Path(p).is_file()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium found (apt-get install chromium)")


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def serving():
    """Start the review server for a database on a free loopback port; stop it after the test."""
    servers = []

    def start(db: Path) -> str:
        server = review_server(db, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.port}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _run(folder: Path, db: Path, out: Path) -> str:
    assert main(["run", str(folder), "--extractor", "rules", "--db", str(db), "-o", str(out), "--quiet"]) == 0
    return out.read_text()


def test_a_flag_dismissed_in_the_page_stays_dismissed_after_a_rerun(seeds, tmp_path, browser, serving):
    folder = tmp_path / "seeds"
    shutil.copytree(seeds, folder)
    db = tmp_path / "review.sqlite"
    _run(folder, db, tmp_path / "first.md")
    page = browser.new_page()
    page.goto(serving(db))

    cards = page.locator("article.flag")
    expect(cards).to_have_count(6)
    title = cards.first
    flag_id = title.get_attribute("data-flag-id")
    expect(title.locator("mark").first).to_have_text("French Prime Minister Francois Hollande")
    title.get_by_label("Reason").fill("The reference table lags; the desk checked the wire copy")
    title.get_by_role("button", name="Dismiss").click()
    page.wait_for_load_state()

    card = page.locator(f'article[data-flag-id="{flag_id}"]')
    expect(card.locator(".badge.dismissed")).to_have_text("dismissed")
    expect(card.locator(".dismiss-reason")).to_have_text("The reference table lags; the desk checked the wire copy")

    report = _run(folder, db, tmp_path / "second.md")  # the same folder again: a new run
    page.reload()
    expect(page.locator("header select[name=run] option[selected]")).to_contain_text("#2 ")
    expect(page.locator("article.flag")).to_have_count(6)
    card = page.locator(f'article[data-flag-id="{flag_id}"]')
    expect(card).to_have_class(re.compile(r"\bis-dismissed\b"))
    expect(card.locator(".dismiss-reason")).to_have_text("The reference table lags; the desk checked the wire copy")

    dismissed = report.split("## Dismissed flags")[1].split("\n## ")[0]
    assert f"id `{flag_id}`" in dismissed
    assert "): The reference table lags; the desk checked the wire copy" in dismissed
    assert f"id `{flag_id}`" not in report.split("## Dismissed flags")[0]


def test_article_markup_shows_as_text_in_the_browser(tmp_path, browser, serving):
    folder = tmp_path / "in"
    folder.mkdir()
    hostile = ("<script>alert(1)</script> | col | umn | French Prime Minister Francois Hollande said "
               "<img src=x onerror=alert(2)> 4,000 troops were deployed.")
    (folder / "x.txt").write_text(hostile + "\n")
    db = tmp_path / "review.sqlite"
    _run(folder, db, tmp_path / "r.md")
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    base = serving(db)
    for path in ("", "articles/x.txt"):
        page.goto(base + path)
        text = page.locator("body").inner_text()
        assert "<script>alert(1)</script> | col | umn |" in text
        assert "<img src=x onerror=alert(2)>" in text
        assert page.locator("body script, body img").count() == 0
    assert dialogs == []
