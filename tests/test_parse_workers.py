"""Parser processes: the same records as parsing in the crawl process, typed errors, crash recovery."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest

from crawler.crawl import parse_workers
from crawler.crawl.parse_workers import (
    FetchedPage,
    PageParser,
    ParserCrashedError,
    parse_processes,
    worker_plan,
)
from crawler.errors import NotAnArticleError
from crawler.record import Record
from crawler.sites.fixtures import Fixture, discover
from tests.conftest import FIXTURES

T = TypeVar("T")


class _CrashingPage(FetchedPage):
    """A page whose parse kills the worker process, as a crash in native code would."""

    def parse(self) -> Record:
        os._exit(1)


def _fetched(case: Fixture) -> FetchedPage:
    meta = case.meta()
    return FetchedPage(
        body=(case.path / "page.html").read_bytes(),
        url=meta["url"],
        content_type=meta["headers"].get("Content-Type"),
        fetched_at=case.page().fetched_at,
        status=meta["status"],
    )


def _with_workers(processes: int, scenario: Callable[[PageParser], Awaitable[T]]) -> T:
    """Run a scenario in one event loop with its own parser processes, stopped afterwards."""

    async def run() -> T:
        parser = PageParser(processes)
        try:
            return await scenario(parser)
        finally:
            parser.close()

    return asyncio.run(run())


def test_workers_give_every_fixture_its_expected_record() -> None:
    cases = list(discover(FIXTURES))

    async def parse_all(parser: PageParser) -> list[Record]:
        return list(await asyncio.gather(*(parser.parse(_fetched(case)) for case in cases)))

    records = _with_workers(2, parse_all)
    for case, record in zip(cases, records, strict=True):
        assert record == case.expected(), case.name


def test_parsing_errors_come_back_typed_and_whole() -> None:
    fetched_at = next(discover(FIXTURES)).page().fetched_at
    page = FetchedPage(
        b"<html><body><p>menu</p></body></html>", "https://www.ctvnews.ca/x-1.1", None, fetched_at, 200
    )
    with pytest.raises(NotAnArticleError) as raised:
        _with_workers(1, lambda parser: parser.parse(page))
    assert raised.value.url == "https://www.ctvnews.ca/x-1.1"
    assert raised.value.reason


def test_a_dead_worker_fails_its_pages_and_is_replaced() -> None:
    case = next(discover(FIXTURES, "ctvnews"))
    good = _fetched(case)
    crashing = _CrashingPage(good.body, good.url, good.content_type, good.fetched_at, good.status)

    async def crash_then_parse(parser: PageParser) -> Record:
        outcomes = await asyncio.gather(parser.parse(crashing), parser.parse(good), return_exceptions=True)
        assert all(isinstance(outcome, ParserCrashedError) for outcome in outcomes), outcomes
        return await parser.parse(good)

    assert _with_workers(1, crash_then_parse) == case.expected()


def test_in_process_parsing_gives_the_same_records() -> None:
    case = next(discover(FIXTURES, "globeandmail"))
    assert _with_workers(0, lambda parser: parser.parse(_fetched(case))) == case.expected()


def test_a_negative_process_count_is_refused() -> None:
    with pytest.raises(ValueError, match="PARSE_PROCESSES must be 0 or more, not -1"):
        PageParser(-1)


@pytest.mark.parametrize(("setting", "processes"), [("0", 0), (2, 2), ("3", 3)])
def test_a_number_of_parse_processes_is_taken_as_given(setting: str | int, processes: int) -> None:
    assert parse_processes(setting) == processes


def test_auto_parse_processes_is_one_worker_per_cpu_at_most_and_none_on_one_cpu(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parse_workers, "usable_cpus", lambda: 2)
    assert parse_processes("auto") == 2
    plan = worker_plan(" Auto ")
    assert (plan.first, plan.most) == (1, 2)
    assert str(plan).startswith(
        "parsing pages in 1 to 2 worker processes (PARSE_PROCESSES=auto: 2 usable CPUs"
    )
    monkeypatch.setattr(parse_workers, "usable_cpus", lambda: 1)
    assert parse_processes(" Auto ") == 0
    assert (
        str(worker_plan("auto")) == "parsing pages in the crawl process (PARSE_PROCESSES=auto: 1 usable CPU)"
    )


def test_a_number_of_workers_starts_them_all_and_says_so() -> None:
    plan = worker_plan("3")
    assert (plan.first, plan.most) == (3, 3)
    assert str(plan) == "parsing pages in 3 worker processes (PARSE_PROCESSES=3)"


def test_auto_adds_a_worker_while_the_workers_are_saturated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_workers, "usable_cpus", lambda: 2)
    monkeypatch.setattr(parse_workers, "GROW_WINDOW", 0.0)
    pages = [_fetched(case) for case in discover(FIXTURES)]

    async def parse_twice(parser: PageParser) -> int:
        for _ in range(2):  # every page in hand at once: the worker is never idle
            await asyncio.gather(*(parser.parse(page) for page in pages))
        return parser.workers

    async def run() -> int:
        parser = PageParser("auto")
        try:
            return await parse_twice(parser)
        finally:
            parser.close()

    assert asyncio.run(run()) == 2


def test_auto_keeps_one_worker_while_it_waits_for_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_workers, "usable_cpus", lambda: 2)
    now = [0.0]
    monkeypatch.setattr(parse_workers, "_clock", lambda: now[0])
    page = _fetched(next(discover(FIXTURES, "ctvnews")))

    async def run() -> int:
        parser = PageParser("auto")
        try:
            for _ in range(3):  # one page at a time, the worker idle between them (as on a slow network)
                await parser.parse(page)
                now[0] += 10 * parse_workers.GROW_WINDOW
            return parser.workers
        finally:
            parser.close()

    assert asyncio.run(run()) == 1


@pytest.mark.parametrize("setting", ["some", "1.5", "-2"])
def test_a_bad_parse_processes_setting_is_refused_with_its_value(setting: str) -> None:
    with pytest.raises(ValueError, match="PARSE_PROCESSES") as raised:
        parse_processes(setting)
    assert setting in str(raised.value)
