"""The article parser base: one template of one site, one small method per record field.

The defaults read the structure most news pages share (JSON-LD first, then OpenGraph and
meta tags), so a site's parser overrides only what its template does differently, and
declares its body with a selector plus the nodes and lines to drop. A parser is pure: it
reads a `Page` and returns values, with no I/O, so crawls, one-off fetches, tests and
re-parsing share it.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any, ClassVar, Protocol

from dateutil import tz

from crawler.extract.blocks import extract_blocks
from crawler.extract.bylines import author, authors_from_json_ld, merge_authors, split_byline
from crawler.extract.images import TRAILING_CREDIT, image, image_from_json_ld, split_caption_credit
from crawler.extract.page import Element, Page, collapse_whitespace, text_of
from crawler.extract.published import first_date
from crawler.extract.urls import clean_url, cleaned_link, domain_of, is_web_url, same_registered_domain
from crawler.record import Author, Block, Image

_LANGUAGE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


class SiteFacts(Protocol):
    """What a parser knows of the site it reads (``crawler.sites.site.Site`` has these, and more)."""

    @property
    def id(self) -> str:
        """The site's id, e.g. "ctvnews"; ``metadata.parser`` and ``site.id`` of the record."""

    @property
    def name(self) -> str:
        """The site's name as readers know it, e.g. "CTV News"."""

    @property
    def language(self) -> str:
        """The language of pages that do not state one ("" for none)."""

    @property
    def paywall(self) -> bool:
        """Whether the site keeps some articles for subscribers."""

    @property
    def domains(self) -> tuple[str, ...]:
        """The domains the site declares (a site with no module declares none)."""

    @property
    def timezone(self) -> str:
        """The IANA time zone of times its pages state without an offset ("" when unknown)."""


