"""The corpus on disk: one JSON Lines file per site per publication day, appended safely.

``<root>/<site>/<YYYY-MM-DD>.jsonl``, or ``.jsonl.gz`` with ``compress``. Each record is
validated, then written as one line with a single ``write`` on a file opened for appending
(compressed, each line is a gzip member of its own, and a file of members is a valid gzip
file), so a record is wholly in the file or not at all; a torn tail left by a crash is cut
off the next time the file is opened.

Nothing is overwritten. A record is skipped as a duplicate when its article (the id of its
canonical URL) is stored with the same body and ``dateModified``, or when the same body is
stored under another URL. A stored article whose body or ``dateModified`` changed is
appended again as its next ``revision``.

With a ``shared`` index (a distributed crawl: each worker appends to its own folder), what
other workers stored counts too, so a worker does not store again an article another holds.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crawler.errors import CorpusError
from crawler.record import Record
from crawler.validation import validate_record


@dataclass(slots=True)
class _Latest:
    """What the corpus knows of an article's newest stored revision (slots: one per article)."""

    revision: int
    content_hash: str
    date_modified: str | None


class SharedIndex(Protocol):
    """What other writers of the same corpus stored (crawler/redis_state.py's SharedArticles)."""

    def latest(self, article_id: str) -> tuple[int, str, str | None] | None:
        """(revision, contentHash, dateModified) of the newest stored record, or None."""

    def has_body(self, content_hash: str) -> bool:
        """Whether a record with this body is stored."""

    def remember(self, record: dict[str, Any]) -> None:
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
        self._latest: dict[str, _Latest] = {}
        self._hashes: set[str] = set()
        self._files: dict[Path, int] = {}
        for path in corpus_files(root):
            repair_torn_tail(path)
        for record in read_records(root):
            self._remember(record)

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
        stored = {**record, "revision": latest.revision + 1 if latest else 1}
        if not validated:
            validate_record(stored)
        line = (json.dumps(stored, ensure_ascii=False) + "\n").encode("utf-8")
        if self.suffix.endswith(".gz"):
            line = gzip.compress(line, mtime=0)
        self._append(self.path_for(stored), line)
        self._remember(stored)
        if self.shared is not None:
            self.shared.remember(stored)
        self.written[stored["site"]["id"]] += 1
        self.revisions += latest is not None
        return True

    def path_for(self, record: Record) -> Path:
        """Where a record goes: its site's file for the day it was published (else downloaded)."""
        day: str = (record.get("datePublished") or record["metadata"]["dateDownloaded"])[:10]
        site_id: str = record["site"]["id"]
        return self.root / site_id / f"{day}{self.suffix}"

    def revision_of(self, article_id: str) -> int | None:
        """The newest stored revision of an article, or None when it is not stored."""
        latest = self._latest.get(article_id)
        return latest.revision if latest else None

    def sync(self) -> None:
        """Make every record appended so far durable on disk (files stay open)."""
        for path, descriptor in self._files.items():
            try:
                os.fsync(descriptor)
            except OSError as error:
                raise CorpusError(str(path), f"cannot write: {error.strerror}") from None

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
        if failed is not None:
            raise failed

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _latest_of(self, article_id: str) -> _Latest | None:
        latest = self._latest.get(article_id)
        shared = self.shared.latest(article_id) if self.shared is not None else None
        if shared is not None and (latest is None or shared[0] > latest.revision):
            return _Latest(*shared)
        return latest

    def _knows_body(self, content_hash: str) -> bool:
        return content_hash in self._hashes or (
            self.shared is not None and self.shared.has_body(content_hash)
        )

    def _remember(self, record: Record) -> None:
        revision = record.get("revision", 1)
        known = self._latest.get(record["id"])
        if known is None or revision >= known.revision:
            content_hash = record["metadata"]["contentHash"]
            self._latest[record["id"]] = _Latest(revision, content_hash, record.get("dateModified"))
        self._hashes.add(record["metadata"]["contentHash"])

    def _append(self, path: Path, line: bytes) -> None:
        """Append one record's line whole, or raise CorpusError and leave the file as it was.

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

    def _descriptor(self, path: Path) -> int:
        if path not in self._files:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self._files[path]


def corpus_files(root: Path) -> list[Path]:
    """The corpus files of a folder, plain and compressed, sorted (sites, then days)."""
    return sorted([*root.glob("*/*.jsonl"), *root.glob("*/*.jsonl.gz")])


def read_records(root: Path) -> Iterator[Record]:
    """Every record of a corpus folder, file by file (sites, then days, in order).

    Raises CorpusError naming the file and line of a record that is not JSON.
    """
    for path in corpus_files(root):
        opener = gzip.open if path.suffix == ".gz" else open
        try:
            with opener(path, "rt", encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if line.strip():
                        yield _record(path, number, line)
        except (OSError, EOFError, UnicodeDecodeError) as error:
            raise CorpusError(str(path), f"cannot read: {error}") from None


def repair_torn_tail(path: Path) -> bool:
    """Cut what a crash left half-written at the end of a file; True when something was cut.

    The file is opened for writing only when there is something to cut, so a read-only corpus
    with whole files can still be read.
    """
    try:
        data = path.read_bytes()
        whole = _complete_gzip_length(data) if path.suffix == ".gz" else data.rfind(b"\n") + 1
        if whole == len(data):
            return False
        with path.open("rb+") as handle:
            handle.truncate(whole)
    except OSError as error:
        raise CorpusError(
            str(path), f"has a torn last record and cannot be repaired: {error.strerror}"
        ) from None
    return True


def _record(path: Path, number: int, line: str) -> Record:
    try:
        record: Record = json.loads(line)
    except json.JSONDecodeError as error:
        raise CorpusError(
            f"{path}, line {number}",
            f"not a JSON record ({error.msg}); move the file aside or remove the line",
        ) from None
    return record


def _complete_gzip_length(data: bytes) -> int:
    """How many leading bytes are complete gzip members."""
    position = 0
    while position < len(data):
        member = zlib.decompressobj(wbits=31)
        try:
            member.decompress(data[position:])
        except zlib.error:
            break
        if not member.eof:
            break
        position = len(data) - len(member.unused_data)
    return position
