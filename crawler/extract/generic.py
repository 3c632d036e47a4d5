"""The generic parser: any article page of a site with no module of its own.

Metadata comes from what publishers put in the head for search engines and social
networks, in order of trust: the Article-family JSON-LD object (``@graph`` and lists
included), then OpenGraph and the common meta tags, then microdata and byline markup in the
page. The body comes from ``generic_body`` (trafilatura plus our cleanup). Records carry
``metadata.parser = "generic"`` and a site named after the page's domain.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import ClassVar

from crawler.extract.dateline import shown_dateline
from crawler.extract.dates import read_date
from crawler.extract.generic_authors import generic_authors
from crawler.extract.generic_body import generic_blocks
from crawler.extract.page import Page, collapse_whitespace, squashed, text_of
from crawler.extract.parser import ArticleParser, as_bool, trusted_canonical
from crawler.extract.published import in_readers_time, shown_date, stated_date
from crawler.extract.urls import domain_of
from crawler.extract.zones import country_zone
from crawler.record import Author, Block

__all__ = [
    "GENERIC_PARSER_ID",
    "GenericBody",
    "GenericParser",
    "UnknownSite",
    "generic_site",
    "says_it_is_an_article",
]

#: What ``metadata.parser`` says for records of the generic path.
GENERIC_PARSER_ID = "generic"

_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datePublished", "article:published", "article.published",
    "pubdate", "publishdate", "publish-date", "publish_date", "date", "dc.date", "dc.date.issued",
    "dcterms.date", "dcterms.created", "sailthru.date", "parsely-pub-date", "cxenseparse:recs:publishtime",
)  # fmt: skip
_MODIFIED_META = (
    "article:modified_time", "og:updated_time", "dateModified", "last-modified", "dcterms.modified",
)  # fmt: skip
# Separators between a title and the site's name: | - : · • and the en and em dashes.
_SEPARATORS = "|\\-:\u00b7\u2022\u2013\u2014"
_SITE_NAME_SUFFIX = re.compile(rf"\s+[{_SEPARATORS}]\s+[^{_SEPARATORS}]{{2,60}}$")
_WORD = re.compile(r"[\w']+")
_URL_LIKE = re.compile(r"^(?:https?:|www\.)", re.IGNORECASE)
# What a site id may not hold (the record schema's pattern): an IPv6 host's colons, for one.
_NOT_IN_SITE_ID = re.compile(r"[^a-z0-9_.-]")
#: How alike an ``<h1>`` and the stated headline must be for the ``<h1>`` to be the headline.
_SAME_HEADLINE = 0.6


@dataclass(frozen=True)
class UnknownSite:
    """A site no module describes, as the generic parser sees it (see ``SiteFacts``)."""

    id: str
    name: str
    #: An unknown site has no default language: only what the page states.
    language: str = ""
    paywall: bool = False
    #: Its own domains are what a page's URL says: none declared.
    domains: tuple[str, ...] = ()
    #: Its time zone is unknown: a time is the page's, with the offset the page states, if any.
    timezone: str = ""


def says_it_is_an_article(page: Page) -> bool:
    """Whether the page's metadata calls it an article: Article JSON-LD or microdata, og:type
    "article", or a stated publication date. Section fronts, index pages and redirects to them
    say none of these."""
    og_type = (page.meta("og:type") or "").strip().lower()
    return bool(
        page.article_json_ld
        or og_type.startswith("article")
        or page.meta(*_PUBLISHED_META)
        or page.has("[itemprop=articleBody]")
        or page.has('[itemtype*="Article"]')
    )


def generic_site(page: Page) -> UnknownSite:
    """The site of a page no module claims: its domain, named as the page names it (never by a URL).

    The domain is its canonical URL's when the page states one on its registered domain (an
    ``amp.`` page of ``www.example.com``'s article): the record's id comes from that URL too,
    so an article's revisions all name one site.
    """
    domain = domain_of(trusted_canonical(page, ()) or page.url)
    publisher = page.article_json_ld.get("publisher")
    publisher_name = publisher.get("name") if isinstance(publisher, dict) else None
    stated = (
        page.meta("og:site_name"),
        page.meta("application-name"),
        collapse_whitespace(publisher_name) if isinstance(publisher_name, str) else None,
    )
    # A site's name is never a URL, which some pages put where their name goes.
    name = next((name for name in stated if name and not _URL_LIKE.match(name)), domain)
    return UnknownSite(id=_NOT_IN_SITE_ID.sub("_", domain).lstrip(".-") or "_", name=name)


class GenericBody(ArticleParser):
    """A parser whose body is the generic extractor's: for any page, or a site's page in a template it
    does not know (the site's metadata rules with this body are the first fallback)."""

    def body(self) -> list[Block]:
        """trafilatura's article blocks, cleaned (see ``crawler.extract.generic_body``)."""
        titles = (
            self.headline(),
            self.page.meta("og:title", "twitter:title"),
            self.page.css_text("title"),
            self.page.css_text("h1"),
        )
        return generic_blocks(
            self.page, (title for title in titles if title), says_it_is_an_article(self.page)
        )


class GenericParser(GenericBody):
    """Reads any news or blog article page, with no knowledge of its site."""

    version: ClassVar[str] = "generic-1"

    def parser_id(self) -> str:
        """Every record of the generic path says so, whatever its site."""
        return GENERIC_PARSER_ID

    def headline(self) -> str | None:
        """The ``<h1>`` a reader sees when it is a version of the stated headline, else the stated one.

        JSON-LD and OpenGraph titles are often written for search and social ("... | Editorial",
        straight quotes, a shorter wording); the page's own ``<h1>`` is the display headline, but
        only an ``<h1>`` that shares most words with the stated headline is trusted (the first
        ``<h1>`` of many pages is the site's logo).
        """
        stated = super().headline() or self.page.css_text("title")
        if not stated:
            return None
        stated = self._without_site_name(html.unescape(stated))
        displayed = [collapse_whitespace(text_of(h1)) for h1 in self.page.nodes("h1")[:5]]
        best = max(displayed, key=lambda text: _similarity(text, stated), default="")
        return best if best and _similarity(best, stated) >= _SAME_HEADLINE else stated

    def authors(self) -> list[Author]:
        """The people the page names (JSON-LD, the author meta tags, byline markup), then agencies;
        desks, the site's own names and brand are no authors (``crawler.extract.generic_authors``)."""
        return generic_authors(self.page, (self.site.name, self.site.id))

    def date_published(self) -> str | None:
        """The date the metadata states (JSON-LD, the publication meta tags, microdata, the page's
        ``<time datetime>`` when all its time elements state one day), in the readers' offset
        (``in_readers_time``), unless the dateline shows another day (``crawler.extract.dateline``).
        Where the metadata states none, the dateline's day, else the date htmldate reads off the
        page (it tells a publication time from others)."""
        page = self.page
        times = [read_date(time, self.zone) for time in page.nodes("time[datetime]::attr(datetime)")]
        statements = [
            page.article_json_ld.get("datePublished"),
            *(page.meta(name) for name in _PUBLISHED_META),
            page.css_attr("[itemprop=datePublished]", "datetime"),
            page.css_attr("[itemprop=datePublished]", "content"),
            *(data.get("datePublished") for data in page.json_ld),
            times[0] if times and len({time[:10] for time in times if time}) == 1 else None,
        ]
        read = [date for date in (read_date(statement, self.zone) for statement in statements) if date]
        stated = self._in_readers_time(stated_date(read, also=times))
        dateline = shown_dateline(page)
        if stated is None:
            return dateline.day if dateline else shown_date(page)
        if dateline is None or dateline.agrees_with(stated):
            return stated
        # The header shows another day: a statement of a moment on that day, else the day alone.
        others = [*(self._in_readers_time(date) for date in read), *times]
        return next((other for other in others if other and other[:10] == dateline.day), dateline.day)

    def date_modified(self) -> str | None:
        """JSON-LD, then the modification meta tags; None when the page does not say."""
        page = self.page
        statements = [page.article_json_ld.get("dateModified"), *(page.meta(name) for name in _MODIFIED_META)]
        return self._in_readers_time(stated_date(statements, zone=self.zone))

    def _in_readers_time(self, stated: str | None) -> str | None:
        """``stated`` in the offset of the site's readers (``in_readers_time``), whose zone is the
        site's own where known, else its country domain's (``crawler.extract.zones``)."""
        return in_readers_time(stated, self.page, self.zone or country_zone(domain_of(self.page.url)))

    def is_accessible_for_free(self) -> bool | None:
        """What JSON-LD says (on the article or on a part of it); None when it says nothing."""
        data = self.page.article_json_ld
        stated = as_bool(data.get("isAccessibleForFree"))
        if stated is not None:
            return stated
        parts = data.get("hasPart")
        for part in parts if isinstance(parts, list) else [parts]:
            if isinstance(part, dict) and as_bool(part.get("isAccessibleForFree")) is False:
                return False
        return None

    def _without_site_name(self, title: str) -> str:
        """``"Headline | Site"`` becomes ``"Headline"`` when the suffix is the site's name or domain."""
        match = _SITE_NAME_SUFFIX.search(title)
        if not match:
            return title
        suffix = squashed(match[0])
        if suffix and suffix in {squashed(self.site.name), squashed(self.site.id)}:
            return title[: match.start()].strip() or title
        return title


def _similarity(one: str, other: str) -> float:
    """Shared words over all words (Jaccard), ignoring case and punctuation."""
    first, second = set(_WORD.findall(_plain(one))), set(_WORD.findall(_plain(other)))
    return len(first & second) / len(first | second) if first and second else 0.0


def _plain(text: str) -> str:
    return text.casefold().replace("\u2019", "'").replace("\u2018", "'")
