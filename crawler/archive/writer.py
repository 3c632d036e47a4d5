"""Writing WARC files: each exchange as a response record and a request record, one gzip member each.

A crawl's archive is ``<root>/<site>/<YYYY-MM-DD>-<worker>-<n>.warc.gz``. Each file is written
by one process only (its worker's name is in the file name: distributed workers write their
own), starts with a ``warcinfo`` record saying which crawler wrote it and how, and is closed
for the next once it reaches ``max_size`` bytes or the UTC day changes. A process opens new
files when it starts; before that it cuts the torn last record a kill may have left at the
end of its own newest file of the site.

FastWARC writes the records (WARC 1.1 headers); this module gives it the HTTP messages as
bytes, ``WARC-Concurrent-To`` linking a request to its response, and the block and payload
digests (hashlib's SHA-1: FastWARC's own took twice the time), and puts each record in a gzip
member of its own (crawler/archive/_gzip.py), so that any record can be read from its offset
alone. An exchange's two members are appended with one ``write``: a file holds whole records,
or, when the disk fills mid-write, is cut back to where they began. Nothing is durable until
:meth:`ArchiveWriter.sync`; a caller that points at a record from elsewhere (the corpus)
syncs first.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from io import BytesIO
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastwarc.warc import WarcRecord, WarcRecordType

from crawler.archive._gzip import gzip_member
from crawler.archive.members import cut_torn_tail
from crawler.errors import ArchiveError

__all__ = ["DEFAULT_MAX_SIZE", "SUFFIX", "ArchiveWriter", "Exchange", "Location", "warc_date"]

#: Files are closed for the next one at this size (1 GB, as Heritrix and Common Crawl do).
DEFAULT_MAX_SIZE = 1 << 30
SUFFIX = ".warc.gz"
#: Headers of the transfer, not of the message: Twisted has already undone the chunking.
_HOP_BY_HOP = frozenset({b"transfer-encoding"})
_HTTP_RESPONSE = "application/http; msgtype=response"
_HTTP_REQUEST = "application/http; msgtype=request"


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange as the crawl made it: the request sent, and the response as received.

    ``body`` is the response body exactly as it came, before any ``Content-Encoding`` is undone;
    headers are (name, value) pairs in the order given, repeated names repeated.
    """

    url: str
    date: datetime
    status: int
    response_headers: Sequence[tuple[bytes, bytes]]
    body: bytes
    method: str = "GET"
    request_headers: Sequence[tuple[bytes, bytes]] = ()
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    ip_address: str | None = None


@dataclass(frozen=True)
class Location:
    """Where an archived response is: its file (as the archive names it), byte offset and record id."""

    file: str
    offset: int
    record_id: str

    def source(self) -> dict[str, Any]:
        """The record's ``metadata.source``: the page it was parsed from."""
        return {"warcFile": self.file, "warcOffset": self.offset, "warcRecordId": self.record_id}


@dataclass
class _OpenFile:
    """One WARC file being appended to, by this process only."""

    path: Path
    name: str
    day: str
    descriptor: int
    size: int
    unsynced: bool = False


@dataclass
class ArchiveWriter:
    """Appends exchanges to WARC files under ``root``, per site folder, for one worker.

    ``info`` goes in each file's ``warcinfo`` record (crawler's version and settings). One
    thread of one process writes (crawler/archive/serve.py runs it in a process of its own);
    files are opened at the first write, so a writer not yet used can be sent to that process.
    """

    root: Path
    worker: str
    info: Mapping[str, str]
    max_size: int = DEFAULT_MAX_SIZE
    #: One file to append everything to, whatever the folder (``crawler fetch URL --warc FILE``);
    #: its locations name it as given.
    single: Path | None = None
    _files: dict[str, _OpenFile] = field(default_factory=dict)

    def write(self, folder: str, exchange: Exchange) -> Location:
        """Append the exchange's response and request records; where the response record is."""
        response, request, record_id = exchange_records(exchange)
        day = warc_day(exchange.date)
        opened = self._single_file(day) if self.single is not None else self._file_for(folder, day)
        offset = self._append(opened, response + request)
        return Location(opened.name, offset, record_id)

    def sync(self) -> None:
        """Make everything written so far durable on disk."""
        for opened in self._files.values():
            if opened.unsynced:
                try:
                    os.fsync(opened.descriptor)
                except OSError as error:
                    raise ArchiveError(str(opened.path), f"cannot write: {error.strerror}") from None
                opened.unsynced = False

    def close(self) -> None:
        """Sync and close every file."""
        try:
            self.sync()
        finally:
            for opened in self._files.values():
                os.close(opened.descriptor)
            self._files.clear()

    def _single_file(self, day: str) -> _OpenFile:
        if "" not in self._files and self.single is not None:
            if self.single.is_file():
                cut_torn_tail(self.single)  # a file given by hand is repaired as any file of ours is
            self._files[""] = self._open(self.single, str(self.single), day)
        return self._files[""]

    def _file_for(self, folder: str, day: str) -> _OpenFile:
        opened = self._files.get(folder)
        if opened is not None and opened.size < self.max_size and opened.day == day:
            return opened
        directory = self.root / folder
        if opened is None:
            newest = own_files(directory, self.worker)
            if newest:
                cut_torn_tail(newest[-1])  # a kill may have cut our last run's last record short
        else:
            self._close_file(folder, opened)
        name = f"{day}-{self.worker}-{next_number(directory, day, self.worker):05d}{SUFFIX}"
        opened = self._open(directory / name, f"{folder}/{name}", day)
        self._files[folder] = opened
        return opened

    def _open(self, path: Path, name: str, day: str) -> _OpenFile:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except OSError as error:
            raise ArchiveError(str(path), f"cannot write: {error.strerror}") from None
        opened = _OpenFile(path, name, day, descriptor, os.fstat(descriptor).st_size)
        if opened.size == 0:
            self._append(opened, warcinfo_record(path.name, self.info))
        return opened

    def _close_file(self, folder: str, opened: _OpenFile) -> None:
        if opened.unsynced:
            try:
                os.fsync(opened.descriptor)
            except OSError as error:
                raise ArchiveError(str(opened.path), f"cannot write: {error.strerror}") from None
        os.close(opened.descriptor)
        del self._files[folder]

    def _append(self, opened: _OpenFile, data: bytes) -> int:
        """Append whole records (cut back on failure); the offset they start at."""
        start = opened.size
        rest = memoryview(data)
        try:
            while rest:
                written = os.write(opened.descriptor, rest)
                if not written:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                rest = rest[written:]
        except OSError as error:
            os.ftruncate(opened.descriptor, start)
            raise ArchiveError(str(opened.path), f"cannot write: {error.strerror}") from None
        opened.size = start + len(data)
        opened.unsynced = True
        return start


