"""A progress line for long crawls: articles stored and requests made, redrawn in place on a terminal."""

from __future__ import annotations

import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured


class ProgressLine:
    """Scrapy extension: one line on stderr, at most every half second, while a crawl runs."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.last_drawn = 0.0

    @classmethod
    def from_crawler(cls, crawler: Any) -> ProgressLine:
        if not crawler.settings.getbool("PROGRESS_LINE") or not sys.stderr.isatty():
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.draw, signal=signals.item_scraped)
        crawler.signals.connect(extension.draw, signal=signals.response_received)
        crawler.signals.connect(extension.finish, signal=signals.spider_closed)
        return extension

    def draw(self, **_: Any) -> None:
        now = time.monotonic()
        if now - self.last_drawn < 0.5:
            return
        self.last_drawn = now
        stats = self.crawler.stats
        line = (
            f"{self.crawler.spider.name}: {stats.get_value('item_scraped_count', 0)} articles, "
            f"{stats.get_value('response_received_count', 0)} pages fetched"
        )
        print(f"\r{line:<79}", end="", file=sys.stderr, flush=True)

    def finish(self, **_: Any) -> None:
        print("\r" + " " * 79 + "\r", end="", file=sys.stderr, flush=True)
