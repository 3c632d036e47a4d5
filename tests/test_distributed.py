"""Distributed crawls on a real redis-server: workers sharing one frontier, killed, restarted, and Redis lost.

Workers are real processes: ``scrapy crawl`` with ``REDIS_URL`` (as scrapyd runs them) against
bench/crawl.py's synthetic CTV News site on loopback, or ``crawler crawl --redis`` on the replay
fixtures. Every wait is a bounded poll with a deadline.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bench.crawl import HOST, serve
from crawler.config import load_config
from crawler.distributed import redacted
from crawler.schedule import crawl_command
from crawler.sites.fixtures import discover
from crawler.state import ArticleState
from crawler.state.redis import RedisCrawlState, connect
from crawler.store.merge import merge_corpora, whole_records
from tests.conftest import FIXTURES, REPO
from tests.redis_server import RedisServer, redis_server
from tests.replay_site import by_file, crawl, generated_site, lines_written

ARTICLES = 2000
DEADLINE = 240.0
#: Short, so that a killed worker is found dead quickly.
TTL = "2"
#: CRAWL_STATE_BATCH, the default.
STATE_BATCH = 100


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path / "redis") as running:
        yield running


@contextmanager
def loopback_site(size: int) -> Iterator[int]:
    """bench/crawl.py's site of ``size`` articles, served on a free loopback port (the crawl's proxy)."""
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    process = multiprocessing.Process(target=serve, args=(size, ports), daemon=True)
    process.start()
    try:
        yield ports.get(timeout=30)
    finally:
        process.terminate()
        process.join(timeout=30)


def start_worker(
    name: str, corpus: Path, url: str, port: int, *settings: str, log: str = ""
) -> subprocess.Popen[bytes]:
    """``scrapy crawl ctvnews`` as one worker of the distributed crawl, logging to ``<corpus>/<name>.log``."""
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    environment["http_proxy"] = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "scrapy", "crawl", "ctvnews", "-a", f"sources={HOST}/bench/sitemap-index.xml",
        "-s", f"CORPUS_DIR={corpus}", "-s", f"REDIS_URL={url}", "-s", f"CRAWL_WORKER={name}",
        "-s", "LOG_LEVEL=INFO", "-s", "PROGRESS_LINE=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", f"REDIS_WORKER_TTL={TTL}",
        "-s", "REDIS_HEARTBEAT=0.2", "-s", "ALLOW_PRIVATE_ADDRESSES=True",
        *settings,
    ]  # fmt: skip
    corpus.mkdir(parents=True, exist_ok=True)
    with (corpus / f"{log or name}.log").open("wb") as output:
        return subprocess.Popen(
            command, cwd=REPO, env=environment, stdout=output, stderr=output, start_new_session=True
        )


def finish(worker: subprocess.Popen[bytes]) -> int:
    return worker.wait(timeout=DEADLINE)


def worker_records(corpus: Path) -> dict[str, list[dict]]:
    """The whole records of each worker's folder."""
    return {folder.name: list(whole_records(folder)) for folder in sorted((corpus / "workers").iterdir())}


def ids(records: dict[str, list[dict]]) -> Counter[str]:
    return Counter(record["id"] for folder in records.values() for record in folder)


def log_of(corpus: Path, name: str) -> str:
    return (corpus / f"{name}.log").read_text(encoding="utf-8", errors="replace")


def stat(log: str, name: str) -> int:
    found = re.search(rf"'{re.escape(name)}': (\d+)", log)
    return int(found[1]) if found else 0


def test_three_workers_share_the_frontier_and_store_every_article_exactly_once(
    tmp_path: Path, server: RedisServer
) -> None:
    corpus = tmp_path / "corpus"
    with loopback_site(ARTICLES) as port:
        workers = [start_worker(f"w{n}", corpus, server.url, port) for n in range(1, 4)]
        assert [finish(worker) for worker in workers] == [0, 0, 0]
    records = worker_records(corpus)
    assert ids(records).most_common(1)[0][1] == 1  # no article twice, across all workers' files
    assert len(ids(records)) == ARTICLES
    assert all(len(folder) > 0 for folder in records.values()), {k: len(v) for k, v in records.items()}
    # The last worker out ended the run: the next crawl starts afresh.
    assert server.client().keys("crawler:ctvnews:*") == []

    report = merge_corpora(sorted((corpus / "workers").iterdir()), corpus)
    assert (report.added, report.duplicates) == (ARTICLES, 0)
    again = merge_corpora(sorted((corpus / "workers").iterdir()), corpus)
    assert (again.added, again.duplicates) == (0, ARTICLES)  # idempotent


