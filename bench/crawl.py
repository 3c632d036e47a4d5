"""Crawl speed and memory, end to end, beside a plain Scrapy spider on the same loopback sites.

Run by hand: ``python bench/crawl.py`` (``--pages 2000 --rounds 2`` by default; several
sizes show whether memory grows with the crawl). A server in its own process plays two
sites, each listed by sitemaps of 1,000 under a sitemap index:

* ``www.ctvnews.ca``: the CTV News seed fixture with its own URL, headline and first
  paragraph per article, read by crawler's site parser;
* ``news.bench.example``, a site no module claims: the real news pages of
  ../shared/bench/article-extraction (read at run time, never copied), each served under many
  URLs with a sentence of its own per paragraph, read by crawler's generic path.

The crawler reaches them as its HTTP proxy, so the real spiders, parsers, pipelines and corpus
run unchanged and every byte stays on 127.0.0.1. The ceiling is a plain Scrapy spider on the
same site (bench/ceiling_spider.py: Scrapy's own settings, the same concurrency) that parses
each page with lxml and writes JSON lines: what any crawl that reads its pages must pay. The
contenders take turns on each site, so a slow spell of the machine falls on all of them alike.

Prints pages/s, pages per CPU-second, records stored and peak memory (the crawl and its
parser processes) for each contender's best round, and judges on the ratio of pages/s to the
ceiling measured in the same run: the site-parser crawl at SITE_RATIO of it or better, the
generic path at GENERIC_RATIO (it runs trafilatura on every page). Absolute speeds swing two
to three times with the machine's load; the ratios hold better, and the ratio of pages per
CPU-second (printed beside) holds even on a busy machine, where a crawl that needs two cores
gets less than one.
"""

from __future__ import annotations

import argparse
import gzip
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures" / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "page.html"
SEED_URL = "https://www.ctvnews.ca/world/u-s-china-remain-at-odds-on-numerous-issues-as-blinken-finishes-first-day-of-meetings-in-beijing-1.6445506"
CEILING = Path(__file__).with_name("ceiling_spider.py")
REAL_PAGES = REPO.parent / "shared" / "bench" / "article-extraction"
HOST = "http://www.ctvnews.ca"
GENERIC_HOST = "http://news.bench.example"
PER_SITEMAP = 1000
SITE_RATIO = 0.5
GENERIC_RATIO = 0.3
#: Extra scrapy arguments for the crawler's runs, e.g. BENCH_EXTRA="-s PARSE_PROCESSES=1".
EXTRA = os.environ.get("BENCH_EXTRA", "").split()
_CANONICAL = re.compile(rb"<link[^>]*canonical[^>]*>|<meta[^>]*og:url[^>]*>", re.IGNORECASE)


# -- the sites ------------------------------------------------------------------------------


def site_url(number: int) -> str:
    return f"{HOST}/world/bench-story-number-{number}-1.{7_000_000 + number}"


def generic_url(number: int) -> str:
    return f"{GENERIC_HOST}/news/2024/05/bench-story-{number}"


def site_page(template: str, number: int) -> bytes:
    """The seed page as article ``number``: its own URL, headline and first paragraph."""
    return (
        template.replace(SEED_URL, site_url(number))
        .replace("U.S., China remain at odds", f"Story {number}: U.S., China remain at odds")
        .replace(
            "The United States and China have failed",
            f"In story {number}, the United States and China have failed",
        )
        .encode("utf-8")
    )


def generic_page(real_pages: list[bytes], number: int) -> bytes:
    """A real news page as article ``number``: no canonical URL of its own, a sentence of its own
    closing each paragraph (so no two articles have the same body)."""
    page = _CANONICAL.sub(b"", real_pages[number % len(real_pages)])
    return page.replace(b"</p>", f" Bench story {number}.</p>".encode())


def sitemap(lines: list[str], kind: str) -> bytes:
    inner = "".join(f"<{kind}><loc>{loc}</loc></{kind}>" for loc in lines)
    root = "sitemapindex" if kind == "sitemap" else "urlset"
    return f'<?xml version="1.0"?><{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</{root}>'.encode()


@dataclass(frozen=True)
class Site:
    """One synthetic site: its host, the URL and page of article N."""

    host: str
    url: Callable[[int], str]
    page: Callable[[int], bytes]

    def answer(self, path: str, size: int) -> tuple[bytes, str]:
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n", "text/plain"
        if path == "/bench/sitemap-index.xml":
            count = (size + PER_SITEMAP - 1) // PER_SITEMAP
            return sitemap(
                [f"{self.host}/bench/sitemap-{k}.xml" for k in range(count)], "sitemap"
            ), "application/xml"
        if path.startswith("/bench/sitemap-"):
            k = int(path.removeprefix("/bench/sitemap-").removesuffix(".xml"))
            numbers = range(k * PER_SITEMAP, min(size, (k + 1) * PER_SITEMAP))
            return sitemap([self.url(n) for n in numbers], "url"), "application/xml"
        match = re.search(r"bench-story-(?:number-)?(\d+)", path)
        if match:
            return self.page(int(match.group(1))), "text/html; charset=utf-8"
        return b"", "text/plain"


