"""Redirect loops, stopped at the first repeat and reported as such.

Scrapy follows up to ``REDIRECT_MAX_TIMES`` redirects, but a loop back to a URL already
requested is dropped silently by its duplicate filter; a server that redirects in a circle
then leaves no trace in the crawl's counts. This middleware sees each redirect before
Scrapy's does and refuses one that leads back to a URL of the same chain.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

__all__ = ["RedirectLoopError", "RedirectLoopMiddleware"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class RedirectLoopError(IgnoreRequest):
    """A redirect back to a URL of its own chain; the message shows the chain."""


class RedirectLoopMiddleware:
    """Downloader middleware (just after Scrapy's redirect middleware in the response order)."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        location = response.headers.get(b"Location")
        if response.status not in _REDIRECTS or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1").strip())
        chain: list[str] = [*request.meta.get("redirect_urls", []), request.url]
        if target in chain:
            raise RedirectLoopError(f"redirect loop: {' -> '.join([*chain, target])}")
        return response
