"""Archiving a crawl: every HTTP exchange written to WARC files as it comes, before decompression.

With ``WARC_DIR`` set (``crawler crawl --warc``: ``OUT/warc``), or ``WARC_FILE`` (``crawler fetch
URL --warc FILE``), :class:`ArchiveMiddleware` sits next to the download, so it sees each
response before Scrapy undoes its ``Content-Encoding`` (590) or follows its redirect (600):
the body as it came over the wire, the redirects, robots.txt, feeds and sitemaps. A response
with an error status (a fetch that failed) is not archived, nor is one answered from fixtures
or from an archive (flagged ``replayed``).

The files are written by a process of its own (crawler/archive/serve.py builds, digests,
compresses and syncs the records), fed through a socket the event loop writes, so the engine
neither waits for the disk nor shares its interpreter lock with the archive. Each archived
response carries in its meta a future of where its record is, fulfilled once the record is
synced; the spider awaits it (:func:`page_source`) before it yields the page's record, so a
corpus record never points at a page the disk does not hold. A write that fails stops the
crawl, as a corpus write does.
"""

from __future__ import annotations

import asyncio
import json
import logging
import pickle
import re
import socket
from collections import deque
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.settings import BaseSettings
from scrapy.utils.reactor import is_asyncio_reactor_installed

from crawler._version import __version__
from crawler.archive import ArchiveWriter, Exchange
from crawler.archive.serve import FRAME, frame, serve
from crawler.crawl.meta import FETCHED_AT_META, REPLAYED_FLAG, SOURCE_META
from crawler.crawl.pipelines import stop_crawl
from crawler.crawl.processes import start_process
from crawler.errors import ArchiveError, CrawlerError

__all__ = ["ArchiveMiddleware", "ArchiveProcess", "exchange_of", "page_source", "warcinfo"]

logger = logging.getLogger(__name__)

Source = dict[str, Any]
#: The settings a file's warcinfo record states, besides crawler's version and the User-Agent.
_STATED_SETTINGS = (
    "ROBOTSTXT_OBEY",
    "CONCURRENT_REQUESTS",
    "CONCURRENT_REQUESTS_PER_DOMAIN",
    "DOWNLOAD_DELAY",
    "AUTOTHROTTLE_ENABLED",
    "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE",
    "RETRY_TIMES",
    "INCREMENTAL",
    "CRAWL_WORKER",
)


async def page_source(response: Response) -> Source | None:
    """The page's ``metadata.source``, once its archive record is on disk; None when it is kept nowhere.

    Raises ArchiveError when the page could not be archived.
    """
    source: Source | asyncio.Future[Source] | None = response.meta.get(SOURCE_META)
    if isinstance(source, asyncio.Future):
        return await source
    return source


class ArchiveProcess:
    """The archive's writer in a process of its own; :meth:`submit` gives a future of a record's source.

    The process starts with the first exchange, inside the running event loop. After a failure
    (``failed``: a write the disk refused, or the process lost) every exchange fails the same way.
    """

    def __init__(self, writer: ArchiveWriter) -> None:
        self.writer = writer
        self.failed: ArchiveError | None = None
        self._process: Any = None
        self._stream: asyncio.StreamWriter | None = None
        self._answers: asyncio.Task[None] | None = None
        self._waiting: deque[asyncio.Future[Source]] = deque()
        self._starting = asyncio.Lock()

    async def submit(self, folder: str, exchange: Exchange) -> asyncio.Future[Source]:
        """Send an exchange to be archived in ``folder``; waits only while the process is behind."""
        future: asyncio.Future[Source] = asyncio.get_running_loop().create_future()
        # Nobody awaits the source of a feed or a sitemap: a failure is reported once, by the crawl's stop.
        future.add_done_callback(_retrieved)
        if self._stream is None and self.failed is None:
            async with self._starting:  # the first responses all wait for the same process
                if self._stream is None:
                    await self._start()
        if self.failed is not None or self._stream is None:
            future.set_exception(self.failed or ArchiveError(str(self.writer.root), "not started"))
            return future
        self._waiting.append(future)
        self._stream.write(frame((folder, exchange)))
        await self._stream.drain()
        return future

    async def close(self) -> None:
        """Let the process write what it has, sync and close its files, and end."""
        if self._stream is None:
            return
        self._stream.get_extra_info("socket").shutdown(socket.SHUT_WR)  # the process reads its end
        if self._answers is not None:
            await self._answers
        self._stream.close()
        await asyncio.get_running_loop().run_in_executor(None, self._process.join)

    async def _start(self) -> None:
        try:
            self._process, reader, self._stream = await start_process(
                serve, (self.writer,), "crawler-archive"
            )
        except OSError as error:
            self.failed = ArchiveError(str(self.writer.root), f"cannot start the archive's process: {error}")
            return
        self._answers = asyncio.get_running_loop().create_task(self._read_answers(reader))

    async def _read_answers(self, reader: asyncio.StreamReader) -> None:
        """Fulfil each future in order; fail them all if the process dies."""
        try:
            while True:
                (length,) = FRAME.unpack(await reader.readexactly(FRAME.size))
                ok, value = pickle.loads(await reader.readexactly(length))
                future = self._waiting.popleft()
                if ok:
                    future.set_result(value)
                else:
                    self.failed = self.failed or value
                    future.set_exception(value)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        if self._waiting:
            self.failed = self.failed or ArchiveError(str(self.writer.root), "the archive process died")
            logger.error("%s", self.failed)
        while self._waiting:
            self._waiting.popleft().set_exception(
                self.failed or ArchiveError(str(self.writer.root), "closed")
            )


