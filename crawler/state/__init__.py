"""The crawl state: what was last fetched and stored for each article URL, behind one interface.

Two stores keep it: one SQLite file on one machine (:class:`SqliteCrawlState`), or Redis for a
distributed crawl (:class:`RedisCrawlState`, whose twin :class:`SharedArticles` is the corpus's
memory of stored articles shared by every worker). Both satisfy :class:`CrawlState`; the
incremental middleware and the corpus pipeline use whichever :func:`open_crawl_state` opens.

This package knows nothing of sites, pages, Scrapy or the corpus: rows in, rows out. It
imports only ``crawler.errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from crawler.state.redis import OnLost, RedisCrawlState, SharedArticles, connect
from crawler.state.rows import ArticleState, newest
from crawler.state.sqlite import SqliteCrawlState

__all__ = [
    "ArticleState",
    "CrawlState",
    "RedisCrawlState",
    "SharedArticles",
    "SqliteCrawlState",
    "connect",
    "newest",
    "open_crawl_state",
]


class CrawlState(Protocol):
    """Rows per article URL (last fetch, validators, body hash, revision), written in batches."""

    def get(self, url: str) -> ArticleState | None:
        """What the state holds for a URL, or None."""

    def put(self, article: ArticleState) -> None:
        """Add or replace a URL's row; written with its batch."""

    def commit(self) -> None:
        """Write the buffered rows now."""

    def claim(self, name: str, value: str) -> str:
        """Record ``value`` under ``name`` unless one is recorded; returns the recorded one."""

    def close(self) -> None:
        """Write what is buffered and let go of the store."""


def open_crawl_state(
    path: str | Path | None,
    redis_url: str | None = None,
    redis_prefix: str = "crawler",
    batch: int = 100,
    before_commit: Callable[[], None] | None = None,
    on_lost: OnLost | None = None,
) -> CrawlState | None:
    """The crawl's state: in Redis with ``redis_url``, else the SQLite file at ``path``, else None.

    ``before_commit`` runs before each batch is written (the caller syncs what the rows
    describe); ``on_lost`` is called once if Redis stops answering.
    """
    if redis_url:
        return RedisCrawlState(connect(redis_url), redis_prefix, batch, before_commit, on_lost)
    return SqliteCrawlState(Path(path), batch, before_commit) if path else None
