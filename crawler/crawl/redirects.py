"""Redirects: loops and unreadable targets stopped and reported as such; meta refresh read in the head.

Scrapy follows up to ``REDIRECT_MAX_TIMES`` redirects, but a loop back to a URL already
requested is dropped silently by its duplicate filter; a server that redirects in a circle
then leaves no trace in the crawl's counts. This middleware sees each redirect before
Scrapy's does and refuses one that leads back to a URL of the same chain.

Scrapy's meta-refresh middleware decodes every HTML response whole to read its first 4,096
characters (``response.text``), though the parser reads the bytes itself. Ours asks Scrapy's
only when the page's head says "refresh" at all, and follows the same refreshes
(tests/test_redirects.py compares the two).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import Request, Response

from crawler.crawl.outcomes import RefusedRequest

__all__ = ["BadRedirectError", "HeadMetaRefreshMiddleware", "RedirectLoopError", "RedirectLoopMiddleware"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class RedirectLoopError(RefusedRequest):
    """A redirect back to a URL of its own chain; the message shows the chain."""

    def __init__(self, message: str) -> None:
        super().__init__("failed/redirect-loop", message)


class BadRedirectError(RefusedRequest):
    """A redirect whose ``Location`` is no URL (``http://[abc/x``); Scrapy's own middleware would raise."""

    def __init__(self, message: str) -> None:
        super().__init__("failed/bad-redirect", message)


class RedirectLoopMiddleware:
    """Downloader middleware (just after Scrapy's redirect middleware in the response order)."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in _REDIRECTS or not location:
            return response
        stated = location.decode("latin-1").strip()
        try:
            target = urljoin(request.url, stated)
            urlsplit(target).port  # noqa: B018  # raises for a port that is no number
        except ValueError:
            raise BadRedirectError(f"redirected to {stated!r}, which is not a URL") from None
        chain: list[str] = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectLoopError(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


#: Scrapy reads a meta refresh in a page's first 4,096 characters: at most 4 bytes each in UTF-8.
_REFRESH_HEAD_BYTES = 4 * 4096


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's MetaRefreshMiddleware, run only on pages whose head mentions "refresh".

    Pages in UTF-16 or UTF-32 (no ASCII bytes to look for) always get Scrapy's full check.
    """

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        head = response.body[:_REFRESH_HEAD_BYTES]
        if b"refresh" not in head.lower() and b"\x00" not in head:
            return response
        return super().process_response(request, response)
