"""Reading an archive back: its response records, chosen by their headers before their bodies are read.

:func:`read_responses` walks one WARC file (gzip-member or plain, ours or anyone's: Heritrix,
wget, Common Crawl), from a path or streamed from an http(s) URL (crawler/archive/remote.py),
and yields the HTTP responses a ``wanted`` test keeps, given their head (target URI, date,
status, headers) first, so that the bodies of the rest are never kept in memory. A ``target``
test sees each response's URI and date before even its HTTP headers are parsed: a reader that
wants a few sites out of a foreign archive (``crawler ingest``) rejects most records there.
:class:`Responses` does the same and counts what it read. :func:`read_response` reads the one
response at a byte offset, as a corpus record's ``metadata.source`` names it.

FastWARC parses the records. Each body's length is checked as it is read, and its payload
digest in a plain ``.warc`` file (in a ``.warc.gz`` file the gzip member's own checksum covers
the record, and FastWARC checks it); a record that fails (a torn last record a kill left, a
damaged disk) is skipped with a warning naming the file and offset, as is whatever follows an
unreadable part.
"""

from __future__ import annotations

import logging
import os
import zlib
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from crawler.archive.content import ContentError, cut_short, decode_content
from crawler.archive.remote import RemoteFile, is_url
from crawler.errors import ArchiveError

__all__ = [
    "ArchivedResponse",
    "ResponseHead",
    "Responses",
    "archive_files",
    "is_warc_file",
    "read_heads",
    "read_response",
    "read_responses",
]

logger = logging.getLogger(__name__)

#: A WARC file: a local path, or an http(s) URL (a ``str``) to stream it from.
Source = Path | str
#: What a reader does with a warning (a torn record, an unreadable part): log it, by default.
Warn = Callable[[str], None]
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class ResponseHead:
    """A response record before its body is read: enough to decide whether to read it, and where it is."""

    url: str
    date: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    record_id: str
    ip_address: str | None
    #: The WARC file as the reader was given it: a path, or an http(s) URL.
    file: str
    offset: int
    #: Why the archiving crawler kept only part of the body (``WARC-Truncated``: ``length``...), or None.
    truncated: str | None

    def header(self, name: str) -> str | None:
        """The first value of an HTTP header, by name in any case."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")

    @property
    def is_html(self) -> bool:
        """Whether the body is an HTML page (a response that does not say is taken for one)."""
        return (self.content_type or "text/html").lower().startswith(_HTML_TYPES)


@dataclass(frozen=True)
class ArchivedResponse(ResponseHead):
    """A response record read whole: ``body`` as the server sent it."""

    body: bytes

    def decoded_body(self, max_size: int) -> bytes:
        """The body with its ``Content-Encoding`` undone, as the crawl's parser received it."""
        try:
            return decode_content(self.body, self.header("Content-Encoding"), max_size)
        except ContentError as error:
            raise ArchiveError(f"{self.file}, offset {self.offset}", f"{self.url}: {error}") from None

    def cut_short(self, decoded: bytes) -> str | None:
        """What says the body did not arrive whole, given what it decoded to: the archive's
        ``WARC-Truncated`` (Common Crawl keeps the first MiB), or the transfer (see ``cut_short``)."""
        if self.truncated:
            return f"the archive holds only part of the body (WARC-Truncated: {self.truncated})"
        return cut_short(
            self.body, self.header("Content-Length"), self.header("Content-Encoding"), len(decoded)
        )


def archive_files(root: Path) -> list[Path]:
    """The WARC files under a folder (or the file itself), sorted by folder, then name."""
    if root.is_file():
        return [root]
    return sorted([*root.rglob("*.warc.gz"), *root.rglob("*.warc")])


def is_warc_file(path: Path) -> bool:
    """Whether a file starts with a WARC record, plain or in a gzip member (its name aside)."""
    try:
        with path.open("rb") as handle:
            start = handle.read(4096)
        if start.startswith(b"\x1f\x8b"):
            start = zlib.decompressobj(wbits=31).decompress(start, 16)
    except (OSError, zlib.error):
        return False
    return start.startswith(b"WARC/")


def read_heads(path: Path) -> Iterator[ResponseHead]:
    """The heads of a WARC file's HTTP responses, in file order; no body is kept."""
    return Responses(path).heads()


def read_responses(
    path: Path, wanted: Callable[[ResponseHead], bool] | None = None
) -> Iterator[ArchivedResponse]:
    """The HTTP responses of a WARC file, in file order, that ``wanted`` keeps (default: all)."""
    return iter(Responses(path, wanted))


def read_response(path: Path, offset: int) -> ArchivedResponse:
    """The response record at a byte offset (a record's ``metadata.source``)."""
    where = f"{path}, offset {offset}"
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ArchiveError(where, f"cannot read: {error.strerror}") from None
    with handle:
        handle.seek(offset)
        try:
            record = next(iter(ArchiveIterator(handle, parse_http=True)), None)
            response = None
            if record is not None and record.stream_pos == offset:  # FastWARC skips to the next record
                head = _head(record, str(path))
                response = _whole(record, head, logger.warning) if head is not None else None
        except OSError as error:  # FastWARC's word for bytes that are no WARC record
            raise ArchiveError(where, f"no readable WARC record here: {error}") from None
    if response is None:
        raise ArchiveError(where, "no whole HTTP response record here")
    return response


