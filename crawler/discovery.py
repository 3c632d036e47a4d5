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
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError:
        return
    if root is None:
        return
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        for loc in _all(root, "sitemap", "loc"):
            yield Listing(loc, is_sitemap=True)
    elif kind == "urlset":
        yield from _sitemap_urls(root)
    elif kind in {"rss", "RDF"}:
        yield from _rss_items(root)
    elif kind == "feed":
        yield from _atom_entries(root)


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
