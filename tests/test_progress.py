"""Progress on long work: a live line on a terminal, a plain line now and then elsewhere, or none."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.progress import Progress
from crawler.sites.fixtures import discover
from crawler.store.corpus import Corpus
from tests.conftest import FIXTURES, REPO

CLEAR = "\r\x1b[K"
CASES = list(discover(FIXTURES))


class Terminal(io.StringIO):
    """What a terminal would show, kept as written (carriage returns and erasures included)."""

    def isatty(self) -> bool:
        return True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_on_a_terminal_the_line_is_redrawn_in_place_and_wiped_at_the_end() -> None:
    screen, clock = Terminal(), Clock()
    with Progress("merge", 4, unit="files", stream=screen, clock=clock) as progress:
        clock.now += 1
        progress.advance(1, records=10)
        clock.now += 1
        progress.advance(1, records=5, errors=1)
    assert screen.getvalue() == (
        f"{CLEAR}merge: 1/4 files (25%), 10 records, 1.0 files/s, 0:01"
        f"{CLEAR}merge: 2/4 files (50%), 15 records, 1 errors, 1.0 files/s, 0:02{CLEAR}"
    )


def test_a_log_record_wipes_the_live_line_before_it_is_written() -> None:
    screen, clock = Terminal(), Clock()
    handler = logging.StreamHandler(screen)
    logging.getLogger().addHandler(handler)
    try:
        with Progress("crawl", unit="pages", stream=screen, clock=clock) as progress:
            clock.now += 1
            progress.update(3, articles=2)
            logging.getLogger("crawler.test").warning("failed: dns: https://example.com/")
        logging.getLogger("crawler.test").warning("after")
    finally:
        logging.getLogger().removeHandler(handler)
    assert screen.getvalue() == (
        f"{CLEAR}crawl: 3 pages, 2 articles, 3.0 pages/s, 0:01{CLEAR}failed: dns: https://example.com/\nafter\n"
    )


def test_elsewhere_a_plain_line_every_interval_and_none_when_quiet() -> None:
    log, clock = io.StringIO(), Clock()
    with Progress("reparse", unit="pages", stream=log, interval=30, clock=clock) as progress:
        for _ in range(90):
            clock.now += 1
            progress.advance()
    lines = log.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "reparse: 30 pages, 1.0 pages/s, 0:30",
        "reparse: 60 pages, 1.0 pages/s, 1:00",
        "reparse: 90 pages, 1.0 pages/s, 1:30",
    ]
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", line) for line in lines)
    quiet = Terminal()
    with Progress("reparse", stream=quiet, quiet=True, clock=clock) as progress:
        clock.now += 1
        progress.advance()
    assert quiet.getvalue() == ""


def test_fixtures_check_shows_its_progress_between_the_rows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    assert main(["fixtures", "check", "ctvnews"]) == 0
    drawn = re.findall(r"fixtures check: (\d+)/(\d+) fixtures", screen.getvalue())
    ctv = sum(1 for case in CASES if case.path.parent.name == "ctvnews")
    assert drawn and all(int(total) == ctv for _, total in drawn)
    assert capsys.readouterr().out.splitlines()[-1] == f"{ctv} fixtures, {ctv} ok, 0 failing"
    screen.truncate(0)
    assert main(["fixtures", "check", "ctvnews", "--quiet"]) == 0
    assert screen.getvalue() == ""


def test_corpus_merge_shows_its_progress_and_none_when_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = tmp_path / "corpus" / "workers" / "w1"
    with Corpus(worker) as corpus:
        for case in CASES:
            corpus.add(case.expected())
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr("crawler.progress._REDRAW", 0.0)  # every step drawn: the merge takes no time
    assert main(["corpus", "merge", "--dir", str(tmp_path / "corpus")]) == 0
    assert (
        f"merge: {len(CASES)}/{len(CASES)} records (100%), {len(CASES)} read, {len(CASES)} added"
        in screen.getvalue()
    )
    screen.truncate(0)
    assert main(["corpus", "merge", "--dir", str(tmp_path / "corpus"), "--quiet"]) == 0
    assert screen.getvalue() == ""


def _crawl(*arguments: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--replay", str(FIXTURES), *arguments]
    return subprocess.run(command, cwd=REPO, text=True, timeout=120, **kwargs)  # type: ignore[call-overload]


def test_a_crawl_logs_a_progress_line_when_stderr_is_not_a_terminal(tmp_path: Path) -> None:
    done = _crawl("--out", str(tmp_path / "a"), "-s", "PROGRESS_INTERVAL=0", capture_output=True)
    assert done.returncode == 0, done.stderr
    lines = re.findall(
        r"crawl: (\d+) pages, (\d+) articles, (\d+) errors, [\d.]+ pages/s, \d+:\d\d", done.stderr
    )
    assert lines, done.stderr
    quiet = _crawl("--out", str(tmp_path / "b"), "-s", "PROGRESS_INTERVAL=0", "--quiet", capture_output=True)
    assert quiet.returncode == 0 and "crawl: " not in quiet.stderr


def test_a_crawl_on_a_terminal_draws_a_live_line(tmp_path: Path) -> None:
    """stderr is a pseudo-terminal, read as the crawl writes it (it would block on a full one)."""
    leader, follower = pty.openpty()
    shown: list[bytes] = []
    reader = threading.Thread(target=_read_all, args=(leader, shown))
    reader.start()
    done = _crawl("--out", str(tmp_path / "corpus"), stderr=follower, stdout=subprocess.PIPE)
    os.close(follower)
    reader.join(timeout=60)
    os.close(leader)
    screen = b"".join(shown).decode()
    assert done.returncode == 0, screen
    assert re.search(r"\r\x1b\[Kcrawl: \d+ pages, \d+ articles, 0 errors", screen), screen
    assert screen.endswith(CLEAR)  # wiped before the summary
    assert json.loads(next((tmp_path / "corpus").rglob("*.jsonl")).read_text().splitlines()[0])["id"]


def _read_all(descriptor: int, into: list[bytes]) -> None:
    while True:
        try:
            chunk = os.read(descriptor, 65536)
        except OSError:  # the terminal's other end closed
            return
        if not chunk:
            return
        into.append(chunk)
