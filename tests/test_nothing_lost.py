"""Nothing lost: a full disk or a read-only corpus stops the crawl with a clear error and leaves every
file whole; a damaged corpus or crawl state is refused at start, saying how to recover.

Real processes, real limits: the disk fills up under a file size limit (RLIMIT_FSIZE, which makes
the kernel write part of a record, then refuse) and on a 256 KB tmpfs; read-only is a read-only
mount. Both mounts need a mount namespace (``unshare``); those tests skip where there is none.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.errors import StateError
from crawler.state import SqliteCrawlState
from tests.conftest import REPO
from tests.replay_site import by_file, copy_site, crawl, generated_site

ARTICLES = 60


def _crawl_command(replay: Path, out: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", *arguments, "--replay", str(replay),
            "--out", str(out)]  # fmt: skip


def _run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120, **options)  # type: ignore[call-overload,no-any-return]


def _whole_lines(corpus: Path) -> int:
    """Records in the corpus; fails on any line that is not a whole JSON record."""
    count = 0
    for path in corpus.rglob("*.jsonl"):
        data = path.read_bytes()
        assert not data or data.endswith(b"\n"), f"torn last line in {path}"
        count += sum(1 for line in data.splitlines() if json.loads(line))
    return count


def _namespaces() -> bool:
    try:
        return subprocess.run(["unshare", "-rm", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


needs_namespaces = pytest.mark.skipif(not _namespaces(), reason="no mount namespaces (unshare -rm) here")


def _limit_file_size(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_stops_the_crawl_clearly_and_a_rerun_completes_the_corpus(tmp_path: Path) -> None:
    replay = generated_site(tmp_path / "fixtures", ARTICLES)
    reference = tmp_path / "reference"
    crawl(replay, reference, "ctvnews")
    expected = by_file(reference)
    biggest = max(path.stat().st_size for path in reference.rglob("*.jsonl"))

    corpus = tmp_path / "corpus"
    limit = biggest // 2 + 1234  # mid-record: the kernel writes part of a line, then refuses
    done = _run(_crawl_command(replay, corpus), preexec_fn=lambda: _limit_file_size(limit))
    assert done.returncode == 1, done.stderr
    (error,) = [line for line in done.stderr.splitlines() if line.startswith("crawler: error:")]
    assert error.startswith("crawler: error: the crawl stopped: ")
    assert error.endswith(".jsonl: cannot write: File too large")
    assert "Traceback" not in done.stderr
    stored = _whole_lines(corpus)
    assert 0 < stored < sum(len(records) for records in expected.values())

    crawl(replay, corpus, "ctvnews")  # the disk has room again
    assert by_file(corpus) == expected


@needs_namespaces
def test_no_space_left_on_a_real_small_disk(tmp_path: Path) -> None:
    replay = generated_site(tmp_path / "fixtures", ARTICLES)
    disk, copy = tmp_path / "disk", tmp_path / "copy"
    disk.mkdir()
    script = (
        'mount -t tmpfs -o size=256k tmpfs "$1" && shift && "$@"; status=$?; '
        f"cp -r {disk}/corpus {copy}; exit $status"
    )
    command = _crawl_command(replay, disk / "corpus")
    done = _run(["unshare", "-rm", "sh", "-c", script, "sh", str(disk), *command])
    assert done.returncode == 1, done.stderr
    assert "cannot write: No space left on device" in done.stderr
    assert "Traceback" not in done.stderr
    assert 0 < _whole_lines(copy) < ARTICLES


@needs_namespaces
def test_a_read_only_corpus_folder_stops_the_crawl_and_changes_nothing(tmp_path: Path) -> None:
    replay = copy_site("ctvnews", tmp_path / "fixtures")
    corpus = tmp_path / "corpus"
    (replay / "ctvnews" / "2023-05-09-updated-article").rename(tmp_path / "later")
    crawl(replay, corpus, "ctvnews")
    before = by_file(corpus)
    (tmp_path / "later").rename(replay / "ctvnews" / "2023-05-09-updated-article")  # one new article

    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    done = _run(["unshare", "-rm", "sh", "-c", script, "sh", str(corpus), *_crawl_command(replay, corpus)])
    assert done.returncode == 1, done.stderr
    assert "cannot write: Read-only file system" in done.stderr
    assert by_file(corpus) == before


def test_a_damaged_corpus_line_is_named_with_file_and_line(tmp_path: Path) -> None:
    replay = copy_site("ctvnews", tmp_path / "fixtures")
    corpus = tmp_path / "corpus"
    crawl(replay, corpus, "ctvnews")
    damaged = sorted(corpus.rglob("*.jsonl"))[0]
    damaged.write_bytes(b'{"id": "half a rec\n' + damaged.read_bytes())
    done = _run(_crawl_command(replay, corpus))
    assert done.returncode == 1
    assert f"crawler: error: {damaged}, line 1: not a JSON record" in done.stderr
    assert "Traceback" not in done.stderr


def _damaged_states(tmp_path: Path) -> dict[str, Path]:
    good = tmp_path / "good.sqlite"
    with SqliteCrawlState(good) as state:
        state.claim("corpus", "x")
    states = {}
    for name, damage in {
        "garbage": lambda data: os.urandom(4096),
        "truncated": lambda data: data[: len(data) // 2 + 100],
        "zeroed-page": lambda data: data[:4096] + bytes(4096) + data[8192:],
    }.items():
        path = tmp_path / f"{name}.sqlite"
        shutil.copy(good, path)
        path.write_bytes(damage(path.read_bytes()))
        states[name] = path
    foreign = tmp_path / "foreign.sqlite"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE article (url TEXT PRIMARY KEY, body BLOB)")
    states["another-schema"] = foreign
    return states


def test_a_damaged_crawl_state_is_detected_at_start_with_how_to_recover(tmp_path: Path) -> None:
    replay = copy_site("ctvnews", tmp_path / "fixtures")
    for name, state in _damaged_states(tmp_path).items():
        with pytest.raises(StateError):
            SqliteCrawlState(state)
        done = _run(_crawl_command(replay, tmp_path / "corpus", "--incremental", "--state", str(state)))
        assert done.returncode == 1, name
        (line,) = done.stderr.strip().splitlines()
        assert line.startswith(f"crawler: error: {state}: the crawl state is damaged ("), name
        assert f"move it aside (mv {state} {state}.damaged) and run the crawl again" in line, name
        assert not (tmp_path / "corpus").exists()  # refused before anything was written

    state = tmp_path / "garbage.sqlite"
    state.rename(tmp_path / "garbage.sqlite.damaged")  # the recovery the message gives
    crawl(replay, tmp_path / "corpus", "ctvnews", "--incremental", "--state", str(state))
    assert SqliteCrawlState(state).committed() == 6