def test_a_worker_killed_mid_crawl_loses_nothing_and_a_restarted_worker_adds_no_duplicates(
    tmp_path: Path, server: RedisServer
) -> None:
    corpus = tmp_path / "corpus"
    incremental = ("-s", "INCREMENTAL=True")
    with loopback_site(ARTICLES) as port:
        workers = {
            f"w{n}": start_worker(f"w{n}", corpus, server.url, port, *incremental) for n in range(1, 4)
        }
        victim = corpus / "workers" / "w2"
        deadline = time.monotonic() + DEADLINE
        while not victim.is_dir() or lines_written(victim) < 100:
            assert workers["w2"].poll() is None, "w2 finished before it could be killed"
            assert time.monotonic() < deadline, "w2 made no progress"
            time.sleep(0.01)  # a bounded poll of the worker's files
        os.killpg(workers["w2"].pid, signal.SIGKILL)
        assert finish(workers["w2"]) == -signal.SIGKILL
        assert finish(workers["w1"]) == 0 and finish(workers["w3"]) == 0

        records = worker_records(corpus)
        assert len(ids(records)) == ARTICLES  # the others finished the dead worker's requests
        assert ids(records).most_common(1)[0][1] == 1
        taken_over = stat(log_of(corpus, "w1"), "redis/reclaimed") + stat(
            log_of(corpus, "w3"), "redis/reclaimed"
        )
        assert taken_over > 0

        before = lines_written(victim)
        restarted = start_worker("w2", corpus, server.url, port, *incremental, log="w2-again")
        assert finish(restarted) == 0
    assert lines_written(victim) == before  # the restarted worker stored nothing again
    # ... nor fetched it again, but for the crawl-state rows the kill cut off (one batch at most).
    assert stat(log_of(corpus, "w2-again"), "incremental/unchanged") >= ARTICLES - STATE_BATCH
    assert ids(worker_records(corpus)).most_common(1)[0][1] == 1
    report = merge_corpora(sorted((corpus / "workers").iterdir()), corpus)
    assert report.added == ARTICLES


