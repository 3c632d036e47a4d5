"""Corpus files: JSON Lines, one record per line, plain or one gzip member per line.

How they are listed, read (from a byte offset where a record begins) and repaired after a
crash (a torn last record cut off). Files are read as a stream of chunks, never whole, so
reading a corpus takes the same memory whatever the size of its files. Knows nothing of
dedup, sites or crawls.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from crawler.errors import CorpusError
from crawler.record import Record

__all__ = ["UNDATED", "corpus_files", "read_records", "records_after", "repair_torn_tail", "whole_length"]

_CHUNK = 1 << 18
#: The folder of a site's records with no publication date (filed by the day they were downloaded).
UNDATED = "undated"


def corpus_files(root: Path, site: str = "*") -> list[Path]:
    """The corpus files of a folder (of one site's folder, with ``site``), plain and compressed,
    sorted: sites, then days, then the site's undated records."""
    patterns = (
        f"{site}/*.jsonl",
        f"{site}/*.jsonl.gz",
        f"{site}/{UNDATED}/*.jsonl",
        f"{site}/{UNDATED}/*.jsonl.gz",
    )
    return sorted(path for pattern in patterns for path in root.glob(pattern))


def read_records(root: Path) -> Iterator[Record]:
    """Every record of a corpus folder, file by file (sites, then days, in order).

    Raises CorpusError naming the file and line of a record that is not JSON.
    """
    for path in corpus_files(root):
        yield from records_after(path, 0)


def records_after(path: Path, start: int, skip_torn_tail: bool = False) -> Iterator[Record]:
    """The records of a corpus file from byte ``start`` (where a record begins) to its end.

    A torn last record (a crash, or a writer halfway through a line) raises CorpusError like
    any record that is not JSON, unless ``skip_torn_tail`` leaves it out: a reader that must
    not change the file (``corpus merge`` reading a worker's folder) reads what is whole.
    Raises CorpusError naming the file and line of a record that is not JSON.
    """
    try:
        size = whole_length(path, start) if skip_torn_tail else None
        with path.open("rb") as handle:
            handle.seek(start)
            chunks = _chunks(handle, size)
            for number, line in enumerate(_lines(_members(chunks) if path.suffix == ".gz" else chunks), 1):
                if line.strip():
                    yield _record(path, start, number, line)
    except (OSError, UnicodeDecodeError, zlib.error, _TornMemberError) as error:
        raise CorpusError(str(path), f"cannot read: {error}") from None


def repair_torn_tail(path: Path, start: int = 0) -> bool:
    """Cut what a crash left half-written at the end of a file; True when something was cut.

    Only the part from ``start`` (where a whole record begins, e.g. the end of what an index
    covers) is read. The file is opened for writing only when there is something to cut, so a
    read-only corpus with whole files can still be read.
    """
    try:
        size = path.stat().st_size
        whole = whole_length(path, start)
        if start + whole == size:
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


def whole_length(path: Path, start: int = 0) -> int:
    """How many bytes of a corpus file from ``start`` are whole records (a torn one may follow)."""
    with path.open("rb") as handle:
        if path.suffix == ".gz":
            handle.seek(start)
            return _whole_members_length(_chunks(handle))
        return _through_last_newline(handle, start)


def _chunks(handle: BinaryIO, size: int | None = None) -> Iterator[bytes]:
    """The file from where ``handle`` stands, ``size`` bytes of it (None: to its end), a chunk at a time."""
    left = -1 if size is None else size
    while left and (chunk := handle.read(_CHUNK if left < 0 else min(_CHUNK, left))):
        left -= len(chunk) if left > 0 else 0
        yield chunk


def _through_last_newline(handle: BinaryIO, start: int) -> int:
    """Bytes from ``start`` through the file's last newline, read backwards a chunk at a time."""
    end = handle.seek(0, os.SEEK_END)
    while end > start:
        begin = max(start, end - _CHUNK)
        handle.seek(begin)
        newline = handle.read(end - begin).rfind(b"\n")
        if newline >= 0:
            return begin + newline + 1 - start
        end = begin
    return 0


class _TornMemberError(Exception):
    """A gzip member that the file ends inside of."""

    def __str__(self) -> str:
        return "the file ends inside a gzip member (a torn last record)"


def _members(compressed: Iterable[bytes]) -> Iterator[bytes]:
    """The decompressed bytes of consecutive gzip members, a chunk at a time.

    Raises _TornMemberError when the bytes end inside a member.
    """
    member = zlib.decompressobj(wbits=31)
    inside = False
    for chunk in compressed:
        while chunk:
            yield member.decompress(chunk)
            inside = not member.eof
            if inside:
                break
            chunk = member.unused_data
            member = zlib.decompressobj(wbits=31)
    if inside:
        raise _TornMemberError


def _whole_members_length(compressed: Iterable[bytes]) -> int:
    """How many leading bytes are complete gzip members (what they hold is read and dropped)."""
    whole = position = 0
    member = zlib.decompressobj(wbits=31)
    try:
        for chunk in compressed:
            position += len(chunk)
            while chunk:
                member.decompress(chunk)
                if not member.eof:
                    break
                # The rest of the chunk is the next member's: this one ended just before it.
                whole = position - len(member.unused_data)
                chunk = member.unused_data
                member = zlib.decompressobj(wbits=31)
    except zlib.error:
        pass  # damaged from here on: what came before is whole
    return whole


def _lines(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a stream of chunks, without their newline (the last may have none)."""
    rest = b""
    for chunk in chunks:
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        yield from lines
    if rest:
        yield rest


def _record(path: Path, start: int, number: int, line: bytes) -> Record:
    try:
        record: Record = json.loads(line.decode("utf-8"))
    except json.JSONDecodeError as error:
        raise CorpusError(
            f"{path}, line {number + _lines_before(path, start)}",
            f"not a JSON record ({error.msg}); move the file aside or remove the line",
        ) from None
    return record


def _lines_before(path: Path, start: int) -> int:
    """How many lines the file holds before byte ``start`` (for an error message only)."""
    if not start:
        return 0
    with path.open("rb") as handle:
        head = _chunks(handle, start)
        return sum(chunk.count(b"\n") for chunk in (_members(head) if path.suffix == ".gz" else head))
