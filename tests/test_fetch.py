"""`crawler fetch URL` through the real Scrapy stack, against a loopback server acting as HTTP proxy."""

from __future__ import annotations

import gzip
import json
import os
import socket
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from crawler.sites.fixtures import discover
from tests.conftest import FIXTURES, REPO
from tests.loopback import LoopbackSite, Route, serve
from tests.test_doubts import LOOK_ALIKE, with_every_doubt

SEED = next(case for case in discover(FIXTURES, "ctvnews") if "seed" in case.path.name)
SEED_URL = SEED.meta()["url"].replace("https://", "http://")  # plain HTTP, so the proxy sees it
SEED_PATH = "/" + SEED_URL.split("/", 3)[3]
_GZIP = {"Content-Encoding": "gzip"}


def _fetch(*arguments: str, proxy: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if k.lower() not in {"http_proxy", "https_proxy", "no_proxy"}
    }
    if proxy:
        environment["http_proxy"] = proxy
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "fetch", *arguments, "-s", "ALLOW_PRIVATE_ADDRESSES=True"],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def _site(**routes: Route) -> LoopbackSite:
    return LoopbackSite(
        routes={"/robots.txt": Route(body=b"User-agent: *\nAllow: /\n", content_type="text/plain")}
        | {path.replace("__", "/"): route for path, route in routes.items()}
    )


def _error(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    return line


def test_fetch_prints_the_record_of_the_page() -> None:
    site = LoopbackSite(
        routes=_site().routes | {SEED_PATH: Route(body=(SEED.path / "page.html").read_bytes())}
    )
    with serve(site):
        done = _fetch(SEED_URL, proxy=site.proxy)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    expected = SEED.expected()
    assert record["url"] == SEED_URL
    assert record["metadata"]["httpStatus"] == 200
    for field in ("id", "canonicalUrl", "headline", "authors", "datePublished", "body"):
        assert record[field] == expected[field]


def test_fetch_saves_a_fixture_that_replays(tmp_path: Path) -> None:
    site = LoopbackSite(
        routes=_site().routes | {SEED_PATH: Route(body=(SEED.path / "page.html").read_bytes())}
    )
    with serve(site):
        done = _fetch(SEED_URL, "--save-fixture", str(tmp_path), proxy=site.proxy)
    assert done.returncode == 0, done.stderr
    (saved,) = discover(tmp_path)
    assert saved.replay() == saved.expected() == json.loads(done.stdout)


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(status=404, body=b"gone"), "HTTP 404 from the server"),
        (
            Route(content_type="application/pdf", body=b"%PDF-1.7"),
            "not an HTML page (content type: application/pdf)",
        ),
        (Route(body=b"<html><body><a href='/world/x-1.2'>A story</a></body></html>"), "not an article:"),
        # A gzip stream cut short, sent whole by its framing: Scrapy inflates what it can.
        (
            Route(body=gzip.compress((SEED.path / "page.html").read_bytes())[:20_000], headers=_GZIP),
            "truncated: the gzip stream ends before its end",
        ),
    ],
    ids=["http-error", "not-html", "not-an-article", "cut-gzip"],
)
def test_fetch_errors_from_the_server(route: Route, message: str) -> None:
    site = LoopbackSite(routes=_site().routes | {SEED_PATH: route})
    with serve(site):
        line = _error(_fetch(SEED_URL, "-s", "RETRY_ENABLED=False", proxy=site.proxy))
    assert line.startswith(f"crawler: error: {SEED_URL}: ")
    assert message in line


def test_fetch_keeps_a_page_with_doubts_and_says_them() -> None:
    """What lost real articles (issue 19) costs a fetch nothing: accented text that looks like
    mojibake, no closing tags, a stray byte, an image URL with raw characters."""
    page = with_every_doubt((SEED.path / "page.html").read_bytes())
    site = LoopbackSite(routes=_site().routes | {SEED_PATH: Route(body=page)})
    with serve(site):
        done = _fetch(SEED_URL, proxy=site.proxy)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["body"][1]["text"].startswith(f"{LOOK_ALIKE} \ufffd ")
    assert [doubt.split(":")[0] for doubt in record["metadata"]["doubts"]] == ["encoding", "truncated"]
    assert record["mainImage"]["url"].endswith("/blinken%20and%20qin%20%C3%A9t%C3%A9.jpg")


