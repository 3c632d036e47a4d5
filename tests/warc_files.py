"""WARC files for the ingest tests: our fixture pages among other records, as Common Crawl writes them.

Common Crawl stores each page's payload decoded (its ``Content-Encoding`` renamed
``X-Crawler-Content-Encoding``), one gzip member per record, with request and metadata records
beside the responses and revisit records for pages seen before. The files here are made the
same way from the fixtures, with the records of other sites, non-HTML records, errors,
revisits, one page still gzip-encoded (as our own archive and Heritrix keep them), and, where a
test asks, damage.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from fastwarc.stream_io import GzipWriter
from fastwarc.warc import WarcRecord, WarcRecordType

from crawler.archive.writer import Exchange, exchange_records, warc_date, warcinfo_record
from crawler.record import Record
from crawler.sites.fixtures import discover
from crawler.store.jsonl import corpus_files, records_after
from tests.conftest import FIXTURES
from tests.loopback import serving
from tests.test_generic import URL as GENERIC_URL
from tests.test_generic import graph_page


@dataclass(frozen=True)
class Capture:
    """One page as a crawler fetched it."""

    url: str
    body: bytes
    date: datetime
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


def fixture_captures(site: str | None = None) -> list[Capture]:
    """Every fixture page (of one site), captured when its fixture says it was fetched."""
    captures = []
    for case in discover(FIXTURES, site):
        meta = case.meta()
        headers = {name.lower(): value for name, value in meta.get("headers", {}).items()}
        captures.append(
            Capture(
                meta["url"],
                (case.path / "page.html").read_bytes(),
                datetime.fromisoformat(meta["fetchedAt"]),
                content_type=headers.get("content-type", "text/html"),
            )
        )
    return captures


def expected_records(site: str | None = None) -> list[Record]:
    """The records the fixture pages must give."""
    return [case.expected() for case in discover(FIXTURES, site)]


def generic_capture(when: datetime) -> Capture:
    """An article page of a site with no module (tests/test_generic.py's)."""
    return Capture(GENERIC_URL, graph_page().encode("utf-8"), when)


def others(when: datetime) -> list[bytes]:
    """Records no run keeps: other sites, non-HTML, errors, a section front, and the record types
    that are not responses. One other site's response has HTTP headers no parser could read:
    a reader that looks at them before its site is told apart would warn of it."""
    moment = iter(when + timedelta(seconds=second) for second in range(100))
    html = b"<html><body><p>Elsewhere.</p></body></html>"
    members = [warcinfo_record("test.warc.gz", {"software": "tests/warc_files.py"})]
    for number in range(5):
        members += _exchange(Capture(f"https://www.othernews.example/story-{number}", html, next(moment)))
    photo = "https://www.ctvnews.ca/world/photo-of-the-day-1.6444444"  # an article's URL, an image's body
    members += _exchange(Capture(photo, b"\xff\xd8\xff\xe0 jpeg", next(moment), content_type="image/jpeg"))
    script = "https://www.ctvnews.ca/content/dam/ctvnews/script.js"
    members += _exchange(Capture(script, b"var a;", next(moment), content_type="application/javascript"))
    members += _exchange(Capture("https://www.cbc.ca/news/world/gone-1.7000001", html, next(moment), 404))
    members += _exchange(Capture("https://www.cbc.ca/news/world", html, next(moment)))  # a section front
    broken = b"NOT HTTP AT ALL\r\n\r\n"
    members.append(_raw_response("https://www.othernews.example/broken", next(moment), broken))
    members.append(_revisit("https://www.ctvnews.ca/politics/revisited-1.6000000", next(moment)))
    members.append(_metadata("https://www.othernews.example/story-0", next(moment)))
    return members


def responses(captures: list[Capture]) -> list[bytes]:
    """Each capture's response and request records, gzip members."""
    return [member for capture in captures for member in _exchange(capture)]


def gzip_encoded(capture: Capture) -> list[bytes]:
    """The capture's response with its body still gzip-encoded, as our own archive keeps it."""
    headers = ((b"Content-Type", capture.content_type.encode()), (b"Content-Encoding", b"gzip"))
    exchange = Exchange(
        capture.url, capture.date, capture.status, headers, gzip.compress(capture.body, mtime=0)
    )
    response, request, _ = exchange_records(exchange)
    return [response, request]


def cut_by_the_archive(capture: Capture, keep: int) -> bytes:
    """The capture as Common Crawl stores a page over its size limit: the first ``keep`` bytes of the
    body, and ``WARC-Truncated: length``."""
    head = f"HTTP/1.1 {capture.status} OK\r\nContent-Type: {capture.content_type}\r\n\r\n".encode()
    block = head + capture.body[:keep]
    headers = {"WARC-Truncated": "length"}
    return _member(
        WarcRecordType.response,
        capture.url,
        capture.date,
        block,
        "application/http; msgtype=response",
        headers,
    )


def write_warc(path: Path, members: list[bytes], compress: bool = True) -> Path:
    """A WARC file of the records: gzip members, or plain (each member inflated)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(members if compress else [gzip.decompress(member) for member in members]))
    return path


def stored(corpus: Path) -> list[Record]:
    """The records of a corpus folder (its own files, not its workers' folders)."""
    return [record for path in corpus_files(corpus) for record in records_after(path, 0)]


def as_read(records: list[Record]) -> list[str]:
    """Records as canonical JSON, sorted, without what says where and in which order they were read."""
    return sorted(
        json.dumps(
            {k: v for k, v in record.items() if k != "revision"}
            | {"metadata": {k: v for k, v in record["metadata"].items() if k != "source"}},
            sort_keys=True,
        )
        for record in records
    )


def corpus_text(corpus: Path) -> dict[str, bytes]:
    """Each corpus file of a folder, byte for byte."""
    return {str(path.relative_to(corpus)): path.read_bytes() for path in corpus_files(corpus)}


@dataclass
class Tree:
    """Files a loopback server answers by path; ``cut`` sends only so many bytes of a file, once."""

    root: Path
    cut: dict[str, int] = field(default_factory=dict)
    port: int = 0
    #: (path, Range header or "") of every request.
    requests: list[tuple[str, str]] = field(default_factory=list)

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path}"


@contextmanager
def serve_tree(tree: Tree) -> Iterator[Tree]:
    """Serve ``tree.root`` on a free loopback port, with ``Range: bytes=N-`` as S3 answers it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path.lstrip("/")
            asked = self.headers.get("Range", "")
            tree.requests.append((path, asked))
            file = tree.root / path
            if not file.is_file():
                self.send_error(404)
                return
            data = file.read_bytes()
            start = int(asked.removeprefix("bytes=").rstrip("-")) if asked else 0
            self.send_response(206 if asked else 200)
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            stop = tree.cut.pop(path, len(data))
            self.wfile.write(data[start:stop])
            if stop < len(data):
                self.close_connection = True

        def log_message(self, *_: object) -> None:
            pass

    with serving(Handler) as port:
        tree.port = port
        yield tree


def _exchange(capture: Capture) -> list[bytes]:
    """The capture as Common Crawl stores it: the payload decoded, the coding renamed."""
    headers = [(b"Content-Type", capture.content_type.encode()), (b"X-Crawler-Content-Encoding", b"gzip")]
    headers += [(name.encode(), value.encode()) for name, value in capture.headers]
    exchange = Exchange(capture.url, capture.date, capture.status, headers, capture.body)
    response, request, _ = exchange_records(exchange)
    return [response, request]


def _raw_response(url: str, when: datetime, block: bytes) -> bytes:
    return _member(WarcRecordType.response, url, when, block, "application/http; msgtype=response")


def _revisit(url: str, when: datetime) -> bytes:
    block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    member = _member(WarcRecordType.revisit, url, when, block, "application/http; msgtype=response")
    return member


def _metadata(url: str, when: datetime) -> bytes:
    return _member(WarcRecordType.metadata, url, when, b"fetchTimeMs: 120\r\n", "application/warc-fields")


def _member(
    kind: WarcRecordType,
    url: str,
    when: datetime,
    block: bytes,
    content_type: str,
    headers: dict[str, str] | None = None,
) -> bytes:
    record = WarcRecord()
    record.init_headers(kind, content_length=len(block))
    record.headers["WARC-Date"] = warc_date(when)
    record.headers["WARC-Target-URI"] = url
    record.headers["Content-Type"] = content_type
    for name, value in (headers or {}).items():
        record.headers[name] = value
    record.set_bytes_content(block)
    buffer = io.BytesIO()
    writer = GzipWriter(buffer)
    record.write(writer)
    writer.finish()
    return buffer.getvalue()
