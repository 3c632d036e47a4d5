"""Postmedia Network papers (National Post, Financial Post, the Citizens, Suns and Journals): one platform.

Every Postmedia paper is served by the same web platform, so one set of template parsers
reads them all; a paper's site module subclasses them, naming the paper (``outlet``) and its
own closing promos. What the platform gives every page:

- a NewsArticle-family JSON-LD whose ``creator`` is the printed byline ("Lolita C. Baldor,
  The Associated Press"), while ``author`` is the WordPress account that filed it ("Special to
  National Post" for a columnist, "The Associated Press" for wire copy); pages of 2020 to 2022
  may lack ``creator`` and the page state, and then only the byline markup names the writers:
  ``.published-by__author`` for staff, ``.wire-published-by__authors`` and ``__company`` for
  wire copy, whose names may come in capitals ("MARGOT KESSLER, AP Technology Writer");
- ``<script id="page-data" type="application/json">``: the page's state, whose ``page`` holds
  the type ("story"), ``writers`` (``main`` accounts, ``wire`` printed names) and dates;
- ``<html data-page-type="story">``;
- a body split into several containers between ad slots, each opened by a visually hidden
  "Article content" label, with empty ``<p></p>`` spacers between paragraphs.

Two body templates: 2023-2025 ``section.article-content__content-group`` and, from April
2025, ``div.story-v2-content-element-inline``.
"""

from __future__ import annotations

import json
import re
from typing import ClassVar
from urllib.parse import urlsplit

from crawler.extract.bylines import author, authors_from_json_ld, merge_authors, restore_case, split_byline
from crawler.extract.page import MALFORMED_JSON, JsonObject, Page, collapse_whitespace, text_of
from crawler.extract.parser import ArticleParser
from crawler.extract.state import dig
from crawler.extract.urls import joined_url
from crawler.record import Author, Block

__all__ = ["PostmediaContentGroup", "PostmediaParser", "PostmediaStoryV2", "page_data"]

_PAGE_DATA = re.compile(r"<script[^>]*\bid=[\"']?page-data[\"']?[^>]*>")
#: Page types of the platform that are not articles.
_NOT_ARTICLE_TYPES = frozenset(
    {"gallery", "video", "videos", "podcast", "liveblog", "live-blog", "category", "tag", "author", "index"}
)
#: Keywords that are the platform's bookkeeping, not topics: ids, NLP labels, workflow tags.
_BOOKKEEPING_KEYWORD = re.compile(
    r"^(?:[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|NLP\b.*|Category:.*"
    r"|story|curated|newsroom daily|wired)$",
    re.IGNORECASE,
)
#: The wire copy's id that wire stories' URLs of about 2017 to 2022 end with: /{slug}/wcm/{uuid}.
_WIRE_COPY_ID = re.compile(r"/wcm/[^/]+$")
#: Credits that name an account or an arrangement, not a writer ("Special to National Post").
_PLACEHOLDER_CREDIT = re.compile(r"^(?:special to|for)\b", re.IGNORECASE)
#: Labels and widgets of the platform that sit between the paragraphs.
_PLATFORM_BOILERPLATE: tuple[re.Pattern[str], ...] = (
    re.compile(r"^article content$", re.IGNORECASE),
    re.compile(r"^story continues below$", re.IGNORECASE),
    re.compile(r"^this advertisement has not loaded yet", re.IGNORECASE),
    re.compile(r"^recommended from editorial$", re.IGNORECASE),
    re.compile(r"^share this article in your social network$", re.IGNORECASE),
)


def page_data(page: Page) -> JsonObject:
    """The platform's page state (``script#page-data``), or an empty dict (computed once per page)."""
    return page.derived("postmedia.pageData", _read_page_data)


def _read_page_data(page: Page) -> JsonObject:
    # A string search, then one JSON decode from the script's first brace.
    text = page.text_from("page-data", back_to="<script")
    match = _PAGE_DATA.search(text)
    start = text.find("{", match.end()) if match else -1
    if start < 0:
        return {}
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(text, start)
    except MALFORMED_JSON:
        return {}
    return value if isinstance(value, dict) else {}


