"""Parsing beside the crawl: article pages are parsed in worker processes, on other cores.

A crawl is CPU-bound whenever the server answers fast (a backfill, a replay, a benchmark on
loopback): Scrapy's engine and the parser then share one core, and each article pays for
both. With ``PARSE_PROCESSES`` workers the engine keeps fetching while pages are parsed
elsewhere; with 0, pages are parsed in the crawl process, as a one-off fetch does.

Only the page's bytes and fetch facts cross the process boundary, and the record (or the
typed error) comes back; parsers stay pure functions that know nothing of this.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from datetime import datetime

from crawler.extract.page import Page
from crawler.parsing import parse
from crawler.record import Record

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FetchedPage:
    """What a worker needs to parse a page: its bytes and the facts of its fetch."""

    body: bytes
    url: str
    content_type: str | None
    fetched_at: datetime
    status: int

    def parse(self) -> Record:
        """The page's validated record (raises the typed errors of crawler.parsing.parse)."""
        return parse(Page.from_bytes(self.body, self.url, self.content_type, self.fetched_at, self.status))


class ParserCrashedError(RuntimeError):
    """A worker process died while parsing (a crash in native code, or it was killed)."""


def default_processes() -> int:
    """One worker when the machine has a core to spare for it, else parse in the crawl process."""
    return 1 if (os.cpu_count() or 1) > 1 else 0


class PageParser:
    """Parses fetched pages in ``processes`` worker processes, or in this process when 0."""

    def __init__(self, processes: int) -> None:
        if processes < 0:
            raise ValueError(f"PARSE_PROCESSES must be 0 or more, not {processes}")
        self.processes = processes
        self._executor: Executor | None = self._start() if processes else None

    async def parse(self, page: FetchedPage) -> Record:
        """The page's record, parsed by a worker when there are workers."""
        if self._executor is None:
            return page.parse()
        try:
            return await asyncio.wrap_future(self._executor.submit(page.parse))
        except BrokenProcessPool:
            logger.error("a parser process died while parsing %s; starting a new one", page.url)
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = self._start()
            raise ParserCrashedError(f"{page.url}: the parser process died while parsing it") from None

    def close(self) -> None:
        """Stop the workers (pages being parsed finish first)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _start(self) -> Executor:
        # Workers come from a fork server that has imported the parsers once: each starts warm,
        # and none inherits the crawl process's reactor, sockets or threads.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.parsing"])
        return ProcessPoolExecutor(self.processes, mp_context=context)
