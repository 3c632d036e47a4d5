"""A loopback site made of fixture folders, for crawls that archive what they fetch.

Fixture replays are not archived (they are not what a server sent), so archived crawls run
against tests/loopback.py's server, as the crawl's HTTP proxy, answering every fixture of the
CTV News folder at its URL's path. URLs are served over http (a proxy cannot answer https
without TLS), rewritten so in the bodies too, and every body is gzip-encoded, as servers send
them: the archive must keep it so.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

from crawler.archive import archive_files
from crawler.archive.members import whole_length
from tests.conftest import REPO
from tests.loopback import LoopbackSite, Route

HOST = "www.ctvnews.ca"
#: The site's listings, over http (its section front is left out: ``--sources`` takes listings only).
SOURCES = ",".join(
    f"http://{HOST}{path}"
    for path in (
        "/sitemap_news.xml",
        "/rss/ctvnews-ca-top-stories-public-rss-1.822009",
        "/arc/outboundfeeds/sitemap-news-index/",
    )
)
ROBOTS = b"User-agent: *\nAllow: /\n"
#: No pacing, no retries to wait for: the archive is under test, not the politeness.
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "RETRY_TIMES=0")


def fixture_site(root: Path) -> LoopbackSite:
    """The CTV News fixtures under ``root`` (a replay folder), served over http, gzip-encoded."""
    routes = {"/robots.txt": Route(body=ROBOTS, content_type="text/plain")}
    for meta_path in sorted((root / "ctvnews").rglob("meta.json")):
        body = next(
            (
                meta_path.parent / name
                for name in ("page.html", "body.xml")
                if (meta_path.parent / name).is_file()
            ),
            None,
        )
        if body is None:
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        headers = {name.lower(): value for name, value in meta.get("headers", {}).items()}
        routes[urlsplit(meta["url"]).path] = Route(
            body=gzip.compress(http(body.read_bytes()), mtime=0),
            content_type=headers.get("content-type", "text/html; charset=utf-8"),
            headers={"Content-Encoding": "gzip"},
        )
    return LoopbackSite(routes=routes)


def http(page: bytes) -> bytes:
    """A page's links to the site over http, as the loopback site serves it."""
    return page.replace(f"https://{HOST}".encode(), f"http://{HOST}".encode())


def crawl_command(out: Path, *arguments: str) -> list[str]:
    """``crawler crawl ctvnews`` from the loopback site's listings into ``out``."""
    settings = [item for setting in FAST for item in ("-s", setting)]
    return [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--sources", SOURCES,
            "--out", str(out), *settings, *arguments]  # fmt: skip


def environment(site: LoopbackSite) -> dict[str, str]:
    """The crawl's environment: the loopback site as its only HTTP proxy."""
    proxies = {"http_proxy", "https_proxy", "no_proxy", "all_proxy"}
    return {k: v for k, v in os.environ.items() if k.lower() not in proxies} | {"http_proxy": site.proxy}


def crawl(site: LoopbackSite, out: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """An archived crawl of the loopback site, in its own process; fails the test if the crawl fails."""
    done = subprocess.run(
        crawl_command(out, *arguments), cwd=REPO, env=environment(site), capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done


def stored(corpus: Path) -> list[dict]:
    """Every record of a corpus folder, in file order."""
    return [
        json.loads(line)
        for path in sorted(corpus.glob("*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def warcio(*arguments: str) -> subprocess.CompletedProcess[str]:
    """warcio's own command line (``check``, ``index``)."""
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", *arguments], capture_output=True, text=True, timeout=120
    )


def fastwarc(*arguments: str) -> subprocess.CompletedProcess[str]:
    """FastWARC's own command line (``check``, ``index``)."""
    run = "from fastwarc.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", run, *arguments], capture_output=True, text=True, timeout=120
    )


def checked_files(archive: Path) -> list[Path]:
    """The archive's files, each whole and passed by FastWARC's check and by warcio's.

    Both check every block and payload digest: FastWARC parsed the records written, and warcio is what
    pywb and ReplayWeb.page read them with. Neither notices a record cut short at the end of a
    file, so each file must also be a run of complete gzip members.
    """
    files = archive_files(archive)
    assert files, f"nothing archived in {archive}"
    for path in files:
        check = fastwarc("check", "--verify-payloads", "--quiet", str(path))
        assert check.returncode == 0, check.stdout + check.stderr
        assert whole_length(path) == path.stat().st_size, f"torn last record in {path}"
    check = warcio("check", "-v", *map(str, files))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "digest pass" in check.stdout and "problem" not in check.stdout.lower()
    return files
