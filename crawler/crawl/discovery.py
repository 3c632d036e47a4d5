"""Article URLs from the pages that list them: RSS and Atom feeds, sitemaps and sitemap indexes.

Knows feed and sitemap formats, not any site's markup. Google-News sitemap fields
(``news:publication_date``, ``news:title``) are kept, since Scrapy's sitemap helper drops them.

A listing is read as a stream: lxml's pull parser is fed the body a chunk at a time and each
entry is handed out, then dropped, as soon as it is read. A sitemap of 100,000 URLs then never
exists as a tree in memory, and a gzipped sitemap (``sitemap.xml.gz``) is inflated a chunk at
a time, never past ``max_size`` (a gzip bomb stops there).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from lxml import etree

__all__ = ["Listing", "ListingTooLargeError", "parse_listing", "read_listing"]

_CHUNK = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
#: The entry element of each kind of listing (by the root's local name).
_ENTRY_OF = {"sitemapindex": "sitemap", "urlset": "url", "rss": "item", "RDF": "item", "feed": "entry"}


class ListingTooLargeError(ValueError):
    """A gzipped listing that inflates past the size limit."""


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


def parse_listing(body: bytes, max_size: int = 0) -> Iterator[Listing] | None:
    """The URLs a feed or sitemap lists, as they are read, or None when the body is neither
    (HTML, garbage, unreadable XML).

    A feed or sitemap broken part-way gives the URLs before the break (a recovering parser). A
    gzipped body is inflated as it is read; past ``max_size`` bytes (0: no limit) the iterator
    raises ListingTooLargeError.
    """
    root = next(_elements(_chunks(body, max_size), ("start",)), None)
    if root is None or etree.QName(root).localname not in _ENTRY_OF:
        return None
    return _entries(etree.QName(root).localname, body, max_size)


def _chunks(body: bytes, max_size: int) -> Iterator[bytes]:
    """The body a chunk at a time, inflated when it is gzipped."""
    if not body.startswith(_GZIP_MAGIC):
        for start in range(0, len(body), _CHUNK):
            yield body[start : start + _CHUNK]
        return
    inflater = zlib.decompressobj(wbits=31)
    size = 0
    rest = body
    while rest:
        try:
            chunk = inflater.decompress(rest, _CHUNK)
        except zlib.error:
            return  # the gzip stream breaks here: what came before is read
        if inflater.eof:  # the next gzip member, if any
            rest, inflater = inflater.unused_data, zlib.decompressobj(wbits=31)
        else:
            rest = inflater.unconsumed_tail
        size += len(chunk)
        if max_size and size > max_size:
            raise ListingTooLargeError(f"inflates past {max_size} bytes")
        yield chunk


def _elements(
    chunks: Iterator[bytes], events: tuple[Literal["start", "end"], ...], tag: str | None = None
) -> Iterator[Any]:
    """The elements the pull parser reports (only ``tag``'s, when given), as the chunks are fed."""
    parser = etree.XMLPullParser(
        events=events, tag=tag, recover=True, resolve_entities=False, no_network=True, huge_tree=False
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
            for _, element in parser.read_events():
                yield element
        parser.close()
    except etree.XMLSyntaxError:
        pass  # a listing broken here: what came before is read
    for _, element in parser.read_events():
        yield element


def _entries(kind: str, body: bytes, max_size: int) -> Iterator[Listing]:
    # Only the entries' end events reach Python: six times fewer than every element's start and end.
    for element in _elements(_chunks(body, max_size), ("end",), f"{{*}}{_ENTRY_OF[kind]}"):
        parent = element.getparent()
        if kind in {"rss", "RDF"} or (parent is not None and parent.getparent() is None):
            listing = _listing(kind, element)
            if listing is not None:
                yield listing
        _drop(element)


def _listing(kind: str, node: etree._Element) -> Listing | None:
    if kind == "sitemapindex":
        loc = _child_text(node, "loc")
        return Listing(loc, is_sitemap=True) if loc else None
    if kind == "urlset":
        loc = _child_text(node, "loc")
        if not loc:
            return None
        return Listing(
            loc,
            title=_child_text(node, "news", "title"),
            published=_child_text(node, "news", "publication_date"),
            modified=_child_text(node, "lastmod"),
        )
    if kind == "feed":
        links = [link for link in node.iterchildren("{*}link") if link.get("rel", "alternate") == "alternate"]
        href = links[0].get("href", "").strip() if links else ""
        if not href:
            return None
        return Listing(
            href,
            title=_child_text(node, "title"),
            published=_child_text(node, "published"),
            modified=_child_text(node, "updated"),
        )
    link = _child_text(node, "link") or _child_text(node, "guid")
    return (
        Listing(link, title=_child_text(node, "title"), published=_child_text(node, "pubDate"))
        if link
        else None
    )


def _drop(element: etree._Element) -> None:
    """Free an entry once read, and the ones before it, so the tree never grows."""
    element.clear()
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _child_text(node: etree._Element, *path: str) -> str | None:
    for name in path:
        found = _child(node, name)
        if found is None:
            return None
        node = found
    text = (node.text or "").strip()
    return text or None


def _child(node: etree._Element, name: str) -> etree._Element | None:
    """The first child named ``name`` in any namespace (``find("{*}name")``, at a third of its cost)."""
    suffix = "}" + name
    for child in node:
        tag = child.tag
        if isinstance(tag, str) and (tag == name or tag.endswith(suffix)):
            return child
    return None
