"""The authors of a page no site module knows: the people it names, then the agency.

The page says who wrote it in several places, most trusted first: the Article JSON-LD (whose
``author`` may point at a Person elsewhere in the page's graph by its ``@id``), the author
meta tags, then the byline markup (microdata, ``rel=author``, the usual class names), never
in the comments. The first of these that names anyone is the answer. What names no one is
left out wherever it comes from: a desk ("Staff", "Newsroom", "Redaktion", "News Nation
Bureau"), the site or its brand ("Sky" on news.sky.com, "Telegraph Sport" on
telegraph.co.uk, the publisher), a domain, a job title, a guest. Names printed in capitals
are given their written case ("AMANDA SEITZ" is "Amanda Seitz"); people come before agencies.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from crawler.extract.bylines import author, authors_from_json_ld, merge_authors, restore_case, split_byline
from crawler.extract.page import Element, JsonObject, Page, squashed, text_of
from crawler.extract.urls import domain_of, registered_domain
from crawler.record import Author

__all__ = ["generic_authors"]

_AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "sailthru.author",
    "parsely-author",
)
#: Byline markup, most specific first: microdata, ``rel=author``, then the usual class names.
_BYLINE_CSS = (
    "[itemprop=author] [itemprop=name]",
    "[itemprop=author]",
    "[rel=author]",
    ".byline a[href]",
    ".author-name, .authorName, .author_name, .AuthorName",
    ".vcard.author .fn, .author .fn",
    ".byline",
    ".author a[href]",
    ".author",
    # Last, any element whose class or id speaks of its author ("documentAuthor", "news-list-author").
    "[class*=author] a[href], [class*=Author] a[href]",
    "[class*=author], [class*=Author], [id*=author]",
)
#: The longest text a byline element holds; a longer one is an author's biography or a whole box.
_BYLINE_LENGTH = 120
#: Class or id of a container of readers' comments (their writers are no authors of the article).
_COMMENTS = re.compile(
    r"^(?:comments?|commentlist|respond|replies|discussion)$|^comments?[-_]?(?:list|area|section|wrap|container|body)$",
    re.IGNORECASE,
)
_PERSON_URL = re.compile(r"^https?://")
#: Desks and collective credits, in the languages of the pages we read.
_DESK = re.compile(
    r"\b(?:staff|editorial|special to|editors?|newsroom|news ?desk|desk|bureau|team"
    r"|redaktion|rédaction|redacción|redazione|redactie|redakcja)\b",
    re.IGNORECASE,
)
_AGENCY = re.compile(
    r"\b(?:press|reuters|agence|afp|news service|wire|bloomberg|associated)\b", re.IGNORECASE
)


def generic_authors(page: Page, site_names: Iterable[str]) -> list[Author]:
    """The people (then the agencies) the page names as its authors; ``site_names`` are the names
    the site goes by (its name and id), which, like the brand of its domain, name no author."""
    brand = _Brand.of(page, site_names)
    for stated in _stated_authors(page):
        people = [
            entry for entry in stated if not _DESK.search(entry["name"]) and not brand.names(entry["name"])
        ]
        if people:
            return _people_first([author(restore_case(entry["name"]), entry.get("url")) for entry in people])
    return []


def _stated_authors(page: Page) -> Iterator[list[Author]]:
    """Each source's authors, most trusted first."""
    yield authors_from_json_ld(_resolved(page.article_json_ld.get("author"), page.json_ld))
    byline = page.meta(*_AUTHOR_META)
    if byline and not _PERSON_URL.match(byline):
        yield [author(name) for name in split_byline(byline)]
    for query in _BYLINE_CSS:
        texts = (text_of(node) for node in _byline(page.nodes(query)))
        yield merge_authors(
            author(name)
            for text in texts
            if len(text.strip()) <= _BYLINE_LENGTH
            for name in split_byline(text)
        )


def _byline(nodes: list[Element]) -> list[Element]:
    """The first of the nodes outside the comments, and those beside it ("By <a>A</a> and <a>B</a>"):
    the same markup elsewhere on the page credits other stories."""
    shown = [node for node in nodes if not _in_comments(node)]
    return [node for node in shown if node.getparent() is shown[0].getparent()] if shown else []


def _resolved(value: Any, objects: list[JsonObject]) -> Any:
    """A JSON-LD ``author`` with each ``{"@id": ...}`` reference replaced by the object it names."""
    by_id = {obj["@id"]: obj for obj in objects if isinstance(obj.get("@id"), str)}
    items = value if isinstance(value, list) else [value]
    return [
        by_id.get(item["@id"], item)
        if isinstance(item, dict) and "name" not in item and "@id" in item
        else item
        for item in items
    ]


def _in_comments(node: Element) -> bool:
    """Whether a byline element sits in the readers' comments, not over the article."""
    for ancestor in node.iterancestors():
        marks = [*(ancestor.get("class") or "").split(), ancestor.get("id") or ""]
        if any(_COMMENTS.match(mark) for mark in marks):
            return True
    return False


class _Brand:
    """The names a site goes by: its name, id and publisher, and the word its domain is made of."""

    def __init__(self, names: set[str], label: str) -> None:
        self._names = names
        self._label = label

    @classmethod
    def of(cls, page: Page, site_names: Iterable[str]) -> _Brand:
        publisher = page.article_json_ld.get("publisher")
        stated = [
            *site_names,
            page.meta("og:site_name") or "",
            page.meta("application-name") or "",
            publisher.get("name", "") if isinstance(publisher, dict) else "",
        ]
        domain = registered_domain(domain_of(page.url))
        names = {squashed(name) for name in stated if isinstance(name, str)} | {squashed(domain)}
        return cls(names - {""}, squashed(domain.split(".")[0]))

    def names(self, name: str) -> bool:
        """Whether an author's name is the site's: one of its names, or its brand word first
        ("Telegraph Sport" on telegraph.co.uk, "Sky" on sky.com). A wire agency is the credit of
        its copy even on its own site ("Associated Press" on apnews.com)."""
        if _AGENCY.search(name):
            return False
        words = name.split()
        return squashed(name) in self._names or bool(
            words and self._label and squashed(words[0]) == self._label
        )


def _people_first(authors: list[Author]) -> list[Author]:
    """The record lists real people, then the agency (docs/record.md, `authors`)."""
    return sorted(authors, key=lambda entry: bool(_AGENCY.search(entry["name"])))
