"""Incremental crawls: the crawl state, conditional requests, and what a second run fetches and writes."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Headers

from crawler.crawl.incremental import moment
from crawler.crawl.replay import not_modified
from crawler.state import ArticleState, SqliteCrawlState
from tests.replay_site import (
    copy_site,
    crawl,
    fetched,
    list_in_sitemap,
    meta,
    new_article,
    rewrite_paragraph,
    set_headers,
    set_lastmod,
    stored,
)

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def _article(url: str, **facts: Any) -> ArticleState:
    return ArticleState(url=url, fetched_at=NOW, content_hash="sha256:aa", revision=1, **facts)


def test_the_state_keeps_rows_across_openings_and_sees_its_own_buffer(tmp_path: Path) -> None:
    path = tmp_path / "state" / "crawl.sqlite"
    commits: list[int] = []
    state = SqliteCrawlState(path, batch=2, before_commit=lambda: commits.append(1))
    state.put(_article("https://a.example/1", etag='"x"', changed_at=NOW))
    assert state.get("https://a.example/1") == _article("https://a.example/1", etag='"x"', changed_at=NOW)
    assert state.committed() == 0 and commits == []
    state.put(_article("https://a.example/2"))
    assert state.committed() == 2 and commits == [1]  # a full batch commits, after the hook
    state.put(_article("https://a.example/1", etag='"y"'))
    state.close()
    with SqliteCrawlState(path) as reopened:
        assert reopened.get("https://a.example/1") == _article("https://a.example/1", etag='"y"')
        assert reopened.get("https://a.example/3") is None
    (mode,) = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()
    assert mode == "wal"


def test_a_listing_date_newer_than_anything_known_means_changed() -> None:
    known = _article("https://a.example/1", changed_at=NOW)
    assert not known.listed_as_changed(None)  # a listing without a date says nothing
    assert not known.listed_as_changed(NOW)
    assert not known.listed_as_changed(NOW - timedelta(days=1))
    assert known.listed_as_changed(NOW + timedelta(seconds=1))
    assert _article("https://a.example/2").listed_as_changed(NOW)  # no date known yet


def test_a_listing_or_record_date_without_an_offset_is_compared_as_if_in_utc() -> None:
    """A sitemap's lastmod is often a day, and a page may state a time without its offset."""
    assert moment("2025-03-02") == datetime(2025, 3, 2, tzinfo=UTC)
    assert moment("2025-03-02T09:00:00") == datetime(2025, 3, 2, 9, tzinfo=UTC)
    assert moment("2025-03-02T09:00:00-05:00") == datetime(2025, 3, 2, 14, tzinfo=UTC)
    assert moment("March 2025") is None and moment(None) is None


@pytest.mark.parametrize(
    ("request_headers", "saved_headers", "expected"),
    [
        ({"If-None-Match": '"v1"'}, {"ETag": '"v1"'}, True),
        ({"If-None-Match": '"v0", W/"v1"'}, {"ETag": '"v1"'}, True),
        ({"If-None-Match": '"v1"'}, {"ETag": '"v2"'}, False),
        # If-None-Match decides when present, whatever If-Modified-Since says
        (
            {"If-None-Match": '"v1"', "If-Modified-Since": "Sat, 01 Mar 2025 12:00:00 GMT"},
            {"ETag": '"v2"', "Last-Modified": "Fri, 28 Feb 2025 12:00:00 GMT"},
            False,
        ),
        (
            {"If-Modified-Since": "Sat, 01 Mar 2025 12:00:00 GMT"},
            {"Last-Modified": "Fri, 28 Feb 2025 12:00:00 GMT"},
            True,
        ),
        (
            {"If-Modified-Since": "Sat, 01 Mar 2025 12:00:00 GMT"},
            {"Last-Modified": "Sun, 02 Mar 2025 12:00:00 GMT"},
            False,
        ),
        ({"If-Modified-Since": "not a date"}, {"Last-Modified": "Fri, 28 Feb 2025 12:00:00 GMT"}, False),
        ({}, {"ETag": '"v1"'}, False),
    ],
)
def test_replay_answers_304_only_when_the_validators_match(
    request_headers: dict[str, str], saved_headers: dict[str, str], expected: bool
) -> None:
    assert not_modified(Headers(request_headers), Headers(saved_headers)) is expected


