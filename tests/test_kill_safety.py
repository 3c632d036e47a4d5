"""Kill safety, for real: an incremental crawl killed with SIGKILL at random points and restarted
ends with exactly the corpus of an uninterrupted crawl: no record lost, none duplicated, no torn line;
archived, it also has every record's page in its WARC files, and no torn record there.
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

from crawler.archive import read_response
from tests.archive_site import checked_files, environment, fixture_site
from tests.archive_site import crawl as archived_crawl
from tests.archive_site import crawl_command as archived_crawl_command
from tests.conftest import REPO
from tests.loopback import serve
from tests.replay_site import by_file, crawl, generated_site, lines_written

ARTICLES = 150
KILLS = 4
SEED = 20250301
#: State rows per transaction: small, so that kills fall between commits as well as before the first.
BATCH = 7
DEADLINE = 60.0


def _incremental(state: Path) -> list[str]:
    return ["--incremental", "--state", str(state), "-s", f"CRAWL_STATE_BATCH={BATCH}"]


def _arguments(state: Path) -> list[str]:
    return ["ctvnews", *_incremental(state)]


def _replayed(replay: Path, corpus: Path, state: Path) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", *_arguments(state), "--replay", str(replay),
            "--out", str(corpus)]  # fmt: skip


def _killed_after(
    command: list[str], corpus: Path, more: int, env: dict[str, str] | None = None
) -> int | None:
    """Start a crawl, SIGKILL it (and its parser processes) once the corpus has ``more`` new records.

    Returns the crawl's exit status: -9 when killed, 0 when it finished first.
    """
    start = lines_written(corpus)
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
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
        _killed_after(_replayed(replay, corpus, state), corpus, rng.randint(1, total // (KILLS + 1)))
        for _ in range(KILLS)
    ]
    assert statuses.count(-signal.SIGKILL) >= KILLS - 1, statuses  # killed mid-crawl, not finished
    assert 0 < lines_written(corpus) < total

    resumed = crawl(replay, corpus, *_arguments(state))
    assert by_file(corpus) == expected  # nothing lost, nothing twice, nothing torn
    unchanged = int(resumed.stdout.split(" unchanged (not fetched)")[0].rsplit("; ", 1)[1])
    assert unchanged > 0  # the state's commits survived the kills: stored articles were not fetched again


def _without_fetch_facts(files: dict[str, list[str]]) -> dict[str, list[str]]:
    """Records without when and where their page was fetched (each run fetches anew)."""

    def bare(line: str) -> str:
        record = json.loads(line)
        for fact in ("dateDownloaded", "source"):
            del record["metadata"][fact]
        return json.dumps(record, sort_keys=True)

    return {name: sorted(map(bare, records)) for name, records in files.items()}


def test_an_archived_crawl_killed_and_resumed_has_every_records_page_and_no_torn_record(
    tmp_path: Path,
) -> None:
    site = fixture_site(generated_site(tmp_path / "fixtures", ARTICLES))
    corpus, state = tmp_path / "corpus", tmp_path / "state.sqlite"
    rng = random.Random(SEED + 1)
    with serve(site):
        archived_crawl(site, tmp_path / "reference", *_incremental(tmp_path / "reference.sqlite"), "--warc")
        expected = by_file(tmp_path / "reference")
        total = sum(len(records) for records in expected.values())
        statuses = [
            _killed_after(
                archived_crawl_command(corpus, *_incremental(state), "--warc"),
                corpus,
                rng.randint(1, total // (KILLS + 1)),
                environment(site),
            )
            for _ in range(KILLS)
        ]
        assert statuses.count(-signal.SIGKILL) >= KILLS - 1, statuses
        archived_crawl(site, corpus, *_incremental(state), "--warc")

    assert _without_fetch_facts(by_file(corpus)) == _without_fetch_facts(expected)
    checked_files(corpus / "warc")  # warcio's check of every digest, and no record cut short
    for record in (json.loads(line) for records in by_file(corpus).values() for line in records):
        source = record["metadata"]["source"]
        page = read_response(corpus / "warc" / source["warcFile"], source["warcOffset"])
        assert (page.url, page.record_id) == (record["url"], source["warcRecordId"])
