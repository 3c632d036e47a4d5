"""The site registry: every module in this package that defines ``SITE`` is a supported site.

Adding a site is adding a module here (plus its fixtures); nothing else changes.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from crawler.errors import UnknownSiteError
from crawler.extract.urls import domain_of
from crawler.site import Site

__all__ = ["all_sites", "get_site", "site_for_url"]


@cache
def all_sites() -> tuple[Site, ...]:
    """Every site, sorted by id."""
    found = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
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
    host = domain_of(url)
    for site in all_sites():
        if site.claims_host(host):
            return site
    raise UnknownSiteError(url)
