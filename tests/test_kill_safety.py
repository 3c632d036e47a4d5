"""Kill safety, for real: an incremental crawl killed with SIGKILL at random points and restarted
ends with exactly the corpus of an uninterrupted crawl: no record lost, none duplicated, no torn line.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from tests.replay_site import copy_site, crawl, list_in_sitemap, new_article

ARTICLES = 150
KILLS = 4
SEED = 20250301
#: State rows per transaction: small, so that kills fall between commits as well as before the first.
BATCH = 7
DEADLINE = 60.0


def _site(root: Path) -> Path:
    """The CTV News fixtures plus ``ARTICLES`` generated articles listed by the news sitemap."""
    replay = copy_site("ctvnews", root)
    site = replay / "ctvnews"
    seed = site / "2023-06-18-blinken-beijing-seed"
    for number in range(ARTICLES):
        url = f"https://www.ctvnews.ca/world/kill-safety-story-{number}-1.{8_000_000 + number}"
        new_article(seed, f"generated-{number}", url)
        list_in_sitemap(site / "_sources" / "news-sitemap", url, "2025-03-01T08:00:00+00:00")
    return replay


def _arguments(state: Path) -> list[str]:
    return ["ctvnews", "--incremental", "--state", str(state), "-s", f"CRAWL_STATE_BATCH={BATCH}"]


def _lines(corpus: Path) -> int:
    """Records written so far (complete lines), read while the crawl writes."""
    return sum(path.read_bytes().count(b"\n") for path in corpus.rglob("*.jsonl"))


def _killed_after(replay: Path, corpus: Path, state: Path, more: int) -> int | None:
    """Start a crawl, SIGKILL it (and its parser processes) once the corpus has ``more`` new records.

    Returns the crawl's exit status: -9 when killed, 0 when it finished first.
    """
    start = _lines(corpus)
    command = [sys.executable, "-m", "crawler.cli", "crawl", *_arguments(state)]
    command += ["--replay", str(replay), "--out", str(corpus)]
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + DEADLINE
    while process.poll() is None and _lines(corpus) < start + more:
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.005)  # a bounded poll of the corpus files, not a wait for a guessed moment
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    return process.wait(timeout=DEADLINE)


def _by_file(corpus: Path) -> dict[str, list[str]]:
    """Each corpus file's records, canonical JSON, sorted; every line must be whole."""
    files = {}
    for path in sorted(corpus.rglob("*.jsonl")):
        data = path.read_text(encoding="utf-8")
        assert data.endswith("\n"), f"torn last line in {path}"
        records = [json.loads(line) for line in data.splitlines()]
        files[str(path.relative_to(corpus))] = sorted(json.dumps(r, sort_keys=True) for r in records)
    return files


def test_a_crawl_killed_at_random_points_and_resumed_stores_exactly_the_uninterrupted_corpus(
    tmp_path: Path,
) -> None:
    replay = _site(tmp_path / "fixtures")
    reference = tmp_path / "reference"
    crawl(replay, reference, *_arguments(tmp_path / "reference.sqlite"))
    expected = _by_file(reference)
    total = sum(len(records) for records in expected.values())
    assert total == ARTICLES + 6

    corpus, state = tmp_path / "corpus", tmp_path / "state.sqlite"
    rng = random.Random(SEED)
    statuses = [
        _killed_after(replay, corpus, state, rng.randint(1, total // (KILLS + 1))) for _ in range(KILLS)
    ]
    assert statuses.count(-signal.SIGKILL) >= KILLS - 1, statuses  # killed mid-crawl, not finished
    assert 0 < _lines(corpus) < total

    resumed = crawl(replay, corpus, *_arguments(state))
    assert _by_file(corpus) == expected  # nothing lost, nothing twice, nothing torn
    unchanged = int(resumed.stdout.split(" unchanged (not fetched)")[0].rsplit("; ", 1)[1])
    assert unchanged > 0  # the state's commits survived the kills: stored articles were not fetched again