@pytest.mark.parametrize(
    ("fail_on_dataloss", "message"),
    [
        ("False", "truncated: the connection closed before the whole body arrived (Scrapy's dataloss flag)"),
        ("True", "failed: connection: the connection closed before the whole body arrived"),
    ],
)
def test_fetch_refuses_a_body_the_connection_cut_short(fail_on_dataloss: str, message: str) -> None:
    """A body short of its Content-Length: Scrapy fails the download (retried, in a crawl), or with
    DOWNLOAD_FAIL_ON_DATALOSS off hands it on flagged ``dataloss``, which the parse refuses."""
    page = (SEED.path / "page.html").read_bytes()
    site = LoopbackSite(routes=_site().routes | {SEED_PATH: Route(body=page, close_after=len(page) // 2)})
    with serve(site):
        done = _fetch(
            SEED_URL, "-s", "RETRY_ENABLED=False", "-s", f"DOWNLOAD_FAIL_ON_DATALOSS={fail_on_dataloss}",
            proxy=site.proxy,
        )  # fmt: skip
    line = _error(done)
    assert line.startswith(f"crawler: error: {SEED_URL}: ")
    assert message in line


def test_fetch_obeys_robots_txt() -> None:
    robots = Route(body=b"User-agent: *\nDisallow: /world/\n", content_type="text/plain")
    site = LoopbackSite(routes={"/robots.txt": robots, SEED_PATH: Route(body=b"<html></html>")})
    with serve(site):
        line = _error(_fetch(SEED_URL, proxy=site.proxy))
    assert line == f"crawler: error: {SEED_URL}: disallowed by the site's robots.txt"


def test_fetch_times_out() -> None:
    site = LoopbackSite(routes=_site().routes | {SEED_PATH: Route(stall=True)})
    with serve(site):
        line = _error(_fetch(SEED_URL, "--timeout", "1", "-s", "RETRY_ENABLED=False", proxy=site.proxy))
    assert line == f"crawler: error: {SEED_URL}: timed out waiting for the server"


def test_fetch_refused_connection() -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    line = _error(_fetch(SEED_URL, "-s", "RETRY_ENABLED=False", proxy=f"http://127.0.0.1:{closed_port}"))
    assert line == f"crawler: error: {SEED_URL}: connection refused by the server"


def test_fetch_dns_failure() -> None:
    line = _error(
        _fetch(SEED_URL, "-s", "RETRY_ENABLED=False", "-s", "DNS_RESOLVER=tests.loopback.FailingResolver")
    )
    assert line == f"crawler: error: {SEED_URL}: DNS lookup failed: the host name does not resolve"


def test_fetch_waits_as_long_as_retry_after_says() -> None:
    page = Route(body=(SEED.path / "page.html").read_bytes())
    busy = Route(status=429, body=b"slow down", headers={"Retry-After": "2"}, then=page)
    site = LoopbackSite(routes=_site().routes | {SEED_PATH: busy})
    with serve(site):
        done = _fetch(SEED_URL, proxy=site.proxy)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["headline"] == SEED.expected()["headline"]
    first, second = (moment for path, moment in site.hits if path == SEED_PATH)
    assert second - first >= 2.0


def test_fetch_backs_off_on_server_errors_then_reports_them() -> None:
    site = LoopbackSite(routes=_site().routes | {SEED_PATH: Route(status=503, body=b"down")})
    with serve(site):
        line = _error(
            _fetch(SEED_URL, "-s", "RETRY_TIMES=2", "-s", "RETRY_BACKOFF_BASE=0.2", proxy=site.proxy)
        )
    assert line.endswith("HTTP 503 from the server")
    moments = [moment for path, moment in site.hits if path == SEED_PATH]
    gaps = [later - earlier for earlier, later in pairwise(moments)]
    assert len(moments) == 3
    assert gaps[0] >= 0.2 and gaps[1] >= 0.4  # 0.2 s, then twice that
