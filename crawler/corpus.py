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
"""

from __future__ import annotations

import gzip
import json
import os
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.record import Record
from crawler.validation import validate_record


@dataclass(slots=True)
class _Latest:
    """What the corpus knows of an article's newest stored revision (slots: one per article)."""

    revision: int
    content_hash: str
    date_modified: str | None


class Corpus:
    """A corpus folder, opened for adding records."""

    def __init__(self, root: Path, compress: bool = False) -> None:
        self.root = root
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
        latest = self._latest.get(record["id"])
        content_hash = record["metadata"]["contentHash"]
        unchanged = latest is not None and (latest.content_hash, latest.date_modified) == (
            content_hash,
            record.get("dateModified"),
        )
        if unchanged or (latest is None and content_hash in self._hashes):
            self.duplicates += 1
            return False
        stored = {**record, "revision": latest.revision + 1 if latest else 1}
        if not validated:
            validate_record(stored)
        line = (json.dumps(stored, ensure_ascii=False) + "\n").encode("utf-8")
        if self.suffix.endswith(".gz"):
            line = gzip.compress(line, mtime=0)
        os.write(self._descriptor(self.path_for(stored)), line)
        self._remember(stored)
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
        for descriptor in self._files.values():
            os.fsync(descriptor)

    def close(self) -> None:
        """Flush every file to disk."""
        for descriptor in self._files.values():
            os.fsync(descriptor)
            os.close(descriptor)
        self._files.clear()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _remember(self, record: Record) -> None:
        revision = record.get("revision", 1)
        known = self._latest.get(record["id"])
        if known is None or revision >= known.revision:
            content_hash = record["metadata"]["contentHash"]
            self._latest[record["id"]] = _Latest(revision, content_hash, record.get("dateModified"))
        self._hashes.add(record["metadata"]["contentHash"])

    def _descriptor(self, path: Path) -> int:
        if path not in self._files:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self._files[path]


def corpus_files(root: Path) -> list[Path]:
    """The corpus files of a folder, plain and compressed, sorted (sites, then days)."""
    return sorted([*root.glob("*/*.jsonl"), *root.glob("*/*.jsonl.gz")])


def read_records(root: Path) -> Iterator[Record]:
    """Every record of a corpus folder, file by file (sites, then days, in order)."""
    for path in corpus_files(root):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def repair_torn_tail(path: Path) -> bool:
    """Cut what a crash left half-written at the end of a file; True when something was cut."""
    with path.open("rb+") as handle:
        data = handle.read()
        whole = _complete_gzip_length(data) if path.suffix == ".gz" else data.rfind(b"\n") + 1
        if whole == len(data):
            return False
        handle.truncate(whole)
        return True


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
