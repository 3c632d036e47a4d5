"""One spider per site, made from its module's sources; spiders know nothing about markup.

A spider walks the site's feeds and sitemaps, follows the URLs the site calls articles,
and hands each page to the parser registry. ``scrapy list`` shows one per site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response

from crawler.discovery import read_listing
from crawler.errors import NotAnArticleError
from crawler.extract.page import Page
from crawler.extract.urls import clean_url
from crawler.parsing import parse
from crawler.site import Site, Source
from crawler.sites import all_sites
from crawler.window import DateWindow

#: Request meta key holding when the page was fetched, for responses that were not fetched now (replay).
FETCHED_AT_META = "crawler_fetched_at"


class SiteSpider(scrapy.Spider):
    """Crawls one site: sources first, then the article pages they list.

    Spider arguments (``-a`` with ``scrapy crawl``): ``since`` and ``until`` bound the
    publication dates that news sitemaps and feeds state (``2d``, ``2024-05-01``...), and
    ``max_articles`` caps the records yielded, and ``sources`` (comma-separated feed or
    sitemap URLs) replaces the site's own sources, e.g. to crawl one sitemap of a backfill.
    """

    site: Site

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

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for source in self.sources:
            callback = self.parse_section if source.kind == "section" else self.parse_source
            yield scrapy.Request(source.url, callback=callback)

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow sitemaps and article URLs listed by a feed or sitemap."""
        for listing in read_listing(response.body):
            if listing.is_sitemap:
                yield response.follow(listing.url, callback=self.parse_source)
            elif self.window.admits(listing.published):
                yield from self._follow_article(response, listing.url)
            else:
                self._count("crawler/skipped/outside-window")

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow the article links of a section front (any link the site calls an article)."""
        for href in response.css("a::attr(href)").getall():
            yield from self._follow_article(response, href)

    def _follow_article(self, response: Response, url: str) -> Iterator[scrapy.Request]:
        absolute = clean_url(url, base=response.url)
        if self.site.is_article_url(absolute):
            yield response.follow(absolute, callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        """Parse an article page into its record."""
        page = Page(
            html=response.text,
            url=response.url,
            fetched_at=response.meta.get(FETCHED_AT_META) or datetime.now(timezone.utc),
            status=response.status,
        )
        if self.max_articles is not None and self.articles >= self.max_articles:
            return
        try:
            record = parse(page)
        except NotAnArticleError as error:
            self.logger.info("skipped: %s", error)
            self._count("crawler/skipped/not-an-article")
            return
        if not self.window.admits(record["datePublished"]):
            self._count("crawler/skipped/outside-window")
            return
        self.articles += 1
        yield record
        if self.max_articles is not None and self.articles >= self.max_articles:
            raise CloseSpider("max_articles")

    def _count(self, key: str) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key)


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