def test_redis_going_away_mid_crawl_is_a_clear_error_and_a_clean_stop(
    tmp_path: Path, server: RedisServer
) -> None:
    replay = generated_site(tmp_path / "fixtures", 150)
    corpus = tmp_path / "corpus"
    command = [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--replay", str(replay)]
    command += [
        "--out",
        str(corpus),
        "--redis",
        server.url,
        "--worker",
        "solo",
        "-s",
        "CONCURRENT_REQUESTS=2",
    ]
    crawl_process = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    folder = corpus / "workers" / "solo"
    deadline = time.monotonic() + DEADLINE
    while not folder.is_dir() or lines_written(folder) < 10:
        assert crawl_process.poll() is None, crawl_process.communicate()
        assert time.monotonic() < deadline, "the crawl made no progress"
        time.sleep(0.005)  # a bounded poll of the worker's files
    server.process.kill()
    stdout, stderr = crawl_process.communicate(timeout=DEADLINE)
    assert crawl_process.returncode == 1
    assert f"crawler: error: Redis at {server.url} went away mid-crawl" in stderr
    assert f"kept every record it wrote in {folder}/" in stderr
    assert "stopped early: Redis went away" in stdout
    written = by_file(folder)  # every line whole
    assert 10 <= sum(len(lines) for lines in written.values()) < 156


def test_two_cli_workers_then_merge_give_the_corpus_of_one_process(
    tmp_path: Path, server: RedisServer
) -> None:
    reference = tmp_path / "reference"
    crawl(FIXTURES, reference)
    corpus = tmp_path / "corpus"
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--replay", str(FIXTURES), "--out", str(corpus)]
    workers = [
        subprocess.Popen(
            [*command, "--redis", server.url, "--worker", name], cwd=REPO, stdout=subprocess.PIPE, text=True
        )
        for name in ("a", "b")
    ]
    outputs = [worker.communicate(timeout=DEADLINE)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    assert all(f"crawler corpus merge --dir {corpus}" in output for output in outputs)
    merged = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "corpus", "merge", "--dir", str(corpus)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    # On the few replayed pages one worker may finish before the other starts (then the other stores
    # nothing: the workers share what is stored); the sharing itself is tested on 2,000 articles above.
    pages = len(list(discover(FIXTURES)))
    assert re.search(rf"{pages} records read from [12] worker folders: {pages} added", merged.stdout), (
        merged.stdout
    )
    assert {k: v for k, v in by_file(corpus).items() if not k.startswith("workers/")} == by_file(reference)


def test_the_redis_crawl_state_behaves_as_the_sqlite_one(server: RedisServer) -> None:
    now = ArticleState(url="https://a.example/1", fetched_at=_moment(), content_hash="sha256:aa", revision=1)
    commits: list[int] = []
    state = RedisCrawlState(connect(server.url), "test", batch=2, before_commit=lambda: commits.append(1))
    state.put(now)
    assert state.get(now.url) == now and state.committed() == 0 and commits == []
    state.put(ArticleState(url="https://a.example/2", fetched_at=_moment()))
    assert state.committed() == 2 and commits == [1]
    state.close()
    with RedisCrawlState(connect(server.url), "test") as reopened:
        assert reopened.get(now.url) == now
        assert reopened.get("https://a.example/3") is None
        assert reopened.claim("corpus", "/a") == "/a" and reopened.claim("corpus", "/b") == "/a"


def test_an_incremental_distributed_recrawl_fetches_nothing_unchanged(
    tmp_path: Path, server: RedisServer
) -> None:
    corpus = tmp_path / "corpus"
    arguments = ("ctvnews", "--incremental", "--redis", server.url)
    first = crawl(FIXTURES, corpus, *arguments, "--worker", "one")
    assert "6 articles" in first.stdout
    second = crawl(FIXTURES, corpus, *arguments, "--worker", "two")
    assert second.stdout.startswith("ctvnews: 0 articles")
    assert re.search(r"; [1-9]\d* unchanged \(not fetched\)", second.stdout)
    assert not (corpus / "workers" / "two").exists()


def test_a_distributed_crawl_names_what_is_wrong_before_it_starts(tmp_path: Path) -> None:
    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [
            sys.executable,
            "-m",
            "crawler.cli",
            "crawl",
            "ctvnews",
            "--out",
            str(tmp_path),
            *arguments,
        ]
        return subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=60)

    unreachable = run("--redis", "redis://127.0.0.1:1/0")
    assert unreachable.returncode == 1
    assert "crawler: error: --redis redis://127.0.0.1:1/0: cannot reach Redis" in unreachable.stderr
    assert "expected a URL like redis://HOST:PORT/DB" in run("--redis", "http://x").stderr
    assert "give --redis too" in run("--worker", "w1").stderr
    assert redacted("redis://user:secret@h:1/0") == "redis://user:***@h:1/0"


def test_the_schedule_passes_redis_on(tmp_path: Path) -> None:
    config = tmp_path / "crawler.toml"
    config.write_text('sites = ["ctvnews"]\nredis = "redis://10.0.0.5:6379/2"\n', encoding="utf-8")
    command = crawl_command(load_config(config), ["ctvnews"])
    assert command[command.index("--redis") + 1] == "redis://10.0.0.5:6379/2"
    assert "--state" not in command


def test_merge_joins_worker_folders_with_dedup_and_revisions_and_skips_torn_lines(tmp_path: Path) -> None:
    seed = json.loads(
        (FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "expected.json").read_text()
    )
    changed = {**seed, "dateModified": "2023-06-19T10:00:00-04:00"}
    changed["metadata"] = {**seed["metadata"], "dateDownloaded": "2023-06-19T21:00:00+00:00"}
    for name, records in {"a": [seed], "b": [changed, seed]}.items():
        path = tmp_path / "corpus" / "workers" / name / "ctvnews" / "2023-06-18.jsonl"
        path.parent.mkdir(parents=True)
        lines = "".join(json.dumps({**r, "revision": 1}) + "\n" for r in records)
        path.write_text(lines + '{"torn', encoding="utf-8")
    folders = sorted((tmp_path / "corpus" / "workers").iterdir())
    report = merge_corpora(folders, tmp_path / "corpus")
    assert (report.read, report.added, report.revisions, report.duplicates) == (3, 2, 1, 1)
    merged = [json.loads(line) for line in (tmp_path / "corpus" / "ctvnews" / "2023-06-18.jsonl").open()]
    assert [(r["revision"], r["dateModified"]) for r in merged] == [
        (1, seed["dateModified"]),
        (2, "2023-06-19T10:00:00-04:00"),
    ]
    assert merge_corpora(folders, tmp_path / "corpus").added == 0
    assert (folders[0] / "ctvnews" / "2023-06-18.jsonl").read_text().endswith('{"torn')  # sources untouched


def _moment() -> datetime:
    return datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
