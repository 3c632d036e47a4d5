"""Parsing beside the crawl: article pages are parsed in worker processes, on other cores.

A crawl is CPU-bound whenever the server answers fast (a backfill, a replay, a benchmark on
loopback): Scrapy's engine and the parser then share one core, and each article pays for
both. With ``PARSE_PROCESSES`` workers the engine keeps fetching while pages are parsed
elsewhere; with 0, pages are parsed in the crawl process, as a one-off fetch does.

Each worker is a process on the end of a socket. The crawl's event loop writes pages to it
and reads records back as asyncio streams, so no thread in the crawl process competes with
the engine for the GIL (``concurrent.futures.ProcessPoolExecutor`` feeds its workers from
two threads, and a busy engine kept them waiting: one worker then parsed at half speed).
Several pages may wait in a worker's socket, so it never idles between pages. Only a
page's bytes and fetch facts cross over, and the record, or the typed error, comes back.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import socket
import struct
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from crawler.cpus import usable_cpus
from crawler.crawl.processes import start_process
from crawler.extract.page import Page
from crawler.record import Record
from crawler.sites.parse import DEFAULT_BUDGET, ParseBudget, parse

if TYPE_CHECKING:  # the parser processes unpickle FetchedPage from here: they never load Scrapy
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct("!Q")


@dataclass(frozen=True)
class FetchedPage:
    """What a worker needs to parse a page: its bytes and the facts of its fetch."""

    body: bytes
    url: str
    content_type: str | None
    fetched_at: datetime
    status: int
    budget: ParseBudget = DEFAULT_BUDGET
    #: What the transfer says is missing from the body (crawler/crawl/transfer.py), or None.
    incomplete: str | None = None

    def parse(self) -> Record:
        """The page's validated record (raises the typed errors of crawler.sites.parse.parse)."""
        page = Page.from_bytes(
            self.body, self.url, self.content_type, self.fetched_at, self.status, self.incomplete
        )
        return parse(page, self.budget)


def parse_budget(settings: BaseSettings) -> ParseBudget:
    """Each page's parse budget, from ``PARSE_TIME_LIMIT`` and ``PARSE_MAX_TAGS``."""
    return ParseBudget(settings.getfloat("PARSE_TIME_LIMIT"), settings.getint("PARSE_MAX_TAGS"))


class ParserCrashedError(RuntimeError):
    """A worker process died while parsing (a crash in native code, or it was killed)."""


@dataclass(frozen=True)
class WorkerPlan:
    """How many parser processes a crawl starts with, how many it may grow to, and why."""

    first: int
    most: int
    reason: str

    def __str__(self) -> str:
        if not self.most:
            return f"parsing pages in the crawl process ({self.reason})"
        if self.first == self.most:
            return f"parsing pages in {self.most} worker processes ({self.reason})"
        return f"parsing pages in {self.first} to {self.most} worker processes ({self.reason})"


#: "auto" adds a worker when the workers were busy this share of the last GROW_WINDOW seconds:
#: parsing, not the network, is then what holds the crawl back.
BUSY_TO_GROW = 0.9
GROW_WINDOW = 2.0
_clock = time.monotonic  # a module attribute, so tests can give the busy windows their own clock


def worker_plan(setting: str | int) -> WorkerPlan:
    """The parser processes a ``PARSE_PROCESSES`` value asks for.

    A number is that many workers from the start. "auto" parses in the crawl process on a
    machine with one CPU; with more, it starts one worker and adds one (up to one per CPU)
    each time the workers were busy nearly all of the last seconds: a crawl held back by
    parsing then uses every core, one that waits on the network keeps a single idle worker
    (each costs about 70 MB). Bad values raise ValueError naming the setting.
    """
    if isinstance(setting, str) and setting.strip().lower() == "auto":
        cpus = usable_cpus()
        if cpus < 2:
            return WorkerPlan(0, 0, "PARSE_PROCESSES=auto: 1 usable CPU")
        return WorkerPlan(
            1,
            cpus,
            f"PARSE_PROCESSES=auto: {cpus} usable CPUs; one more worker whenever the workers "
            f"are busy {BUSY_TO_GROW:.0%} of {GROW_WINDOW:g} s",
        )
    processes = parse_processes(setting)
    return WorkerPlan(processes, processes, f"PARSE_PROCESSES={processes}")


def parse_processes(setting: str | int) -> int:
    """The most worker processes a ``PARSE_PROCESSES`` value allows ("auto": one per usable CPU, or 0 on one).

    Bad values raise ValueError naming the setting.
    """
    if isinstance(setting, str) and setting.strip().lower() == "auto":
        return worker_plan(setting).most
    try:
        processes = int(setting)
    except (TypeError, ValueError):
        raise ValueError(
            f'PARSE_PROCESSES must be "auto" or a number of processes, not {setting!r}'
        ) from None
    if processes < 0:
        raise ValueError(f"PARSE_PROCESSES must be 0 or more, not {processes}")
    return processes


