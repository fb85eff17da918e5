"""The command line at its edges: every error one line and a non-zero exit, progress on stderr,
signals, and secrets kept out of what it writes. Model traffic goes to a loopback stub."""

from __future__ import annotations

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from stub import HANG, Reply, StubEndpoint, good

from factcheck import __version__
from factcheck.cli import main

ROOT = Path(__file__).resolve().parent.parent
PROGRESS = re.compile(r"(?:selecting|extracting|judging): ")  # a model stage's progress line
ARTICLE = "Troops found 12 rockets in Bourem on Monday, the army said.\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    path = tmp_path / "in"
    path.mkdir()
    (path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    return path


def one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), err
    return lines[0]


def cli(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in its own process, stderr a pipe (not a terminal)."""
    return subprocess.run([sys.executable, "-m", "factcheck.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_a_report_into_a_missing_folder_is_one_line(folder, tmp_path, capsys):
    target = tmp_path / "missing" / "dir" / "report.md"
    assert main(["run", str(folder), "--extractor", "rules", "-o", str(target)]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line == f"Error: cannot write the report to {target}: no such folder {target.parent}"


def test_a_report_onto_a_folder_is_one_line(folder, tmp_path, capsys):
    assert main(["run", str(folder), "--extractor", "rules", "-o", str(tmp_path)]) == 1
    assert one_error_line(capsys.readouterr().err) == f"Error: cannot write the report to {tmp_path}: it is a folder"


def test_a_database_that_is_a_folder_is_one_line(folder, tmp_path, capsys):
    with StubEndpoint() as stub:
        assert main(["run", str(folder), "--base-url", stub.url, "--db", str(tmp_path)]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"Error: cannot use {tmp_path} as the database: ")


def test_a_database_that_is_not_sqlite_is_one_line(folder, tmp_path, capsys):
    db = tmp_path / "notes.sqlite"
    db.write_text("these are my notes, not a database\n" * 100)
    with StubEndpoint() as stub:
        assert main(["run", str(folder), "--base-url", stub.url, "--db", str(db)]) == 1
        assert stub.requests == []
    assert one_error_line(capsys.readouterr().err) == f"Error: cannot use {db} as the database: not an SQLite database"
    assert db.read_text().startswith("these are my notes")  # left as it was


def test_a_binary_reference_file_is_one_line(folder, tmp_path, capsys):
    table = tmp_path / "table.csv"
    table.write_bytes(b"country,position\x00\xff\xfe\x00" + bytes(range(256)))
    assert main(["run", str(folder), "--extractor", "rules", "--reference", str(table)]) == 1
    line = one_error_line(capsys.readouterr().err)
    assert str(table) in line and "binary" in line


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # closed again when the block ends: nothing listens there


def test_an_unreachable_endpoint_is_an_error_not_an_empty_report(folder, tmp_path):
    url = f"http://127.0.0.1:{_closed_port()}/v1"
    out = tmp_path / "report.md"
    done = cli("run", str(folder), "--base-url", url, "--db", str(tmp_path / "c.sqlite"), "-o", str(out))
    assert done.returncode == 1
    line = [x for x in done.stderr.splitlines() if not PROGRESS.match(x)]
    assert len(line) == 1 and line[0].startswith(f"Error: no answer from {url}: every request failed (1 sentences); "
                                                 "first: APIConnectionError: Connection error.")
    assert not out.exists()


def test_no_command_prints_the_help(capsys):
    assert main([]) == 2
    assert "usage: factcheck" in capsys.readouterr().err


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out == f"factcheck {__version__}\n"


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Troops found {n + 12} rockets in Bourem, the army said.\n")
    args = ["run", str(folder), "--db", str(tmp_path / "c.sqlite"), "-o", str(tmp_path / "r.md")]
    with StubEndpoint() as stub:
        first = cli(*args, "--base-url", stub.url)
        second = cli(*args, "--base-url", stub.url)
    assert first.returncode == 0 and second.returncode == 0
    progress = [x for x in first.stderr.splitlines() if x.startswith("extracting")]
    assert re.fullmatch(r"extracting: 0/3 sentences, 0 from cache, \d+ s", progress[0])
    assert re.fullmatch(r"extracting: 3/3 sentences, 0 from cache, \d+ s", progress[-1])
    assert "\r" not in first.stderr and "\x1b" not in first.stderr
    assert re.search(r"^extracting: 3/3 sentences, 3 from cache, \d+ s$", second.stderr, re.M)


def _pipeline_subprocess(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "factcheck.cli", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_a_hanging_run_at_once_and_keeps_the_answers_received(tmp_path, signum):
    """Sentences 1 and 2 are answered, the third request hangs; the signal ends the run within a
    few seconds (not after the 300 s timeout) and the two answers are in the database."""
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(f"Troops found {n + 12} rockets in Bourem, the army said.\n")
    db = tmp_path / "c.sqlite"
    with StubEndpoint(lambda request: HANG if request.number >= 2 else good(request)) as stub:
        process = _pipeline_subprocess(["run", str(folder), "--base-url", stub.url, "--db", str(db),
                                        "--concurrency", "1"])
        deadline = time.monotonic() + 30
        while len(stub.requests) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(stub.requests) == 3, "the third request never came"
        sent = time.monotonic()
        process.send_signal(signum)
        out, err = process.communicate(timeout=30)
        took = time.monotonic() - sent
    assert took < 5, f"exit took {took:.1f} s"
    assert process.returncode == 128 + signum and out == ""
    assert one_error_line("\n".join(x for x in err.splitlines() if not PROGRESS.match(x))) == (
        f"Error: interrupted ({signal.Signals(signum).name}); the answers received so far are cached and a rerun "
        "resumes from them")
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM llm_cache WHERE response IS NOT NULL").fetchone()[0] == 2


SECRET = "sk-proj-Z9y8X7w6V5u4T3s2R1q0"


def _echo_headers(request):
    """An error whose body repeats the request's headers, as some proxies do."""
    echoed = "; ".join(f"{k}: {v}" for k, v in request.headers.items())
    return Reply(status=401, body={"error": {"message": f"denied, got {echoed}"}})


def test_the_api_key_reaches_no_report_log_or_database(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE)
    (folder / "b.txt").write_text("Police said 30 motorcycles burned in Gao.\n")
    db = tmp_path / "c.sqlite"
    out = tmp_path / "report.md"
    with StubEndpoint(lambda request: good(request) if "Police" in request.sentence else _echo_headers(request)) as stub:
        done = cli("run", str(folder), "--base-url", stub.url, "--db", str(db), "-o", str(out),
                   env={"OPENAI_API_KEY": SECRET})
        as_json = cli("run", str(folder), "--base-url", stub.url, "--db", str(db), "--format", "json",
                      env={"OPENAI_API_KEY": SECRET})
    assert any(SECRET in str(r.headers) for r in stub.requests)  # the key was sent, and echoed back
    assert done.returncode == 0, done.stderr
    text = out.read_text()
    assert "denied, got" in text and "[redacted]" in text  # the error is in the report, without the key
    written = [text, as_json.stdout, done.stderr, as_json.stderr, db.read_bytes().decode("latin-1")]
    for wal in tmp_path.glob("c.sqlite-*"):
        written.append(wal.read_bytes().decode("latin-1"))
    for what in written:
        assert SECRET not in what and "Bearer sk" not in what and SECRET[8:] not in what


def test_timeout_bounds_each_request_and_the_run_goes_on(tmp_path):
    """--timeout 1: the sentence whose request hangs is not extracted after a few seconds (one
    timeout per allowed attempt at most), the other one is."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLE)
    (folder / "b.txt").write_text("Police said 30 motorcycles burned in Gao.\n")
    with StubEndpoint(lambda request: good(request) if "Police" in request.sentence else HANG) as stub:
        started = time.monotonic()
        done = cli("run", str(folder), "--base-url", stub.url, "--db", str(tmp_path / "c.sqlite"),
                   "--timeout", "1", "--max-reasks", "1", "--format", "json")
        took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    assert took < 12
    missing = __import__("json").loads(done.stdout)["not_extracted"]
    assert [m["article_id"] for m in missing] == ["a.txt"] and missing[0]["reason"].startswith("APITimeoutError")
    assert "1 sentences got no answer" in done.stderr


def test_a_timeout_that_is_not_a_positive_number_is_refused(folder, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(folder), "--timeout", "0"])
    assert exit_.value.code == 2 and "must be a positive number of seconds" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["2", "-0.1", "abc"])
def test_a_judge_confidence_that_is_not_a_probability_is_refused(folder, capsys, value):
    with pytest.raises(SystemExit) as exit_:
        main(["run", str(folder), "--judge-confidence", value])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "must be a probability from 0 to 1" in err and "Traceback" not in err
