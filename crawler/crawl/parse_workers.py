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
import multiprocessing
import os
import pickle
import socket
import struct
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.extract.page import Page
from crawler.record import Record
from crawler.sites.parse import parse

logger = logging.getLogger(__name__)

_LENGTH = struct.Struct("!Q")
_SOCKET_BUFFER = 4 * 1024 * 1024


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


def parse_processes(setting: str | int) -> int:
    """The worker count a ``PARSE_PROCESSES`` value asks for; "auto" is 1 with a second CPU, else 0.

    One worker lets a CPU-bound crawl use two cores (bench/crawl.py measures what that gives);
    a crawl that waits on the network leaves it idle. Bad values raise ValueError naming the
    setting.
    """
    if isinstance(setting, str) and setting.strip().lower() == "auto":
        return 1 if _usable_cpus() > 1 else 0
    try:
        processes = int(setting)
    except (TypeError, ValueError):
        raise ValueError(
            f'PARSE_PROCESSES must be "auto" or a number of processes, not {setting!r}'
        ) from None
    if processes < 0:
        raise ValueError(f"PARSE_PROCESSES must be 0 or more, not {processes}")
    return processes


def _usable_cpus() -> int:
    """CPUs this process may run on (a container's share, where the OS tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


class PageParser:
    """Parses fetched pages in ``processes`` worker processes, or in this process when 0.

    ``processes`` is a ``PARSE_PROCESSES`` value: a count, or "auto" (see parse_processes).
    Workers start on the first page, inside the running event loop, and are replaced when
    one dies (its pages fail with ParserCrashedError).
    """

    def __init__(self, processes: int | str) -> None:
        self.processes = parse_processes(processes)
        self._workers: list[_Worker] = []
        self._starting = asyncio.Lock()

    async def parse(self, page: FetchedPage) -> Record:
        """The page's record, parsed by the least busy worker when there are workers."""
        if not self.processes:
            return page.parse()
        async with self._starting:  # the first pages all wait for the same workers
            if not self._workers:
                self._workers = [await _Worker.start() for _ in range(self.processes)]
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


@dataclass
class _Worker:
    """One parser process and the crawl's end of its socket."""

    process: Any  # multiprocessing's process object
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    waiting: deque[tuple[str, asyncio.Future[Record]]] = field(default_factory=deque)
    dead: bool = False

    @classmethod
    async def start(cls) -> _Worker:
        ours, theirs = socket.socketpair()
        for end in (ours, theirs):
            # Room for several pages in the kernel: the worker then finds its next page there even
            # while the crawl's event loop is busy (with the default ~200 KB, one page filled it
            # and the worker waited for the loop about a third of the time).
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SOCKET_BUFFER)
        # A fork server that has imported the parsers once starts each worker warm, and no
        # worker inherits the crawl process's reactor, sockets or threads.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.sites.parse"])
        process = context.Process(target=_serve, args=(theirs,), name="crawler-parser", daemon=True)
        process.start()
        theirs.close()
        reader, writer = await asyncio.open_connection(sock=ours)
        worker = cls(process, reader, writer)
        asyncio.get_running_loop().create_task(worker._read_results())
        return worker

    async def parse(self, page: FetchedPage) -> Record:
        if self.dead:
            raise ParserCrashedError(f"{page.url}: the parser process had died")
        result: asyncio.Future[Record] = asyncio.get_running_loop().create_future()
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
