"""Feeds and sitemaps to article URLs, and the spiders Scrapy sees."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Request, XmlResponse
from twisted.python.failure import Failure

from crawler.crawl.discovery import read_listing
from crawler.crawl.spiders.site_spiders import PENDING_SITEMAPS_META, spider_for
from crawler.sites import all_sites, get_site
from crawler.sites.site import Site, Source
from tests.conftest import REPO

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url>
    <loc>https://www.ctvnews.ca/world/u-s-china-talks-1.6445678</loc>
    <lastmod>2023-06-18T21:00:00-04:00</lastmod>
    <news:news>
      <news:publication><news:name>CTV News</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>2023-06-18T08:14:00-04:00</news:publication_date>
      <news:title>U.S., China remain at odds</news:title>
    </news:news>
  </url>
</urlset>"""

SITEMAP_INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://www.theglobeandmail.com/arc/outboundfeeds/news-sitemap/?from=0</loc></sitemap>
</sitemapindex>"""

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>One</title><link>https://www.theglobeandmail.com/world/article-one/?cmp=rss</link>
<pubDate>Mon, 26 Jul 2021 15:39:50 GMT</pubDate></item></channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>A</title><link rel="alternate" href="https://example.com/a"/><published>2024-01-01T00:00:00Z</published></entry>
</feed>"""


def test_news_sitemap_keeps_google_news_fields() -> None:
    (listing,) = read_listing(NEWS_SITEMAP)
    assert listing.url == "https://www.ctvnews.ca/world/u-s-china-talks-1.6445678"
    assert listing.title == "U.S., China remain at odds"
    assert listing.published == "2023-06-18T08:14:00-04:00"
    assert listing.modified == "2023-06-18T21:00:00-04:00"


def test_sitemap_index_lists_sitemaps() -> None:
    (listing,) = read_listing(SITEMAP_INDEX)
    assert listing.is_sitemap and listing.url.endswith("news-sitemap/?from=0")


def test_feeds_list_their_items() -> None:
    assert [item.url for item in read_listing(RSS)] == [
        "https://www.theglobeandmail.com/world/article-one/?cmp=rss"
    ]
    assert [item.url for item in read_listing(ATOM)] == ["https://example.com/a"]


def test_broken_xml_lists_nothing() -> None:
    assert list(read_listing(b"<html><body>not a feed")) == []
    assert list(read_listing(b"")) == []


def test_article_url_patterns() -> None:
    ctv, globe = get_site("ctvnews"), get_site("globeandmail")
    assert ctv.is_article_url("https://www.ctvnews.ca/world/u-s-china-talks-1.6445678")
    assert ctv.is_article_url("https://www.ctvnews.ca/politics/article/some-story/")
    assert not ctv.is_article_url("https://www.ctvnews.ca/toronto/video/2025/08/27/some-clip/")
    assert not ctv.is_article_url("https://www.ctvnews.ca/world")
    assert globe.is_article_url("https://www.theglobeandmail.com/world/article-one/")
    assert globe.is_article_url("http://www.theglobeandmail.com/news/world/airasia-search/article22224253/")
    assert not globe.is_article_url("https://www.theglobeandmail.com/world/")


def test_scrapy_lists_one_spider_per_site_and_the_generic_one() -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert listed == sorted([*(site.id for site in all_sites()), "generic"])


def _sitemap(*locations: str, index: bool = False) -> bytes:
    kind, root = ("sitemap", "sitemapindex") if index else ("url", "urlset")
    entries = "".join(f"<{kind}><loc>{location}</loc></{kind}>" for location in locations)
    return f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</{root}>'.encode()


def test_an_index_is_walked_one_sitemap_at_a_time_after_its_articles() -> None:
    """The frontier holds about one sitemap's articles, however many sitemaps the index lists."""
    spider = spider_for(get_site("ctvnews"))()
    index = "https://www.ctvnews.ca/sitemap-index.xml"
    children = [f"https://www.ctvnews.ca/sitemap-{n}.xml" for n in range(3)]
    (first,) = spider.parse_source(
        XmlResponse(index, body=_sitemap(*children, index=True), request=Request(index))
    )
    assert (first.url, first.meta[PENDING_SITEMAPS_META]) == (children[0], [(url, 1) for url in children[1:]])

    article = "https://www.ctvnews.ca/world/u-s-china-talks-1.6445678"
    response = XmlResponse(children[0], body=_sitemap(article), request=first)
    (listed_article,) = spider.parse_source(response)
    (second,) = spider._refill()  # the next sitemap, once the articles have left the scheduler
    assert listed_article.url == article and second.url == children[1]
    assert listed_article.priority > second.priority
    assert second.meta[PENDING_SITEMAPS_META] == [(children[2], 1)]

    failure = Failure(IgnoreRequest("gone"))
    failure.request = second  # type: ignore[attr-defined]  # as Scrapy hands errbacks their request
    (third,) = spider._sitemap_failed(failure)
    assert (third.url, third.meta[PENDING_SITEMAPS_META]) == (children[2], [])


def test_a_sitemap_listed_twice_is_walked_once() -> None:
    spider = spider_for(get_site("ctvnews"))()
    index = "https://www.ctvnews.ca/sitemap-index.xml"
    again = "https://www.ctvnews.ca/sitemap-0.xml"
    (first,) = spider.parse_source(
        XmlResponse(index, body=_sitemap(again, index=True), request=Request(index))
    )
    response = XmlResponse(again, body=_sitemap(again, index=True), request=first)
    assert list(spider.parse_source(response)) == []


def test_a_source_off_the_sites_domains_is_refused_when_the_site_is_declared() -> None:
    ctv = get_site("ctvnews")
    with pytest.raises(
        ValueError, match=re.escape("source https://feeds.example.net/rss is not on its domains ctvnews.ca")
    ):
        Site(
            id="ctvnews",
            name=ctv.name,
            domains=ctv.domains,
            parsers=ctv.parsers,
            article_url=ctv.article_url,
            sources=(Source("feed", "https://feeds.example.net/rss"),),
        )


def test_a_link_urlsplit_refuses_costs_only_itself() -> None:
    """A section front's broken link (an unbalanced "[" in its host) is skipped; the others are followed."""
    spider = spider_for(get_site("ctvnews"))()
    section = "https://www.ctvnews.ca/world"
    good = "https://www.ctvnews.ca/world/u-s-china-talks-1.6445678"
    body = f'<a href="http://[ctvnews.ca/world/a-1.6445677">x</a><a href="{good}">y</a>'.encode()
    followed = list(spider.parse_section(HtmlResponse(section, body=body, request=Request(section))))
    assert [request.url for request in followed] == [good]
