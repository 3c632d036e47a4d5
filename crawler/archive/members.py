"""Gzip members: how much of a ``.warc.gz`` file is whole records, and cutting off the rest.

Each record is a gzip member of its own, so a file is whole when it is a run of complete
members. A process killed in the middle of an append can leave the last member cut short;
the writer that owns the file cuts it off when it next starts. The file is read once, in
chunks, with the inflated output thrown away as it comes, so memory stays small however large
the file or its records.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from crawler.errors import ArchiveError

__all__ = ["cut_torn_tail", "whole_length"]

_CHUNK = 1 << 20
#: zlib's window bits for a gzip header and trailer.
_GZIP = 31


def whole_length(path: Path) -> int:
    """How many leading bytes of the file are complete gzip members."""
    whole = read = 0
    member = zlib.decompressobj(wbits=_GZIP)
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            data = chunk
            while data:
                try:
                    member.decompress(data, _CHUNK)  # bounded: the output is not kept
                except zlib.error:
                    return whole
                if member.eof:
                    read += len(data) - len(member.unused_data)
                    whole, data = read, member.unused_data
                    member = zlib.decompressobj(wbits=_GZIP)
                else:
                    read += len(data) - len(member.unconsumed_tail)
                    data = member.unconsumed_tail
    return whole


def cut_torn_tail(path: Path) -> bool:
    """Cut a torn last record off the file; True when something was cut."""
    try:
        whole = whole_length(path)
        if whole == path.stat().st_size:
            return False
        with path.open("rb+") as handle:
            handle.truncate(whole)
    except OSError as error:
        raise ArchiveError(str(path), f"has a torn last record, cannot cut it: {error.strerror}") from None
    return True
