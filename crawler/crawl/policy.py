"""What a crawl may fetch: http(s) URLs on the source's own sites, never a private address.

A hostile feed, sitemap index or redirect can name any URL: ``file:///etc/passwd``, the cloud
metadata service at 169.254.169.254, an admin page on 127.0.0.1. Scrapy's offsite filter is no
defence: a request with ``dont_filter`` (as a sitemap chain's are) passes it, and it knows
nothing of addresses. This downloader middleware sees every request before it is downloaded
(start requests, sitemaps at any depth, articles, robots.txt, and each redirect's target, which
Scrapy schedules as a new request) and refuses, with a counted outcome:

- a scheme other than http and https (``skipped: not-web``);
- a host outside the spider's ``allowed_domains`` (a site's declared domains, a generic crawl's
  registered domain): ``skipped: offsite``, or ``skipped: offsite-redirect`` for a redirect's target;
- a host that resolves to a private, loopback, link-local, multicast or otherwise non-public
  address (``skipped: private-address``), unless ``ALLOW_PRIVATE_ADDRESSES`` is set (the
  loopback tests and benchmarks set it). The host is resolved by the reactor's resolver,
  Scrapy's caching one, so the connection goes to the address that was checked. A replay
  (``REPLAY_DIR``) never touches the network: its addresses are not looked up.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from scrapy.crawler import Crawler
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError, TimeoutError

from crawler.crawl.outcomes import RefusedRequest

__all__ = ["FetchPolicyMiddleware", "is_public_address", "on_allowed_domains"]

_WEB_SCHEMES = frozenset({"http", "https"})


def is_public_address(address: str) -> bool:
    """Whether an IP address is one of the public internet's (not private, loopback, link-local...)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return parsed.is_global and not parsed.is_multicast


def on_allowed_domains(host: str, domains: list[str] | tuple[str, ...] | None) -> bool:
    """Whether a host is one of the domains or under one; every host is when there are none."""
    if not domains:
        return True
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in domains)


class FetchPolicyMiddleware:
    """Downloader middleware: refuses what a crawl must never fetch (see the module's docstring)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.check_addresses = not settings.getbool("ALLOW_PRIVATE_ADDRESSES") and not settings.get(
            "REPLAY_DIR"
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FetchPolicyMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        parts = urlparse_cached(request)
        if parts.scheme not in _WEB_SCHEMES:
            raise RefusedRequest("skipped/not-web", "not an http(s) URL")
        host = parts.hostname or ""
        if not on_allowed_domains(host, getattr(self.crawler.spider, "allowed_domains", None)):
            redirected = bool(request.meta.get("redirect_urls"))
            raise RefusedRequest(
                "skipped/offsite-redirect" if redirected else "skipped/offsite",
                f"{'redirected to ' + request.url + ', ' if redirected else ''}off the site's domains",
            )
        if self.check_addresses:
            address = await _resolved(host)
            if address is not None and not is_public_address(address):
                raise RefusedRequest(
                    "skipped/private-address", f"{host} is at {address}, not a public address"
                )


async def _resolved(host: str) -> str | None:
    """The address the crawl will connect to for a host (an IP literal is its own); None if unknown.

    A host that does not resolve is left to the download, which fails with its own DNS error.
    """
    literal = host.strip("[]")
    try:
        return str(ipaddress.ip_address(literal))
    except ValueError:
        pass
    from twisted.internet import reactor

    try:
        address: str = await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[arg-type]  # a host name
    except (DNSLookupError, TimeoutError):
        return None
    return address
