"""What a corpus folder holds, indexed in SQLite beside its files, so opening it reads only what is new.

The corpus deduplicates against every record it holds: the newest revision of each article and
the hash of every body. Kept in memory, that index grows with every article and, worse, is
rebuilt by reading every record each time a crawl starts, a long read of a corpus that a
scheduled crawl has grown for months. Here it lives in ``.index.sqlite`` in
the corpus folder (indexed lookups, batched writes), with the size of each file it covers.

The JSON Lines files stay the truth; the index follows them. Opening the corpus reads what was
appended after the index's last commit (a crash between the two), and a file that does not
continue what the index covered (shorter, edited, removed) makes the index rebuild from all the
files. Deleting ``.index.sqlite`` is always safe: the next crawl rebuilds it.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

from crawler.errors import CorpusError
from crawler.record import Record
from crawler.store.jsonl import records_after

__all__ = ["INDEX_NAME", "CorpusIndex", "revised_articles"]

INDEX_NAME = ".index.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS article (
    id            TEXT PRIMARY KEY,  -- the record's id (of its canonical URL)
    revision      INTEGER NOT NULL,  -- its newest stored revision
    content_hash  TEXT NOT NULL,     -- and that revision's contentHash and dateModified
    date_modified TEXT
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS body (content_hash TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file (
    path   TEXT PRIMARY KEY,         -- relative to the corpus folder
    size   INTEGER NOT NULL,         -- bytes covered by the index
    mtime  INTEGER NOT NULL          -- st_mtime_ns when the index last covered it
) WITHOUT ROWID;
"""
_REMEMBER = (
    "INSERT INTO article VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET revision = excluded.revision, "
    "content_hash = excluded.content_hash, date_modified = excluded.date_modified "
    "WHERE excluded.revision >= article.revision"
)
_REMEMBER_BODY = "INSERT OR IGNORE INTO body VALUES (?)"
Latest = tuple[int, str, "str | None"]