def _retrieved(future: asyncio.Future[Source]) -> None:
    if not future.cancelled():
        future.exception()


class ArchiveMiddleware:
    """Downloader middleware: archives each response as it arrives, with the request that asked for it."""

    def __init__(self, crawler: Any, archive: ArchiveProcess) -> None:
        self.crawler = crawler
        self.archive = archive
        #: The site folder of this crawl's files: the site's id (a feed's domain for the generic spider).
        self.folder = ""
        self._stopped = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveMiddleware:
        settings = crawler.settings
        folder, single = settings.get("WARC_DIR"), settings.get("WARC_FILE")
        if not folder and not single:
            raise NotConfigured
        if not is_asyncio_reactor_installed():
            raise CrawlerError(
                "archiving (WARC_DIR, WARC_FILE) needs Scrapy's asyncio reactor (TWISTED_REACTOR)"
            )
        info = warcinfo(settings, crawler.spidercls.name)
        worker = _file_safe(settings.get("CRAWL_WORKER") or socket.gethostname())
        writer = ArchiveWriter(
            Path(folder or "."),
            worker,
            info,
            settings.getint("WARC_MAX_SIZE"),
            Path(single) if single else None,
        )
        middleware = cls(crawler, ArchiveProcess(writer))
        crawler.signals.connect(middleware.opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def opened(self, spider: Any) -> None:
        site = getattr(spider, "site", None)
        self.folder = site.id if site is not None else spider.name

    async def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status >= 400 or REPLAYED_FLAG in response.flags:
            return response
        now = datetime.now(UTC)
        # The record's dateDownloaded is the WARC-Date, so a re-parse or a replay gives the same record.
        request.meta[FETCHED_AT_META] = now
        request.meta[SOURCE_META] = await self.archive.submit(
            self.folder, exchange_of(request, response, now)
        )
        if self.archive.failed is not None:
            self._stop(self.archive.failed)
        return response

    async def close(self) -> None:
        """Let the archive process write what is waiting and close its files (the last pages are in them)."""
        await self.archive.close()
        if self.archive.failed is not None:
            self._stop(self.archive.failed)

    def _stop(self, error: ArchiveError) -> None:
        if not self._stopped:
            self._stopped = True
            stop_crawl(self.crawler, error)


def exchange_of(request: Request, response: Response, date: datetime) -> Exchange:
    """The exchange as Scrapy holds it: the request as sent, the response as received."""
    # HTTP/2 is archived as HTTP/1.1, as web archives do: WARC has no other message syntax.
    protocol = (
        response.protocol if response.protocol and response.protocol.startswith("HTTP/") else "HTTP/1.1"
    )
    return Exchange(
        url=response.url,
        date=date,
        status=response.status,
        response_headers=_pairs(response.headers),
        body=response.body,
        method=request.method,
        request_headers=_pairs(request.headers),
        request_body=request.body,
        protocol=protocol,
        ip_address=str(response.ip_address) if response.ip_address else None,
    )


def warcinfo(settings: BaseSettings, spider: str) -> dict[str, str]:
    """What a file's ``warcinfo`` record says: who wrote it, with what, and how it crawled."""
    return {
        "software": f"crawler/{__version__} (FastWARC/{version('fastwarc')}, Scrapy/{version('scrapy')})",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "hostname": socket.gethostname(),
        "http-header-user-agent": settings.get("USER_AGENT"),
        "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
        "crawler-spider": spider,
        "crawler-settings": json.dumps({name: settings.get(name) for name in _STATED_SETTINGS}, default=str),
    }


def _pairs(headers: Headers) -> list[tuple[bytes, bytes]]:
    return [(name, value) for name, values in headers.items() for value in values]


def _file_safe(name: str) -> str:
    """A worker or host name as a file name may hold it."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)
