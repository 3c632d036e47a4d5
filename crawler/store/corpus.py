"""The corpus on disk: one JSON Lines file per site per publication day, appended safely.

``<root>/<site>/<YYYY-MM-DD>.jsonl``, or ``.jsonl.gz`` with ``compress``; a record with no
publication date in ``<root>/<site>/undated/<day downloaded>.jsonl``. Each record is
validated, then written as one line with a single ``write`` on a file opened for appending
(compressed, each line is a gzip member of its own, and a file of members is a valid gzip
file), so a record is wholly in the file or not at all; a torn tail left by a crash is cut
off the next time the file is opened.

Nothing is overwritten. A record is skipped as a duplicate when its article (the id of its
canonical URL) is stored with the same body and ``dateModified``, or when the same body is
stored under another URL. A stored article whose body or ``dateModified`` changed is
appended again as its next ``revision``.

What the folder holds is indexed in ``.index.sqlite`` beside the files (crawler/store/index.py),
so opening a corpus reads only what the index has not seen, and memory does not grow with it.

With a ``shared`` index (a distributed crawl: each worker appends to its own folder), what
other workers stored counts too, so a worker does not store again an article another holds.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crawler.errors import CorpusError
from crawler.record import Record
from crawler.record.validation import validate_record
from crawler.store.index import CorpusIndex
from crawler.store.jsonl import UNDATED, corpus_files, read_records, repair_torn_tail

__all__ = ["UNDATED", "Corpus", "SharedIndex", "corpus_files", "read_records", "repair_torn_tail"]


@dataclass(frozen=True)
class _Latest:
    """What the corpus knows of an article's newest stored revision."""

    revision: int
    content_hash: str
    date_modified: str | None


class SharedIndex(Protocol):
    """What other writers of the same corpus stored (crawler/state/redis.py's SharedArticles)."""

    def latest(self, article_id: str) -> tuple[int, str, str | None] | None:
        """(revision, contentHash, dateModified) of the newest stored record, or None."""

    def has_body(self, content_hash: str) -> bool:
        """Whether a record with this body is stored."""

    def remember(self, record: Mapping[str, Any]) -> None:
        """Note a record just written."""


class Corpus:
    """A corpus folder, opened for adding records (deduplicated also against ``shared``)."""

    def __init__(self, root: Path, compress: bool = False, shared: SharedIndex | None = None) -> None:
        self.root = root
        self.shared = shared
        self.suffix = ".jsonl.gz" if compress else ".jsonl"
        self.written: Counter[str] = Counter()
        self.duplicates = 0
        self.revisions = 0
        self._files: dict[Path, int] = {}
        self._index = CorpusIndex(root)
        files = corpus_files(root)
        for path in files:
            repair_torn_tail(path, self._index.covered_size(path))
        self._index.catch_up(files)

    def add(self, record: Record, validated: bool = False) -> bool:
        """Validate and append a record (as a new revision when it changed); False for a duplicate.

        ``validated`` says the caller has just validated the record (the crawl's pipeline has),
        so only what this adds, its ``revision``, needs no second check.
        """
        latest = self._latest_of(record["id"])
        content_hash = record["metadata"]["contentHash"]
        unchanged = latest is not None and (latest.content_hash, latest.date_modified) == (
            content_hash,
            record.get("dateModified"),
        )
        if unchanged or (latest is None and self._knows_body(content_hash)):
            self.duplicates += 1
            return False
        self._store(record, latest, validated)
        return True

    def revise(self, record: Record, validated: bool = False) -> int:
        """Append a record as its article's next revision, even with its body unchanged; its revision.

        For re-parsing (crawler/crawl/reparse.py), which decides itself what changed, field by
        field: :meth:`add` would skip a record whose body and ``dateModified`` are stored.
        """
        return self._store(record, self._latest_of(record["id"]), validated)

    def _store(self, record: Record, latest: _Latest | None, validated: bool) -> int:
        """Append the record as the revision after ``latest``; its revision number."""
        stored = record.copy()
        stored["revision"] = latest.revision + 1 if latest else 1
        if not validated:
            validate_record(stored)
        line = (json.dumps(stored, ensure_ascii=False) + "\n").encode("utf-8")
        if self.suffix.endswith(".gz"):
            line = gzip.compress(line, mtime=0)
        path = self.path_for(stored)
        size = self._append(path, line)
        if self.shared is not None:  # first: other workers must learn of it as soon as it is written
            self.shared.remember(stored)
        self._index.remember(stored, path, size)
        self.written[stored["site"]["id"]] += 1
        self.revisions += latest is not None
        return stored["revision"]

    def path_for(self, record: Record) -> Path:
        """Where a record goes: its site's file for the day it was published.

        A record with no publication date goes to its site's ``undated/`` folder, in the file of
        the day it was downloaded: the crawl's day is not the article's, and must not pass for it.
        """
        site_id: str = record["site"]["id"]
        published: str | None = record.get("datePublished")
        if published:
            return self.root / site_id / f"{published[:10]}{self.suffix}"
        downloaded: str = record["metadata"]["dateDownloaded"]
        return self.root / site_id / UNDATED / f"{downloaded[:10]}{self.suffix}"

    def revision_of(self, article_id: str) -> int | None:
        """The newest stored revision of an article, or None when it is not stored."""
        latest = self._index.latest(article_id)
        return latest[0] if latest else None

    def sync(self) -> None:
        """Make every record appended so far durable on disk (files stay open), then index them."""
        for path, descriptor in self._files.items():
            try:
                os.fsync(descriptor)
            except OSError as error:
                raise CorpusError(str(path), f"cannot write: {error.strerror}") from None
        self._index.flush()

    def close(self) -> None:
        """Flush every file to disk and close it (all of them, even when one fails)."""
        failed: CorpusError | None = None
        for path, descriptor in self._files.items():
            try:
                os.fsync(descriptor)
            except OSError as error:
                failed = failed or CorpusError(str(path), f"cannot write: {error.strerror}")
            finally:
                os.close(descriptor)
        self._files.clear()
        self._index.close(flush=failed is None)
        if failed is not None:
            raise failed

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _latest_of(self, article_id: str) -> _Latest | None:
        stored = self._index.latest(article_id)
        latest = _Latest(*stored) if stored else None
        shared = self.shared.latest(article_id) if self.shared is not None else None
        if shared is not None and (latest is None or shared[0] > latest.revision):
            return _Latest(*shared)
        return latest

    def _knows_body(self, content_hash: str) -> bool:
        return self._index.has_body(content_hash) or (
            self.shared is not None and self.shared.has_body(content_hash)
        )

    def _append(self, path: Path, line: bytes) -> int:
        """Append one record's line whole (the file's new size is returned), or raise CorpusError.

        A full disk (or a file size limit) can write part of a line before it fails: the file
        is then cut back to where the line began, so it never holds a torn record.
        """
        try:
            descriptor = self._descriptor(path)
        except OSError as error:
            raise CorpusError(str(path), f"cannot write: {error.strerror}") from None
        start = os.fstat(descriptor).st_size
        rest = memoryview(line)
        try:
            while rest:
                written = os.write(descriptor, rest)
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                rest = rest[written:]
        except OSError as error:
            os.ftruncate(descriptor, start)
            raise CorpusError(str(path), f"cannot write: {error.strerror}") from None
        return start + len(line)

    def _descriptor(self, path: Path) -> int:
        if path not in self._files:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self._files[path]
