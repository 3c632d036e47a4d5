"""The page a parser reads: decoded HTML, its URL and fetch facts, with lazy structured views.

Every view (the lxml tree, JSON-LD objects, meta tags) is computed once on first use, so a
parser that asks ten questions parses the HTML once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, TypeVar

from parsel import Selector

from crawler.extract._fast import parse_utf8
from crawler.extract._query import PageSelector, compiled
from crawler.extract.charset import decode_html, decode_utf8, reads_as_utf8, xml_safe_bytes, xml_safe_text

JsonObject = dict[str, Any]
#: What Python's JSON decoder raises for JSON a page gets wrong: bad syntax, an integer of more
#: than 4,300 digits (ValueError), arrays nested thousands deep (RecursionError).
MALFORMED_JSON = (ValueError, RecursionError)
#: How deep JSON-LD containers (lists, ``@graph``) are opened: real pages nest two or three.
_JSON_LD_DEPTH = 8
#: An lxml HTML element (lxml ships no type stubs of its own).
Element = Any
T = TypeVar("T")
#: The largest page body read: a crawl's ``DOWNLOAD_MAXSIZE``, and the most an archived body may
#: inflate to when a re-parse or an ingest undoes its ``Content-Encoding``.
MAX_PAGE_SIZE = 10 * 1024 * 1024

_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "LiveBlogPosting",
        "BlogPosting",
        "Report",
    }
)


class Page:
    """A fetched HTML page and the facts of its fetch.

    Made from text (``Page(html, url)``) or from the bytes a server sent (``Page.from_bytes``).
    A page whose bytes are UTF-8, as most are, keeps them: lxml parses them as they are,
    ``contains`` looks in them, and ``html`` decodes them only when a parser reads the page as
    text, which most templates never do.
    """

    def __init__(
        self,
        html: str | None,
        url: str,
        fetched_at: datetime | None = None,
        status: int | None = 200,
        raw: bytes | None = None,
        incomplete: str | None = None,
    ) -> None:
        if html is None and raw is None:
            raise ValueError(f"{url}: a page needs its text or its bytes")
        self.url = url
        self.fetched_at = fetched_at or datetime.now(UTC)
        self.status = status
        #: Why the transfer says the body did not arrive whole (the connection closed before its
        #: ``Content-Length``, a gzip stream cut short), or None: the page is then refused as truncated.
        self.incomplete = incomplete
        #: The page's bytes while they are taken for UTF-8 (None once they proved not to be).
        self.raw = raw
        self._html = html
        self._derived: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Page({self.url!r}, status={self.status})"

    @classmethod
    def from_bytes(
        cls,
        body: bytes,
        url: str,
        content_type: str | None = None,
        fetched_at: datetime | None = None,
        status: int | None = 200,
        incomplete: str | None = None,
    ) -> Page:
        """A page from the bytes a server sent, decoded the way browsers do.

        The charset comes from the BOM, then the HTTP ``Content-Type``, then ``<meta charset>``,
        then a guess (w3lib's html_to_unicode, as Scrapy decodes responses); a label that cannot
        be true, and mojibake, are corrected (crawler/extract/charset.py). Bytes labelled UTF-8
        are kept undecoded; if they turn out not to be UTF-8, they are read as ``decode_utf8``
        reads them. ``incomplete`` is what the transfer says is missing (see ``Page.incomplete``).
        """
        if reads_as_utf8(body, content_type):
            return cls(None, url, fetched_at, status, raw=body, incomplete=incomplete)
        return cls(decode_html(body, content_type), url, fetched_at, status, incomplete=incomplete)

    @property
    def html(self) -> str:
        """The page's text (decoded on first use when the page came as UTF-8 bytes)."""
        if self._html is None:
            assert self.raw is not None  # __init__ has one or the other
            try:
                self._html = self.raw.decode("utf-8")
            except UnicodeDecodeError:
                self._html, self.raw = decode_utf8(self.raw), None
        return self._html

    def contains(self, text: str) -> bool:
        """Whether the page's source holds ``text`` (searched in its bytes when it has them)."""
        if self._html is None and self.raw is not None:
            return text.encode("utf-8") in self.raw
        return text in self.html

    def text_from(self, literal: str, back_to: str = "") -> str:
        """The page's text from the first occurrence of ``literal`` (from the last ``back_to`` before
        it, or the page's start, when one is given); "" when the page does not hold ``literal``.

        Parsers read a page's embedded state (a script's JSON) from the literal that opens it.
        """
        html = self.html
        start = html.find(literal)
        if start < 0:
            return ""
        if back_to:
            start = max(html.rfind(back_to, 0, start), 0)
        return html[start:]

    def size(self) -> int:
        """The page's length: its bytes when it has them, else its characters."""
        if self._html is None and self.raw is not None:
            return len(self.raw)
        return len(self.html)

    def count(self, text: str) -> int:
        """How often ``text`` occurs in the page's source (counted in its bytes when it has them)."""
        if self._html is None and self.raw is not None:
            return self.raw.count(text.encode("utf-8"))
        return self.html.count(text)

    def is_blank(self) -> bool:
        """Whether the page holds nothing but white space."""
        if self._html is None and self.raw is not None:
            return not self.raw or self.raw.isspace()
        return not self.html or self.html.isspace()

    def start(self, size: int) -> str:
        """About the first ``size`` characters of the page, without decoding the rest."""
        if self._html is None and self.raw is not None:
            return self.raw[:size].decode("utf-8", "replace").removesuffix("\ufffd")
        return self.html[:size]

    def end(self, size: int) -> str:
        """About the last ``size`` characters of the page, without decoding the rest."""
        if self._html is None and self.raw is not None:
            # A cut character leaves up to three continuation bytes, each read as U+FFFD.
            return self.raw[-size:].decode("utf-8", "replace").lstrip("\ufffd")
        return self.html[-size:]

    def derived(self, key: str, compute: Callable[[Page], T]) -> T:
        """A view that a shared helper computes from the page once (e.g. Arc's embedded story)."""
        if key not in self._derived:
            self._derived[key] = compute(self)
        value: T = self._derived[key]
        return value

    @cached_property
    def selector(self) -> Selector:
        """The whole page as a parsel selector (lxml underneath)."""
        root = parse_utf8(self.raw, self.url) if self.raw is not None else None
        if root is not None:
            return PageSelector(root=root, type="html")
        # Reading ``html`` finds out whether bytes lxml refused are UTF-8 at all.
        return PageSelector(text=self.html, type="html", base_url=self.url)

    @cached_property
    def xml_safe(self) -> Page:
        """The page without the characters lxml refuses in a tree's text (``xml_safe_text``);
        the page itself when it holds none, as nearly every page does.

        libxml2 keeps a control character in the text it parses, and lxml then refuses any
        edit of that text (dropping an element joins its tail to the text before it). Looking
        for them costs a pass over the page, as much as half the parse of a site's template,
        so only what edits a tree of its own asks: the generic body, and a parse lxml refused
        (crawler/sites/parse.py). A record's text never holds them (``collapse_whitespace``).
        """
        if self.raw is not None:
            raw = xml_safe_bytes(self.raw)
            if raw is self.raw:
                return self
            return Page(None, self.url, self.fetched_at, self.status, raw=raw, incomplete=self.incomplete)
        html = xml_safe_text(self.html)
        if html is self.html:
            return self
        return Page(html, self.url, self.fetched_at, self.status, incomplete=self.incomplete)

    @cached_property
    def json_ld(self) -> list[JsonObject]:
        """Every JSON-LD object on the page, with @graph containers and lists flattened."""
        objects: list[JsonObject] = []
        for raw in self._head.json_ld:
            try:
                data = json.loads(raw, strict=False)
            except MALFORMED_JSON:  # malformed JSON-LD is ignored, whatever is wrong with it
                continue
            objects.extend(_flatten_json_ld(data))
        return objects

    @cached_property
    def _head(self) -> _HeadIndex:
        return _HeadIndex.of(self.selector)

    @cached_property
    def article_json_ld(self) -> JsonObject:
        """The page's Article-family JSON-LD object, or an empty dict when it has none."""
        for obj in self.json_ld:
            if _types_of(obj) & _ARTICLE_TYPES:
                return obj
        return {}

    def json_ld_of_type(self, type_name: str) -> JsonObject:
        """The first JSON-LD object of the given @type, or an empty dict."""
        for obj in self.json_ld:
            if type_name in _types_of(obj):
                return obj
        return {}

    def meta(self, *names: str) -> str | None:
        """The content of the first named meta tag present (name, property or itemprop), stripped."""
        for name in names:
            value = self._head.meta.get(name.lower())
            if value and value.strip():
                return value.strip()
        return None

    @property
    def canonical_link(self) -> str | None:
        """The href of <link rel="canonical">, if any."""
        return self._head.canonical

    @property
    def root(self) -> Element:
        """The page's root element (``<html>``), as lxml parsed it."""
        return self.selector.root

    # -- queries: the one way site code reads the page -------------------------------------
    # Each takes a CSS query (parsel's dialect: ``::text``, ``::attr(name)``) and, with
    # ``within``, runs it inside one element (that element included), as parsel's ``.css`` on a
    # sub-selector does. Elements come back as lxml elements; texts are white-space collapsed.

    def nodes(self, query: str, within: Element | None = None) -> list[Any]:
        """The elements (or strings, for ``::text`` and ``::attr()``) a CSS query selects, in page order."""
        found: list[Any] = compiled(query)(self.root if within is None else within)
        return found

    def first(self, query: str, within: Element | None = None) -> Any | None:
        """The first element (or string) a CSS query selects, or None."""
        found = self.nodes(query, within)
        return found[0] if found else None

    def has(self, query: str, within: Element | None = None) -> bool:
        """Whether a CSS query selects anything."""
        return self.first(query, within) is not None

    def css_text(self, query: str, within: Element | None = None) -> str | None:
        """The text of the first match of a CSS query (an element's text, or the string selected)."""
        found = self.first(query, within)
        return (collapse_whitespace(text_of(found)) or None) if found is not None else None

    def all_text(self, query: str, within: Element | None = None) -> str | None:
        """The text of every match of a CSS query, joined: a caption split over several elements."""
        return collapse_whitespace(" ".join(map(text_of, self.nodes(query, within)))) or None

    def css_attr(self, query: str, name: str, within: Element | None = None) -> str | None:
        """An attribute of the first element a CSS query selects, stripped; None when absent or blank."""
        found = self.first(query, within)
        value = found.get(name) if found is not None and not isinstance(found, str) else None
        return value.strip() if value and value.strip() else None


def text_of(found: Element | str) -> str:
    """A selected string as it is; an element's text, its descendants' included (what `` ::text`` selects)."""
    return found if isinstance(found, str) else " ".join(found.itertext())


def squashed(text: str) -> str:
    """The text's word characters, case-folded: names written differently ("CTVNews.ca", "ctvnews
    ca", "CTV News") compared as one."""
    return re.sub(r"\W+", "", text.casefold())


@dataclass
class _HeadIndex:
    """Meta tags and JSON-LD scripts, gathered in one pass over the tree (each XPath is a full scan)."""

    meta: dict[str, str]
    json_ld: list[str]
    canonical: str | None = None

    @classmethod
    def of(cls, selector: Selector) -> _HeadIndex:
        index = cls(meta={}, json_ld=[])
        meta = index.meta
        for element in selector.root.iter("meta", "script", "link"):
            tag, get = element.tag, element.get
            if tag == "meta":
                content = get("content")
                if content is not None:
                    for key in _meta_keys(element):
                        meta.setdefault(key, content)
            elif tag == "script":
                kind = get("type")
                if kind and kind.strip().lower() == "application/ld+json" and element.text:
                    index.json_ld.append(element.text)
            elif index.canonical is None and "canonical" in (get("rel") or "").lower().split():
                index.canonical = (get("href") or "").strip() or None
        return index


def _meta_keys(element: Element) -> list[str]:
    """Every name a meta tag answers to: its property, its name and each of its itemprops
    (``<meta property="article:published" itemprop="datePublished dateCreated">`` is all four)."""
    keys = [
        element.get("property") or "",
        element.get("name") or "",
        *(element.get("itemprop") or "").split(),
    ]
    return [key.strip().lower() for key in keys if key.strip()]


def _flatten_json_ld(data: Any, depth: int = 0) -> Iterator[JsonObject]:
    if depth > _JSON_LD_DEPTH:
        return
    if isinstance(data, list):
        for item in data:
            yield from _flatten_json_ld(item, depth + 1)
    elif isinstance(data, dict):
        if "@graph" in data:
            yield from _flatten_json_ld(data["@graph"], depth + 1)
        else:
            yield data


def _types_of(obj: JsonObject) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def collapse_whitespace(text: str) -> str:
    """One space for every run of white space (non-breaking and zero-width ones included), and
    no control character (a page's stray bytes, which no reader sees)."""
    collapsed = " ".join(text.replace("\u200b", "").replace("\ufeff", "").split())
    # isprintable() is a fast test that nearly every text passes; those that fail it hold a
    # control character or a format one (a soft hyphen), which xml_safe_text keeps.
    return collapsed if collapsed.isprintable() else " ".join(xml_safe_text(collapsed).split())
