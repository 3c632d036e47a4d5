"""The ceiling of bench/crawl.py: a plain Scrapy spider that parses every page with lxml.

Run by bench/crawl.py as ``scrapy runspider bench/ceiling_spider.py -a sitemap=URL -O items.jsonl``
outside the project, so Scrapy's own settings apply: it walks the sitemaps, parses each page
with lxml and writes one JSON line per page, which any crawl that reads its pages must pay.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import lxml.html
from scrapy.http import Response
from scrapy.spiders import SitemapSpider


class CeilingSpider(SitemapSpider):
    """Walks a sitemap index, parses every page it lists with lxml, yields one item per page."""

    name = "ceiling"

    def __init__(self, sitemap: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sitemap_urls = [sitemap]

    def parse(self, response: Response, **_: Any) -> Iterator[dict[str, Any]]:
        tree = lxml.html.document_fromstring(response.body)
        yield {
            "url": response.url,
            "title": tree.findtext(".//title"),
            "paragraphs": len(tree.findall(".//p")),
        }
