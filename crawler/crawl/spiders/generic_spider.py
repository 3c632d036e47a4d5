"""The spider for a site with no module: start from one feed or sitemap, fetch what it lists.

``crawler crawl --url https://example.com/feed`` (or ``scrapy crawl generic -a
url=https://example.com/feed``) walks the feed, sitemap or sitemap index at that URL and
fetches every URL it lists on the same domain; there is no article URL pattern to go by.
Each page goes to the parser registry, which reads a site with no module with the generic
parser (``metadata.parser = "generic"``) and a site with one with its own parser.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.crawl.spiders.site_spiders import SiteSpider
from crawler.extract.generic import GenericParser
from crawler.extract.urls import domain_of, registered_domain
from crawler.sites.site import Site, Source

__all__ = ["GenericSpider", "feed_site", "registered_domain"]

_ANY_URL = re.compile(r".")


def feed_site(url: str) -> Site:
    """The site a feed or sitemap URL belongs to: its registered domain, so that a feed on
    ``feeds.example.com`` admits articles on ``www.example.com``."""
    domain = registered_domain(domain_of(url))
    if not domain:
        raise ValueError(f"{url}: not an http(s) URL with a host name")
    return Site(
        id=domain,
        name=domain,
        domains=(domain,),
        parsers=(GenericParser,),
        article_url=_ANY_URL,
        sources=(Source("feed", url),),
        language="",
    )


class GenericSpider(SiteSpider):
    """Crawls any site from one feed or sitemap URL (spider argument ``url``).

    Takes the same ``since``, ``until`` and ``max_articles`` arguments as the site spiders.
    """

    name = "generic"

    def __init__(self, url: str | None = None, **kwargs: Any) -> None:
        if not url:
            raise ValueError("the generic spider needs a feed or sitemap URL: -a url=https://...")
        self.site = feed_site(url)
        # Scrapy's offsite filter reads this when the spider opens: only the feed's domain is crawled.
        self.allowed_domains = list(self.site.domains)
        kwargs.pop("sources", None)
        super().__init__(sources=url, **kwargs)
