"""Item pipelines: every record is validated before anything writes it, then stored in the corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from crawler.corpus import Corpus
from crawler.errors import InvalidRecordError
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
    """

    def __init__(self, root: str, compress: bool = False) -> None:
        self.corpus = Corpus(Path(root), compress) if root else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CorpusPipeline:
        return cls(crawler.settings.get("CORPUS_DIR", ""), crawler.settings.getbool("CORPUS_GZIP"))

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        if self.corpus is not None:
            self.corpus.add(item, validated=True)
        return item

    def close_spider(self) -> None:
        if self.corpus is not None:
            self.corpus.close()
