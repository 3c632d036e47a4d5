"""The progress of a crawl: pages fetched, articles stored, errors, per second, on stderr.

One line for the whole process, however many sites it crawls at once (``crawler crawl`` runs
every site in one Scrapy process): each site's crawler joins one board, which reads the totals
from their stats twice a second and hands them to :class:`crawler.progress.Progress` (a live
line on a terminal, a line every ``PROGRESS_INTERVAL`` seconds elsewhere). ``PROGRESS_LINE``
off (``crawler crawl --quiet``) shows nothing.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.crawl.outcomes import failed_requests
from crawler.progress import Progress

__all__ = ["CrawlProgress"]

#: Seconds between two readings of the crawlers' stats.
_TICK = 0.5


class _Board:
    """The crawlers of this process and the one progress line they share."""

    def __init__(self, interval: float) -> None:
        self.crawlers: list[Any] = []
        self.progress = Progress("crawl", unit="pages", interval=interval).__enter__()
        self.ticks = task.LoopingCall(self.show)
        self.ticks.start(_TICK, now=False)

    def show(self) -> None:
        stats = [crawler.stats.get_stats() for crawler in self.crawlers]
        self.progress.update(
            sum(s.get("response_received_count", 0) for s in stats),
            articles=sum(s.get("item_scraped_count", 0) for s in stats),
            errors=sum(failed_requests(s) for s in stats),
        )

    def close(self) -> None:
        if self.ticks.running:
            self.ticks.stop()
        self.progress.__exit__(None, None, None)


_board: _Board | None = None


class CrawlProgress:
    """Scrapy extension: puts its crawler on the process's progress board while the spider runs."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.interval = crawler.settings.getfloat("PROGRESS_INTERVAL")

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        if not crawler.settings.getbool("PROGRESS_LINE"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.join, signal=signals.spider_opened)
        crawler.signals.connect(extension.leave, signal=signals.spider_closed)
        return extension

    def join(self) -> None:
        global _board
        if _board is None:
            _board = _Board(self.interval)
        _board.crawlers.append(self.crawler)

    def leave(self) -> None:
        global _board
        if _board is None:
            return
        _board.show()
        _board.crawlers.remove(self.crawler)
        if not _board.crawlers:
            _board.close()
            _board = None
