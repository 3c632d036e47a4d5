"""``crawler corpus merge``: the workers' corpus folders of a distributed crawl, joined into one.

Each worker of a distributed crawl appends to its own folder (``corpus/workers/<name>/``), so
no two processes share a file. Merging reads every whole record of those folders, oldest fetch
first, and adds it to the target corpus, which applies its usual rules: the same article with
the same body and ``dateModified`` is skipped, the same body under another URL is skipped, a
changed one becomes the next ``revision``. Merging again adds nothing: it is idempotent.

"Oldest fetch first" is across all the workers' files, and versions of one article may sit in
different files (a corrected ``datePublished`` files it under another day), so the records
are put in order in a scratch SQLite file, not in memory: merging takes the same memory
whatever the size of the worker folders and of the corpus, for a temporary file about the
size of the worker folders. The versions the corpus holds are noted there too, so a version
met again (every version, on a second merge) does not come back as a new revision.

The worker folders are only read, never changed; a line a worker is writing (or left torn when
it was killed) is left out until it is whole.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from crawler.errors import CrawlerError
from crawler.progress import Progress
from crawler.record import Record
from crawler.store.corpus import Corpus
from crawler.store.jsonl import corpus_files, read_records, records_after

__all__ = [
    "MergeReport",
    "check_worker_name",
    "merge_corpora",
    "whole_records",
    "worker_folder",
    "worker_folders",
]

_SCRATCH = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE pending (
    downloaded TEXT NOT NULL,      -- metadata.dateDownloaded: oldest fetch first
    revision   INTEGER NOT NULL,   -- then the worker's own order of versions
    line       BLOB NOT NULL       -- the record as read
);
CREATE TABLE stored (
    id       TEXT NOT NULL,
    hash     TEXT NOT NULL,
    modified TEXT NOT NULL,        -- dateModified, '' when there is none
    PRIMARY KEY (id, hash, modified)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class MergeReport:
    """What one merge did."""

    folders: int
    read: int
    added: int
    revisions: int
    duplicates: int

    def line(self, target: Path) -> str:
        return (
            f"{self.read} records read from {self.folders} worker folders: {self.added} added to "
            f"{target}/ ({self.revisions} as new revisions), {self.duplicates} already there"
        )


def worker_folder(corpus_dir: Path, worker: str) -> Path:
    """Where a worker (of a distributed crawl, or an ingest's task) writes its corpus files; a
    name that would lead elsewhere is refused."""
    return corpus_dir / "workers" / check_worker_name(worker)


def check_worker_name(worker: str) -> str:
    """The worker's name, if it is one: letters, digits, '-', '_' and '.', and not '.' or '..'.

    It names the worker's folder under ``workers/``: ``../../x`` or an absolute path would
    write outside the corpus folder, whether it came from ``--worker`` or ``-s CRAWL_WORKER``.
    """
    if not _WORKER_NAME.fullmatch(worker) or worker in {".", ".."}:
        raise CrawlerError(f"worker name {worker!r}: use letters, digits, '-', '_' and '.' only")
    return worker


_WORKER_NAME = re.compile(r"[A-Za-z0-9._-]{1,100}")


def worker_folders(corpus_dir: Path) -> list[Path]:
    """The worker folders of a corpus folder (``<corpus>/workers/*/``), sorted."""
    return sorted(path for path in (corpus_dir / "workers").glob("*") if path.is_dir())


def merge_corpora(
    sources: Sequence[Path], target: Path, compress: bool = False, progress: Progress | None = None
) -> MergeReport:
    """Add every whole record of the ``sources`` folders to the corpus at ``target``.

    ``progress`` counts the records read, then those merged out of them.
    """
    for source in sources:
        if not source.is_dir():
            raise CrawlerError(f"{source}: no corpus folder here")
    progress = progress or Progress("merge", quiet=True)
    with _scratch() as db:
        read = _queue(db, (record for source in sources for record in whole_records(source)), progress)
        progress.total = read
        with Corpus(target, compress) as corpus:
            # The corpus compares a record with the newest revision only; an older version met
            # again must not come back as a new revision.
            _note_stored(db, read_records(target))
            added = duplicates = 0
            for record in _in_order(db):
                if _is_stored(db, record) or not corpus.add(_without_revision(record)):
                    duplicates += 1
                    progress.advance(1, duplicates=1)
                    continue
                _note_stored(db, [record])
                added += 1
                progress.advance(1, added=1)
            return MergeReport(len(sources), read, added, corpus.revisions, duplicates)


@contextmanager
def _scratch() -> Iterator[sqlite3.Connection]:
    """A scratch database in a temporary folder, removed afterwards (one transaction, never durable)."""
    with (
        tempfile.TemporaryDirectory(prefix="crawler-merge-") as folder,
        closing(sqlite3.connect(Path(folder) / "merge.sqlite", isolation_level=None)) as db,
    ):
        db.executescript(_SCRATCH)
        db.execute("BEGIN")
        yield db


def whole_records(root: Path) -> Iterator[Record]:
    """Every complete record of a corpus folder, reading it without repairing it."""
    for path in corpus_files(root):
        yield from records_after(path, 0, skip_torn_tail=True)


def _queue(db: sqlite3.Connection, records: Iterable[Record], progress: Progress) -> int:
    """Put the records in the scratch file, ordered by fetch; how many there were."""
    count = 0
    for record in records:
        progress.advance(0, read=1)
        line = json.dumps(record, ensure_ascii=False).encode("utf-8")
        db.execute(
            "INSERT INTO pending VALUES (?, ?, ?)",
            (record["metadata"]["dateDownloaded"], record.get("revision", 1), line),
        )
        count += 1
    db.execute("CREATE INDEX fetch_order ON pending (downloaded, revision)")
    return count


def _in_order(db: sqlite3.Connection) -> Iterator[Record]:
    """The queued records, oldest fetch first (then the order they were read in), one at a time."""
    for (line,) in db.execute("SELECT line FROM pending ORDER BY downloaded, revision, rowid"):
        yield json.loads(line)


def _note_stored(db: sqlite3.Connection, records: Iterable[Record]) -> None:
    db.executemany("INSERT OR IGNORE INTO stored VALUES (?, ?, ?)", (_version(record) for record in records))


def _is_stored(db: sqlite3.Connection, record: Record) -> bool:
    query = "SELECT 1 FROM stored WHERE id = ? AND hash = ? AND modified = ?"
    return db.execute(query, _version(record)).fetchone() is not None


def _version(record: Record) -> tuple[str, str, str]:
    """What tells one version of an article from another, as the corpus sees it."""
    return record["id"], record["metadata"]["contentHash"], record.get("dateModified") or ""


def _without_revision(record: Record) -> Record:
    """The record as the worker's parser made it: the target corpus numbers revisions itself."""
    made = record.copy()
    made.pop("revision", None)
    return made
