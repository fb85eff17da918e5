"""The review page: the flags of a stored run, with the forms that record reviewers' decisions.

Server-rendered (Flask + Jinja2, autoescaped), plain HTML forms: it works without JavaScript.
It reads articles and findings from the database and writes decisions only; it never edits an
article. Requests must name a loopback host (no DNS rebinding) and forms carry a per-server token
(no cross-site posts), since the page has no login.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, flash, redirect, render_template, request, url_for

from .. import decisions as decisions_stage
from ..errors import InputError
from ..findings import claims_concerned
from ..models import SEVERITY_ORDER, Claim, Decision, Flag, RunInfo
from ..store import Store
from . import passages

LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
DECISION_FILTERS = {
    "undecided": lambda d: d is None or d.status is None,
    "confirmed": lambda d: d is not None and d.status == "confirmed",
    "dismissed": lambda d: d is not None and d.status == "dismissed",
    "annotated": lambda d: d is not None and bool(d.note),
}
KINDS = ["title", "quantity", "figure", "date", "name", "duplicate", "pronoun", "weekday", "total"]
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(db_path: Path | str) -> Flask:
    """The page over one database (an SQLite file or a PostgreSQL URL); the database must exist (a
    run has written it)."""
    app = Flask(__name__)
    app.secret_key = secrets.token_hex(32)
    app.jinja_env.autoescape = True  # every template, whatever its name
    app.config["STORE"] = Store.existing(db_path)
    app.config["FORM_TOKEN"] = secrets.token_urlsafe(24)
    app.before_request(_only_loopback_hosts)
    app.after_request(_security_headers)
    app.context_processor(lambda: {"form_token": app.config["FORM_TOKEN"]})
    app.add_url_rule("/", "flags", _flags_page)
    app.add_url_rule("/articles/<path:article_id>", "article", _article_page)
    app.add_url_rule("/flags/<flag_id>", "decide", _decide, methods=["POST"])
    return app


def _store() -> Store:
    return current_app.config["STORE"]


def _only_loopback_hosts():
    if urlsplit("//" + request.host).hostname not in LOOPBACK_NAMES:
        abort(400, "this page answers on a loopback address only")


def _security_headers(response):
    response.headers.update(SECURITY_HEADERS)
    return response


def _run() -> RunInfo | None:
    """The run asked for (?run=N), else the latest finished one."""
    store, wanted = _store(), request.args.get("run", type=int)
    if wanted is None:
        return store.latest_run()
    run = next((r for r in store.runs() if r.id == wanted), None)
    if run is None:
        abort(404, f"no run {wanted}")
    return run


def _flags_page():
    store, run = _store(), _run()
    if run is None:
        return render_template("flags.html", run=None, runs=store.runs(), cards=[], filters={}, choices={}, total=0)
    flags = store.flags(run.id)
    decided = store.decisions([f.id for f in flags])
    filters = {k: request.args.get(k, "") for k in ("decision", "kind", "severity", "article")}
    shown = [f for f in flags if _passes(f, decided.get(f.id), filters)]
    cards = _cards(store, run, shown, decided)
    articles = [a.id for a in store.articles(run.id)]
    choices = {"decision": list(DECISION_FILTERS), "kind": [k for k in KINDS if any(f.kind == k for f in flags)],
               "severity": sorted({f.severity for f in flags}, key=SEVERITY_ORDER.get), "article": articles}
    return render_template("flags.html", run=run, runs=store.runs(), cards=cards, filters=filters, choices=choices,
                           total=len(flags))


def _passes(flag: Flag, decision: Decision | None, filters: dict[str, str]) -> bool:
    if filters["decision"] in DECISION_FILTERS and not DECISION_FILTERS[filters["decision"]](decision):
        return False
    if filters["kind"] and flag.kind != filters["kind"]:
        return False
    if filters["severity"] and flag.severity != filters["severity"]:
        return False
    return not filters["article"] or any(loc.article_id == filters["article"] for loc in flag.locations)


def _cards(store: Store, run: RunInfo, flags: list[Flag], decided: dict[str, Decision]) -> list[dict]:
    """What the page shows of each flag: the flagged passages, the evidence, the claims, the decision."""
    articles = {a.id: a for a in store.articles(run.id)}
    sentences = {a: [s for s, _ in store.sentences(run.id, a)] for a in articles}
    claims = store.claims(run.id)
    cards = []
    for flag in flags:
        places = [passages.at(articles[loc.article_id], sentences[loc.article_id], loc)
                  for loc in flag.locations if loc.article_id in articles]
        home = flag.locations[0].article_id if flag.locations else ""
        evidence = [passages.evidence(line, home, articles, sentences) for line in flag.evidence]
        cards.append({"flag": flag, "flagged": places[:1], "also": places[1:], "evidence": evidence,
                      "claims": claims_concerned(flag, claims), "decision": decided.get(flag.id)})
    return cards


def _article_page(article_id: str):
    store, run = _store(), _run()
    if run is None:
        abort(404, "no finished run yet")
    article = next((a for a in store.articles(run.id) if a.id == article_id), None)
    if article is None:
        abort(404, f"no article {article_id} in run {run.id}")
    flags = [f for f in store.flags(run.id) if any(loc.article_id == article_id for loc in f.locations)]
    decided = store.decisions([f.id for f in flags])
    spans = [(loc.start, loc.end, f.id) for f in flags for loc in f.locations if loc.article_id == article_id]
    claims = store.claims(run.id, article_id)
    return render_template(
        "article.html", run=run, runs=store.runs(), article=article, dated=store.article_dates(run.id).get(article_id),
        segments=passages.marked_segments(article.file_text, spans), flags=flags, decided=decided,
        sentences=_claims_by_sentence(store.sentences(run.id, article_id), claims),
    )


def _claims_by_sentence(sentences, claims: list[Claim]) -> list[dict]:
    rows = []
    for sentence, reasons in sentences:
        own = [c for c in claims if c.sentence_index == sentence.index]
        if reasons or own:
            rows.append({"sentence": sentence, "reasons": reasons or [], "claims": own})
    return rows


def _decide(flag_id: str):
    form = request.form
    if not secrets.compare_digest(form.get("token", ""), _token()):
        abort(403, "the form is out of date: reload the page")
    action = form.get("action", "")
    if action not in ("confirm", "dismiss", "annotate", "reopen"):
        abort(400, f"unknown action {action!r}")
    if not _flag_known(flag_id):
        abort(404, f"no flag {flag_id}")
    try:
        decisions_stage.record(_store(), flag_id, action, form.get("text", ""))
    except InputError as exc:
        flash(f"{flag_id}: {exc}")
    return redirect(_back(form.get("next", "")) + f"#flag-{flag_id}", code=303)


def _token() -> str:
    return current_app.config["FORM_TOKEN"]


def _flag_known(flag_id: str) -> bool:
    return flag_id in _store().flag_summaries()


def _back(target: str) -> str:
    """Where to go after a form: a path on this site only."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("flags")
    return target
