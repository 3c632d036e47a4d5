"""The corpus on disk: one JSON Lines file per site per publication day, appended safely.

``<root>/<site>/<YYYY-MM-DD>.jsonl``. Each record is validated, then written as one line
with a single ``write`` on a file opened for appending, so a record is wholly in the file
or not at all; a torn last line left by a crash is cut off the next time the file is opened.

Nothing is overwritten. A record is skipped as a duplicate when its article (the id of its
canonical URL) is stored with the same body and ``dateModified``, or when the same body is
stored under another URL. A stored article whose body or ``dateModified`` changed is
appended again as its next ``revision``.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from crawler.record import Record
from crawler.validation import validate_record


@dataclass
class _Latest:
    """What the corpus knows of an article's newest stored revision."""

    revision: int
    content_hash: str
    date_modified: str | None


class Corpus:
    """A corpus folder, opened for adding records."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: Counter[str] = Counter()
        self.duplicates = 0
        self.revisions = 0
        self._latest: dict[str, _Latest] = {}
        self._hashes: set[str] = set()
        self._files: dict[Path, int] = {}
        for path in sorted(root.glob("*/*.jsonl")):
            repair_torn_tail(path)
        for record in read_records(root):
            self._remember(record)

    def add(self, record: Record) -> bool:
        """Validate and append a record (as a new revision when it changed); False for a duplicate."""
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
        validate_record(stored)
        line = json.dumps(stored, ensure_ascii=False) + "\n"
        os.write(self._descriptor(self.path_for(stored)), line.encode("utf-8"))
        self._remember(stored)
        self.written[stored["site"]["id"]] += 1
        self.revisions += latest is not None
        return True

    def path_for(self, record: Record) -> Path:
        """Where a record goes: its site's file for the day it was published (else downloaded)."""
        day: str = (record.get("datePublished") or record["metadata"]["dateDownloaded"])[:10]
        site_id: str = record["site"]["id"]
        return self.root / site_id / f"{day}.jsonl"

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


def read_records(root: Path) -> Iterator[Record]:
    """Every record of a corpus folder, file by file (sites, then days, in order)."""
    for path in sorted(root.glob("*/*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def repair_torn_tail(path: Path) -> bool:
    """Cut a last line that a crash left without its newline; True when something was cut."""
    with path.open("rb+") as handle:
        data = handle.read()
        if not data or data.endswith(b"\n"):
            return False
        handle.truncate(data.rfind(b"\n") + 1)
        return True
