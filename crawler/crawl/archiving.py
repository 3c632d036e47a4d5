"""Archiving a crawl: every HTTP exchange written to WARC files as it comes, before decompression.

With ``WARC_DIR`` set (``crawler crawl --warc``: ``OUT/warc``), or ``WARC_FILE`` (``crawler fetch
URL --warc FILE``), :class:`ArchiveMiddleware` sits next to the download, so it sees each
response before Scrapy undoes its ``Content-Encoding`` (590) or follows its redirect (600):
the body as it came over the wire, the redirects, robots.txt, feeds and sitemaps. A response
with an error status (a fetch that failed) is not archived, nor is one answered from fixtures
or from an archive (flagged ``replayed``).

The files are written in a thread of their own (crawler/archive/ builds the records; zlib and
fsync let go of the GIL), so the engine does not wait for the disk. Each archived response
carries in its meta a future of where its record is, which the thread fulfils only once the
record is synced; the spider awaits it (:func:`page_source`) before it yields the page's
record, so a corpus record never points at a page the disk does not hold. A write that fails
stops the crawl, as a corpus write does.
"""

from __future__ import annotations

import asyncio
import json
import queue
import re
import socket
import threading
from concurrent.futures import Future
from datetime import datetime, timezone
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
from crawler.crawl.meta import FETCHED_AT_META, REPLAYED_FLAG, SOURCE_META
from crawler.crawl.pipelines import stop_crawl
from crawler.errors import ArchiveError

__all__ = ["ArchiveMiddleware", "BackgroundWriter", "exchange_of", "page_source", "warcinfo"]

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
#: Exchanges waiting for the writer thread before the engine waits for it (each holds its body).
_QUEUE_DEPTH = 64


async def page_source(response: Response) -> Source | None:
    """The page's ``metadata.source``, once its archive record is on disk; None when it is kept nowhere.

    Raises ArchiveError when the page could not be archived.
    """
    source: Source | Future[Source] | None = response.meta.get(SOURCE_META)
    if not isinstance(source, Future):
        return source
    if is_asyncio_reactor_installed():
        return await asyncio.wrap_future(source)
    return source.result()  # the writer thread needs nothing from the reactor to finish


class BackgroundWriter:
    """An ArchiveWriter in a thread of its own: exchanges in, synced locations out, as futures.

    The thread writes whatever is waiting, syncs once for all of it, then fulfils the futures.
    After a failure every later exchange fails with the same error (``failed``).
    """

    def __init__(self, writer: ArchiveWriter) -> None:
        self.writer = writer
        self.failed: ArchiveError | None = None
        self._waiting: queue.Queue[tuple[str, Exchange, Future[Source]] | None] = queue.Queue(_QUEUE_DEPTH)
        self._thread = threading.Thread(target=self._run, name="crawler-archive", daemon=True)
        self._thread.start()

    def submit(self, folder: str, exchange: Exchange) -> Future[Source]:
        """Queue an exchange for ``folder``; the future gives its record's source once synced."""
        future: Future[Source] = Future()
        if self.failed is not None:
            future.set_exception(self.failed)  # its page would have no record to point at
        else:
            self._waiting.put((folder, exchange, future))
        return future

    def close(self) -> None:
        """Write what is waiting, sync and close the files; raises the failure, if any."""
        self._waiting.put(None)
        self._thread.join()
        if self.failed is not None:
            raise self.failed

    def _run(self) -> None:
        closing = False
        while not closing:
            batch = [self._waiting.get()]
            while not self._waiting.empty():
                batch.append(self._waiting.get_nowait())
            closing = None in batch
            self._write([item for item in batch if item is not None])
        try:
            self.writer.close()
        except ArchiveError as error:
            self.failed = self.failed or error

    def _write(self, batch: list[tuple[str, Exchange, Future[Source]]]) -> None:
        written: list[tuple[Future[Source], Source]] = []
        for folder, exchange, future in batch:
            if self.failed is None:
                try:
                    written.append((future, self.writer.write(folder, exchange).source()))
                    continue
                except ArchiveError as error:
                    self.failed = error
            future.set_exception(self.failed)
        if written and self.failed is None:
            try:
                self.writer.sync()
            except ArchiveError as error:
                self.failed = error
        for future, source in written:
            if self.failed is None:
                future.set_result(source)
            else:
                future.set_exception(self.failed)


class ArchiveMiddleware:
    """Downloader middleware: archives each response as it arrives, with the request that asked for it."""

    def __init__(self, crawler: Any, background: BackgroundWriter) -> None:
        self.crawler = crawler
        self.background = background
        #: The site folder of this crawl's files: the site's id (a feed's domain for the generic spider).
        self.folder = ""
        self._stopped = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchiveMiddleware:
        settings = crawler.settings
        folder, single = settings.get("WARC_DIR"), settings.get("WARC_FILE")
        if not folder and not single:
            raise NotConfigured
        info = warcinfo(settings, crawler.spidercls.name)
        if single:
            writer = ArchiveWriter.single_file(Path(single), info)
        else:
            worker = _file_safe(settings.get("CRAWL_WORKER") or socket.gethostname())
            writer = ArchiveWriter(Path(folder), worker, info, settings.getint("WARC_MAX_SIZE"))
        middleware = cls(crawler, BackgroundWriter(writer))
        crawler.signals.connect(middleware.opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def opened(self, spider: Any) -> None:
        site = getattr(spider, "site", None)
        self.folder = site.id if site is not None else spider.name

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        if response.status >= 400 or REPLAYED_FLAG in response.flags:
            return response
        now = datetime.now(timezone.utc)
        # The record's dateDownloaded is the WARC-Date, so a re-parse or a replay gives the same record.
        request.meta[FETCHED_AT_META] = now
        request.meta[SOURCE_META] = self.background.submit(self.folder, exchange_of(request, response, now))
        if self.background.failed is not None:
            self._stop(self.background.failed)
        return response

    def close(self) -> None:
        """Write what is waiting and close the files (the spider's last pages are in them)."""
        try:
            self.background.close()
        except ArchiveError as error:
            self._stop(error)

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
        "software": f"crawler/{__version__} (warcio/{version('warcio')}, Scrapy/{version('scrapy')})",
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