def serve(size: int, port_queue: multiprocessing.Queue, gzip_pages: bool = False) -> None:  # type: ignore[type-arg]
    """Both sites, answering proxied requests by host and path (pages gzip-encoded with ``gzip_pages``,
    as news servers send them: bench/archive.py measures archiving both ways)."""
    template = SEED.read_text(encoding="utf-8")
    real_pages = [
        gzip.decompress(path.read_bytes()) for path in sorted((REAL_PAGES / "html").glob("*.html.gz"))
    ]
    sites = {
        "www.ctvnews.ca": Site(HOST, site_url, lambda n: site_page(template, n)),
        "news.bench.example": Site(GENERIC_HOST, generic_url, lambda n: generic_page(real_pages, n)),
    }

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            host, _, path = self.path.removeprefix("http://").partition("/")
            body, kind = sites[host].answer("/" + path, size) if host in sites else (b"", "text/plain")
            self.send_response(200 if body else 404)
            if gzip_pages and body and kind.startswith("text/html"):
                body = gzip.compress(body, compresslevel=6)
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


# -- measuring ------------------------------------------------------------------------------


class TreeUsage(threading.Thread):
    """Samples the memory and CPU time of a process and all its descendants (its parser workers).

    ``wait4`` alone would miss the workers: they are children of a fork server, not of the crawl.
    """

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb, self.workers = pid, every, 0, 0
        self.cpu_ticks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            pids = _tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(map(_rss_kb, pids)))
            # Workers are forks of the fork server, so they share its command line.
            forks = sum(b"multiprocessing.forkserver" in _command_line(pid) for pid in pids)
            self.workers = max(self.workers, forks - 1)
            for pid in pids:
                self.cpu_ticks[pid] = max(self.cpu_ticks.get(pid, 0), _cpu_ticks(pid))

    def cpu_seconds(self, pid: int | None = None) -> float:
        ticks = self.cpu_ticks.get(pid, 0) if pid else sum(self.cpu_ticks.values())
        return ticks / os.sysconf("SC_CLK_TCK")


def _tree(root: int) -> list[int]:
    """The pid and every descendant's pid, from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(parents.get(pid, []))
    return found


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_ticks(pid: int) -> int:
    """User plus system clock ticks a process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


@dataclass(frozen=True)
class Run:
    """One crawl's figures."""

    pages: int
    seconds: float
    stored: int
    peak_mb: float
    cpu_seconds: float  # of the crawl and its parser processes
    cpu: str

    @property
    def rate(self) -> float:
        return self.pages / self.seconds

    @property
    def cpu_rate(self) -> float:
        """Pages per CPU-second: what the crawl costs, whatever else the machine runs."""
        return self.pages / self.cpu_seconds


def run(command: list[str], cwd: Path, port: int, pages: int, out: Path) -> Run:
    """Run one crawl against the loopback server; its figures (records: lines written under ``out``)."""
    # A small environment: Scrapy's proxy middleware reads every variable on each request.
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    environment["http_proxy"] = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=cwd, env=environment)
    usage_of_tree = TreeUsage(child.pid)
    usage_of_tree.start()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    usage_of_tree.done.set()
    if status != 0:
        raise SystemExit(f"{' '.join(command[:5])} ... failed (status {status})")
    stored = sum(sum(1 for _ in path.open("rb")) for path in out.rglob("*.jsonl")) if out.exists() else 0
    crawl_cpu = usage.ru_utime + usage.ru_stime
    workers = usage_of_tree.cpu_seconds() - usage_of_tree.cpu_seconds(child.pid)
    cpu = f"CPU: crawl process {crawl_cpu:.1f} s, {usage_of_tree.workers} parser processes {workers:.1f} s"
    peak = max(usage_of_tree.peak_kb, usage.ru_maxrss) / 1024
    return Run(pages, seconds, stored, peak, crawl_cpu + workers, cpu)


COMMON = ["-s", "LOG_LEVEL=ERROR", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS=16",
          "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16"]  # fmt: skip
CEILING_SITE, SITE, CEILING_GENERIC, GENERIC = (
    "plain Scrapy + lxml (site)",
    "crawler, site parser",
    "plain Scrapy + lxml (generic)",
    "crawler, generic path",
)


