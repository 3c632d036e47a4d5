"""Distributed crawl speed: articles/s with 1 and 2 workers sharing one Redis frontier.

Run by hand: ``python bench/distributed.py`` (``--articles 3000`` by default). A redis-server is
started on a free loopback port (Debian's ``redis-server`` must be installed), bench/crawl.py's
synthetic CTV News site is served on loopback as the crawl's proxy, and ``scrapy crawl ctvnews``
runs as 1, then 2, worker processes with ``REDIS_URL`` set, each writing its own folder. Prints
articles/s for each, and the ratio. On a machine with fewer free cores than workers plus the
site's server, expect less than x2: the workers then share the CPU.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import redis  # noqa: E402

from bench.crawl import HOST, serve  # noqa: E402


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"redis://127.0.0.1:{port}/0"
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit("redis-server did not start") from None
            time.sleep(0.05)  # a bounded wait for the server to listen


def worker_command(number: int, corpus: str, redis_url: str) -> list[str]:
    return [
        sys.executable, "-m", "scrapy", "crawl", "ctvnews", "-a", f"sources={HOST}/bench/sitemap-index.xml",
        "-s", f"CORPUS_DIR={corpus}", "-s", f"REDIS_URL={redis_url}", "-s", f"CRAWL_WORKER=w{number}",
        "-s", "LOG_LEVEL=ERROR", "-s", "PROGRESS_LINE=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "ALLOW_PRIVATE_ADDRESSES=True",
    ]  # fmt: skip


def crawl(workers: int, size: int, redis_url: str, site_port: int) -> tuple[float, int]:
    """(seconds, records stored) for ``workers`` processes crawling the site together."""
    environment = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG", "VIRTUAL_ENV"}}
    environment["http_proxy"] = f"http://127.0.0.1:{site_port}"
    with tempfile.TemporaryDirectory() as corpus:
        started = time.perf_counter()
        processes = [subprocess.Popen(worker_command(n, corpus, redis_url), cwd=REPO, env=environment)
                     for n in range(workers)]  # fmt: skip
        statuses = [process.wait() for process in processes]
        seconds = time.perf_counter() - started
        if any(statuses):
            raise SystemExit(f"a worker failed: exit statuses {statuses}")
        stored = sum(path.read_bytes().count(b"\n") for path in Path(corpus).rglob("*.jsonl"))
    return seconds, stored


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--articles", type=int, default=3000)
    arguments = parser.parse_args()
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    site = multiprocessing.Process(target=serve, args=(arguments.articles, ports), daemon=True)
    site.start()
    site_port = ports.get(timeout=30)
    rates = {}
    with tempfile.TemporaryDirectory() as folder:
        redis_server, redis_url = start_redis(Path(folder))
        try:
            for workers in (1, 2):
                # Redis remembers what was stored and would skip it all: each run starts empty.
                redis.Redis.from_url(redis_url).flushdb()
                seconds, stored = crawl(workers, arguments.articles, redis_url, site_port)
                rates[workers] = stored / seconds
                print(
                    f"{workers} worker{'s' if workers > 1 else ''}: {stored} articles in {seconds:6.1f} s "
                    f"= {rates[workers]:6.1f} articles/s"
                )
        finally:
            redis_server.kill()
            site.terminate()
    print(f"2 workers vs 1: x{rates[2] / rates[1]:.2f} (on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