SITEMAP = "_sources/news-sitemap"
UPDATED = "2023-03-29-wire-multiple-authors"  # listed by the news sitemap (with lastmod) and the feed
TOUCHED = "2019-11-20-polopoly-wire"  # listed by the news sitemap and the section page
ROBOTS = "https://www.ctvnews.ca/robots.txt"
NEW_FROM = ("2023-04-14-aem-canada-staff", "2023-03-29-wire-multiple-authors", "2019-11-20-polopoly-wire")


def test_a_second_run_fetches_only_listings_and_the_next_stores_new_and_updated_articles(
    tmp_path: Path,
) -> None:
    replay, corpus, state = (
        copy_site("ctvnews", tmp_path / "fixtures"),
        tmp_path / "corpus",
        tmp_path / "s.db",
    )
    site = replay / "ctvnews"
    articles = sorted(case for case in site.iterdir() if not case.name.startswith("_"))
    for case in articles:
        set_headers(case, ETag=f'"{case.name}-1"', Last_Modified="Sat, 01 Mar 2025 12:00:00 GMT")
    set_headers(site / TOUCHED, ETag="")  # this one answers conditional requests by Last-Modified alone
    sources = {meta(folder)["url"] for folder in (site / "_sources").iterdir()}
    run = ["ctvnews", "--incremental", "--state", str(state)]

    first = crawl(replay, corpus, *run)
    assert len(stored(corpus)) == len(articles)
    assert f"ctvnews: {len(articles)} articles" in first.stdout

    unchanged = crawl(replay, corpus, *run)
    assert {url for _, url in fetched(unchanged)} == sources | {ROBOTS}  # zero article requests
    assert "ctvnews: 0 articles" in unchanged.stdout and "0 not modified (304)" in unchanged.stdout
    assert len(stored(corpus)) == len(articles)

    new_urls = [f"https://www.ctvnews.ca/canada/incremental-story-{n}-1.{9_000_000 + n}" for n in range(3)]
    for number, (url, source) in enumerate(zip(new_urls, NEW_FROM, strict=True)):
        new_article(site / source, f"new-{number}", url)
        list_in_sitemap(site / SITEMAP, url, "2025-03-02T08:00:00+00:00")
    rewrite_paragraph(site / UPDATED, "Update:")
    set_headers(site / UPDATED, ETag=f'"{UPDATED}-2"')
    set_lastmod(site / SITEMAP, meta(site / UPDATED)["url"], "2025-03-02T09:00:00+00:00")
    set_lastmod(site / SITEMAP, meta(site / TOUCHED)["url"], "2025-03-02T10:00:00+00:00")  # same page

    before = stored(corpus)
    changed = crawl(replay, corpus, *run)
    records = stored(corpus)
    written = [record for record in records if record not in before]
    assert len(records) == len(articles) + 4 and len(written) == 4
    assert sorted(r["url"] for r in written) == sorted([*new_urls, meta(site / UPDATED)["url"]])
    assert {r["url"]: r["revision"] for r in written}[meta(site / UPDATED)["url"]] == 2
    assert all(r["revision"] == 1 for r in written if r["url"] in new_urls)
    fetched_articles = {url for status, url in fetched(changed) if url not in sources and status == 200}
    assert fetched_articles == {*new_urls, meta(site / UPDATED)["url"]}
    assert "ctvnews: 4 articles" in changed.stdout and "1 not modified (304)" in changed.stdout

    again = crawl(replay, corpus, *run)
    assert {url for _, url in fetched(again)} == sources | {ROBOTS}
    assert len(stored(corpus)) == len(articles) + 4


def test_a_crawl_state_serves_one_corpus_only(tmp_path: Path) -> None:
    replay, state = copy_site("globeandmail", tmp_path / "fixtures"), tmp_path / "crawl.sqlite"
    crawl(replay, tmp_path / "corpus", "globeandmail", "--incremental", "--state", str(state))
    with pytest.raises(subprocess.CalledProcessError) as refused:
        crawl(replay, tmp_path / "other", "globeandmail", "--incremental", "--state", str(state))
    assert f"{state}: this crawl state belongs to the corpus {tmp_path / 'corpus'}" in refused.value.stderr
    assert not (tmp_path / "other").exists()
