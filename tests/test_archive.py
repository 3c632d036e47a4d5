"""The WARC archive on its own: files written by crawler/archive/ and read by warcio's own tools.

Exchanges are built here from fixture pages; tests/test_archive_crawl.py archives real crawls.
"""

from __future__ import annotations

import gzip
import io
import json
import logging
import resource
import signal
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import brotli
import pytest
from backports import zstd
from hypothesis import given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.archive import (
    ArchiveWriter,
    Exchange,
    Location,
    _gzip,
    decode_content,
    read_heads,
    read_response,
    read_responses,
)
from crawler.archive.content import ContentError
from crawler.archive.members import cut_torn_tail, whole_length
from crawler.archive.writer import exchange_records
from crawler.errors import ArchiveError
from tests.archive_site import checked_files, warcio
from tests.conftest import FIXTURES

PAGE = (FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "page.html").read_bytes()
WHEN = datetime(2024, 5, 1, 12, 30, 15, 250_000, tzinfo=UTC)
INFO = {"software": "crawler/test"}


def _exchange(number: int, when: datetime = WHEN, body: bytes = PAGE) -> Exchange:
    return Exchange(
        url=f"http://www.ctvnews.ca/world/story-{number}-1.{number}",
        date=when,
        status=200,
        response_headers=[
            (b"Content-Type", b"text/html; charset=utf-8"),
            (b"Content-Encoding", b"gzip"),
            (b"Transfer-Encoding", b"chunked"),
            (b"Set-Cookie", b"a=1"),
            (b"Set-Cookie", b"b=2"),
        ],
        body=gzip.compress(body, mtime=0),
        request_headers=[(b"User-Agent", b"crawler/test"), (b"Accept-Encoding", b"gzip, deflate, br, zstd")],
        ip_address="127.0.0.1",
    )


def _three_pages(root: Path) -> list[Location]:
    """Three pages archived by worker ``w``, in one file; where each is."""
    writer = ArchiveWriter(root, "w", INFO)
    locations = [writer.write("ctvnews", _exchange(number)) for number in range(3)]
    writer.close()
    return locations


def test_exchanges_are_read_back_whole_and_pass_warcios_own_check_and_index(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "box-1", INFO)
    locations = [writer.write("ctvnews", _exchange(number)) for number in range(3)]
    writer.close()

    (path,) = checked_files(tmp_path)
    assert path == tmp_path / "ctvnews" / "2024-05-01-box-1-00000.warc.gz"
    assert [location.file for location in locations] == ["ctvnews/2024-05-01-box-1-00000.warc.gz"] * 3
    index = [
        json.loads(line)
        for line in warcio(
            "index", "-f", "warc-type,warc-target-uri,offset,http:status", str(path)
        ).stdout.splitlines()
    ]
    assert [entry["warc-type"] for entry in index] == ["warcinfo", *["response", "request"] * 3]
    responses = [entry for entry in index if entry["warc-type"] == "response"]
    assert [int(entry["offset"]) for entry in responses] == [location.offset for location in locations]
    assert {entry["http:status"] for entry in responses} == {"200"}

    response = read_response(path, locations[1].offset)
    assert (response.url, response.status, response.record_id) == (
        _exchange(1).url,
        200,
        locations[1].record_id,
    )
    assert response.date == WHEN  # to the microsecond (WARC 1.1)
    assert response.ip_address == "127.0.0.1"
    assert response.body == gzip.compress(PAGE, mtime=0)  # as received: still gzip-encoded
    assert response.decoded_body(10 << 20) == PAGE
    assert response.header("content-encoding") == "gzip"
    assert [value for name, value in response.headers if name == "Set-Cookie"] == ["a=1", "b=2"]
    assert response.header("Transfer-Encoding") is None  # the chunking was undone before the body came


def test_a_body_that_came_uncompressed_is_compressed_in_its_member_with_digests_both_checkers_pass(
    tmp_path: Path,
) -> None:
    plain = Exchange(
        "http://www.ctvnews.ca/world/story-1-1.1", WHEN, 200, [(b"Content-Type", b"text/html")], PAGE
    )
    writer = ArchiveWriter(tmp_path, "w", INFO)
    location = writer.write("ctvnews", plain)
    writer.close()
    (path,) = checked_files(tmp_path)  # FastWARC's and warcio's checks verify every digest
    assert read_response(path, location.offset).body == PAGE
    member_sizes = [len(member) for member in exchange_records(plain)[:2]]
    assert member_sizes[0] < len(PAGE) // 3  # compressed; the request's member is small anyway


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=5000) | st.sampled_from([b"", PAGE]))
def test_isals_gzip_members_inflate_with_zlib_their_plain_twin_to_the_bytes_given(data: bytes) -> None:
    for compress in (True, False):
        member = _gzip.gzip_member(data, compress)
        inflater = zlib.decompressobj(wbits=31)
        assert inflater.decompress(member + b"next") == data and inflater.eof  # one whole member
        assert inflater.unused_data == b"next"
        if not compress:  # stored: the bytes as they are, between gzip's header and trailer
            assert member == zlib.compress(data, 0, wbits=31)


