"""``crawler corpus merge``: the workers' corpus folders of a distributed crawl, joined into one.

Each worker of a distributed crawl appends to its own folder (``corpus/workers/<name>/``), so
no two processes share a file. Merging reads every whole record of those folders, oldest fetch
first, and adds it to the target corpus, which applies its usual rules: the same article with
the same body and ``dateModified`` is skipped, the same body under another URL is skipped, a
changed one becomes the next ``revision``. Merging again adds nothing: it is idempotent.

The worker folders are only read, never changed; a line a worker is writing (or left torn when
it was killed) is left out until it is whole.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from crawler.errors import CrawlerError
from crawler.record import Record
from crawler.store.corpus import Corpus
from crawler.store.jsonl import corpus_files, read_records, whole_length

__all__ = ["MergeReport", "merge_corpora", "worker_folders"]


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


def worker_folders(corpus_dir: Path) -> list[Path]:
    """The worker folders of a corpus folder (``<corpus>/workers/*/``), sorted."""
    return sorted(path for path in (corpus_dir / "workers").glob("*") if path.is_dir())


def merge_corpora(sources: Sequence[Path], target: Path, compress: bool = False) -> MergeReport:
    """Add every whole record of the ``sources`` folders to the corpus at ``target``."""
    for source in sources:
        if not source.is_dir():
            raise CrawlerError(f"{source}: no corpus folder here")
    records = [record for source in sources for record in whole_records(source)]
    # Oldest fetch first, so that revisions follow the order the versions were seen in.
    records.sort(key=lambda record: (record["metadata"]["dateDownloaded"], record.get("revision", 1)))
    with Corpus(target, compress) as corpus:
        # The corpus compares a record with the newest revision only; an older version met again
        # (every version, on a second merge) must not come back as a new revision.
        stored = {_version(record) for record in read_records(target)}
        added = duplicates = 0
        for record in records:
            if _version(record) in stored or not corpus.add(_without_revision(record)):
                duplicates += 1
                continue
            stored.add(_version(record))
            added += 1
        return MergeReport(len(sources), len(records), added, corpus.revisions, duplicates)


def whole_records(root: Path) -> Iterator[Record]:
    """Every complete record of a corpus folder, reading it without repairing it."""
    for path in corpus_files(root):
        data = path.read_bytes()
        whole = data[: whole_length(path, data)]
        text = (gzip.decompress(whole) if path.suffix == ".gz" else whole).decode("utf-8")
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as error:
                raise CrawlerError(f"{path}, record {number}: not JSON: {error}") from None


def _version(record: Record) -> tuple[str, str, str | None]:
    """What tells one version of an article from another, as the corpus sees it."""
    return record["id"], record["metadata"]["contentHash"], record.get("dateModified")


def _without_revision(record: Record) -> Record:
    """The record as the worker's parser made it: the target corpus numbers revisions itself."""
    return {key: value for key, value in record.items() if key != "revision"}