class ArticleParser:
    """Reads one article page of one template into record fields."""

    #: The template this parser reads, e.g. "2023-aem"; recorded in ``metadata.parserVersion``.
    version: ClassVar[str] = "default"
    #: CSS selecting the article body's top-level elements, in page order.
    body_css: ClassVar[str] = ""
    #: CSS selectors of nodes inside the body that are not the article (promos, ads).
    drop: ClassVar[tuple[str, ...]] = ()
    #: Patterns of whole blocks that are boilerplate by their text.
    boilerplate: ClassVar[tuple[re.Pattern[str], ...]] = ()
    #: CSS of the display headline (the visible ``<h1>``), preferred to the metadata's headline,
    #: which is often a variant written for search engines and social networks.
    headline_css: ClassVar[str] = ""
    #: CSS of the byline (elements, or their ``::text``): the names it shows are the authors
    #: when the page's metadata names none.
    byline_css: ClassVar[str] = ""
    #: CSS of the lead image's figure; the queries below run inside it. Without one, the lead
    #: image is the metadata's (JSON-LD, then og:image).
    lead_figure_css: ClassVar[str] = ""
    #: The image's URL inside the figure: queries tried in turn (a lazy-loading ``data-src`` first).
    lead_image_css: ClassVar[tuple[str, ...]] = ("img::attr(src)",)
    #: The caption inside the figure (every match's text, joined).
    caption_css: ClassVar[str] = "figcaption"
    #: The credit inside the figure; empty when the credit closes the caption and is split from it
    #: by ``caption_credit``.
    credit_css: ClassVar[str] = ""
    #: How a caption ends with its credit: groups ``caption`` and ``credit`` ("... (AP Photo/Name)").
    caption_credit: ClassVar[re.Pattern[str]] = TRAILING_CREDIT

    def __init__(self, page: Page, site: SiteFacts) -> None:
        self.page = page
        self.site = site

    @classmethod
    def matches(cls, page: Page) -> bool:
        """Whether this template made the page; the site tries its parsers newest first."""
        return True

    def parser_id(self) -> str:
        """What ``metadata.parser`` records: the site's id (the generic parser says "generic")."""
        return self.site.id

    # -- what the page is --------------------------------------------------------------

    def not_an_article(self) -> str | None:
        """A reason when the page is not an article (video, gallery, section front), else None."""
        return None

    # -- record fields -----------------------------------------------------------------

    def headline(self) -> str | None:
        """The display headline: ``headline_css``, then JSON-LD, then OpenGraph, then the first <h1>."""
        return (
            (self.page.css_text(self.headline_css) if self.headline_css else None)
            or _text(self.page.article_json_ld.get("headline"))
            or self.page.meta("og:title")
            or self.page.css_text("h1")
        )

    def description(self) -> str | None:
        """The dek: JSON-LD description, then the description meta tags."""
        return _text(self.page.article_json_ld.get("description")) or self.page.meta(
            "description", "og:description", "twitter:description"
        )

    def authors(self) -> list[Author]:
        """JSON-LD authors, else the author meta tag split into people, else the byline's names."""
        found = authors_from_json_ld(self.page.article_json_ld.get("author"))
        if found:
            return found
        byline = self.page.meta("author", "article:author")
        if byline:
            return [author(name) for name in split_byline(byline)]
        return self.byline_authors()

    def byline_authors(self) -> list[Author]:
        """The people the byline (``byline_css``) names, each text it selects split into names."""
        if not self.byline_css:
            return []
        texts = (text_of(found) for found in self.page.nodes(self.byline_css))
        return merge_authors(author(name) for text in texts for name in split_byline(text))

    def date_published(self) -> str | None:
        """When the article was first published, as JSON-LD, then the meta tags, state it: with its
        UTC offset, or the site's (``zone``), else as stated (``crawler.extract.dates``)."""
        return first_date(
            [
                self.page.article_json_ld.get("datePublished"),
                *(
                    self.page.meta(name)
                    for name in ("article:published_time", "datePublished", "og:published_time")
                ),
            ],
            zone=self.zone,
        )

    def date_modified(self) -> str | None:
        """When the article was last updated, read as ``date_published``; None when the page does not say."""
        return first_date(
            [
                self.page.article_json_ld.get("dateModified"),
                *(
                    self.page.meta(name)
                    for name in ("article:modified_time", "dateModified", "og:updated_time")
                ),
            ],
            zone=self.zone,
        )

    @property
    def zone(self) -> tzinfo | None:
        """The site's time zone (``SiteFacts.timezone``), for times its pages state without an offset."""
        return tz.gettz(self.site.timezone) if self.site.timezone else None

    def section(self) -> str | None:
        """The article's section as the page names it."""
        section = self.page.article_json_ld.get("articleSection")
        if isinstance(section, list):
            section = section[0] if section else None
        return self.page.meta("article:section") or _text(section)

    def keywords(self) -> list[str]:
        """Tags and keywords, de-duplicated, in page order."""
        value = self.page.article_json_ld.get("keywords")
        if isinstance(value, list):
            return unique(_text(item) for item in value)
        text = _text(value) or self.page.meta("news_keywords", "keywords")
        return split_keywords(text, ",") if text else []

    def language(self) -> str | None:
        """The ISO 639-1 code of the page's language."""
        candidates = (
            self.page.root.get("lang"),  # the root is <html>
            _text(self.page.article_json_ld.get("inLanguage")),
            self.page.meta("og:locale"),
            self.site.language,
        )
        for candidate in candidates:
            match = _LANGUAGE.match(candidate.strip()) if candidate else None
            if match:
                return match[1].lower()
        return None

    def body(self) -> list[Block]:
        """The article's blocks: the elements ``body_css`` selects, cleaned."""
        return extract_blocks(self.page.nodes(self.body_css), self.drop, self.boilerplate)

    def main_image(self) -> Image | None:
        """The lead figure's image, caption and credit (``lead_figure_css``); else the metadata's image."""
        figure = self.page.first(self.lead_figure_css) if self.lead_figure_css else None
        url = self._lead_image_url(figure) if figure is not None else None
        if url is None:
            return self.metadata_image()
        caption = self.page.all_text(self.caption_css, within=figure) if self.caption_css else None
        if self.credit_css:
            credit = self.page.all_text(self.credit_css, within=figure)
        else:
            caption, credit = split_caption_credit(caption or "", self.caption_credit)
        return image(url, self.page.url, caption, credit)

    def _lead_image_url(self, figure: Element) -> str | None:
        urls = (self.page.first(query, within=figure) for query in self.lead_image_css)
        return next((url for url in urls if isinstance(url, str) and url), None)

    def metadata_image(self) -> Image | None:
        """The image the page's metadata names: JSON-LD, then og:image."""
        found = image_from_json_ld(self.page.article_json_ld.get("image"), self.page.url)
        if found:
            return found
        og_image = self.page.meta("og:image")
        return image(og_image, self.page.url) if og_image else None

    def is_accessible_for_free(self) -> bool | None:
        """False for subscriber-only articles; True on sites without a paywall; else what JSON-LD says."""
        if not self.site.paywall:
            return True
        return as_bool(self.page.article_json_ld.get("isAccessibleForFree"))

    def canonical_url(self) -> str:
        """The canonical URL (link rel=canonical, og:url, else the fetched URL), tracking removed.

        The record's id is made from it, so only a canonical URL of the page's own site is
        trusted (see ``trusted_canonical``): a page on one domain naming another site's article
        as canonical would otherwise take that article's id and replace it in the corpus.
        """
        return trusted_canonical(self.page, self.site.domains) or clean_url(self.page.url)


def trusted_canonical(page: Page, domains: tuple[str, ...]) -> str | None:
    """The canonical URL the page states, if it is on the site's own ``domains`` (when it declares
    some) or else on the fetched URL's registered domain; None otherwise."""
    stated = page.canonical_link or page.meta("og:url")
    canonical = cleaned_link(stated, page.url) if stated else None
    # A malformed link (``href=Dhttps://...``, spaces, another scheme) is no canonical URL.
    if canonical is None or not is_web_url(canonical):
        return None
    host = domain_of(canonical)
    if domains:
        return canonical if any(host == domain or host.endswith("." + domain) for domain in domains) else None
    return canonical if same_registered_domain(canonical, page.url) else None


def _text(value: Any) -> str | None:
    return collapse_whitespace(value) or None if isinstance(value, str) else None


def unique(values: Any) -> list[str]:
    """Non-empty strings in first-seen order, duplicates (ignoring case) removed."""
    seen: dict[str, str] = {}
    for value in values:
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return list(seen.values())


def split_keywords(text: str, separator: str) -> list[str]:
    """Split a keywords string on its separator into clean, unique keywords."""
    return unique(collapse_whitespace(part) for part in text.split(separator))


def as_bool(value: Any) -> bool | None:
    """JSON-LD booleans arrive as booleans or as the strings "True"/"False"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in {"true", "false"}:
        return value.strip().lower() == "true"
    return None
