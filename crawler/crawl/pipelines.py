"""Item pipelines: every record is validated before anything writes it, then stored in the corpus.

With a ``CRAWL_STATE`` file, the corpus pipeline also records there what it stored (see
crawler/crawl/incremental.py), once the record is in the corpus: the state may lag the corpus after
a crash, never lead it.

A corpus or state that cannot be written (a full disk, a read-only folder) stops the crawl at
the first failure: its message goes to the log and to the ``crawler/stopped`` stat, which
``crawler crawl`` prints as its error. The corpus files keep whole records only.

In a distributed crawl (``REDIS_URL``) the state is kept in Redis, and the corpus also skips
articles that another worker stored (crawler/distributed/).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro

from crawler.crawl.incremental import article_state, requested_url
from crawler.crawl.stores import crawl_state, shared_articles
from crawler.errors import CorpusError, CrawlerError, InvalidRecordError
from crawler.record import Record
from crawler.record.validation import validate_record
from crawler.state import CrawlState, SqliteCrawlState
from crawler.store.corpus import Corpus, SharedIndex
from crawler.store.lock import acquire, lock_corpus, release

logger = logging.getLogger(__name__)

#: The stat holding why the crawl stopped before its end (a corpus, state or archive it could not write).
STOPPED_STAT = "crawler/stopped"


def stop_crawl(crawler: Any, error: CrawlerError) -> None:
    """Stop the crawl because a write failed: every later one would fail the same way.

    The first error is kept in the ``crawler/stopped`` stat, which ``crawler crawl`` prints.
    """
    logger.error("stopping the crawl: %s", error)
    if crawler is None:
        return
    if not crawler.stats.get_value(STOPPED_STAT):
        crawler.stats.set_value(STOPPED_STAT, str(error))
    if crawler.engine is not None and crawler.engine.spider is not None:
        deferred_from_coro(crawler.engine.close_spider_async(reason="write-failed"))


class ValidationPipeline:
    """Drops (and logs, with field and reason) any record that breaks the Article schema.

    Every item is checked, whichever spider, middleware or parser made it.
    """

    def __init__(self, stats: Any = None) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ValidationPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Record) -> Record:
        try:
            validate_record(item)
        except InvalidRecordError as error:
            if self.stats is not None:
                self.stats.inc_value(f"crawler/{error.outcome}")
            raise DropItem(str(error)) from None
        return item


class CorpusPipeline:
    """Appends records to the corpus folder named by the ``CORPUS_DIR`` setting, when one is set.

    It runs after ValidationPipeline, so the corpus does not validate each record again.
    With ``state``, each stored record's fetch is recorded there; the corpus files are synced
    to disk before each batch of state rows is committed.
    """

    def __init__(
        self,
        root: str,
        compress: bool = False,
        state: Path | None = None,
        state_batch: int = 100,
        shared: SharedIndex | None = None,
    ) -> None:
        self.corpus = Corpus(Path(root), compress, shared) if root else None
        self.state: CrawlState | None = (
            SqliteCrawlState(state, state_batch, before_commit=self._sync) if state else None
        )
        self.stats: Any = None
        self.crawler: Any = None
        self.stopped: CrawlerError | None = None
        #: The corpus folder's and the crawl state's locks, held until the crawl closes.
        self.locks: list[Path] = []

    @classmethod
    def from_crawler(cls, crawler: Any) -> CorpusPipeline:
        batch = crawler.settings.getint("CRAWL_STATE_BATCH", 100)
        locks = _take_locks(crawler.settings)
        pipeline = cls(
            crawler.settings.get("CORPUS_DIR", ""),
            crawler.settings.getbool("CORPUS_GZIP"),
            shared=shared_articles(crawler),
        )
        pipeline.crawler = crawler
        pipeline.locks = locks
        pipeline.state = crawl_state(crawler, batch, before_commit=pipeline._sync)
        pipeline.stats = crawler.stats
        if pipeline.state is not None:
            # Sent once every pipeline has handled the item, with the response it came from.
            crawler.signals.connect(pipeline.item_stored, signal=signals.item_scraped)
        return pipeline

    def process_item(self, item: Record) -> Record:
        if self.corpus is None:
            return item
        if self.stopped is not None:
            raise DropItem(f"not stored, the crawl is stopping: {self.stopped}")
        try:
            stored = self.corpus.add(item, validated=True)
        except CorpusError as error:
            self._stop(error)
            raise DropItem(f"not stored: {error}") from None
        if not stored and self.stats:
            self.stats.inc_value("corpus/duplicate")
        return item

    def item_stored(self, item: dict[str, Any], response: Response) -> None:
        """Record in the crawl state the fetch of a record the corpus now holds."""
        if self.state is None or self.stopped is not None:
            return
        revision = self.corpus.revision_of(item["id"]) if self.corpus is not None else None
        try:
            self.state.put(article_state(requested_url(response), response, item, revision))
        except CrawlerError as error:
            self._stop(error)

    def close_spider(self) -> None:
        for closing in (self.corpus, self.state):
            try:
                if closing is not None:
                    closing.close()
            except CrawlerError as error:
                self._stop(error)
        for lock in self.locks:
            release(lock)

    def _stop(self, error: CrawlerError) -> None:
        """Stop the crawl at the first write that failed: every later one would fail the same way."""
        if self.stopped is not None:
            return
        self.stopped = error
        stop_crawl(self.crawler, error)

    def _sync(self) -> None:
        if self.corpus is not None:
            self.corpus.sync()


def _take_locks(settings: Any) -> list[Path]:
    """Lock the corpus folder and the crawl state file for the crawl: one writer at a time."""
    locks = []
    corpus = settings.get("CORPUS_DIR")
    if corpus:
        locks.append(lock_corpus(Path(corpus)))
    state = settings.get("CRAWL_STATE")
    if state and not settings.get("REDIS_URL"):
        try:
            locks.append(acquire(Path(f"{state}.lock"), state, "another crawl is using this crawl state"))
        except CrawlerError:
            for lock in locks:
                release(lock)
            raise
    return locks
