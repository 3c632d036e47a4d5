"""A body the transfer cut short is named, whatever the page's own end says; a whole one never is.

The decompression middleware inflates as Scrapy's does, and flags a body shorter than its
``Content-Length`` and a gzip stream cut short; Scrapy's own ``dataloss`` flag is read too. The
spider and ``crawler fetch`` hand the fact to the parse, which refuses the page as truncated.
"""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.test import get_crawler

from crawler.archive import Exchange
from crawler.archive.writer import exchange_records
from crawler.crawl.transfer import WholeBodyMiddleware, incomplete
from crawler.ingest import Selection, ingest, warc_sources
from crawler.sites.fixtures import discover
from tests.conftest import FIXTURES, REPO
from tests.replay_site import copy_site, set_headers
from tests.warc_files import Capture, cut_by_the_archive, fixture_captures, responses, stored, write_warc

_CRAWLER = get_crawler()
_OURS = WholeBodyMiddleware.from_crawler(_CRAWLER)
_SCRAPYS = HttpCompressionMiddleware.from_crawler(_CRAWLER)
SEED = next(case for case in discover(FIXTURES, "ctvnews") if "seed" in case.path.name)
PAGE = (SEED.path / "page.html").read_bytes()


def _received(body: bytes, **headers: str) -> tuple[Request, Response]:
    """A request and the response it got, with its headers (``Content_Length``: ``Content-Length``)."""
    request = Request(SEED.meta()["url"])
    named = {name.replace("_", "-"): value for name, value in headers.items()}
    return request, Response(request.url, body=body, headers=named, request=request)


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (gzip.compress(PAGE), {"Content_Encoding": "gzip"}),
        # Several gzip members: the trailer is the last one's, and says less than the whole.
        (gzip.compress(PAGE[:5000]) + gzip.compress(PAGE[5000:]), {"Content_Encoding": "gzip"}),
        # Bytes after the gzip stream that are not another member, which Scrapy leaves.
        (gzip.compress(PAGE) + b"\r\n\0\0", {"Content_Encoding": "x-gzip"}),
        (PAGE, {"Content_Length": str(len(PAGE))}),
        (PAGE, {}),
    ],
    ids=["gzip", "gzip-members", "gzip-trailing-bytes", "content-length", "identity"],
)
def test_a_whole_body_is_inflated_as_scrapy_inflates_it_and_not_flagged(
    body: bytes, headers: dict[str, str]
) -> None:
    ours = _OURS.process_response(*_received(body, **headers))
    scrapys = _SCRAPYS.process_response(*_received(body, **headers))
    assert isinstance(ours, Response) and isinstance(scrapys, Response)
    assert ours.body == scrapys.body == PAGE
    assert incomplete(ours) is None


@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_a_gzip_stream_cut_short_is_flagged(keep: float) -> None:
    compressed = gzip.compress(PAGE)
    ours = _OURS.process_response(
        *_received(compressed[: int(len(compressed) * keep)], Content_Encoding="gzip")
    )
    assert (
        isinstance(ours, Response) and ours.body and PAGE.startswith(ours.body)
    )  # as much as Scrapy inflates
    assert incomplete(ours) == f"the gzip stream ends before its end (inflated to {len(ours.body)} bytes)"


def test_a_body_short_of_its_content_length_is_flagged() -> None:
    ours = _OURS.process_response(*_received(PAGE[:1000], Content_Length=str(len(PAGE))))
    assert isinstance(ours, Response)
    assert incomplete(ours) == f"the body is 1000 of the {len(PAGE)} bytes its Content-Length states"


def test_scrapys_dataloss_flag_says_the_body_is_incomplete() -> None:
    """What Scrapy hands on with DOWNLOAD_FAIL_ON_DATALOSS off: the connection closed early."""
    response = HtmlResponse(SEED.meta()["url"], body=PAGE[:1000], flags=["dataloss"])
    assert (
        incomplete(response) == "the connection closed before the whole body arrived (Scrapy's dataloss flag)"
    )


def test_a_crawl_refuses_a_page_its_transfer_cut_short_and_keeps_one_without_closing_tags(
    tmp_path: Path,
) -> None:
    replay = copy_site("ctvnews", tmp_path / "fixtures")
    cut = replay / "ctvnews" / "2023-03-29-wire-multiple-authors"
    whole = (cut / "page.html").read_bytes()
    (cut / "page.html").write_bytes(whole[: len(whole) * 3 // 4] + b"</body></html>")  # its end says nothing
    set_headers(cut, Content_Length=str(len(whole) + 14))
    gzipped = replay / "ctvnews" / "2023-04-14-aem-canada-staff"
    compressed = gzip.compress((gzipped / "page.html").read_bytes())
    (gzipped / "page.html").write_bytes(compressed[: len(compressed) // 2])
    set_headers(gzipped, Content_Encoding="gzip")
    seed = replay / "ctvnews" / SEED.path.name / "page.html"
    seed.write_bytes(PAGE.replace(b"</body>", b"").replace(b"</html>", b""))
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--replay", str(replay),
         "--out", str(tmp_path / "corpus"), "--log-level", "INFO"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ctvnews: 4 articles" in done.stdout
    assert "; kept with a doubt: truncated 1; failed: truncated 2" in done.stdout
    assert "bytes its Content-Length states" in done.stderr
    assert "truncated: the gzip stream ends before its end" in done.stderr


def _archived(capture: Capture, body: bytes, *headers: tuple[bytes, bytes]) -> list[bytes]:
    """The capture's response and request records, its body and headers as given."""
    sent = ((b"Content-Type", capture.content_type.encode()), *headers)
    response, request, _ = exchange_records(Exchange(capture.url, capture.date, capture.status, sent, body))
    return [response, request]


def test_an_archived_page_cut_short_is_refused_as_truncated_by_ingest(tmp_path: Path) -> None:
    """The archive says so too: a gzip stream cut short, a body short of its Content-Length, and
    ``WARC-Truncated`` (Common Crawl keeps the first MiB of a page)."""
    whole, gzipped, short, truncated = fixture_captures("ctvnews")[:4]
    compressed = gzip.compress(gzipped.body)
    members = [
        *responses([whole]),
        *_archived(gzipped, compressed[: len(compressed) // 2], (b"Content-Encoding", b"gzip")),
        *_archived(short, short.body[:20_000], (b"Content-Length", str(len(short.body)).encode())),
        cut_by_the_archive(truncated, 20_000),
    ]
    warc = write_warc(tmp_path / "cut.warc.gz", members)
    report = ingest(warc_sources([str(warc)]), tmp_path / "corpus", Selection.of(), processes=1)
    assert [record["url"] for record in stored(tmp_path / "corpus")] == [whole.url]
    assert report.sites["ctvnews"].dropped == {"failed/truncated": 3}