class PostmediaParser(ArticleParser):
    """What every Postmedia template shares: metadata from JSON-LD and the page state."""

    #: The paper's name as it signs its stories ("National Post"): a credit line, never an author.
    outlet: ClassVar[str] = ""
    drop = (
        ".visually-hidden",
        "section.more-topic",
        "section.conversation-starter",
        "div.featured-video",
        ".ad",
        ".ad__section-border",
        ".newsletter-widget",
        ".social-share",
    )
    boilerplate = _PLATFORM_BOILERPLATE

    @property
    def state(self) -> JsonObject:
        """The ``page`` object of the page state."""
        found = page_data(self.page).get("page")
        return found if isinstance(found, dict) else {}

    def not_an_article(self) -> str | None:
        # The <html> attribute is free; the page state is a large JSON document.
        kind = self.page.root.get("data-page-type") or self.state.get("type")
        if isinstance(kind, str) and kind.strip().lower() in _NOT_ARTICLE_TYPES:
            return f"a Postmedia {kind.strip().lower()} page"
        return None

    def authors(self) -> list[Author]:
        """The printed byline (JSON-LD ``creator``, else the state's writers, else the byline markup),
        linked to profile pages."""
        accounts = authors_from_json_ld(self.page.article_json_ld.get("author"))
        links = {entry["name"].casefold(): entry["url"] for entry in accounts if "url" in entry}
        sources = (
            self._creator_names,
            self._writer_names,
            self._byline_names,
            lambda: [entry["name"] for entry in accounts],
        )
        for names in sources:
            people = [restore_case(name) for name in names() if self._is_writer(name)]
            if people:
                return merge_authors(author(name, links.get(name.casefold())) for name in people)
        return []

    def _creator_names(self) -> list[str]:
        creator = self.page.article_json_ld.get("creator")
        items = creator if isinstance(creator, list) else [creator]
        names: list[str] = []
        for item in items:
            name = item.get("name") if isinstance(item, dict) else item
            if isinstance(name, str):
                names.extend(split_byline(name))
        return names

    def _writer_names(self) -> list[str]:
        # ``wire`` holds the printed names; ``main`` the accounts (the agency for wire copy).
        writers = self.state.get("writers") or {}
        wire = [name for name in writers.get("wire") or [] if isinstance(name, str)]
        main = [dig(entry, "name") for entry in writers.get("main") or []]
        return [part for name in (*wire, *main) if isinstance(name, str) for part in split_byline(name)]

    def _byline_names(self) -> list[str]:
        # The people first, then the wire agency ("The Associated Press").
        queries = (".published-by__author, .wire-published-by__authors", ".wire-published-by__company")
        return [
            name
            for query in queries
            for node in self.page.nodes(query)
            for name in split_byline(text_of(node))
        ]

    def _is_writer(self, name: str) -> bool:
        return not _PLACEHOLDER_CREDIT.match(name) and name.casefold() != self.outlet.casefold()

    def section(self) -> str | None:
        """The main category (JSON-LD ``mentions``), else the breadcrumb of the URL's own category."""
        for mention in self.page.article_json_ld.get("mentions") or []:
            if isinstance(mention, dict) and mention.get("abstract") == "Main Category":
                name = mention.get("name")
                if isinstance(name, str) and name.strip():
                    return collapse_whitespace(name)
        return self._breadcrumb_of_url() or super().section()

    def _breadcrumb_of_url(self) -> str | None:
        path = _WIRE_COPY_ID.sub("", urlsplit(self.page.url).path.rstrip("/"))
        folder = path.rsplit("/", 1)[0]
        for link in self.page.nodes("nav.breadcrumbs a"):
            href = joined_url(link.get("href", ""), self.page.url)
            if href is not None and urlsplit(href).path.rstrip("/") == f"/category{folder}":
                return collapse_whitespace(text_of(link)) or None
        return None

    def keywords(self) -> list[str]:
        """JSON-LD keywords without the platform's ids, NLP labels and workflow tags."""
        return [keyword for keyword in super().keywords() if not _BOOKKEEPING_KEYWORD.match(keyword)]

    def body(self) -> list[Block]:
        """The article's blocks, ending at the paper's sign-off line ("National Post").

        What follows the sign-off is the writer's bio, a contact address or the paper's promo.
        """
        blocks = super().body()
        outlet = self.outlet.casefold()
        for index, block in enumerate(blocks):
            if outlet and block["text"].casefold() == outlet:
                return blocks[:index]
        return blocks


class PostmediaStoryV2(PostmediaParser):
    """The "story-v2" template (from April 2025): paragraphs in ``div.story-v2-content-element-inline``."""

    version = "2025-story-v2"
    body_css = "div.story-v2-content-element-inline > *"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains("story-v2-content-element-inline")


class PostmediaContentGroup(PostmediaParser):
    """The 2023-2025 template: paragraphs in ``section.article-content__content-group``."""

    version = "2023-content-group"
    body_css = "section.article-content__content-group > *"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains("article-content__content-group")