class CorpusIndex:
    """The index of one corpus folder, opened for reading and writing (created when missing).

    Records noted are held in memory (lookups see them) and written ``batch`` at a time, and
    by :meth:`flush`, each batch in one short transaction (WAL mode, no fsync): a transaction
    per record would cost four times the rest of storing it. Short transactions let several
    writers share a folder (the spiders of one crawl, crawls of different sites into one
    corpus); each sees what the others have flushed. A folder that does not exist yet gets
    its index (and is created) with its first batch, not before.
    """

    def __init__(self, root: Path, batch: int = 100) -> None:
        self.root = root
        self.path = root / INDEX_NAME
        self.batch = batch
        self._db: sqlite3.Connection | None = self._connect() if root.is_dir() else None
        self._articles: dict[str, Latest] = {}
        self._bodies: set[str] = set()
        self._files: dict[Path, int] = {}

    def latest(self, article_id: str) -> Latest | None:
        """(revision, contentHash, dateModified) of the article's newest stored record, or None."""
        if article_id in self._articles:
            return self._articles[article_id]  # noted since the last flush: newer than any row
        if self._db is None:
            return None
        rows = self._execute(
            "SELECT revision, content_hash, date_modified FROM article WHERE id = ?", (article_id,)
        )
        return (rows[0][0], rows[0][1], rows[0][2]) if rows else None

    def has_body(self, content_hash: str) -> bool:
        """Whether a record with this body is stored."""
        if content_hash in self._bodies:
            return True
        return self._db is not None and bool(
            self._execute("SELECT 1 FROM body WHERE content_hash = ?", (content_hash,))
        )

    def remember(self, record: Record, path: Path, size: int) -> None:
        """Note a record just appended to ``path``, which is now ``size`` bytes long."""
        latest = _latest(record)
        self._articles[record["id"]] = latest
        self._bodies.add(latest[1])
        self._files[path] = size
        if len(self._articles) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Write what was noted since the last flush (call it once the corpus files are synced)."""
        if not self._files:
            return
        with self._transaction():
            for article_id, latest in self._articles.items():
                self._execute(_REMEMBER, (article_id, *latest))
            for content_hash in self._bodies:
                self._execute(_REMEMBER_BODY, (content_hash,))
            for path, size in self._files.items():
                self._covered(path, size)
        self._articles, self._bodies, self._files = {}, set(), {}

    def covered_size(self, path: Path) -> int:
        """How many leading bytes of a corpus file the index covers (0 for a file it has not seen)."""
        if self._db is None:
            return 0
        row = self._execute("SELECT size FROM file WHERE path = ?", (str(path.relative_to(self.root)),))
        return int(row[0][0]) if row else 0

    def catch_up(self, files: list[Path]) -> int:
        """Index what the files hold beyond what the index covers; the number of records read.

        Rebuilds the whole index when a file does not continue what the index covered. Each
        file is one transaction, so other writers wait for one file at most.
        """
        if self._db is None:
            return 0  # no folder, no files
        covered = {Path(path): (size, mtime) for path, size, mtime in self._execute("SELECT * FROM file")}
        relative = {path.relative_to(self.root): path for path in files}
        if any(path not in relative for path in covered) or not all(
            _continues(relative[path], *covered[path]) for path in covered
        ):
            with self._transaction():
                for table in ("article", "body", "file"):
                    self._execute(f"DELETE FROM {table}")
            covered = {}
        read = 0
        for name, path in relative.items():
            start = covered.get(name, (0, 0))[0]
            size = path.stat().st_size
            if size == start:
                continue
            with self._transaction():
                for record in records_after(path, start):
                    self._note(record)
                    read += 1
                self._covered(path, size)
        return read

    def close(self, flush: bool = True) -> None:
        """Flush (unless the corpus files could not be made durable) and close."""
        try:
            if flush:
                self.flush()
        finally:
            if self._db is not None:
                self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._execute("ROLLBACK")
            raise
        self._execute("COMMIT")

    def _note(self, record: Record) -> None:
        latest = _latest(record)
        self._execute(_REMEMBER, (record["id"], *latest))
        self._execute(_REMEMBER_BODY, (latest[1],))

    def _covered(self, path: Path, size: int) -> None:
        name = str(path.relative_to(self.root))
        self._execute("INSERT OR REPLACE INTO file VALUES (?, ?, ?)", (name, size, path.stat().st_mtime_ns))

    def _execute(self, sql: str, parameters: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        if self._db is None:
            self._db = self._connect()
        try:
            return self._db.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise self._error(error) from None

    def _connect(self) -> sqlite3.Connection:
        # Created through the OS first: a read-only folder or a full disk then says so plainly.
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644))
        except OSError as error:
            raise CorpusError(str(self.path), f"cannot write: {error.strerror}") from None
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise self._damaged(error) from None
        return db

    def _damaged(self, error: sqlite3.Error) -> CorpusError:
        return CorpusError(
            str(self.path),
            f"the corpus index is damaged ({error}); "
            "deleting it is safe: the next run rebuilds it from the files",
        )

    def _error(self, error: sqlite3.Error) -> CorpusError:
        """Said the way the corpus files say it, so a full disk reads the same whichever hit it."""
        name = getattr(error, "sqlite_errorname", "")
        if name == "SQLITE_FULL":
            return CorpusError(str(self.path), f"cannot write: {os.strerror(errno.ENOSPC)}")
        if name.startswith("SQLITE_READONLY"):
            return CorpusError(str(self.path), f"cannot write: {os.strerror(errno.EROFS)}")
        if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            return self._damaged(error)
        return CorpusError(str(self.path), f"cannot write the corpus index: {error}")


def revised_articles(root: Path, files: Iterable[Path]) -> dict[str, int] | None:
    """The newest revision of each article of the corpus at ``root`` stored more than once, read
    from its index without writing it; None when there is no index, or it does not cover each of
    ``files`` as it is now (a crawl writing, a file copied in): the files must then be read."""
    path = root / INDEX_NAME
    if not path.is_file():
        return None
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=60)) as db:
            covered = {name: (size, mtime) for name, size, mtime in db.execute("SELECT * FROM file")}
            for file in files:
                status = file.stat()
                if covered.get(str(file.relative_to(root))) != (status.st_size, status.st_mtime_ns):
                    return None
            rows = db.execute("SELECT id, revision FROM article WHERE revision > 1").fetchall()
    except (sqlite3.Error, OSError):
        return None  # an index that cannot be read is one that does not cover the files
    return {str(article_id): int(revision) for article_id, revision in rows}


def _latest(record: Record) -> Latest:
    """What the index keeps of a record: (revision, contentHash, dateModified)."""
    return record.get("revision", 1), record["metadata"]["contentHash"], record.get("dateModified")


def _continues(path: Path, size: int, mtime: int) -> bool:
    """Whether a file still starts with the ``size`` bytes the index covered."""
    status = path.stat()
    if status.st_size < size or (status.st_size == size and status.st_mtime_ns != mtime):
        return False
    if size == 0 or status.st_size == size:
        return True
    with path.open("rb") as handle:  # appended since: the covered part must end where a record did
        handle.seek(size - 1)
        edge = handle.read(3)
    return edge[1:3] == b"\x1f\x8b" if path.suffix == ".gz" else edge[:2] == b"\n{"
