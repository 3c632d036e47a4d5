"""Hostile servers: real crawls through a loopback server that misbehaves on purpose.

The server is the crawl's HTTP proxy (tests/loopback.py), so the spider requests the site's
real URLs and every byte stays on 127.0.0.1. Each misbehaviour ends as a counted outcome in
the summary, the crawl finishes, and the good articles are stored.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from crawler.sites.fixtures import Fixture, discover
from tests.conftest import FIXTURES, REPO
from tests.loopback import LoopbackSite, Route, serve

HOST = "http://www.ctvnews.ca"
SITEMAP = "/hostile-sitemap.xml"
CASES: list[Fixture] = sorted(discover(FIXTURES, "ctvnews"), key=lambda case: case.path.name)
ALLOW_ALL = Route(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")
#: Quick retries and timeouts, no pacing: the misbehaviours, not the politeness, are under test.
FAST = {
    "RETRY_TIMES": 2,
    "RETRY_BACKOFF_BASE": 0.1,
    "DOWNLOAD_TIMEOUT": 2,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    # The crawl reaches the site through a proxy on 127.0.0.1.
    "ALLOW_PRIVATE_ADDRESSES": True,
}


def _page(case: Fixture) -> Route:
    return Route(body=(case.path / "page.html").read_bytes())


def _sitemap(*paths: str) -> Route:
    urls = "".join(f"<url><loc>{HOST}{path}</loc></url>" for path in paths)
    body = f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
    return Route(body=body.encode(), content_type="application/xml")


def _crawl(site: LoopbackSite, out: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    proxies = {"http_proxy", "https_proxy", "no_proxy"}
    environment = {k: v for k, v in os.environ.items() if k.lower() not in proxies} | {
        "http_proxy": site.proxy
    }
    settings = [item for name, value in FAST.items() for item in ("-s", f"{name}={value}")]
    command = [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--sources", HOST + SITEMAP]
    command += ["--out", str(out), "--log-level", "INFO", *settings, *arguments]
    return subprocess.run(command, cwd=REPO, env=environment, capture_output=True, text=True, timeout=120)


def _stored_ids(corpus: Path) -> set[str]:
    return {
        json.loads(line)["id"] for path in corpus.rglob("*.jsonl") for line in path.read_text().splitlines()
    }


def _summary(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("ctvnews: ")]
    return line


def _gzip_bomb(gigabytes: int) -> bytes:
    """Gzip members of 1 MB of zeros each, end to end: ~1 KB that grows to 1 MB, 1024 per gigabyte."""
    return gzip.compress(bytes(1 << 20), mtime=0) * (1024 * gigabytes)


def test_storms_stalls_loops_and_bombs_are_each_counted_and_the_good_articles_stored(tmp_path: Path) -> None:
    loop_a, loop_b = "/world/loop-a-1.5", "/world/loop-b-1.6"
    huge = b"<html><body>" + b"<p>padding</p>" * 800_000 + b"</body></html>"
    routes = {
        "/robots.txt": ALLOW_ALL,
        SITEMAP: _sitemap(
            "/world/ok-1.1",
            "/world/storm-1.2",
            "/world/down-1.3",
            "/world/stall-1.4",
            loop_a,
            "/world/bomb-1.7",
            "/world/huge-1.8",
        ),
        "/world/ok-1.1": _page(CASES[0]),
        "/world/storm-1.2": Route(status=429, headers={"Retry-After": "1"}, repeat=2, then=_page(CASES[1])),
        "/world/down-1.3": Route(status=503, body=b"down", headers={"Retry-After": "1"}),
        "/world/stall-1.4": Route(body=(CASES[2].path / "page.html").read_bytes(), stall_after=5000),
        loop_a: Route(status=302, headers={"Location": HOST + loop_b}),
        loop_b: Route(status=302, headers={"Location": HOST + loop_a}),
        "/world/bomb-1.7": Route(body=_gzip_bomb(1), headers={"Content-Encoding": "gzip"}),
        "/world/huge-1.8": Route(body=huge),
    }
    site = LoopbackSite(routes=routes)
    with serve(site):
        done = _crawl(site, tmp_path / "corpus")
    assert _summary(done).endswith(  # each failed request is one error
        "0 replay misses, 5 errors; failed: http-503 1, redirect-loop 1, timeout 1, too-large 2"
    )
    assert "ctvnews: 2 articles" in done.stdout
    assert _stored_ids(tmp_path / "corpus") == {CASES[0].expected()["id"], CASES[1].expected()["id"]}
    storm = [moment for path, moment in site.hits if path == "/world/storm-1.2"]
    assert len(storm) == 3 and storm[1] - storm[0] >= 1.0 and storm[2] - storm[1] >= 1.0  # Retry-After obeyed
    assert len([path for path, _ in site.hits if path == "/world/down-1.3"]) == 3  # then given up
    assert (
        f"failed: redirect-loop: {HOST}{loop_a}: redirect loop: {HOST}{loop_a} -> {HOST}{loop_b} -> "
        in done.stderr
    )
    # The gzip bomb (1 GB inflated) was cut at DOWNLOAD_MAXSIZE (10 MB): no crawl process came near that.
    assert resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss < 400_000  # KB


def test_a_robots_txt_that_disallows_everything_is_obeyed_and_counted(tmp_path: Path) -> None:
    robots = Route(body=b"User-agent: *\nDisallow: /\n", content_type="text/plain")
    site = LoopbackSite(
        routes={"/robots.txt": robots, SITEMAP: _sitemap("/world/ok-1.1"), "/world/ok-1.1": _page(CASES[0])}
    )
    with serve(site):
        done = _crawl(site, tmp_path / "corpus")
    assert done.returncode == 1, done.stderr  # a crawl that can read none of its sources got nothing
    assert (
        "crawler: error: the crawl got nothing: no source of any site could be read (robots-txt 1)\n"
        in done.stderr
    )
    (line,) = [line for line in done.stdout.splitlines() if line.startswith("ctvnews: ")]
    assert line.startswith("ctvnews: 0 articles")
    assert line.endswith("; skipped: robots-txt 1; got nothing: no source could be read")
    assert [path for path, _ in site.hits] == ["/robots.txt"]


def test_a_malformed_sitemap_is_counted_and_one_broken_part_way_gives_what_it_lists(tmp_path: Path) -> None:
    broken = _sitemap("/world/ok-1.1", "/world/second-1.2").body
    cut = Route(body=broken[: broken.index(b"/world/second")], content_type="application/xml")
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            SITEMAP: cut,
            "/garbage.xml": Route(body=b"\x00\x01<<<>>>not xml at all"),
            "/world/ok-1.1": _page(CASES[0]),
        }
    )
    with serve(site):
        done = _crawl(site, tmp_path / "corpus", "--sources", f"{HOST}{SITEMAP},{HOST}/garbage.xml")
    assert _summary(done).startswith("ctvnews: 1 articles")
    assert _summary(done).endswith("; failed: unreadable-listing 1")
    assert f"failed: unreadable-listing: {HOST}/garbage.xml: not a readable feed or sitemap" in done.stderr


def test_an_enormous_sitemap_is_read_and_one_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    listed = [f"/video/clip-{n}-1.{n}" for n in range(60_000)] + ["/world/ok-1.1"]
    enormous = _sitemap(*listed)
    assert len(enormous.body) > 4_000_000
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            SITEMAP: enormous,
            "/too-big.xml": _sitemap(*listed, *listed),
            "/world/ok-1.1": _page(CASES[0]),
        }
    )
    with serve(site):
        done = _crawl(
            site, tmp_path / "corpus", "--sources", f"{HOST}{SITEMAP},{HOST}/too-big.xml",
            "-s", "DOWNLOAD_MAXSIZE=6000000",
        )  # fmt: skip
    assert _summary(done).startswith("ctvnews: 1 articles")
    assert _summary(done).endswith("; failed: too-large 1")
    assert not any(path.startswith("/video/") for path, _ in site.hits)  # not articles: never requested


def test_a_page_moved_by_meta_refresh_is_followed_and_an_article_with_none_is_not_redirected(
    tmp_path: Path,
) -> None:
    moved = (
        b'<html><head><meta http-equiv="Refresh" content="0; url=/world/ok-1.1"></head><body></body></html>'
    )
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            SITEMAP: _sitemap("/world/moved-1.9", "/world/second-1.2"),
            "/world/moved-1.9": Route(body=moved),
            "/world/ok-1.1": _page(CASES[0]),
            "/world/second-1.2": _page(CASES[1]),
        }
    )
    with serve(site):
        done = _crawl(site, tmp_path / "corpus")
    assert _summary(done).startswith("ctvnews: 2 articles")
    assert _stored_ids(tmp_path / "corpus") == {CASES[0].expected()["id"], CASES[1].expected()["id"]}
    assert [path for path, _ in site.hits].count("/world/ok-1.1") == 1
