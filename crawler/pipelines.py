"""Item pipelines: every record is validated before anything writes it, then stored in the corpus.

With a ``CRAWL_STATE`` file, the corpus pipeline also records there what it stored (see
crawler/incremental.py), once the record is in the corpus: the state may lag the corpus after
a crash, never lead it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.http import Response

from crawler.corpus import Corpus
from crawler.errors import InvalidRecordError
from crawler.incremental import article_state, requested_url
from crawler.state import CrawlState
from crawler.validation import validate_record


class ValidationPipeline:
    """Drops (and logs, with field and reason) any record that breaks the Article schema."""

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        try:
            validate_record(item)
        except InvalidRecordError as error:
            raise DropItem(str(error)) from None
        return item


class CorpusPipeline:
    """Appends records to the corpus folder named by the ``CORPUS_DIR`` setting, when one is set.

    It runs after ValidationPipeline, so the corpus does not validate each record again.
    With ``state``, each stored record's fetch is recorded there; the corpus files are synced
    to disk before each batch of state rows is committed.
    """

    def __init__(
        self, root: str, compress: bool = False, state: Path | None = None, state_batch: int = 100
    ) -> None:
        self.corpus = Corpus(Path(root), compress) if root else None
        self.state = CrawlState(state, state_batch, before_commit=self._sync) if state else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CorpusPipeline:
        state = crawler.settings.get("CRAWL_STATE")
        pipeline = cls(
            crawler.settings.get("CORPUS_DIR", ""),
            crawler.settings.getbool("CORPUS_GZIP"),
            Path(state) if state else None,
            crawler.settings.getint("CRAWL_STATE_BATCH", 100),
        )
        if pipeline.state is not None:
            # Sent once every pipeline has handled the item, with the response it came from.
            crawler.signals.connect(pipeline.item_stored, signal=signals.item_scraped)
        return pipeline

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if self.corpus is not None:
            self.corpus.add(item, validated=True)
        return item

    def item_stored(self, item: dict[str, Any], response: Response) -> None:
        """Record in the crawl state the fetch of a record the corpus now holds."""
        if self.state is None:
            return
        revision = self.corpus.revision_of(item["id"]) if self.corpus is not None else None
        self.state.put(article_state(requested_url(response), response, item, revision))

    def close_spider(self) -> None:
        if self.corpus is not None:
            self.corpus.close()
        if self.state is not None:
            self.state.close()

    def _sync(self) -> None:
        if self.corpus is not None:
            self.corpus.sync()
