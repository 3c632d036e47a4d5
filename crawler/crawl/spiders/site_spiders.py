"""One spider per site, made from its module's sources; spiders know nothing about markup.

A spider walks the site's feeds and sitemaps, follows the URLs the site calls articles,
and hands each page to the parser registry. ``scrapy list`` shows one per site.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from scrapy.utils.reactor import is_asyncio_reactor_installed
from twisted.python.failure import Failure

from crawler.crawl.archiving import page_source
from crawler.crawl.discovery import parse_listing
from crawler.crawl.meta import FETCHED_AT_META, LISTED_DATE_META, PENDING_SITEMAPS_META
from crawler.crawl.outcomes import STATS_PREFIX, download_outcome, log_words
from crawler.crawl.parse_workers import FetchedPage, PageParser, ParserCrashedError
from crawler.errors import CrawlerError
from crawler.extract.urls import cleaned_link
from crawler.extract.window import DateWindow
from crawler.sites import all_sites
from crawler.sites.site import Site, Source

#: Articles go before listings, and an index's sitemaps are walked one at a time (see
#: parse_source): the frontier then holds about one sitemap's articles, not every article of
#: every sitemap, so memory stays flat however large the site.
ARTICLE_PRIORITY = 1


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
        self.page_parser = PageParser(0)  # until the crawl opens and knows its settings

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for source in self.sources:
            callback = self.parse_section if source.kind == "section" else self.parse_source
            yield scrapy.Request(source.url, callback=callback, errback=self.request_failed)

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the article URLs a feed or sitemap lists, and the sitemaps an index lists.

        An index's sitemaps are chained rather than requested all at once: each carries the
        ones after it, and the next is requested (below articles in priority) when this one
        has been read, or has failed.
        """
        pending = response.meta.get(PENDING_SITEMAPS_META, [])
        listings = parse_listing(response.body)
        if listings is None:
            self._outcome("failed/unreadable-listing", f"{response.url}: not a readable feed or sitemap")
            yield from self._next_sitemap(pending)
            return
        sitemaps = []
        for listing in listings:
            if listing.is_sitemap:
                sitemaps.append(response.urljoin(listing.url))
            elif self.window.admits(listing.published):
                yield from self._follow_article(response, listing.url, listing.modified or listing.published)
            else:
                self._count("crawler/skipped/outside-window")
        yield from self._next_sitemap([*sitemaps, *pending])

    def _sitemap_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        """A sitemap of the chain could not be fetched: count it, and go on with the next one."""
        self.request_failed(failure)
        request: scrapy.Request = failure.request  # type: ignore[attr-defined]  # Scrapy attaches it
        yield from self._next_sitemap(request.meta.get(PENDING_SITEMAPS_META, []))

    def _next_sitemap(self, pending: list[str]) -> Iterator[scrapy.Request]:
        # This spider keeps track of the sitemaps it asked for, so none is dropped silently as
        # a duplicate by Scrapy's filter, which would break the chain.
        pending = [url for url in pending if url not in self._sitemaps_requested]
        if pending:
            self._sitemaps_requested.add(pending[0])
            yield scrapy.Request(
                pending[0],
                callback=self.parse_source,
                errback=self._sitemap_failed,
                meta={PENDING_SITEMAPS_META: pending[1:]},
                dont_filter=True,
            )

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the article links of a section front (any link the site calls an article)."""
        for href in response.css("a::attr(href)").getall():
            yield from self._follow_article(response, href)

    def _follow_article(
        self, response: Response, url: str, listed_date: str | None = None
    ) -> Iterator[scrapy.Request]:
        absolute = cleaned_link(url, response.url)
        if absolute is None:  # one bad link; the page's others still count
            self.logger.debug("%s: skipped a link urljoin refuses: %r", response.url, url)
            return
        if self.site.is_article_url(absolute):
            yield response.follow(
                absolute,
                callback=self.parse_article,
                errback=self.request_failed,
                priority=ARTICLE_PRIORITY,
                meta={LISTED_DATE_META: listed_date},
            )

    async def parse_article(self, response: Response) -> AsyncIterator[dict[str, Any]]:
        """Parse an article page into its record (in a parser process when there are some)."""
        if self._enough_articles():
            return
        content_type = response.headers.get(b"Content-Type")
        fetched = FetchedPage(
            body=response.body,
            url=response.url,
            content_type=content_type.decode("latin-1") if content_type else None,
            fetched_at=response.meta.get(FETCHED_AT_META) or datetime.now(timezone.utc),
            status=response.status,
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
        except Exception:  # a parser bug must cost one page, never the crawl
            self.logger.exception("failed: parser-error: %s", response.url)
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

    def request_failed(self, failure: Failure) -> None:
        """Count and log a request that gave no response to parse (timeout, HTTP error...)."""
        outcome = download_outcome(failure)
        if outcome is not None:
            request = getattr(failure, "request", None)
            # The URL the spider asked for, before any redirect.
            url = (request.meta.get("redirect_urls") or [request.url])[0] if request is not None else "?"
            self._outcome(outcome, f"{url}: {failure.getErrorMessage()}")

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

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


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
