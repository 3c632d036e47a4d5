"""One spider per site, made from its module's sources; spiders know nothing about markup.

A spider walks the site's feeds and sitemaps, follows the URLs the site calls articles,
and hands each page to the parser registry. ``scrapy list`` shows one per site.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone
from typing import Any

import scrapy
from scrapy.http import Response

from crawler.discovery import read_listing
from crawler.errors import NotAnArticleError
from crawler.extract.page import Page
from crawler.extract.urls import clean_url
from crawler.parsing import parse
from crawler.site import Site
from crawler.sites import all_sites

#: Request meta key holding when the page was fetched, for responses that were not fetched now (replay).
FETCHED_AT_META = "crawler_fetched_at"


class SiteSpider(scrapy.Spider):
    """Crawls one site: sources first, then the article pages they list."""

    site: Site

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for source in self.site.sources:
            callback = self.parse_section if source.kind == "section" else self.parse_source
            yield scrapy.Request(source.url, callback=callback)

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow sitemaps and article URLs listed by a feed or sitemap."""
        for listing in read_listing(response.body):
            if listing.is_sitemap:
                yield response.follow(listing.url, callback=self.parse_source)
            else:
                yield from self._follow_article(response, listing.url)

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
        try:
            yield parse(page)
        except NotAnArticleError as error:
            self.logger.info("skipped: %s", error)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("crawler/skipped/not-an-article")


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
