"""Kill safety, for real: an incremental crawl killed with SIGKILL at random points and restarted
ends with exactly the corpus of an uninterrupted crawl: no record lost, none duplicated, no torn line.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO
from tests.replay_site import by_file, crawl, generated_site, lines_written

ARTICLES = 150
KILLS = 4
SEED = 20250301
#: State rows per transaction: small, so that kills fall between commits as well as before the first.
BATCH = 7
DEADLINE = 60.0


def _arguments(state: Path) -> list[str]:
    return ["ctvnews", "--incremental", "--state", str(state), "-s", f"CRAWL_STATE_BATCH={BATCH}"]


def _killed_after(replay: Path, corpus: Path, state: Path, more: int) -> int | None:
    """Start a crawl, SIGKILL it (and its parser processes) once the corpus has ``more`` new records.

    Returns the crawl's exit status: -9 when killed, 0 when it finished first.
    """
    start = lines_written(corpus)
    command = [sys.executable, "-m", "crawler.cli", "crawl", *_arguments(state)]
    command += ["--replay", str(replay), "--out", str(corpus)]
    process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + DEADLINE
    while process.poll() is None and lines_written(corpus) < start + more:
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.005)  # a bounded poll of the corpus files, not a wait for a guessed moment
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    return process.wait(timeout=DEADLINE)


def test_a_crawl_killed_at_random_points_and_resumed_stores_exactly_the_uninterrupted_corpus(
    tmp_path: Path,
) -> None:
    replay = generated_site(tmp_path / "fixtures", ARTICLES)
    reference = tmp_path / "reference"
    crawl(replay, reference, *_arguments(tmp_path / "reference.sqlite"))
    expected = by_file(reference)
    total = sum(len(records) for records in expected.values())
    assert total == ARTICLES + 6

    corpus, state = tmp_path / "corpus", tmp_path / "state.sqlite"
    rng = random.Random(SEED)
    statuses = [
        _killed_after(replay, corpus, state, rng.randint(1, total // (KILLS + 1))) for _ in range(KILLS)
    ]
    assert statuses.count(-signal.SIGKILL) >= KILLS - 1, statuses  # killed mid-crawl, not finished
    assert 0 < lines_written(corpus) < total

    resumed = crawl(replay, corpus, *_arguments(state))
    assert by_file(corpus) == expected  # nothing lost, nothing twice, nothing torn
    unchanged = int(resumed.stdout.split(" unchanged (not fetched)")[0].rsplit("; ", 1)[1])
    assert unchanged > 0  # the state's commits survived the kills: stored articles were not fetched again