class PageParser:
    """Parses fetched pages in worker processes, or in this process when there are none.

    ``processes`` is a ``PARSE_PROCESSES`` value: a count, or "auto" (see worker_plan).
    Workers start on the first page, inside the running event loop; "auto" adds more while
    they are saturated, and a worker that dies is replaced (its pages fail with
    ParserCrashedError).
    """

    def __init__(self, processes: int | str) -> None:
        self.plan = worker_plan(processes)
        self._workers: list[_Worker] = []
        self._starting = asyncio.Lock()
        self._window = (0.0, 0.0)  # (when the busy window began, the workers' busy seconds then)

    @property
    def workers(self) -> int:
        """How many worker processes are running."""
        return len(self._workers)

    async def parse(self, page: FetchedPage) -> Record:
        """The page's record, parsed by the least busy worker when there are workers."""
        if not self.plan.most:
            return page.parse()
        async with self._starting:  # the first pages all wait for the same workers
            if not self._workers:
                self._workers = [await _Worker.start() for _ in range(self.plan.first)]
                self._begin_window()
            elif self._saturated():
                self._workers.append(await _Worker.start())
                logger.info("parsing pages in %d worker processes: the workers were saturated", self.workers)
                self._begin_window()
        worker = min(self._workers, key=lambda candidate: len(candidate.waiting))
        if worker.dead:
            self._workers.remove(worker)
            worker = await _Worker.start()
            self._workers.append(worker)
        return await worker.parse(page)

    def close(self) -> None:
        """Stop the workers; each finishes the pages it has before it exits."""
        for worker in self._workers:
            worker.stop()
        self._workers = []

    def _saturated(self) -> bool:
        """Whether the window has run its length with every worker busy (it then starts anew)."""
        began, busy_then = self._window
        now = _clock()
        if len(self._workers) >= self.plan.most or now - began < GROW_WINDOW:
            return False
        share = (self._busy_seconds(now) - busy_then) / (len(self._workers) * (now - began))
        self._begin_window()
        return share >= BUSY_TO_GROW

    def _begin_window(self) -> None:
        now = _clock()
        self._window = (now, self._busy_seconds(now))

    def _busy_seconds(self, now: float) -> float:
        return sum(worker.busy_seconds(now) for worker in self._workers)


@dataclass
class _Worker:
    """One parser process and the crawl's end of its socket."""

    process: Any  # multiprocessing's process object
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    waiting: deque[tuple[str, asyncio.Future[Record]]] = field(default_factory=deque)
    dead: bool = False
    busy: float = 0.0  # seconds with pages in hand, up to when it last had none
    busy_since: float = 0.0  # when it last got a page with none in hand

    def busy_seconds(self, now: float) -> float:
        """Seconds this worker had pages in hand (being parsed, or waiting in its socket)."""
        return self.busy + (now - self.busy_since if self.waiting else 0.0)

    @classmethod
    async def start(cls) -> _Worker:
        worker = cls(*await start_process(_serve, (), "crawler-parser"))
        asyncio.get_running_loop().create_task(worker._read_results())
        return worker

    async def parse(self, page: FetchedPage) -> Record:
        if self.dead:
            raise ParserCrashedError(f"{page.url}: the parser process had died")
        result: asyncio.Future[Record] = asyncio.get_running_loop().create_future()
        if not self.waiting:
            self.busy_since = _clock()
        self.waiting.append((page.url, result))
        message = pickle.dumps(page, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            self.writer.write(_LENGTH.pack(len(message)) + message)
            await self.writer.drain()
        except ConnectionError:
            pass  # the worker died: _read_results fails every page it had, this one too
        return await result

    def stop(self) -> None:
        # Shut the socket now (closing the stream waits for the event loop): the worker reads
        # the end of its input and exits.
        self.writer.get_extra_info("socket").shutdown(socket.SHUT_RDWR)
        self.writer.close()
        self.process.join(timeout=10)

    async def _read_results(self) -> None:
        """Hand each record or error back to its page, in order; fail them all if the worker dies."""
        try:
            while True:
                (length,) = _LENGTH.unpack(await self.reader.readexactly(_LENGTH.size))
                ok, value = pickle.loads(await self.reader.readexactly(length))
                _, result = self.waiting.popleft()
                if not self.waiting:
                    self.busy += _clock() - self.busy_since
                if result.done():
                    continue
                if ok:
                    result.set_result(value)
                else:
                    result.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        self.dead = True
        if self.waiting:
            logger.error("a parser process died with %d pages in hand; starting a new one", len(self.waiting))
        while self.waiting:
            url, result = self.waiting.popleft()
            if not result.done():
                result.set_exception(ParserCrashedError(f"{url}: the parser process died while parsing it"))


def _serve(connection: socket.socket) -> None:
    """The worker's loop: read a page, write back ``(True, record)`` or ``(False, error)``."""
    stream = connection.makefile("rwb")
    while header := stream.read(_LENGTH.size):
        (length,) = _LENGTH.unpack(header)
        page: FetchedPage = pickle.loads(stream.read(length))
        try:
            answer: tuple[bool, Any] = (True, page.parse())
        except Exception as error:  # every error goes back to the page that raised it
            answer = (False, error)
        try:
            message = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as error:  # an error that cannot be pickled goes back as its text
            message = pickle.dumps((False, RuntimeError(f"{page.url}: {error!r}")))
        stream.write(_LENGTH.pack(len(message)) + message)
        stream.flush()
