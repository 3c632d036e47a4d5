"""An unchanged incremental re-crawl must cost the same whatever the size of the crawl state.

Run by hand: ``python bench/recrawl.py`` (``--sizes 10000 100000`` by default). For each
size, a crawl state is filled with that many stored article URLs (batched writes), among them
the 1,000 URLs of a news sitemap whose ``lastmod`` dates say nothing changed. The real
``ctvnews`` spider then re-crawls that sitemap incrementally, replayed offline (a fixture folder
holding the sitemap alone: any article request would be a counted replay miss). Prints, per
size: the time to fill the state, the crawl's own elapsed time (Scrapy's ``elapsed_time_seconds``,
process start-up excluded) and wall time, the time of 1,000 state lookups alone, and then the
ratios between sizes. Each time is the best of ``--repeat`` runs (3), as the machine's other
work only ever adds to it. Target: ratios near 1 (indexed lookups; no scan of the state).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.state import ArticleState, SqliteCrawlState  # noqa: E402

SITEMAP_URL = "https://www.ctvnews.ca/bench/sitemap-news.xml"
LISTED = 1000
LASTMOD = "2025-03-01T08:00:00+00:00"


def article_url(number: int) -> str:
    return f"https://www.ctvnews.ca/world/bench-story-number-{number}-1.{7_000_000 + number}"


def replay_folder(root: Path) -> Path:
    """A fixture folder holding one news sitemap of ``LISTED`` articles (and nothing else)."""
    folder = root / "ctvnews" / "_sources" / "bench-sitemap"
    folder.mkdir(parents=True)
    entries = "".join(
        f"<url><loc>{article_url(n)}</loc><lastmod>{LASTMOD}</lastmod></url>" for n in range(LISTED)
    )
    (folder / "body.xml").write_text(
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )
    facts = {"url": SITEMAP_URL, "status": 200, "headers": {"Content-Type": "application/xml"}}
    (folder / "meta.json").write_text(json.dumps(facts | {"fetchedAt": LASTMOD}))
    return root


def fill_state(path: Path, size: int) -> float:
    """A state of ``size`` stored articles, the sitemap's among them; seconds it took."""
    started = time.perf_counter()
    fetched = datetime(2025, 3, 1, 9, tzinfo=UTC)
    changed = datetime.fromisoformat(LASTMOD)
    with SqliteCrawlState(path, batch=10_000) as state:
        for n in range(size):
            state.put(ArticleState(article_url(n), fetched, '"etag"', None, f"sha256:{n:064x}", 1, changed))
    return time.perf_counter() - started


def lookups(path: Path) -> float:
    """Seconds for the 1,000 lookups the crawl makes, against the state alone."""
    with SqliteCrawlState(path) as state:
        started = time.perf_counter()
        for number in range(LISTED):
            assert state.get(article_url(number)) is not None
        return time.perf_counter() - started


def recrawl(replay: Path, state: Path) -> tuple[float, float, dict[str, float]]:
    """The incremental re-crawl: (crawl's elapsed seconds, wall seconds, counted stats)."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", "ctvnews", "-a", f"sources={SITEMAP_URL}",
        "-s", f"REPLAY_DIR={replay}", "-s", f"CRAWL_STATE={state}", "-s", "INCREMENTAL=True",
        "-s", "LOG_LEVEL=INFO", "-s", "PROGRESS_LINE=False", "-s", "DOWNLOAD_DELAY=0",
        "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "PARSE_PROCESSES=0",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    stats = {
        name: float(value)
        for name, value in re.findall(r"'([\w/-]+)': ([\d.]+)", done.stderr)
        if name in {"elapsed_time_seconds", "incremental/unchanged", "replay/hit", "replay/miss"}
    }
    return stats["elapsed_time_seconds"], wall, stats


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is kept")
    arguments = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as work:
        replay = replay_folder(Path(work) / "fixtures")
        for size in arguments.sizes:
            state = Path(work) / f"state-{size}.sqlite"
            filled = fill_state(state, size)
            looked = min(lookups(state) for _ in range(arguments.repeat))
            runs = [recrawl(replay, state) for _ in range(arguments.repeat)]
            for _, _, stats in runs:
                if stats.get("incremental/unchanged") != LISTED or stats.get("replay/miss"):
                    raise SystemExit(f"the re-crawl fetched articles: {stats}")
            elapsed, wall = min(run[0] for run in runs), min(run[1] for run in runs)
            results.append((size, elapsed, looked))
            print(
                f"{size:>7} URLs in the state (filled in {filled:5.2f} s): unchanged re-crawl of "
                f"{LISTED} listed articles in {elapsed:5.3f} s ({wall:4.1f} s with start-up), "
                f"{LISTED} state lookups in {looked * 1000:5.1f} ms"
            )
    base_size, base_elapsed, base_looked = results[0]
    for size, elapsed, looked in results[1:]:
        print(
            f"{size} vs {base_size} URLs ({size / base_size:.0f}x the state): "
            f"re-crawl x{elapsed / base_elapsed:.2f}, lookups x{looked / base_looked:.2f}"
        )


if __name__ == "__main__":
    main()