def test_the_request_record_says_what_was_sent_and_names_its_response(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "box", INFO)
    location = writer.write("ctvnews", _exchange(7))
    writer.close()
    text = gzip.decompress((tmp_path / location.file).read_bytes()).decode("latin-1")
    request = text[text.index("WARC-Type: request") :]
    assert f"WARC-Concurrent-To: {location.record_id}" in request
    assert (
        "GET /world/story-7-1.7 HTTP/1.1\r\nHost: www.ctvnews.ca\r\nUser-Agent: crawler/test\r\n" in request
    )
    assert text.startswith("WARC/1.1\r\nWARC-Type: warcinfo\r\n") and "software: crawler/test" in text


def test_files_rotate_at_their_size_and_at_midnight_each_opening_with_warcinfo(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "w", INFO, max_size=50_000)  # two pages of 30 KB a file
    locations = [writer.write("ctvnews", _exchange(number)) for number in range(5)]
    locations.append(writer.write("ctvnews", _exchange(9, WHEN + timedelta(days=1))))
    writer.close()
    files = [path.name for path in checked_files(tmp_path)]
    assert files == [
        "2024-05-01-w-00000.warc.gz",
        "2024-05-01-w-00001.warc.gz",
        "2024-05-01-w-00002.warc.gz",
        "2024-05-02-w-00000.warc.gz",
    ]
    for path in tmp_path.rglob("*.warc.gz"):
        assert gzip.decompress(path.read_bytes()).startswith(b"WARC/1.1\r\nWARC-Type: warcinfo")
    for number, location in [*enumerate(locations[:5]), (9, locations[5])]:
        assert read_response(tmp_path / location.file, location.offset).url == _exchange(number).url


def test_a_torn_last_record_is_skipped_by_readers_and_cut_by_the_next_writer_of_its_worker(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    locations = _three_pages(tmp_path)
    path = tmp_path / locations[0].file
    other = tmp_path / "ctvnews" / "2024-05-01-other-00000.warc.gz"  # another worker's file, torn too
    whole = path.read_bytes()
    torn = whole[: locations[2].offset + 5000]  # the process died writing the third page
    path.write_bytes(torn)
    other.write_bytes(torn)

    with caplog.at_level(logging.WARNING):
        assert [response.url for response in read_responses(path)] == [_exchange(0).url, _exchange(1).url]
    assert f"torn record at offset {locations[2].offset}" in caplog.text
    assert whole_length(path) == locations[2].offset

    resumed = ArchiveWriter(tmp_path, "w", INFO)
    later = resumed.write("ctvnews", _exchange(3))
    resumed.close()
    assert path.stat().st_size == locations[2].offset  # cut back to its last whole record
    assert later.file == "ctvnews/2024-05-01-w-00001.warc.gz"  # a new start, a new file
    assert other.read_bytes() == torn  # not ours to cut: its worker may still be writing
    other.unlink()
    checked_files(tmp_path)
    assert not cut_torn_tail(path)


def test_a_damaged_record_ends_a_read_with_a_warning_and_the_records_before_it_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    locations = _three_pages(tmp_path)
    path = tmp_path / locations[0].file
    damaged = bytearray(path.read_bytes())
    damaged[locations[1].offset + 2000] ^= 0x55  # a bit flipped on disk, inside the second page's record
    path.write_bytes(bytes(damaged))
    with caplog.at_level(logging.WARNING):
        assert [response.url for response in read_responses(path)] == [_exchange(0).url]
    assert f"{path}: unreadable after offset" in caplog.text
    with pytest.raises(ArchiveError, match=f"offset {locations[1].offset}: no readable WARC record here"):
        read_response(path, locations[1].offset)
    assert read_response(path, locations[2].offset).url == _exchange(2).url  # its own member is whole


def test_a_single_file_is_appended_to_after_its_torn_tail_is_cut(tmp_path: Path) -> None:
    path = tmp_path / "one.warc.gz"
    first = ArchiveWriter(tmp_path, "w", INFO, single=path)
    kept = first.write("", _exchange(1))
    first.close()
    path.write_bytes(path.read_bytes() + b"\x1f\x8b\x08\x00 torn")
    second = ArchiveWriter(tmp_path, "w", INFO, single=path)
    added = second.write("", _exchange(2))
    second.close()
    assert kept.file == added.file == str(path)
    checked_files(path)
    assert [head.url for head in read_heads(path)] == [_exchange(1).url, _exchange(2).url]
    assert read_response(path, added.offset).record_id == added.record_id


def test_a_write_the_disk_refuses_is_cut_back_and_names_the_file(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "w", INFO)
    first = writer.write("ctvnews", _exchange(1))
    path = tmp_path / first.file
    size = path.stat().st_size
    limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    ignored = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 10_000, limit[1]))  # the disk fills mid-record
    try:
        with pytest.raises(
            ArchiveError, match=r"ctvnews/2024-05-01-w-00000\.warc\.gz: cannot write: File too large"
        ):
            writer.write("ctvnews", _exchange(2))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, limit)
        signal.signal(signal.SIGXFSZ, ignored)
    writer.close()
    assert path.stat().st_size == size
    checked_files(tmp_path)


