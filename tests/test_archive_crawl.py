"""Archived crawls end to end: real crawls of a loopback site, archived, checked with warcio, replayed.

The site is the CTV News fixtures served gzip-encoded (tests/archive_site.py); every byte stays
on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import json
import resource
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from crawler.archive import read_heads, read_response
from crawler.config import ScheduleConfig, load_config
from crawler.errors import ConfigError
from crawler.extract.urls import clean_url
from crawler.schedule import crawl_command
from crawler.sites.fixtures import discover
from tests.archive_site import (
    HOST,
    SOURCES,
    checked_files,
    crawl,
    environment,
    fixture_site,
    http,
    stored,
)
from tests.archive_site import (
    crawl_command as archived_crawl_command,
)
from tests.conftest import FIXTURES, REPO
from tests.loopback import serve
from tests.replay_site import copy_site, generated_site, list_in_sitemap

MISSING = f"https://{HOST}/world/a-story-the-server-lost-1.9999999"


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """One archived crawl of the site (its sitemap also lists a page that is gone: 404), for the tests."""
    root = tmp_path_factory.mktemp("archived")
    replay = copy_site("ctvnews", root / "fixtures")
    list_in_sitemap(replay / "ctvnews" / "_sources" / "news-sitemap", MISSING, "2023-06-18T20:00:00+00:00")
    config = root / "crawler.toml"
    config.write_text("warc = true\n", encoding="utf-8")  # archiving asked for by the configuration
    site = fixture_site(replay)
    with serve(site):
        done = crawl(site, root / "corpus", "--config", str(config))
    return root / "corpus", done


def test_every_record_names_its_page_in_the_archive_kept_as_the_server_sent_it(
    archived: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    corpus, done = archived
    archive = corpus / "warc"
    assert f"corpus {corpus}/, archive {archive}/" in done.stdout
    # One line for the one page that failed, and nothing else: no warning of a library's, no traceback.
    missing = MISSING.replace("https://", "http://")
    assert [line.split("] ", 1)[1] for line in done.stderr.splitlines()] == [
        f"WARNING: failed: http-404: {missing}: Ignoring non-200 response"
    ]
    records = stored(corpus)
    assert len(records) == len(list(discover(FIXTURES, "ctvnews")))
    checked_files(archive)
    pages = {
        clean_url(http(case.meta()["url"].encode()).decode()): case.path
        for case in discover(FIXTURES, "ctvnews")
    }
    for record in records:
        source = record["metadata"]["source"]
        response = read_response(archive / source["warcFile"], source["warcOffset"])
        assert (response.url, response.record_id) == (record["url"], source["warcRecordId"])
        assert response.body[:2] == b"\x1f\x8b" and response.header("Content-Encoding") == "gzip"  # as sent
        assert response.decoded_body(10 << 20) == http((pages[record["url"]] / "page.html").read_bytes())
        assert response.date.replace(microsecond=0) == datetime.fromisoformat(
            record["metadata"]["dateDownloaded"]
        )


def test_listings_and_robots_txt_are_archived_and_failed_fetches_are_not(
    archived: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    corpus, _ = archived
    (path,) = checked_files(corpus / "warc")
    assert path.parent == corpus / "warc" / "ctvnews"
    urls = {head.url for head in read_heads(path)}
    assert {f"http://{HOST}/robots.txt", *SOURCES.split(",")} <= urls
    assert MISSING.replace("https://", "http://") not in urls  # the 404
    info = gzip.decompress(path.read_bytes()).split(b"\r\n\r\n", 2)[1].decode()
    assert "software: crawler/" in info and "http-header-user-agent: crawler/" in info
    assert '"ROBOTSTXT_OBEY": true' in info


def test_a_crawl_replayed_from_its_archive_stores_the_same_records(
    archived: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    corpus, _ = archived
    replayed = tmp_path / "replayed"
    command = [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--sources", SOURCES,
               "--replay-warc", str(corpus / "warc"), "--out", str(replayed)]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)  # no proxy: offline
    assert done.returncode == 0, done.stderr
    assert "1 replay misses, 0 errors" in done.stdout  # the page that failed was not archived
    assert f"no saved response for {MISSING.replace('https://', 'http://')}" in done.stderr
    assert stored(replayed) == stored(corpus)  # the same records, dates and sources included, file by file
    assert not (replayed / "warc").exists()


def test_a_replay_from_fixtures_archives_nothing(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "crawler.cli", "crawl", "cp24", "--replay", str(FIXTURES), "--warc",
               "--out", str(tmp_path / "corpus")]  # fmt: skip
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    records = stored(tmp_path / "corpus")
    assert records and all(record["metadata"]["source"]["fixture"].startswith("cp24/") for record in records)
    assert not list((tmp_path / "corpus").rglob("*.warc.gz"))


def test_fetch_archives_one_page_in_the_file_it_is_given(tmp_path: Path) -> None:
    case = FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed"
    url = json.loads((case / "meta.json").read_text())["url"].replace("https://", "http://")
    site = fixture_site(FIXTURES)
    target = tmp_path / "one.warc.gz"
    with serve(site):
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "fetch", url, "--warc", str(target)],
            cwd=REPO, env=environment(site), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    source = json.loads(done.stdout)["metadata"]["source"]
    assert source["warcFile"] == str(target)
    checked_files(target)
    assert [head.url for head in read_heads(target)] == [f"http://{HOST}/robots.txt", url]
    assert read_response(target, source["warcOffset"]).record_id == source["warcRecordId"]


def test_a_full_disk_stops_an_archived_crawl_clearly_and_no_record_lacks_its_page(tmp_path: Path) -> None:
    replay = generated_site(tmp_path / "fixtures", 30)
    site = fixture_site(replay)
    corpus = tmp_path / "corpus"
    limit = 250_000  # the archive's file reaches it first, part-way through a page's record

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    with serve(site):
        done = subprocess.run(
            archived_crawl_command(corpus, "--warc"), cwd=REPO, env=environment(site), capture_output=True,
            text=True, timeout=120, preexec_fn=limited,
        )  # fmt: skip
        assert done.returncode == 1, done.stderr
        (error,) = [line for line in done.stderr.splitlines() if line.startswith("crawler: error:")]
        assert (
            error.startswith("crawler: error: the crawl stopped: ")
            and "cannot write: File too large" in error
        )
        assert ".warc.gz" in error and "Traceback" not in done.stderr
        _assert_every_record_has_its_page(corpus)
        crawl(site, corpus, "--warc")  # room again: the same command completes the corpus
    _assert_every_record_has_its_page(corpus)
    assert len(stored(corpus)) == 30 + len(list(discover(FIXTURES, "ctvnews")))


def _assert_every_record_has_its_page(corpus: Path) -> None:
    checked_files(corpus / "warc")
    for record in stored(corpus):
        source = record["metadata"]["source"]
        response = read_response(corpus / "warc" / source["warcFile"], source["warcOffset"])
        assert response.url == record["url"] and response.record_id == source["warcRecordId"]


def test_scheduled_crawls_archive_unless_the_configuration_says_no(tmp_path: Path) -> None:
    assert "--warc" in crawl_command(ScheduleConfig(), ["ctvnews"])
    assert "--warc" in crawl_command(ScheduleConfig(warc=True), ["ctvnews"])
    assert "--no-warc" in crawl_command(ScheduleConfig(warc=False), ["ctvnews"])
    config = tmp_path / "crawler.toml"
    config.write_text('interval = "15m"\nwarc = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"crawler.toml, line 2: warc: 'yes': expected a boolean"):
        load_config(config)
    config.write_text("warc = false\n", encoding="utf-8")
    assert load_config(config).warc is False


def test_archiving_options_that_cannot_go_together_are_refused(tmp_path: Path) -> None:
    for arguments, message in (
        (["crawl", "--replay", "fixtures", "--replay-warc", "corpus/warc"], "not allowed with argument"),
        (["fetch", "http://example.com/", "--warc", str(tmp_path / "page.warc")], "name the file *.warc.gz"),
        (
            ["crawl", "ctvnews", "--replay-warc", str(tmp_path / "none"), "--out", str(tmp_path)],
            "none: replay archive not found",
        ),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", *arguments],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode in {1, 2} and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)
