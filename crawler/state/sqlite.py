"""The crawl state: what was last fetched and stored for each article URL, in one SQLite file.

A scheduled crawl reads it to skip articles it already has and to revisit the others with
conditional requests. It knows nothing of sites, pages or Scrapy: rows in, rows out.

The file is in WAL mode: a commit survives the death of the process that made it (SIGKILL,
OOM), and readers never wait for a writer. Rows are buffered and written in batches, one
transaction each; ``before_commit`` runs first, so the caller can make what the rows describe
durable (the corpus lines) before the state says it is stored. A crash therefore leaves the
state behind the corpus, never ahead of it: a lost batch only means articles fetched again.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

from crawler.errors import CrawlerError, StateError
from crawler.state.rows import ArticleState, BufferedRows

__all__ = ["SqliteCrawlState"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS article (
    url           TEXT PRIMARY KEY,  -- the URL the crawl requested
    fetched_at    TEXT NOT NULL,     -- last fetch (200 or 304), ISO 8601
    etag          TEXT,              -- the server's validators, as it sent them
    last_modified TEXT,
    content_hash  TEXT,              -- the stored record's contentHash; NULL: nothing stored yet
    revision      INTEGER,           -- the corpus revision of that record
    changed_at    TEXT               -- newest date known: listing lastmod, dateModified, datePublished
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS claim (
    name  TEXT PRIMARY KEY,          -- what the state belongs to, e.g. its corpus folder
    value TEXT NOT NULL
) WITHOUT ROWID;
"""
#: What SQLite says when the file is fine but cannot be written (as opposed to damaged).
_UNWRITABLE = re.compile(r"readonly|read-only|disk is full|unable to open|disk I/O", re.I)
_COLUMNS = ("url", "fetched_at", "etag", "last_modified", "content_hash", "revision", "changed_at")
_UPSERT = (
    f"INSERT INTO article ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' for _ in _COLUMNS)}) "
    "ON CONFLICT(url) DO UPDATE SET " + ", ".join(f"{column} = excluded.{column}" for column in _COLUMNS[1:])
)


class SqliteCrawlState(BufferedRows):
    """The state file, opened (and created, with its folder) for reading and writing.

    ``batch`` rows are buffered before a commit; ``before_commit`` is called before each.
    Lookups see buffered rows too. Close it to commit the rest.
    """

    def __init__(self, path: Path, batch: int = 100, before_commit: Callable[[], None] | None = None) -> None:
        self.path = path
        self.batch = batch
        self.before_commit = before_commit
        self._pending: dict[str, ArticleState] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CrawlerError(
                f"{path.parent}: cannot create the crawl state's folder: {error.strerror}"
            ) from None
        try:
            self._db = sqlite3.connect(path, timeout=30)
        except sqlite3.Error as error:
            raise CrawlerError(f"{path}: cannot open the crawl state: {error}") from None
        try:
            self._open()
        except sqlite3.DatabaseError as error:
            self._db.close()
            if isinstance(error, sqlite3.OperationalError) and _UNWRITABLE.search(str(error)):
                raise CrawlerError(f"{path}: cannot write the crawl state: {error}") from None
            raise StateError(str(path), str(error)) from None

    def _open(self) -> None:
        """Check the file is a whole crawl state (or new), then make it ready; sqlite3 errors otherwise."""
        (verdict,) = self._db.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"integrity check: {verdict}")
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode: a commit is safe from the process dying; only power loss can undo the last.
        self._db.execute("PRAGMA synchronous=NORMAL")
        with self._db:
            self._db.executescript(_SCHEMA)
        columns = tuple(row[1] for row in self._db.execute("PRAGMA table_info(article)"))
        if columns != _COLUMNS:
            raise sqlite3.DatabaseError(f"its article table has the columns {', '.join(columns)}")

    def get(self, url: str) -> ArticleState | None:
        """What the state holds for a URL (an indexed lookup), or None."""
        pending = self._pending.get(url)
        if pending is not None:
            return pending
        row = self._db.execute(f"SELECT {', '.join(_COLUMNS)} FROM article WHERE url = ?", (url,)).fetchone()
        return ArticleState.from_row(row) if row else None

    def commit(self) -> None:
        """Write the buffered rows in one transaction (after ``before_commit``)."""
        if not self._pending:
            return
        if self.before_commit is not None:
            self.before_commit()
        try:
            with self._db:
                self._db.executemany(_UPSERT, [article.as_row() for article in self._pending.values()])
        except sqlite3.Error as error:
            raise CrawlerError(f"{self.path}: cannot write the crawl state: {error}") from None
        self._pending.clear()

    def claim(self, name: str, value: str) -> str:
        """Record ``value`` under ``name`` unless one is already recorded; returns the recorded one.

        A state describes one corpus: what it says is stored is stored *there*.
        """
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO claim (name, value) VALUES (?, ?)", (name, value))
        (recorded,) = self._db.execute("SELECT value FROM claim WHERE name = ?", (name,)).fetchone()
        return str(recorded)

    def committed(self) -> int:
        """How many URLs the file holds (buffered rows not counted)."""
        (count,) = self._db.execute("SELECT count(*) FROM article").fetchone()
        return int(count)

    def close(self) -> None:
        """Commit what is buffered and close the file."""
        self.commit()
        self._db.close()

    def __enter__(self) -> SqliteCrawlState:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
