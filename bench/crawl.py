"""Crawl speed and memory, end to end: a synthetic site on loopback crawled into a corpus.

Run by hand: ``python bench/crawl.py`` (``--sizes 10000 50000`` by default). A server in its
own process plays a CTV News site of N articles (the seed fixture with a varied URL, headline
and first paragraph per article, listed by sitemaps of 1,000 under a sitemap index); the
crawler reaches it as its HTTP proxy, so the real spider, parser, pipelines and corpus run
unchanged and every byte stays on 127.0.0.1. Prints articles/s and the peak memory of the
crawl with its parser processes, per size, and the ratios between sizes. Targets: 150
articles/s or more, peak memory under 300 MB and not growing with the number of articles.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures" / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "page.html"
SEED_URL = "https://www.ctvnews.ca/world/u-s-china-remain-at-odds-on-numerous-issues-as-blinken-finishes-first-day-of-meetings-in-beijing-1.6445506"
HOST = "http://www.ctvnews.ca"
PER_SITEMAP = 1000
#: Extra scrapy arguments for experiments, e.g. BENCH_EXTRA="-s CONCURRENT_REQUESTS=32".
EXTRA = os.environ.get("BENCH_EXTRA", "").split()


def article_url(number: int) -> str:
    return f"{HOST}/world/bench-story-number-{number}-1.{7_000_000 + number}"


def article_page(template: str, number: int) -> bytes:
    """The seed page as article ``number``: its own URL, headline and first paragraph."""
    return (
        template.replace(SEED_URL, article_url(number))
        .replace("U.S., China remain at odds", f"Story {number}: U.S., China remain at odds")
        .replace(
            "The United States and China have failed",
            f"In story {number}, the United States and China have failed",
        )
        .encode("utf-8")
    )


def sitemap(lines: list[str], kind: str) -> bytes:
    inner = "".join(f"<{kind}><loc>{loc}</loc></{kind}>" for loc in lines)
    root = "sitemapindex" if kind == "sitemap" else "urlset"
    return f'<?xml version="1.0"?><{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{inner}</{root}>'.encode()


def serve(size: int, port_queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """The synthetic site, answering proxied requests by path."""
    template = SEED.read_text(encoding="utf-8")
    sitemaps = (size + PER_SITEMAP - 1) // PER_SITEMAP

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            path = "/" + self.path.split("/", 3)[3] if self.path.startswith("http") else self.path
            body, kind = self.answer(path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def answer(self, path: str) -> tuple[bytes, str]:
            if path == "/robots.txt":
                return b"User-agent: *\nAllow: /\n", "text/plain"
            if path == "/bench/sitemap-index.xml":
                return sitemap(
                    [f"{HOST}/bench/sitemap-{k}.xml" for k in range(sitemaps)], "sitemap"
                ), "application/xml"
            if path.startswith("/bench/sitemap-"):
                k = int(path.removeprefix("/bench/sitemap-").removesuffix(".xml"))
                numbers = range(k * PER_SITEMAP, min(size, (k + 1) * PER_SITEMAP))
                return sitemap([article_url(n) for n in numbers], "url"), "application/xml"
            if path.startswith("/world/bench-story-number-"):
                number = int(path.split("-number-")[1].split("-")[0])
                return article_page(template, number), "text/html; charset=utf-8"
            return b"", "text/plain"

        def log_message(self, *_: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_queue.put(server.server_address[1])
    server.serve_forever()


class TreeUsage(threading.Thread):
    """Samples the memory and CPU time of a process and all its descendants (its parser workers).

    ``wait4`` alone would miss the workers: they are children of a fork server, not of the crawl.
    """

    def __init__(self, pid: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.peak_kb = pid, every, 0
        self.cpu_ticks: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            pids = _tree(self.pid)
            self.peak_kb = max(self.peak_kb, sum(map(_rss_kb, pids)))
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


@dataclass
class Crawled:
    """What a crawl of the synthetic site took and stored."""

    seconds: float
    peak_mb: float
    stored: int
    #: CPU seconds of the crawl process and its parser processes (the site's server not counted)
    cpu_seconds: float


def crawl(size: int) -> Crawled:
    """Crawl a site of ``size`` articles with the crawler package found in ``REPO``."""
    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=serve, args=(size, ports), daemon=True)
    server.start()
    port = ports.get(timeout=30)
    # A small environment: Scrapy's proxy middleware reads every variable on each request.
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    environment["http_proxy"] = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as corpus:
        command = [
            sys.executable, "-m", "scrapy", "crawl", "ctvnews",
            "-a", f"sources={HOST}/bench/sitemap-index.xml",
            "-s", f"CORPUS_DIR={corpus}", "-s", "LOG_LEVEL=ERROR", "-s", "PROGRESS_LINE=False",
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "CONCURRENT_REQUESTS=16", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", *EXTRA,
        ]  # fmt: skip
        started = time.perf_counter()
        child = subprocess.Popen(command, cwd=REPO, env=environment)
        usage_of_tree = TreeUsage(child.pid)
        usage_of_tree.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        usage_of_tree.done.set()
        if status != 0:
            raise SystemExit(f"crawl of {size} articles failed (status {status})")
        stored = sum(sum(1 for _ in path.open()) for path in Path(corpus).rglob("*.jsonl"))
    server_cpu = _cpu_ticks(server.pid or 0) / os.sysconf("SC_CLK_TCK")
    server.terminate()
    crawl_cpu = usage.ru_utime + usage.ru_stime
    parsers_cpu = usage_of_tree.cpu_seconds() - usage_of_tree.cpu_seconds(child.pid)
    print(
        f"  (CPU in {seconds:.1f} s: crawl process {crawl_cpu:.1f} s, "
        f"parser processes {parsers_cpu:.1f} s, the site's server {server_cpu:.1f} s)"
    )
    peak_mb = max(usage_of_tree.peak_kb, usage.ru_maxrss) / 1024
    return Crawled(seconds, peak_mb, stored, crawl_cpu + parsers_cpu)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    arguments = parser.parse_args()
    results = []
    for size in arguments.sizes:
        crawled = crawl(size)
        seconds, peak_mb, stored = crawled.seconds, crawled.peak_mb, crawled.stored
        rate = stored / seconds
        results.append((size, rate, peak_mb))
        print(
            f"{size:>7} articles: {stored} stored in {seconds:6.1f} s = {rate:6.1f} articles/s, "
            f"peak memory {peak_mb:6.1f} MB"
        )
    base_size, base_rate, base_mb = results[0]
    for size, rate, peak_mb in results[1:]:
        print(
            f"{size} vs {base_size} articles: speed x{rate / base_rate:.2f}, "
            f"peak memory x{peak_mb / base_mb:.2f} "
            f"({size / base_size:.0f}x the articles)"
        )
    best_rate, worst_mb = min(r for _, r, _ in results), max(m for _, _, m in results)
    print(f"targets: >= 150 articles/s: {'met' if best_rate >= 150 else 'MISSED'}; "
          f"< 300 MB: {'met' if worst_mb < 300 else 'MISSED'}")  # fmt: skip


if __name__ == "__main__":
    main()
