"""One spider per site, made from its module's sources; spiders know nothing about markup.

A spider walks the site's feeds and sitemaps, follows the URLs the site calls articles,
and hands each page to the parser registry. ``scrapy list`` shows one per site.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.http import Response
from scrapy.utils.reactor import is_asyncio_reactor_installed
from twisted.python.failure import Failure

from crawler.crawl.archiving import page_source
from crawler.crawl.discovery import ListingTooLargeError, parse_listing
from crawler.crawl.meta import FETCHED_AT_META, LISTED_DATE_META, PENDING_SITEMAPS_META, SITEMAP_DEPTH_META
from crawler.crawl.outcomes import (
    STATS_PREFIX,
    download_outcome,
    error_message,
    log_words,
    quiet_robots_txt_failures,
)
from crawler.crawl.parse_workers import FetchedPage, PageParser, ParserCrashedError, parse_budget
from crawler.crawl.transfer import incomplete
from crawler.errors import CrawlerError
from crawler.extract.urls import cleaned_link, joined_url
from crawler.extract.window import DateWindow
from crawler.record import Record
from crawler.sites import all_sites
from crawler.sites.parse import DEFAULT_BUDGET, ParseBudget
from crawler.sites.site import Site, Source

#: Articles go before listings, and an index's sitemaps are walked one at a time (see
#: parse_source): the frontier then holds about one sitemap's articles, not every article of
#: every sitemap, so memory stays flat however large the site.
ARTICLE_PRIORITY = 1
#: Stats of a crawl's sources (its feeds, sitemaps and sections, not the sitemaps an index lists):
#: how many were requested, and how many gave a page the spider read. None read is a crawl that
#: got nothing (crawler/crawl/runner.py), whatever its exit status would otherwise be.
SOURCES_REQUESTED = "sources/requested"
SOURCES_READ = "sources/read"
#: Article requests handed to the scheduler at a time. A listing's other URLs wait in the
#: spider's backlog (a URL and a date each, a tenth of a request's memory) until the scheduler
#: runs low: a sitemap of 100,000 URLs is then not 100,000 requests at once, and its first
#: articles are fetched while the rest wait. A distributed crawl queues them all in Redis,
#: where a worker's death cannot lose them.
FRONTIER_BATCH = 1000


@dataclass(frozen=True)
class _Article:
    """An article URL a listing gave, waiting in the backlog."""

    url: str
    listed_date: str | None


@dataclass(frozen=True)
class _Chain:
    """The sitemaps to walk once the articles before it in the backlog are scheduled."""

    sitemaps: list[tuple[str, int]]


class SiteSpider(scrapy.Spider):
    """Crawls one site: sources first, then the article pages they list.

    Spider arguments (``-a`` with ``scrapy crawl``): ``since`` and ``until`` bound the
    publication dates that news sitemaps and feeds state (``2d``, ``2024-05-01``...), and
    ``max_articles`` caps the records yielded, and ``sources`` (comma-separated feed or
    sitemap URLs) replaces the site's own sources, e.g. to crawl one sitemap of a backfill.
    """

    site: Site
    page_parser: PageParser

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SiteSpider:
        spider: SiteSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._start_parser_processes, signal=signals.spider_opened)
        crawler.signals.connect(spider._stop_parser_processes, signal=signals.spider_closed)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        quiet_robots_txt_failures()
        settings = crawler.settings
        spider.limits = _Limits(
            depth=settings.getint("SITEMAP_INDEX_DEPTH"),
            pending=settings.getint("SITEMAP_PENDING_MAX"),
            url_length=settings.getint("URLLENGTH_LIMIT"),
            listing_size=settings.getint("DOWNLOAD_MAXSIZE"),
            batch=0 if settings.get("REDIS_URL") else FRONTIER_BATCH,
            parse=parse_budget(settings),
        )
        return spider

    def __init__(
        self,
        since: str | None = None,
        until: str | None = None,
        max_articles: str | int | None = None,
        sources: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.sources = (
            [Source("sitemap", url.strip()) for url in sources.split(",") if url.strip()]
            if sources
            else list(self.site.sources)
        )
        self.window = DateWindow.of(since, until)
        self.max_articles = int(max_articles) if max_articles else None
        self.articles = 0
        self._sitemaps_requested = {source.url for source in self.sources}
        self._backlog: deque[_Article | _Chain] = deque()
        self.limits = _Limits()
        self.page_parser = PageParser(0)  # until the crawl opens and knows its settings

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        # In a distributed crawl another worker may be the one that reads a source.
        if not (hasattr(self, "crawler") and self.crawler.settings.get("REDIS_URL")):
            self._count(SOURCES_REQUESTED, len(self.sources))
        for source in self.sources:
            callback = self.parse_section if source.kind == "section" else self.parse_source
            yield scrapy.Request(source.url, callback=callback, errback=self.request_failed)

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the article URLs a feed or sitemap lists, and the sitemaps an index lists.

        The listing is read as a stream, its articles going to the backlog (see FRONTIER_BATCH).
        An index's sitemaps are chained rather than requested all at once: each carries the
        ones after it, and the next is requested (below articles in priority) once this one's
        articles are scheduled, or when it has failed. Sitemaps deeper than
        ``SITEMAP_INDEX_DEPTH`` indexes, and beyond ``SITEMAP_PENDING_MAX`` waiting, are counted
        and left: a hostile index cannot make the walk endless or its memory grow without bound.
        """
        pending = response.meta.get(PENDING_SITEMAPS_META, [])
        depth = response.meta.get(SITEMAP_DEPTH_META, 0)
        if not depth:
            self._count(SOURCES_READ)
        listed: list[tuple[str, int]] = []
        try:
            listings = parse_listing(response.body, self.limits.listing_size)
            if listings is None:
                self._outcome("failed/unreadable-listing", f"{response.url}: not a readable feed or sitemap")
            for listing in listings or ():
                url = self._web_link(response.url, listing.url, clean=not listing.is_sitemap)
                if url is None:
                    continue
                if listing.is_sitemap:
                    listed.append((url, depth + 1))
                elif not self.window.admits(listing.published):
                    self._count("crawler/skipped/outside-window")
                elif self.site.is_article_url(url):
                    self._backlog.append(_Article(url, listing.modified or listing.published))
        except ListingTooLargeError as error:
            self._outcome("failed/too-large", f"{response.url}: {error}")
        self._backlog.append(_Chain(self._chain(listed, pending)))
        yield from self._refill()

    def _sitemap_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A sitemap of the chain could not be fetched: count it, and go on with the next one."""
        self.request_failed(failure)
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # Scrapy attaches it
        yield from self._next_sitemap(request.meta.get(PENDING_SITEMAPS_META, []))

    def _chain(self, listed: list[tuple[str, int]], pending: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """The sitemaps still to walk: those just listed, then those pending, within the limits."""
        chain: list[tuple[str, int]] = []
        for url, depth in [*listed, *pending]:
            if depth > self.limits.depth:
                self._outcome(
                    "skipped/sitemap-too-deep", f"{url}: more than {self.limits.depth} indexes deep"
                )
            elif url not in self._sitemaps_requested:
                chain.append((url, depth))
        if len(chain) > self.limits.pending:
            dropped = len(chain) - self.limits.pending
            self._count("crawler/skipped/too-many-sitemaps", dropped)
            self.logger.warning(
                "skipped: too-many-sitemaps: %d sitemaps over SITEMAP_PENDING_MAX (%d)",
                dropped,
                self.limits.pending,
            )
            chain = chain[: self.limits.pending]
        return chain

    def _next_sitemap(self, pending: list[tuple[str, int]]) -> Iterator[scrapy.Request]:
        # This spider keeps track of the sitemaps it asked for, so none is dropped silently as
        # a duplicate by Scrapy's filter, which would break the chain.
        pending = [(url, depth) for url, depth in pending if url not in self._sitemaps_requested]
        if pending:
            (url, depth), rest = pending[0], pending[1:]
            self._sitemaps_requested.add(url)
            yield scrapy.Request(
                url,
                callback=self.parse_source,
                errback=self._sitemap_failed,
                meta={PENDING_SITEMAPS_META: rest, SITEMAP_DEPTH_META: depth},
                dont_filter=True,
            )

    def _refill(self) -> Iterator[scrapy.Request]:
        """Requests from the backlog, a batch at a time, while the scheduler runs low."""
        if not self._backlog or self._enough_articles():
            return
        batch = self.limits.batch
        if batch and self._scheduled() >= batch // 2:
            return
        handed = 0
        while self._backlog and (not batch or handed < batch):
            waiting = self._backlog.popleft()
            if isinstance(waiting, _Chain):
                if batch and (handed or self._scheduled()):
                    # The next sitemap once the articles before it have left the scheduler: the
                    # frontier then never holds more than one batch.
                    self._backlog.appendleft(waiting)
                    return
                yield from self._next_sitemap(waiting.sitemaps)
                continue
            handed += 1
            yield scrapy.Request(
                waiting.url,
                callback=self.parse_article,
                errback=self._article_failed,
                priority=ARTICLE_PRIORITY,
                meta={LISTED_DATE_META: waiting.listed_date},
            )

    def _scheduled(self) -> int:
        """Requests waiting in the scheduler (0 before the crawl runs)."""
        engine = self.crawler.engine if hasattr(self, "crawler") else None
        scheduler = engine.scheduler if engine is not None else None
        return len(scheduler) if scheduler is not None else 0  # type: ignore[arg-type]

    def _idle(self) -> None:
        """Keep the crawl open while the backlog holds URLs (every request scheduled failed fast)."""
        if self._backlog and not self._enough_articles() and self.crawler.engine is not None:
            for request in self._refill():
                self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the article links of a section front (any link the site calls an article)."""
        self._count(SOURCES_READ)
        for href in response.css("a::attr(href)").getall():
            url = self._web_link(response.url, href, counted=False)  # menus hold mailto: and javascript:
            if url is not None and self.site.is_article_url(url):
                self._backlog.append(_Article(url, None))
        yield from self._refill()

    def _web_link(self, base: str, link: str, clean: bool = True, counted: bool = True) -> str | None:
        """A listed link as an absolute http(s) URL, or None, counted, for one the crawl must not follow.

        One bad link (no web URL: ``tag:``, ``mailto:``, ``javascript:``; one urljoin refuses;
        one over ``URLLENGTH_LIMIT``) costs that link, never the rest of its listing.
        """
        absolute = cleaned_link(link, base) if clean else joined_url(link.strip(), base)
        if absolute is None or urlsplit(absolute).scheme not in {"http", "https"}:
            if counted:
                self._count("crawler/skipped/non-web-link")
            self.logger.debug("%s: skipped a link that is no web URL: %r", base, link)
            return None
        if self.limits.url_length and len(absolute) > self.limits.url_length:
            self._count("crawler/skipped/url-too-long")
            self.logger.debug("%s: skipped a URL over URLLENGTH_LIMIT: %.100s...", base, absolute)
            return None
        return absolute

    async def parse_article(self, response: Response) -> AsyncIterator[Record | scrapy.Request]:
        """Parse an article page into its record (in a parser process when there are some)."""
        if self._enough_articles():
            return
        for request in self._refill():
            yield request
        content_type = response.headers.get(b"Content-Type")
        fetched = FetchedPage(
            body=response.body,
            url=response.url,
            content_type=content_type.decode("latin-1") if content_type else None,
            fetched_at=response.meta.get(FETCHED_AT_META) or datetime.now(UTC),
            status=response.status,
            budget=self.limits.parse,
            incomplete=incomplete(response),
        )
        try:
            record = await self.page_parser.parse(fetched)
        except CrawlerError as error:
            self._outcome(error.outcome, str(error))
            return
        except ParserCrashedError as error:
            self.logger.error("failed: parser-crash: %s", error)
            self._count("crawler/failed/parser-crash")
            return
        except Exception as error:  # a parser bug must cost one page, never the crawl
            self.logger.error("failed: parser-error: %s: %s: %s", response.url, type(error).__name__, error)
            self.logger.debug("the parser's traceback on %s", response.url, exc_info=True)
            self._count("crawler/failed/parser-error")
            return
        if not self.window.admits(record["datePublished"]):
            self._count("crawler/skipped/outside-window")
            return
        try:
            source = await page_source(response)  # once the page is on disk, if it is archived
        except CrawlerError as error:
            self._outcome(error.outcome, str(error))
            return
        if source is not None:
            record["metadata"]["source"] = source
        if self._enough_articles():
            return  # other pages were parsed meanwhile and reached the cap
        self.articles += 1
        yield record
        if self._enough_articles():
            raise CloseSpider("max_articles")

    def _article_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """An article that gave no page: counted, and the backlog tops the scheduler up."""
        self.request_failed(failure)
        yield from self._refill()

    def request_failed(self, failure: Failure) -> None:
        """Count and log a request that gave no response to parse (timeout, HTTP error...)."""
        outcome = download_outcome(failure)
        if outcome is not None:
            request = getattr(failure, "request", None)
            # The URL the spider asked for, before any redirect.
            url = (request.meta.get("redirect_urls") or [request.url])[0] if request is not None else "?"
            self._outcome(outcome, f"{url}: {error_message(failure)}")

    def _outcome(self, outcome: str, detail: str) -> None:
        """Count a page's outcome; skips are logged as information, failures as warnings."""
        self._count(STATS_PREFIX + outcome)
        level = logging.INFO if outcome.startswith("skipped/") else logging.WARNING
        self.logger.log(level, "%s: %s", log_words(outcome), detail)

    def _start_parser_processes(self) -> None:
        self.page_parser = PageParser(_parse_processes(self.crawler))
        self.logger.info("%s", self.page_parser.plan)

    def _stop_parser_processes(self) -> None:
        self.page_parser.close()

    def _enough_articles(self) -> bool:
        return self.max_articles is not None and self.articles >= self.max_articles

    def _count(self, key: str, count: int = 1) -> None:
        if hasattr(self, "crawler") and self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)


@dataclass(frozen=True)
class _Limits:
    """The bounds of a crawl's walk of its listings (settings, read when the crawl starts)."""

    depth: int = 3
    pending: int = 10_000
    url_length: int = 2083
    listing_size: int = 0
    batch: int = FRONTIER_BATCH
    parse: ParseBudget = DEFAULT_BUDGET


def _parse_processes(crawler: Crawler) -> int | str:
    """PARSE_PROCESSES as set; 0 without the asyncio reactor the workers report to."""
    if not is_asyncio_reactor_installed():
        return 0
    setting: int | str = crawler.settings.get("PARSE_PROCESSES")
    return setting


def spider_for(site: Site) -> type[SiteSpider]:
    """The spider class of a site (one per site, as ``scrapy list`` shows them)."""
    existing = globals().get(_class_name(site))
    if isinstance(existing, type) and issubclass(existing, SiteSpider):
        return existing
    return type(
        _class_name(site),
        (SiteSpider,),
        {
            "name": site.id,
            "site": site,
            "allowed_domains": list(site.domains),
            "__module__": __name__,
        },
    )


def _class_name(site: Site) -> str:
    return f"{site.id.title()}Spider"


for _site in all_sites():
    globals()[_class_name(_site)] = spider_for(_site)
