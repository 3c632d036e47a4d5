"""The corpus on disk: one JSON Lines file per site per publication day, appended safely.

``<root>/<site>/<YYYY-MM-DD>.jsonl``. Each record is validated, then written as one line
with a single ``write`` on a file opened for appending, so a record is wholly in the file
or not at all; a torn last line left by a crash is cut off the next time the file is
opened. A record whose URL id and body hash are already stored is a duplicate and is skipped.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from crawler.record import Record
from crawler.validation import validate_record


class Corpus:
    """A corpus folder, opened for adding records."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: Counter[str] = Counter()
        self.duplicates = 0
        self._stored: set[tuple[str, str]] = set()
        self._files: dict[Path, int] = {}
        for path in sorted(root.glob("*/*.jsonl")):
            repair_torn_tail(path)
            self._stored.update(_keys_in(path))

    def add(self, record: Record) -> bool:
        """Validate and append a record; False when it is already stored."""
        validate_record(record)
        key = (record["id"], record["metadata"]["contentHash"])
        if key in self._stored:
            self.duplicates += 1
            return False
        line = json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n"
        os.write(self._descriptor(self.path_for(record)), line.encode("utf-8"))
        self._stored.add(key)
        self.written[record["site"]["id"]] += 1
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

    def _descriptor(self, path: Path) -> int:
        if path not in self._files:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[path] = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        return self._files[path]


def repair_torn_tail(path: Path) -> bool:
    """Cut a last line that a crash left without its newline; True when something was cut."""
    with path.open("rb+") as handle:
        data = handle.read()
        if not data or data.endswith(b"\n"):
            return False
        handle.truncate(data.rfind(b"\n") + 1)
        return True


def _keys_in(path: Path) -> set[tuple[str, str]]:
    keys = set()
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            keys.add((record["id"], record["metadata"]["contentHash"]))
    return keys