def command_of(name: str, scratch: Path) -> tuple[list[str], Path, Path]:
    """A contender's command, the folder it runs in and the folder its records go to."""
    if name in (CEILING_SITE, CEILING_GENERIC):
        host = HOST if name == CEILING_SITE else GENERIC_HOST
        plain = [sys.executable, "-m", "scrapy", "runspider", str(CEILING), *COMMON]
        # Run outside the project, so Scrapy's own settings apply.
        ceiling = [*plain, "-O", f"{scratch}/items.jsonl", "-a", f"sitemap={host}/bench/sitemap-index.xml"]
        return ceiling, scratch, scratch
    corpus = scratch / "corpus"
    spider = "ctvnews" if name == SITE else "generic"
    crawler = [sys.executable, "-m", "scrapy", "crawl", spider, *COMMON, "-s", f"CORPUS_DIR={corpus}",
               "-s", "PROGRESS_LINE=False", "-s", "AUTOTHROTTLE_ENABLED=False",
               "-s", "ALLOW_PRIVATE_ADDRESSES=True"]  # fmt: skip
    if name == SITE:
        return [*crawler, "-a", f"sources={HOST}/bench/sitemap-index.xml", *EXTRA], REPO, corpus
    return [*crawler, "-a", f"url={GENERIC_HOST}/bench/sitemap-index.xml", *EXTRA], REPO, corpus


def crawl_all(pages: int) -> dict[str, Run]:
    """Every contender once on sites of ``pages`` articles each, taking turns."""
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(pages, ports), daemon=True)
    server.start()
    port = ports.get(timeout=60)
    results = {}
    try:
        for name in (CEILING_SITE, SITE, CEILING_GENERIC, GENERIC):
            with tempfile.TemporaryDirectory(prefix="bench-crawl-") as scratch:
                command, cwd, out = command_of(name, Path(scratch))
                results[name] = result = run(command, cwd, port, pages, out)
            print(
                f"  {name:<30} {result.rate:6.1f} pages/s {result.cpu_rate:6.1f} per CPU-s "
                f"{result.stored:>6} records peak {result.peak_mb:4.0f} MB ({result.cpu})",
                flush=True,
            )
    finally:
        server.terminate()
    return results


def crawl(
    size: int, extra: Sequence[str] = (), corpus_dir: Path | None = None, gzip_pages: bool = False
) -> tuple[float, float, int, float]:
    """crawler's site-parser crawl alone (bench/archive.py): seconds, peak MB, records, CPU seconds.

    ``extra`` are more crawl arguments (``-s WARC=True``...); ``corpus_dir`` keeps the corpus
    (default: a temporary folder); ``gzip_pages``: the site sends its pages gzip-encoded.
    """
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(size, ports, gzip_pages), daemon=True)
    server.start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-crawl-") as scratch:
            command, cwd, out = command_of(SITE, Path(scratch))
            if corpus_dir is not None:
                command = [*command, "-s", f"CORPUS_DIR={corpus_dir}"]
                out = corpus_dir
            result = run([*command, *extra], cwd, ports.get(timeout=60), size, out)
    finally:
        server.terminate()
    return result.seconds, result.peak_mb, result.stored, result.cpu_seconds


def best_of(rounds: int, pages: int) -> dict[str, Run]:
    """Each contender's fastest of ``rounds`` turns (the one the machine's other tenants slowed least)."""
    best: dict[str, Run] = {}
    for _ in range(rounds):
        for name, result in crawl_all(pages).items():
            if name not in best or result.rate > best[name].rate:
                best[name] = result
    return best


def judge(name: str, ours: Run, ceiling: Run, least: float) -> str:
    """The verdict on pages/s; the ratio of CPU cost beside it (what a busy machine cannot blur)."""
    ratio = ours.rate / ceiling.rate
    verdict = "met" if ratio >= least else "MISSED"
    return (
        f"  {name} / plain Scrapy: {ratio:.2f}x pages/s (judged: >= {least}x: {verdict}), "
        f"{ours.cpu_rate / ceiling.cpu_rate:.2f}x pages per CPU-second"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--pages", type=int, nargs="+", default=[2000], help="articles per site (several: memory growth)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="turns of every contender; each one's best counts"
    )
    arguments = parser.parse_args()
    if not (REAL_PAGES / "html").is_dir():
        raise SystemExit(f"{REAL_PAGES}: not found (the generic site is built from its pages)")
    by_size = {}
    for pages in arguments.pages:
        load = os.getloadavg()[0]
        print(f"{pages} articles per site, {os.cpu_count()} CPUs, load average {load:.1f}", flush=True)
        by_size[pages] = results = best_of(arguments.rounds, pages)
        print(f"best of {arguments.rounds} rounds each; load average now {os.getloadavg()[0]:.1f}")
        print(judge("site-parser crawl", results[SITE], results[CEILING_SITE], SITE_RATIO))
        print(judge("generic-path crawl", results[GENERIC], results[CEILING_GENERIC], GENERIC_RATIO))
    sizes = sorted(by_size)
    for size in sizes[1:]:
        for name in (SITE, GENERIC):
            growth = by_size[size][name].peak_mb / by_size[sizes[0]][name].peak_mb
            print(f"{name}: peak memory x{growth:.2f} at {size / sizes[0]:.0f}x the articles")


if __name__ == "__main__":
    main()
