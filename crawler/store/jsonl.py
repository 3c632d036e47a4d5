"""Corpus files: JSON Lines, one record per line, plain or one gzip member per line.

How they are listed, read (whole, or from a byte offset where a record begins) and repaired
after a crash (a torn last record cut off). Knows nothing of dedup, sites or crawls.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterator
from pathlib import Path

from crawler.errors import CorpusError
from crawler.record import Record

__all__ = ["corpus_files", "read_records", "records_after", "repair_torn_tail", "whole_length"]


def corpus_files(root: Path) -> list[Path]:
    """The corpus files of a folder, plain and compressed, sorted (sites, then days)."""
    return sorted([*root.glob("*/*.jsonl"), *root.glob("*/*.jsonl.gz")])


def read_records(root: Path) -> Iterator[Record]:
    """Every record of a corpus folder, file by file (sites, then days, in order).

    Raises CorpusError naming the file and line of a record that is not JSON.
    """
    for path in corpus_files(root):
        yield from records_after(path, 0)


def records_after(path: Path, start: int) -> Iterator[Record]:
    """The records of a corpus file from byte ``start`` (where a record begins) to its end.

    Raises CorpusError naming the file and line of a record that is not JSON.
    """
    try:
        with path.open("rb") as handle:
            handle.seek(start)
            data = handle.read()
        text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as error:
        raise CorpusError(str(path), f"cannot read: {error}") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            yield _record(path, start, number, line)


def repair_torn_tail(path: Path, start: int = 0) -> bool:
    """Cut what a crash left half-written at the end of a file; True when something was cut.

    Only the part from ``start`` (where a whole record begins, e.g. the end of what an index
    covers) is read. The file is opened for writing only when there is something to cut, so a
    read-only corpus with whole files can still be read.
    """
    try:
        with path.open("rb") as handle:
            handle.seek(start)
            data = handle.read()
        whole = whole_length(path, data)
        if whole == len(data):
            return False
        if whole == 0 and start:
            return repair_torn_tail(path, 0)  # ``start`` was no record's start after all
        with path.open("rb+") as handle:
            handle.truncate(start + whole)
    except OSError as error:
        raise CorpusError(
            str(path), f"has a torn last record and cannot be repaired: {error.strerror}"
        ) from None
    return True


def whole_length(path: Path, data: bytes) -> int:
    """How many leading bytes of a corpus file's ``data`` are whole records (a torn one may follow)."""
    return _complete_gzip_length(data) if path.suffix == ".gz" else data.rfind(b"\n") + 1


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


def _record(path: Path, start: int, number: int, line: str) -> Record:
    try:
        record: Record = json.loads(line)
    except json.JSONDecodeError as error:
        raise CorpusError(
            f"{path}, line {number + _lines_before(path, start)}",
            f"not a JSON record ({error.msg}); move the file aside or remove the line",
        ) from None
    return record


def _lines_before(path: Path, start: int) -> int:
    if not start:
        return 0
    with path.open("rb") as handle:
        head = handle.read(start)
    return (gzip.decompress(head) if path.suffix == ".gz" else head).count(b"\n")
