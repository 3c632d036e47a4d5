"""Incremental crawling: articles already stored are not fetched again unless a listing says they changed.

scrapy-deltafetch, the usual plugin, does not run on current Scrapy; this is our own, over
the crawl state (crawler/state/). Enabled by the ``INCREMENTAL`` setting with a ``CRAWL_STATE``
file, or with ``REDIS_URL`` (the state then kept in Redis, crawler/state/redis.py); the corpus
pipeline records there what it stored.

- An article request (one the spider marks with its listing's date) whose URL the state has
  stored is dropped before it is scheduled, unless the listing's date (sitemap ``lastmod``,
  feed date) is newer than every date known for it: counted as ``incremental/unchanged``.
- A changed one is revisited with ``If-None-Match`` / ``If-Modified-Since`` from the state;
  a 304 answer writes nothing to the corpus, counted as ``incremental/not-modified``.

Feeds and sitemaps are always fetched whole: a listing answered 304 would hide the articles
a crawl killed half-way never reached.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Request, Response

from crawler.crawl.meta import KNOWN_META, LISTED_DATE_META
from crawler.crawl.stores import crawl_state
from crawler.extract.dates import read_date
from crawler.record.dates import moment_of
from crawler.state import ArticleState, CrawlState, newest

__all__ = ["IncrementalMiddleware", "article_state", "moment", "requested_url"]


def moment(stated: str | None) -> datetime | None:
    """A date as a listing or a record states it, as an aware datetime (see ``moment_of``); None
    when unreadable."""
    read = read_date(stated) if stated else None
    return moment_of(read) if read else None


class IncrementalMiddleware:
    """Downloader middleware: skips unchanged articles, revisits changed ones conditionally."""

    def __init__(self, state: CrawlState, stats: Any) -> None:
        self.state = state
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> IncrementalMiddleware:
        state = crawl_state(crawler) if crawler.settings.getbool("INCREMENTAL") else None
        if state is None:
            raise NotConfigured
        middleware = cls(state, crawler.stats)
        crawler.signals.connect(middleware.skip_unchanged, signal=signals.request_scheduled)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def skip_unchanged(self, request: Request, spider: Any = None) -> None:
        """Drop an article request, before it is scheduled, when the state says nothing changed."""
        if LISTED_DATE_META not in request.meta:
            return  # not an article: feeds, sitemaps and sections are always fetched
        known = self.state.get(request.url)
        if known is None or not known.stored:
            return
        if not known.listed_as_changed(moment(request.meta[LISTED_DATE_META])):
            self.stats.inc_value("incremental/unchanged")
            raise IgnoreRequest(f"unchanged since {known.fetched_at.isoformat()}: {request.url}")
        request.meta[KNOWN_META] = known

    def process_request(self, request: Request, spider: Any = None) -> None:
        known: ArticleState | None = request.meta.get(KNOWN_META)
        if known is None:
            return
        if known.etag:
            request.headers.setdefault(b"If-None-Match", known.etag.encode("latin-1"))
        if known.last_modified:
            request.headers.setdefault(b"If-Modified-Since", known.last_modified.encode("latin-1"))

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        known: ArticleState | None = request.meta.get(KNOWN_META)
        if known is None or response.status != 304:
            return response
        self.stats.inc_value("incremental/not-modified")
        listed = moment(request.meta.get(LISTED_DATE_META))
        # Remember the listing's date, so that the same lastmod does not bring us back next time.
        self.state.put(
            replace(
                known,
                fetched_at=datetime.now(UTC),
                etag=_header(response, b"ETag") or known.etag,
                last_modified=_header(response, b"Last-Modified") or known.last_modified,
                changed_at=newest(known.changed_at, listed),
            )
        )
        raise IgnoreRequest(f"not modified: {request.url}")

    def close(self) -> None:
        """Commit the state's last rows when the crawl ends."""
        self.state.close()


def article_state(url: str, response: Response, record: dict[str, Any], revision: int | None) -> ArticleState:
    """The state's row for an article whose record was just stored from ``response``."""
    return ArticleState(
        url=url,
        fetched_at=datetime.now(UTC),
        etag=_header(response, b"ETag"),
        last_modified=_header(response, b"Last-Modified"),
        content_hash=record["metadata"]["contentHash"],
        revision=revision,
        changed_at=newest(
            moment(response.meta.get(LISTED_DATE_META)),
            moment(record.get("dateModified")),
            moment(record.get("datePublished")),
        ),
    )


def requested_url(response: Response) -> str:
    """The URL the spider asked for (before any redirect): the state's key."""
    redirects: list[str] = response.meta.get("redirect_urls") or [response.url]
    return redirects[0]


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None
