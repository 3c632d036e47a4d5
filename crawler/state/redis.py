"""What a distributed crawl has stored, kept in Redis where every worker sees it.

Two stores, twins of the single-machine ones:

- :class:`RedisCrawlState` has the interface of :class:`crawler.state.sqlite.SqliteCrawlState` (rows per
  article URL: last fetch, validators, body hash, revision), so the incremental crawl works the
  same whichever worker fetched an article last.
- :class:`SharedArticles` is the corpus's memory of stored articles (newest revision, body
  hash, ``dateModified``), shared so that a worker does not store again what another worker's
  files already hold (crawler/store/corpus.py consults it).

They know nothing of sites, pages or Scrapy. When Redis goes away they stop talking to it,
call ``on_lost`` once, and answer "unknown" from then on: the crawl stops (crawler/distributed/)
while what is in flight is still written to the worker's own files, never dropped.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import redis

from crawler.state.rows import ArticleState, BufferedRows

__all__ = ["RedisCrawlState", "SharedArticles", "connect"]

logger = logging.getLogger(__name__)

#: Called once with the error when Redis stops answering.
OnLost = Callable[[Exception], None]


def connect(url: str) -> redis.Redis:
    """A client for ``redis://HOST:PORT/DB`` (connects lazily; redis-py retries brief failures)."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)


class _RedisStore:
    """Turns the first Redis error into one ``on_lost`` call, and later calls into no-ops."""

    def __init__(self, client: redis.Redis, on_lost: OnLost | None) -> None:
        self.client = client
        self.on_lost = on_lost
        self.lost: Exception | None = None

    def _failed(self, error: redis.RedisError) -> None:
        if self.lost is None:
            self.lost = error
            if self.on_lost is not None:
                self.on_lost(error)

    def _hget(self, key: str, field: str) -> Any:
        """A hash field's value; None when it is absent, and when Redis is gone."""
        if self.lost is not None:
            return None
        try:
            return self.client.hget(key, field)
        except redis.RedisError as error:
            self._failed(error)
            return None


class RedisCrawlState(_RedisStore, BufferedRows):
    """The crawl state in one Redis hash (URL to row), with CrawlState's interface and batching.

    ``before_commit`` runs before each batch is written, as with the SQLite state, so the
    state never says stored before the corpus lines are on disk.
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        batch: int = 100,
        before_commit: Callable[[], None] | None = None,
        on_lost: OnLost | None = None,
    ) -> None:
        super().__init__(client, on_lost)
        self.key = f"{prefix}:state"
        self.claims_key = f"{prefix}:state:claims"
        self.batch = batch
        self.before_commit = before_commit
        self._pending: dict[str, ArticleState] = {}

    def get(self, url: str) -> ArticleState | None:
        """What the state holds for a URL, or None (also when Redis is gone: fetch it again)."""
        pending = self._pending.get(url)
        if pending is not None:
            return pending
        row = self._hget(self.key, url)
        return ArticleState.from_row(tuple(json.loads(row))) if row else None

    def commit(self) -> None:
        """Write the buffered rows in one round trip (after ``before_commit``)."""
        if not self._pending or self.lost is not None:
            return
        if self.before_commit is not None:
            self.before_commit()
        rows = {url: json.dumps(article.as_row()) for url, article in self._pending.items()}
        try:
            self.client.hset(self.key, mapping=rows)  # type: ignore[arg-type]
        except redis.RedisError as error:
            self._failed(error)
            return
        self._pending.clear()

    def claim(self, name: str, value: str) -> str:
        """Record ``value`` under ``name`` unless one is recorded; returns the recorded one."""
        self.client.hsetnx(self.claims_key, name, value)
        recorded = self.client.hget(self.claims_key, name)
        return _text(recorded)

    def committed(self) -> int:
        """How many URLs Redis holds (buffered rows not counted)."""
        return int(self.client.hlen(self.key))

    def close(self) -> None:
        """Write what is buffered; rows Redis could not take are logged (those URLs are fetched again)."""
        self.commit()
        if self._pending:
            logger.error(
                "crawl state: %d rows not saved, Redis is gone (%s); those articles will be fetched again",
                len(self._pending),
                self.lost,
            )
            self._pending.clear()

    def __enter__(self) -> RedisCrawlState:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class SharedArticles(_RedisStore):
    """The newest stored revision of every article, and every stored body hash, across workers."""

    def __init__(self, client: redis.Redis, prefix: str, on_lost: OnLost | None = None) -> None:
        super().__init__(client, on_lost)
        self.latest_key = f"{prefix}:corpus:latest"
        self.hashes_key = f"{prefix}:corpus:hashes"

    def latest(self, article_id: str) -> tuple[int, str, str | None] | None:
        """(revision, contentHash, dateModified) of the article's newest stored record, or None."""
        value = self._hget(self.latest_key, article_id)
        if value is None:
            return None
        revision, content_hash, date_modified = json.loads(value)
        return int(revision), str(content_hash), date_modified

    def has_body(self, content_hash: str) -> bool:
        """Whether any worker stored a record with this body."""
        if self.lost is not None:
            return False
        try:
            return bool(self.client.sismember(self.hashes_key, content_hash))
        except redis.RedisError as error:
            self._failed(error)
            return False

    def remember(self, record: Mapping[str, Any]) -> None:
        """Note a record just written to a file (after the write: a crash may duplicate, never lose)."""
        if self.lost is not None:
            return
        content_hash = record["metadata"]["contentHash"]
        value = json.dumps([record.get("revision", 1), content_hash, record.get("dateModified")])
        try:
            with self.client.pipeline() as pipe:
                pipe.hset(self.latest_key, record["id"], value)
                pipe.sadd(self.hashes_key, content_hash)
                pipe.execute()
        except redis.RedisError as error:
            self._failed(error)


def _text(value: Any) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)