class Responses:
    """The HTTP responses of one WARC file (a path or an http(s) URL) that the tests keep, in file
    order, and what reading them met.

    ``target(url, date)`` sees each response record's ``WARC-Target-URI`` and ``WARC-Date``
    before its HTTP headers are parsed; ``wanted(head)`` sees the head of those it keeps; only
    the bodies of the responses both keep are read. While and after iterating, ``records``
    counts the WARC records read (of every type), ``position`` is how many bytes of the file
    were read, and ``damage`` says what stopped the reading before the end of the file, if
    anything did; every warning also goes to ``warn`` (the log, by default).
    """

    def __init__(
        self,
        source: Source,
        wanted: Callable[[ResponseHead], bool] | None = None,
        target: Callable[[str, datetime], bool] | None = None,
        warn: Warn | None = None,
    ) -> None:
        self.source = source
        self.name = str(source)
        self.wanted = wanted
        self.target = target
        self.warn: Warn = warn or logger.warning
        self.records = 0
        self.position = 0
        self.damage: str | None = None
        self._remote: RemoteFile | None = None

    def __iter__(self) -> Generator[ArchivedResponse, None, None]:
        for record, head in self._records():
            if self.wanted is None or self.wanted(head):
                response = _whole(record, head, self.warn)
                if response is not None:
                    yield response

    def heads(self) -> Iterator[ResponseHead]:
        """The heads of the responses ``target`` keeps; no body is read."""
        for _, head in self._records():
            yield head

    def _records(self) -> Iterator[tuple[WarcRecord, ResponseHead]]:
        """Each HTTP response record the target test keeps, with its head; its body is read only if asked."""
        stream = self._open()
        try:
            for record in stream:
                self.records += 1
                self.position = record.stream_pos
                if record.record_type != WarcRecordType.response:
                    continue
                if self.target is not None and not self.target(
                    record.headers.get("WARC-Target-URI") or "", record.record_date
                ):
                    continue
                try:
                    record.parse_http()
                except OSError as error:  # this record's HTTP headers only: the next record is whole
                    self.warn(f"{self.name}: bad HTTP headers at offset {self.position}, skipped: {error}")
                    continue
                head = _head(record, self.name)
                if head is not None:
                    yield record, head
            self.position = self._size()
        except OSError as error:  # FastWARC's word for a part that is not WARC
            self.damage = f"{self.name}: unreadable after offset {self.position}, the rest skipped: {error}"
            self.warn(self.damage)
        finally:
            if self._remote is not None:
                self._remote.close()

    def _open(self) -> ArchiveIterator:
        """FastWARC's iterator over the file: read by FastWARC itself from a path (faster than
        through a Python file), or from a :class:`RemoteFile` for a URL."""
        if isinstance(self.source, str) and is_url(self.source):
            self._remote = RemoteFile(self.source)
            return ArchiveIterator(self._remote, parse_http=False)
        path = Path(self.source)
        if not path.is_file():
            reason = "no such file" if not path.exists() else "not a file"
            raise ArchiveError(self.name, f"cannot read: {reason}")
        try:
            return ArchiveIterator(str(path), parse_http=False, fsspec_args=False)
        except OSError as error:
            raise ArchiveError(self.name, f"cannot read: {error.strerror or error}") from None

    def _size(self) -> int:
        return self._remote.tell() if self._remote is not None else os.stat(self.source).st_size


def _head(record: WarcRecord, file: str) -> ResponseHead | None:
    """The head of a response record with HTTP headers; None for any other record."""
    if record.record_type != WarcRecordType.response or not record.is_http:
        return None
    status = record.http_headers.status_code
    if status is None:
        return None
    return ResponseHead(
        url=record.headers.get("WARC-Target-URI") or "",
        date=record.record_date,
        status=status,
        headers=tuple(
            (name.decode("latin-1"), value.decode("latin-1"))
            for name, value in record.http_headers.items_bytes()
        ),
        record_id=record.record_id or "",
        ip_address=record.headers.get("WARC-IP-Address"),
        file=file,
        offset=record.stream_pos,
        truncated=record.headers.get("WARC-Truncated"),
    )


def _whole(record: WarcRecord, head: ResponseHead, warn: Warn) -> ArchivedResponse | None:
    """The record with its body, or None (with a warning) when it is cut short or its digest fails."""
    expected = record.content_length  # of the payload, once the HTTP headers are read
    digested = "WARC-Payload-Digest" in record.headers and not head.file.endswith(".gz")
    digest_fails = digested and not record.verify_payload_digest(False)
    body = record.reader.read()
    if len(body) < expected:
        warn(f"{head.file}: torn record at offset {head.offset} ({head.url}), skipped")
        return None
    if digest_fails:
        warn(f"{head.file}: damaged record at offset {head.offset} ({head.url}), skipped: payload digest")
        return None
    fields = {name: getattr(head, name) for name in ResponseHead.__dataclass_fields__}
    return ArchivedResponse(**fields, body=body)
