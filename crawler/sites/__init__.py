"""The supported sites: one small declarative module each, the registry, and page-to-record routing.

Every module in this package that defines ``SITE`` (a :class:`~crawler.sites.site.Site`) is a
supported site: adding a site is adding a module here, plus its fixtures; nothing else changes.
Beside them: ``site`` (what a site module declares), ``platforms`` (templates shared by several
sites: Arc XP, Postmedia, Polopoly), ``parse`` (a page to its validated record, through its site's
parser or the generic one) and ``fixtures`` (saved pages and the records they must give).

Site code knows markup, never Scrapy's engine or storage. It may import ``crawler.extract`` and
``crawler.record``.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache, lru_cache

from crawler.errors import UnknownSiteError
from crawler.extract.urls import domain_of
from crawler.sites.site import Site

__all__ = ["all_sites", "get_site", "site_for_url"]


@cache
def all_sites() -> tuple[Site, ...]:
    """Every site, sorted by id."""
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_") or module_info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        site = getattr(module, "SITE", None)
        if isinstance(site, Site):
            found.append(site)
    return tuple(sorted(found, key=lambda site: site.id))


def get_site(site_id: str) -> Site:
    """The site with this id; a KeyError naming the known ids otherwise."""
    for site in all_sites():
        if site.id == site_id:
            return site
    known = ", ".join(site.id for site in all_sites())
    raise KeyError(f"unknown site {site_id!r} (known: {known})")


def site_for_url(url: str) -> Site:
    """The site whose domain the URL is on."""
    site = _site_of_host(domain_of(url))
    if site is None:
        raise UnknownSiteError(url)
    return site


@lru_cache(maxsize=4096)
def _site_of_host(host: str) -> Site | None:
    """The site a host belongs to (a crawl meets the same few hosts again and again)."""
    return next((site for site in all_sites() if site.claims_host(host)), None)
