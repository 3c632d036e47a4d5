"""Reading an archive back: its response records, chosen by their headers before their bodies are read.

:func:`read_responses` walks one WARC file (gzip-member or plain, ours or anyone's: Heritrix,
wget, Common Crawl) and yields the HTTP responses a ``wanted`` test keeps, given their head
(target URI, date, status, headers) first, so that the bodies of the rest are never kept in
memory. :func:`read_response` reads the one response at a byte offset, as a corpus record's
``metadata.source`` names it. FastWARC parses the records. Each body's length is checked as it
is read, and its payload digest in a plain ``.warc`` file (in a ``.warc.gz`` file the gzip
member's own checksum covers the record, and FastWARC checks it); a record that fails (a torn
last record a kill left, a damaged disk) is skipped with a warning naming the file and offset,
as is whatever follows an unreadable part.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from crawler.archive.content import ContentError, decode_content
from crawler.errors import ArchiveError

__all__ = [
    "ArchivedResponse",
    "ResponseHead",
    "archive_files",
    "read_heads",
    "read_response",
    "read_responses",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResponseHead:
    """A response record before its body is read: enough to decide whether to read it, and where it is."""

    url: str
    date: datetime
    status: int
    headers: tuple[tuple[str, str], ...]
    record_id: str
    ip_address: str | None
    file: Path
    offset: int

    def header(self, name: str) -> str | None:
        """The first value of an HTTP header, by name in any case."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")


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


def archive_files(root: Path) -> list[Path]:
    """The WARC files under a folder (or the file itself), sorted by folder, then name."""
    if root.is_file():
        return [root]
    return sorted([*root.rglob("*.warc.gz"), *root.rglob("*.warc")])


def read_heads(path: Path) -> Iterator[ResponseHead]:
    """The heads of a WARC file's HTTP responses, in file order; no body is kept."""
    for _, head in _responses(path):
        yield head


def read_responses(
    path: Path, wanted: Callable[[ResponseHead], bool] | None = None
) -> Iterator[ArchivedResponse]:
    """The HTTP responses of a WARC file, in file order, that ``wanted`` keeps (default: all)."""
    for record, head in _responses(path):
        if wanted is None or wanted(head):
            response = _whole(record, head)
            if response is not None:
                yield response


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
                head = _head(record, path)
                response = _whole(record, head) if head is not None else None
        except OSError as error:  # FastWARC's word for bytes that are no WARC record
            raise ArchiveError(where, f"no readable WARC record here: {error}") from None
    if response is None:
        raise ArchiveError(where, "no whole HTTP response record here")
    return response


def _responses(path: Path) -> Iterator[tuple[WarcRecord, ResponseHead]]:
    """Each HTTP response record of a file with its head; a record's body is read only if asked."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ArchiveError(str(path), f"cannot read: {error.strerror}") from None
    with handle:
        offset = 0
        try:
            for record in ArchiveIterator(handle, record_types=WarcRecordType.response, parse_http=True):
                offset = record.stream_pos
                head = _head(record, path)
                if head is not None:
                    yield record, head
        except OSError as error:  # FastWARC's word for a part that is not WARC
            logger.warning("%s: unreadable after offset %d, skipped: %s", path, offset, error)


def _head(record: WarcRecord, path: Path) -> ResponseHead | None:
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
        file=path,
        offset=record.stream_pos,
    )


def _whole(record: WarcRecord, head: ResponseHead) -> ArchivedResponse | None:
    """The record with its body, or None (with a warning) when it is cut short or its digest fails."""
    expected = record.content_length  # of the payload, once the HTTP headers are read
    digested = "WARC-Payload-Digest" in record.headers and not head.file.name.endswith(".gz")
    digest_fails = digested and not record.verify_payload_digest(False)
    body = record.reader.read()
    if len(body) < expected:
        logger.warning("%s: torn record at offset %d (%s), skipped", head.file, head.offset, head.url)
        return None
    if digest_fails:
        logger.warning(
            "%s: damaged record at offset %d (%s), skipped: payload digest", head.file, head.offset, head.url
        )
        return None
    fields = {name: getattr(head, name) for name in ResponseHead.__dataclass_fields__}
    return ArchivedResponse(**fields, body=body)
