"""Article URLs from the pages that list them: RSS and Atom feeds, sitemaps and sitemap indexes.

Knows feed and sitemap formats, not any site's markup. Google-News sitemap fields
(``news:publication_date``, ``news:title``) are kept, since Scrapy's sitemap helper drops them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)


@dataclass(frozen=True)
class Listing:
    """One URL a feed or sitemap lists, with what it says about it."""

    url: str
    is_sitemap: bool = False
    title: str | None = None
    published: str | None = None
    modified: str | None = None


def read_listing(body: bytes) -> Iterator[Listing]:
    """Every URL of an RSS/Atom feed, a sitemap or a sitemap index (which lists sitemaps)."""
    yield from parse_listing(body) or ()


def parse_listing(body: bytes) -> list[Listing] | None:
    """The URLs a feed or sitemap lists, or None when the body is neither (HTML, garbage, unreadable XML).

    A feed or sitemap broken part-way gives the URLs before the break (lxml's recovering parser).
    """
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return None
    if root is None:
        return None
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        return [Listing(loc, is_sitemap=True) for loc in _all(root, "sitemap", "loc")]
    if kind == "urlset":
        return list(_sitemap_urls(root))
    if kind in {"rss", "RDF"}:
        return list(_rss_items(root))
    if kind == "feed":
        return list(_atom_entries(root))
    return None


def _sitemap_urls(root: etree._Element) -> Iterator[Listing]:
    for node in root.iterchildren("{*}url"):
        loc = _child_text(node, "loc")
        if loc:
            yield Listing(
                loc,
                title=_child_text(node, "news", "title"),
                published=_child_text(node, "news", "publication_date"),
                modified=_child_text(node, "lastmod"),
            )


def _rss_items(root: etree._Element) -> Iterator[Listing]:
    for item in root.iter("{*}item", "item"):
        link = _child_text(item, "link") or _child_text(item, "guid")
        if link:
            yield Listing(link, title=_child_text(item, "title"), published=_child_text(item, "pubDate"))


def _atom_entries(root: etree._Element) -> Iterator[Listing]:
    for entry in root.iterchildren("{*}entry"):
        links = [
            link for link in entry.iterchildren("{*}link") if link.get("rel", "alternate") == "alternate"
        ]
        if links and links[0].get("href"):
            yield Listing(
                links[0].get("href", "").strip(),
                title=_child_text(entry, "title"),
                published=_child_text(entry, "published"),
                modified=_child_text(entry, "updated"),
            )


def _all(root: etree._Element, parent: str, child: str) -> Iterator[str]:
    for node in root.iterchildren(f"{{*}}{parent}"):
        text = _child_text(node, child)
        if text:
            yield text


def _child_text(node: etree._Element, *path: str) -> str | None:
    for name in path:
        found = node.find(f"{{*}}{name}")
        if found is None:
            found = node.find(name)
        if found is None:
            return None
        node = found
    text = (node.text or "").strip()
    return text or None
