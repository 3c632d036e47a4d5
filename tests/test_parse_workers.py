"""Parser processes: the same records as parsing in the crawl process, typed errors, crash recovery."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest

from crawler.errors import NotAnArticleError
from crawler.fixtures import Fixture, discover
from crawler.parse_workers import FetchedPage, PageParser, ParserCrashedError
from crawler.record import Record
from tests.conftest import FIXTURES


class _CrashingPage(FetchedPage):
    """A page whose parse kills the worker process, as a crash in native code would."""

    def parse(self) -> Record:
        os._exit(1)


@pytest.fixture(scope="module")
def workers() -> Iterator[PageParser]:
    parser = PageParser(1)
    yield parser
    parser.close()


def _fetched(case: Fixture) -> FetchedPage:
    meta = case.meta()
    page = case.page()
    return FetchedPage(
        body=(case.path / "page.html").read_bytes(),
        url=meta["url"],
        content_type=meta["headers"].get("Content-Type"),
        fetched_at=page.fetched_at,
        status=meta["status"],
    )


def _parse(workers: PageParser, page: FetchedPage) -> Record:
    return asyncio.run(workers.parse(page))


def test_workers_give_every_fixture_its_expected_record(workers: PageParser) -> None:
    for case in discover(FIXTURES):
        assert _parse(workers, _fetched(case)) == case.expected(), case.name


def test_parsing_errors_come_back_typed_and_whole(workers: PageParser) -> None:
    page = FetchedPage(b"<html><body><p>menu</p></body></html>", "https://www.ctvnews.ca/x-1.1", None,
                       next(discover(FIXTURES)).page().fetched_at, 200)  # fmt: skip
    with pytest.raises(NotAnArticleError) as raised:
        _parse(workers, page)
    assert raised.value.url == "https://www.ctvnews.ca/x-1.1"
    assert raised.value.reason


def test_a_dead_worker_fails_its_page_and_is_replaced(workers: PageParser) -> None:
    case = next(discover(FIXTURES, "ctvnews"))
    good = _fetched(case)
    crashing = _CrashingPage(good.body, good.url, good.content_type, good.fetched_at, good.status)
    with pytest.raises(ParserCrashedError, match="the parser process died"):
        _parse(workers, crashing)
    assert _parse(workers, good) == case.expected()


def test_in_process_parsing_gives_the_same_records() -> None:
    case = next(discover(FIXTURES, "globeandmail"))
    assert _parse(PageParser(0), _fetched(case)) == case.expected()


def test_a_negative_process_count_is_refused() -> None:
    with pytest.raises(ValueError, match="PARSE_PROCESSES must be 0 or more, not -1"):
        PageParser(-1)
