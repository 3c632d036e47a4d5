"""A whole crawl replayed offline: the real spiders walk the fixture feeds, sitemaps and sections."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.sites import all_sites
from crawler.sites.fixtures import discover
from tests.conftest import FIXTURES, REPO


def _crawl(replay: Path, out: Path, *arguments: str) -> str:
    """Run ``crawler crawl`` in its own process (Twisted's reactor runs once per process)."""
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", *arguments, "--replay", str(replay), "--out", str(out)],  # noqa: E501
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def _stored(corpus: Path) -> list[dict]:
    return [
        json.loads(line) for path in sorted(corpus.rglob("*.jsonl")) for line in path.read_text().splitlines()
    ]


def _from_fixture(record: dict, case: Path) -> dict:
    """A fixture's record as a replayed crawl stores it: naming the fixture folder it came from."""
    source = {"fixture": case.relative_to(FIXTURES).as_posix()}
    return record | {"metadata": record["metadata"] | {"source": source}}


def _without_fetch_url(record: dict) -> dict:
    # A crawl requests the clean URL; a fixture may have been saved from a tracking-parameter URL.
    return {key: value for key, value in record.items() if key != "url"}


@pytest.mark.parametrize("parse_processes", ["0", "2"])
def test_replay_crawl_stores_exactly_the_expected_records(tmp_path: Path, parse_processes: str) -> None:
    summary = _crawl(FIXTURES, tmp_path / "corpus", "-s", f"PARSE_PROCESSES={parse_processes}")
    stored = sorted((_without_fetch_url(r) for r in _stored(tmp_path / "corpus")), key=lambda r: r["id"])
    expected = sorted(
        (
            _without_fetch_url(_from_fixture(c.expected(), c.path)) | {"revision": 1}
            for c in discover(FIXTURES)
        ),
        key=lambda r: r["id"],
    )
    assert stored == expected
    nothing_lost = "0 skipped (not an article), 0 outside the date window, 0 invalid, 0 replay misses"
    for site in all_sites():
        assert f"{site.id}: {len(list(discover(FIXTURES, site.id)))} articles, {nothing_lost}" in summary


def test_a_url_without_fixture_is_a_counted_miss_not_a_network_call(tmp_path: Path) -> None:
    replay = tmp_path / "fixtures"
    shutil.copytree(FIXTURES / "globeandmail", replay / "globeandmail")
    shutil.rmtree(replay / "globeandmail" / "2023-10-02-opinion")
    summary = _crawl(replay, tmp_path / "corpus", "globeandmail")
    left = len(list(discover(replay, "globeandmail")))
    assert f"globeandmail: {left} articles, 0 skipped (not an article), 0 outside the date window" in summary
    assert "1 replay misses" in summary
    assert len(_stored(tmp_path / "corpus")) == left


def test_corpus_stats_and_text_export_read_the_crawled_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _crawl(FIXTURES, corpus, "globeandmail")
    stats = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "corpus", "stats", "--dir", str(corpus)],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert f"globeandmail: {len(list(discover(FIXTURES, 'globeandmail')))} records" in stats
    assert "  2021-07-26  1" in stats
    assert "headline 100%" in stats and "mainImage 100%" not in stats  # the opinion piece has no image
    out = tmp_path / "text"
    subprocess.run(
        [sys.executable, "-m", "crawler.cli", "corpus", "export", "--dir", str(corpus), "--to", str(out)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )  # fmt: skip
    seed = next(c for c in discover(FIXTURES, "globeandmail") if "seed" in c.path.name).expected()
    text = (out / "globeandmail" / f"2021-07-26-{seed['id']}.txt").read_text().splitlines()
    assert text[0] == f"date 2021-07-26 {seed['headline']}"
    assert text[1:] == [block["text"] for block in seed["body"]]


def test_the_date_window_keeps_only_articles_published_in_it(tmp_path: Path) -> None:
    summary = _crawl(FIXTURES, tmp_path / "corpus", "--since", "2023-01-01", "--until", "2024-12-31")
    published = sorted(r["datePublished"][:10] for r in _stored(tmp_path / "corpus"))
    in_window = sorted(
        c.expected()["datePublished"][:10]
        for c in discover(FIXTURES)
        if "2023-01-01" <= c.expected()["datePublished"][:10] <= "2024-12-31"
    )
    assert published == in_window
    assert 0 < len(published) < len(list(discover(FIXTURES)))
    assert "outside the date window" in summary


def test_max_articles_caps_each_site(tmp_path: Path) -> None:
    summary = _crawl(FIXTURES, tmp_path / "corpus", "globeandmail", "--max-articles", "2")
    assert len(_stored(tmp_path / "corpus")) == 2
    assert "globeandmail: 2 articles" in summary
