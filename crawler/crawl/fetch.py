"""One-off fetch: one URL through the same Scrapy stack as a crawl (robots.txt, User-Agent, retries).

Each way a fetch can fail gets its own clear error: DNS failure, refused connection, timeout,
an HTTP error status, content that is not HTML, a robots.txt disallow, and a page that is not
an article. A site with no module is read by the generic parser, as ``crawler parse`` does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.settings import Settings
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure

from crawler.crawl.archiving import page_source
from crawler.crawl.outcomes import download_outcome, error_message, log_words
from crawler.crawl.parse_workers import parse_budget
from crawler.crawl.transfer import incomplete
from crawler.errors import CrawlerError, UnknownSiteError
from crawler.extract.page import Page
from crawler.extract.urls import domain_of, registered_domain
from crawler.record import Record
from crawler.sites import site_for_url
from crawler.sites.parse import parse

_HTML_TYPES = (b"text/html", b"application/xhtml+xml")
_ERROR_STATUSES = list(range(400, 600))


def site_domains(url: str) -> list[str]:
    """The domains a fetch of ``url`` stays on: its registered domain, and its site module's domains."""
    domains = [registered_domain(domain_of(url))]
    with suppress(UnknownSiteError):
        domains.extend(site_for_url(url).domains)
    return domains


class FetchError(CrawlerError):
    """A fetch that did not give a page to parse; ``reason`` says which way it failed."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass
class Fetched:
    """What a fetch produced: the record and the page it came from, or the error."""

    record: Record | None = None
    page: Page | None = None
    error: CrawlerError | None = None


class FetchSpider(scrapy.Spider):
    """Fetches one URL and parses it; keeps the outcome in ``fetched``."""

    name = "fetch"

    def __init__(self, url: str, fetched: Fetched, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url
        self.fetched = fetched
        # The fetch policy (crawler/crawl/policy.py) follows redirects within these only.
        self.allowed_domains = site_domains(url)

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Error statuses reach parse_response, to be named; redirects are followed, as in a crawl.
        yield scrapy.Request(
            self.url,
            callback=self.parse_response,
            errback=self.failed,
            dont_filter=True,
            meta={"handle_httpstatus_list": _ERROR_STATUSES},
        )

    async def parse_response(self, response: Response) -> None:
        """Parse the page; its record names where it is archived (``--warc FILE``), once it is on disk."""
        self._read_page(response)
        if self.fetched.record is None:
            return
        try:
            source = await page_source(response)
        except CrawlerError as error:
            self.fetched.record, self.fetched.error = None, error
            return
        if source is not None:
            self.fetched.record["metadata"]["source"] = source

    def _read_page(self, response: Response) -> None:
        if response.status >= 400:
            self.fetched.error = FetchError(self.url, f"HTTP {response.status} from the server")
            return
        content_type = response.headers.get(b"Content-Type") or b""
        if not content_type.lower().startswith(_HTML_TYPES):
            kind = content_type.decode("latin-1") or "none given"
            self.fetched.error = FetchError(self.url, f"not an HTML page (content type: {kind})")
            return
        page = Page.from_bytes(
            response.body,
            url=response.url,
            content_type=content_type.decode("latin-1"),
            fetched_at=datetime.now(UTC),
            status=response.status,
            incomplete=incomplete(response),
        )
        self.fetched.page = page
        try:
            self.fetched.record = parse(page, parse_budget(self.settings))
        except CrawlerError as error:
            self.fetched.error = error

    def failed(self, failure: Failure) -> None:
        self.fetched.error = FetchError(self.url, _reason(failure))


def _reason(failure: Failure) -> str:
    error = failure.value
    if isinstance(error, (DNSLookupError, CannotResolveHostError)):
        return "DNS lookup failed: the host name does not resolve"
    if isinstance(error, (ConnectionRefusedError, DownloadConnectionRefusedError)):
        return "connection refused by the server"
    if isinstance(error, (TimeoutError, TCPTimedOutError, DownloadTimeoutError)):
        return "timed out waiting for the server"
    if isinstance(error, IgnoreRequest) and "robots.txt" in str(error):
        return "disallowed by the site's robots.txt"
    outcome = download_outcome(failure)
    message = error_message(failure)
    return f"{log_words(outcome)}: {message}" if outcome else f"fetch failed: {message}"


def fetch(url: str, overrides: dict[str, Any] | None = None) -> Fetched:
    """Fetch and parse one article URL; the outcome's ``error`` is set when it failed.

    With the ``WARC_FILE`` setting the exchanges (robots.txt, redirects, the page) are appended
    to that WARC file, and the record's ``metadata.source`` points at the page's.
    """
    settings = Settings()
    settings.setmodule("crawler.crawl.settings", priority="project")
    # One request: no need to pace it; pipelines are for crawls that store. The outcome is
    # reported as one line by the caller, so Scrapy's own log stays quiet unless asked (-s LOG_LEVEL=INFO).
    settings.setdict(
        {
            "DOWNLOAD_DELAY": 0,
            "AUTOTHROTTLE_ENABLED": False,
            "ITEM_PIPELINES": {},
            "LOG_LEVEL": "CRITICAL",
            "PROGRESS_LINE": False,
        },
        priority="cmdline",
    )
    settings.setdict(overrides or {}, priority="cmdline")
    fetched = Fetched()
    process = CrawlerProcess(settings)
    process.crawl(FetchSpider, url=url, fetched=fetched)
    process.start()
    return fetched