def test_responses_of_any_warc_are_read_with_their_heads_before_their_bodies(tmp_path: Path) -> None:
    """A file written by warcio itself (one gzip member per record, as wget and Heritrix write)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    writer.write_record(writer.create_warcinfo_record("other.warc.gz", {"software": "another crawler"}))
    for path, content_type in (("/robots.txt", "text/plain"), ("/story", "text/html")):
        http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.0")
        writer.write_record(
            writer.create_warc_record(
                f"http://example.com{path}", "response", payload=io.BytesIO(PAGE), http_headers=http
            )
        )
    (tmp_path / "other.warc.gz").write_bytes(buffer.getvalue())
    seen: list[str] = []

    def only_html(head: object) -> bool:
        seen.append(head.url)  # type: ignore[attr-defined]
        return head.content_type == "text/html"  # type: ignore[attr-defined]

    (story,) = read_responses(tmp_path / "other.warc.gz", only_html)
    assert seen == ["http://example.com/robots.txt", "http://example.com/story"]
    assert story.url == "http://example.com/story" and story.body == PAGE
    assert read_response(tmp_path / "other.warc.gz", story.offset).body == PAGE


def test_no_response_at_an_offset_is_one_clear_error(tmp_path: Path) -> None:
    writer = ArchiveWriter(tmp_path, "w", INFO)
    location = writer.write("ctvnews", _exchange(1))
    writer.close()
    with pytest.raises(ArchiveError, match=r"offset 0: no whole HTTP response record here"):
        read_response(tmp_path / location.file, 0)  # the warcinfo record
    with pytest.raises(ArchiveError, match=r"offset 7: no readable WARC record here"):
        read_response(tmp_path / location.file, 7)
    with pytest.raises(ArchiveError, match="cannot read"):
        read_response(tmp_path / "missing.warc.gz", 0)


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", lambda data: gzip.compress(data)),
        ("x-gzip", lambda data: gzip.compress(data)),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),  # raw deflate, as some servers send
        ("br", brotli.compress),
        ("zstd", zstd.compress),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
        ("identity", lambda data: data),
    ],
)
def test_a_body_is_decoded_as_scrapy_decodes_it(coding: str, encode: object) -> None:
    assert decode_content(encode(PAGE), coding, 10 << 20) == PAGE  # type: ignore[operator]


@pytest.mark.parametrize(
    ("coding", "encode"),
    [("gzip", gzip.compress), ("br", brotli.compress), ("zstd", zstd.compress)],
)
def test_a_body_inflating_past_the_limit_is_refused_without_inflating_it(coding: str, encode: object) -> None:
    bomb = encode(bytes(50 << 20))  # type: ignore[operator]
    with pytest.raises(ContentError, match="inflates past 10485760 bytes"):
        decode_content(bomb, coding, 10 << 20)


def test_an_unknown_or_broken_coding_is_named() -> None:
    with pytest.raises(ContentError, match="unknown Content-Encoding 'compress'"):
        decode_content(PAGE, "compress", 10 << 20)
    with pytest.raises(ContentError, match="broken gzip body"):
        decode_content(b"\x1f\x8b\x08 not gzip at all", "gzip", 10 << 20)
