"""The crawl's stores, opened from its Scrapy settings: the crawl state and the shared corpus memory.

With ``REDIS_URL`` both live in Redis (a distributed crawl); otherwise the crawl state is the
``CRAWL_STATE`` file and the corpus remembers what it stored by itself. When Redis stops
answering, the stores send :data:`REDIS_LOST` (with ``error``) through the crawler's signals:
the distributed crawl's Coordinator then stops the crawl cleanly.
"""

from __future__ import annotations

from collections.abc import Callable

from scrapy.crawler import Crawler

from crawler.state import CrawlState, SharedArticles, connect, open_crawl_state

__all__ = ["REDIS_LOST", "crawl_state", "shared_articles"]

#: Sent (with ``error``) when a Redis call fails for good.
REDIS_LOST = object()


def crawl_state(
    crawler: Crawler, batch: int = 100, before_commit: Callable[[], None] | None = None
) -> CrawlState | None:
    """The crawl's state: in Redis with ``REDIS_URL``, else the ``CRAWL_STATE`` file, else None."""
    settings = crawler.settings
    return open_crawl_state(
        settings.get("CRAWL_STATE"),
        settings.get("REDIS_URL"),
        settings.get("REDIS_PREFIX"),
        batch,
        before_commit,
        _on_lost(crawler),
    )


def shared_articles(crawler: Crawler) -> SharedArticles | None:
    """The workers' shared memory of stored articles, with ``REDIS_URL``."""
    url = crawler.settings.get("REDIS_URL")
    if not url:
        return None
    return SharedArticles(connect(url), crawler.settings.get("REDIS_PREFIX"), _on_lost(crawler))


def _on_lost(crawler: Crawler) -> Callable[[Exception], None]:
    def report(error: Exception) -> None:
        crawler.signals.send_catch_log(REDIS_LOST, error=error)

    return report
