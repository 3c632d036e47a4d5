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


class SiteSpider(scrapy.Spider):
    """Crawls one site: sources first, then the article pages they list."""

    site: Site

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self.start_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:
        for source in self.site.sources:
            yield scrapy.Request(source.url, callback=self.parse_source)

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        """Follow sitemaps and article URLs listed by a feed or sitemap."""
        for listing in read_listing(response.body):
            if listing.is_sitemap:
                yield response.follow(listing.url, callback=self.parse_source)
            elif self.site.is_article_url(listing.url):
                yield response.follow(clean_url(listing.url), callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        """Parse an article page into its record."""
        page = Page(
            html=response.text,
            url=response.url,
            fetched_at=datetime.now(timezone.utc),
            status=response.status,
        )
        try:
            yield parse(page)
        except NotAnArticleError as error:
            self.logger.info("skipped: %s", error)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("crawler/skipped/not-an-article")


def _spider_for(site: Site) -> type[SiteSpider]:
    return type(
        f"{site.id.title()}Spider",
        (SiteSpider,),
        {
            "name": site.id,
            "site": site,
            "allowed_domains": list(site.domains),
            "__module__": __name__,
        },
    )


for _site in all_sites():
    globals()[f"{_site.id.title()}Spider"] = _spider_for(_site)
