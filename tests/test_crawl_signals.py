"""What a crawl tells cron and people: exit statuses, one line per failure, the site's name, a stop.

Real crawls in their own processes, against loopback servers (tests/loopback.py) or a resolver
under which no host resolves (no network at all).
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.loopback import LoopbackSite, Route, serve
from tests.test_hostile_servers import FAST
from tests.test_hostile_sources import HOST, article, crawl, through, urlset

NO_DNS = "TWISTED_DNS_RESOLVER=tests.loopback.FailingResolver"


def test_a_crawl_with_no_network_exits_1_with_one_line_per_failure_and_no_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "cbc", "--out", str(tmp_path / "corpus"),
         "-s", NO_DNS, "-s", "RETRY_TIMES=1"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert [line for line in lines if line.startswith("crawler: ")] == [
        "crawler: error: the crawl got nothing: no source of any site could be read (dns 8); "
        "is the network down?"
    ]
    assert not [line for line in lines if " ERROR: " in line]
    failures = [line for line in lines if "] WARNING: failed: dns: " in line]
    pages = [line for line in failures if "/robots.txt: " not in line]
    assert len(pages) == 8  # each source once (ctvnews 4, cbc 4), after its retries
    assert len(failures) - len(pages) == len(
        {re.search(r"//([^/]+)/robots", f)[1] for f in failures if "robots" in f}
    )
    assert len(lines) == len(failures) + 1
    for site, count in (("ctvnews", 4), ("cbc", 4)):
        assert f"{site}: 0 articles" in done.stdout
        assert f"0 replay misses, {count} errors; failed: dns {count}; got nothing" in done.stdout


def test_a_crawl_that_reads_one_site_but_not_another_names_the_one_and_exits_1(tmp_path: Path) -> None:
    site = LoopbackSite(routes={"/sitemap.xml": urlset(f"{HOST}/news/1"), "/news/1": article(1)})
    with serve(site):
        done = crawl(site, tmp_path / "corpus", "--url", f"{HOST}/sitemap.xml", "--url",
                     "http://news.elsewhere.example/feed.xml")  # fmt: skip
    assert done.returncode == 1, done.stderr[-2000:]
    assert "harbour.example: 1 articles" in done.stdout
    assert "elsewhere.example: 0 articles" in done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("crawler: ")]
    assert errors == ["crawler: error: no source could be read for elsewhere.example (http-404 1)"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_site_on_an_ip_address_or_localhost_is_named_by_its_host(host: str, tmp_path: Path) -> None:
    site = LoopbackSite()
    with serve(site):
        base = f"http://{host}:{site.port}"
        site.routes.update({"/sitemap.xml": urlset(f"{base}/news/1"), "/news/1": article(1)})
        done = crawl(site, tmp_path / "corpus", "--url", f"{base}/sitemap.xml", proxy=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith(f"{host}: 1 articles")
    (stored,) = (tmp_path / "corpus" / host).rglob("*.jsonl")
    assert json.loads(stored.read_text())["site"] == {"id": host, "name": host}


_PROGRESS = re.compile(r"crawl: (\d+) pages, (\d+) articles")


@pytest.mark.parametrize("number", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_crawl_says_interrupted_and_exits_128_plus_it(number: int, tmp_path: Path) -> None:
    """Once a page is stored the crawl is signalled, while another page stalls; the pages it read
    (one without a headline: half the pages) would raise the alarm, but a stopped crawl is judged
    on nothing."""
    site = LoopbackSite(
        routes={
            "/sitemap.xml": urlset(f"{HOST}/news/1", f"{HOST}/news/2", f"{HOST}/news/3"),
            "/news/1": article(1),
            "/news/2": Route(body=b"<html><body><p>Nothing here.</p></body></html>"),
            "/news/3": Route(stall=True),
        }
    )
    # The stalled page holds the crawl open well past the signal, and its timeout ends the stop.
    settings = {**FAST, "DOWNLOAD_TIMEOUT": 5, "PROGRESS_INTERVAL": 0, "COVERAGE_MIN_PAGES": 1}
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--url", f"{HOST}/sitemap.xml"]
    command += ["--out", str(tmp_path / "corpus")]
    command += [item for name, value in settings.items() for item in ("-s", f"{name}={value}")]
    with serve(site):
        process = subprocess.Popen(
            command, cwd=REPO, env=through(site), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert process.stderr is not None and process.stdout is not None
        for line in process.stderr:  # the progress line, every half second: wait for both pages read
            progress = _PROGRESS.search(line)
            if progress and int(progress[1]) >= 4 and int(progress[2]) >= 1:
                break
        process.send_signal(number)
        errors = process.stderr.read()
        out = process.stdout.read()
        status = process.wait(timeout=120)
    assert status == 128 + number, errors[-2000:]
    name = signal.Signals(number).name
    assert f"total: 1 articles from 1 sites (interrupted by {name})" in out
    assert f"crawler: interrupted by {name}: every record stored so far is kept" in errors
    assert "alarm" not in errors
    assert not (tmp_path / "corpus" / ".coverage.json").exists()  # part of a crawl is no baseline


#: ``crawler crawl`` with a bug of ours in the parser: it raises on the page whose URL holds "/2".
_BUGGY_CRAWL = """
import sys
import crawler.crawl.parse_workers as workers
from crawler.cli import main

parse = workers.parse

def buggy(page, *args):
    if "/news/2" in page.url:
        raise ZeroDivisionError("a bug of ours")
    return parse(page, *args)

workers.parse = buggy
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
def test_a_bug_of_ours_is_one_line_and_its_traceback_only_at_debug(level: str, tmp_path: Path) -> None:
    site = LoopbackSite(
        routes={
            "/sitemap.xml": urlset(f"{HOST}/news/1", f"{HOST}/news/2"),
            "/news/1": article(1),
            "/news/2": article(2),
        }
    )
    command = [sys.executable, "-c", _BUGGY_CRAWL, "crawl", "--url", f"{HOST}/sitemap.xml", "--quiet"]
    command += ["--out", str(tmp_path / "corpus"), "--log-level", level, "-s", "PARSE_PROCESSES=0"]
    command += [item for name, value in FAST.items() for item in ("-s", f"{name}={value}")]
    with serve(site):
        done = subprocess.run(
            command, cwd=REPO, env=through(site), capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "harbour.example: 1 articles" in done.stdout and "failed: parser-error 1" in done.stdout
    failed = [line for line in done.stderr.splitlines() if "failed: parser-error" in line]
    assert len(failed) == 1 and failed[0].endswith(f"{HOST}/news/2: ZeroDivisionError: a bug of ours")
    assert " ERROR: " in failed[0]
    tracebacks = done.stderr.count("Traceback (most recent call last)")
    assert tracebacks == (1 if level == "DEBUG" else 0), done.stderr[-3000:]
    if level == "WARNING":
        assert done.stderr.splitlines() == failed
