"""One article's row of the crawl state, and the batching its stores share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["ArticleState", "BufferedRows", "newest"]


@dataclass(frozen=True)
class ArticleState:
    """What the state holds for one article URL."""

    url: str
    fetched_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    content_hash: str | None = None
    revision: int | None = None
    changed_at: datetime | None = None

    @property
    def stored(self) -> bool:
        """Whether a record of this URL reached the corpus."""
        return self.content_hash is not None

    def listed_as_changed(self, listed: datetime | None) -> bool:
        """Whether a listing's date (sitemap ``lastmod``, feed date) is newer than anything known.

        A listing without a date says nothing, so the article counts as unchanged.
        """
        if listed is None:
            return False
        return self.changed_at is None or listed > self.changed_at

    def as_row(self) -> tuple[object, ...]:
        """The row as the stores keep it (ISO 8601 dates)."""
        return (
            self.url,
            self.fetched_at.isoformat(),
            self.etag,
            self.last_modified,
            self.content_hash,
            self.revision,
            self.changed_at.isoformat() if self.changed_at else None,
        )

    @classmethod
    def from_row(cls, row: tuple[object, ...]) -> ArticleState:
        """The state of a row as ``as_row`` gave it."""
        url, fetched_at, etag, last_modified, content_hash, revision, changed_at = row
        return cls(
            url=str(url),
            fetched_at=datetime.fromisoformat(str(fetched_at)),
            etag=etag if isinstance(etag, str) else None,
            last_modified=last_modified if isinstance(last_modified, str) else None,
            content_hash=content_hash if isinstance(content_hash, str) else None,
            revision=revision if isinstance(revision, int) else None,
            changed_at=datetime.fromisoformat(changed_at) if isinstance(changed_at, str) else None,
        )


def newest(*moments: datetime | None) -> datetime | None:
    """The latest of the known moments, or None when none is known."""
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


class BufferedRows:
    """Rows written in batches: ``put`` buffers, and a full buffer is committed (by the subclass).

    The SQLite state and its Redis twin (crawler/state/redis.py) share this.
    """

    batch: int
    _pending: dict[str, ArticleState]

    def put(self, article: ArticleState) -> None:
        """Add or replace a URL's row; committed with its batch."""
        self._pending[article.url] = article
        if len(self._pending) >= self.batch:
            self.commit()

    def commit(self) -> None:
        raise NotImplementedError