def exchange_records(exchange: Exchange) -> tuple[bytes, bytes, str]:
    """The exchange's response and request records, a gzip member each, and the response's record id."""
    encoded = any(
        name.lower() == b"content-encoding" and value.strip().lower() not in {b"", b"identity"}
        for name, value in exchange.response_headers
    )
    date = warc_date(exchange.date)
    response = _record(WarcRecordType.response, date, _HTTP_RESPONSE)
    response.headers["WARC-Target-URI"] = exchange.url
    if exchange.ip_address:
        response.headers["WARC-IP-Address"] = exchange.ip_address
    request = _record(WarcRecordType.request, date, _HTTP_REQUEST)
    request.headers["WARC-Target-URI"] = exchange.url
    record_id = response.record_id or ""
    request.headers["WARC-Concurrent-To"] = record_id
    return (
        _member(response, _response_head(exchange), exchange.body, compress=not encoded),
        _member(request, _request_head(exchange), exchange.request_body),
        record_id,
    )


def warcinfo_record(filename: str, info: Mapping[str, str]) -> bytes:
    """The ``warcinfo`` record that opens a file, as a gzip member."""
    fields = "".join(f"{name}: {value}\r\n" for name, value in info.items() if value).encode("utf-8")
    record = _record(WarcRecordType.warcinfo, warc_date(datetime.now(UTC)), "application/warc-fields")
    record.headers["WARC-Filename"] = filename
    return _member(record, fields)


def warc_date(moment: datetime) -> str:
    """A ``WARC-Date``: UTC, to the microsecond (WARC 1.1)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def warc_day(moment: datetime) -> str:
    """The UTC day a file is named after."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def own_files(directory: Path, worker: str) -> list[Path]:
    """A worker's files in a site folder, oldest first (by day, then number)."""
    pattern = re.compile(rf"^\d{{4}}-\d{{2}}-\d{{2}}-{re.escape(worker)}-\d+{re.escape(SUFFIX)}$")
    return sorted(path for path in directory.glob(f"*{SUFFIX}") if pattern.match(path.name))


def next_number(directory: Path, day: str, worker: str) -> int:
    """The number of a worker's next file of the day: one past its highest."""
    prefix = f"{day}-{worker}-"
    numbers = [
        int(path.name[len(prefix) : -len(SUFFIX)])
        for path in own_files(directory, worker)
        if path.name.startswith(prefix)
    ]
    return max(numbers, default=-1) + 1


def _record(kind: WarcRecordType, date: str, content_type: str) -> WarcRecord:
    record = WarcRecord()
    record.init_headers(kind)
    record.headers["WARC-Date"] = date
    record.headers["Content-Type"] = content_type
    return record


def _member(record: WarcRecord, head: bytes, payload: bytes | None = None, compress: bool = True) -> bytes:
    """One record, with its digests, as a gzip member of its own. Its block is ``head``, then, for an
    HTTP message, its ``payload`` (which has a digest of its own). The member is compressed, or
    stored as it is for a body that came compressed (``Content-Encoding``, as most servers send
    pages), which compressing again would not shrink."""
    block = head + payload if payload is not None else head
    if payload is not None:
        record.headers["WARC-Payload-Digest"] = _sha1(payload)
    record.headers["WARC-Block-Digest"] = _sha1(block)
    record.set_bytes_content(block)
    buffer = BytesIO()
    record.write(buffer)
    return gzip_member(buffer.getbuffer(), compress)


def _sha1(data: bytes) -> str:
    """A WARC digest: the algorithm, and the SHA-1 in base 32."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _response_head(exchange: Exchange) -> bytes:
    """The status line and headers as received (the reason phrase is the standard one: Scrapy drops
    the server's), without hop-by-hop headers."""
    return _head(f"{exchange.protocol} {_status_line(exchange.status)}", exchange.response_headers)


def _request_head(exchange: Exchange) -> bytes:
    """The request line and headers as sent, with the ``Host`` the HTTP client adds itself."""
    headers = list(exchange.request_headers)
    if not any(name.lower() == b"host" for name, _ in headers):
        headers.insert(0, (b"Host", urlsplit(exchange.url).netloc.encode("latin-1")))
    return _head(f"{exchange.method} {_request_target(exchange.url)} {exchange.protocol}", headers)


def _head(first_line: str, headers: Sequence[tuple[bytes, bytes]]) -> bytes:
    lines = [first_line.encode("latin-1")]
    lines += [name + b": " + value for name, value in headers if name.lower() not in _HOP_BY_HOP]
    return b"\r\n".join(lines) + b"\r\n\r\n"


def _status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
