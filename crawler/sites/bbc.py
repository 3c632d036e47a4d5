"""BBC News and BBC Sport (bbc.com, bbc.co.uk): three templates, newest first.

- 2023 onward, "bbcx" (bbc.com's Next.js site): the story model is in ``__NEXT_DATA__``
  (``props.pageProps.page[...].contents``); the rendered blocks are ``article >
  div[data-component=text-block|subheadline-block]`` with hashed ``sc-`` classes.
- 2020 onward, webcore (bbc.co.uk news until bbcx, BBC Sport still): the same
  ``data-component`` blocks with hashed ``ssrcss-`` classes, ``h1#main-heading``,
  ``window.__INITIAL_DATA__``, bylines in ``data-component=byline-block``.
- 2015 to 2020, the CPS "story-body" template: ``div.story-body__inner`` holds the article,
  ``h1.story-body__h1`` the display headline (JSON-LD ``headline`` is the shorter SEO one).

Unbylined BBC stories credit the publisher itself in JSON-LD ("BBC News", "BBC Sport");
that names no author, so it is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.images import image
from crawler.extract.next_data import page_props
from crawler.extract.page import Element, JsonObject, Page, collapse_whitespace
from crawler.extract.parser import ArticleParser, unique
from crawler.extract.state import dig
from crawler.record import Author, Image
from crawler.sites.site import Site, Source

_PUBLISHER = re.compile(r"^BBC\b", re.IGNORECASE)
# Site promos at the foot of the body ("Follow Newsbeat on Instagram...", newsletter offers).
_PROMOS = (
    re.compile(r"^follow\b.*\bon (?:twitter|facebook|instagram|x|youtube|bluesky)\b", re.IGNORECASE),
    re.compile(r"^listen to newsbeat\b", re.IGNORECASE),
    re.compile(r"^(?:sign up|get|subscribe)\b.*\bnewsletter\b", re.IGNORECASE),
)
_NOT_ARTICLE_PATH = re.compile(r"/(?P<kind>live|av|videos|in-pictures)(?:/|-\d)")


def _blocks_in_article(*components: str) -> str:
    """CSS for the article's blocks of these ``data-component`` kinds, in page order.

    One :is() walks the page once; a list of selectors walks it once per selector.
    """
    kinds = ", ".join(f'[data-component="{name}"]' for name in components)
    return f"article :is({kinds})"


class _BbcParser(ArticleParser):
    """What every BBC template shares: JSON-LD metadata, publisher credits, refusals, promos."""

    boilerplate = _PROMOS

    def not_an_article(self) -> str | None:
        kind = self.page.article_json_ld.get("@type")
        if kind == "LiveBlogPosting":
            return "a BBC live page"
        if not self.page.article_json_ld and self.page.json_ld_of_type("VideoObject"):
            return "a BBC video page"
        match = _NOT_ARTICLE_PATH.search(urlsplit(self.page.url).path)
        return f"a BBC {match['kind']} page" if match else None

    def authors(self) -> list[Author]:
        return _people(super().authors())

    def _caption_credit(self, figures: list[Element]) -> tuple[str | None, str | None]:
        """Caption and credit of the figure that shows the lead image (matched by its file name)."""
        lead = self.metadata_image()
        name = _file_name(lead["url"]) if lead else ""
        for figure in figures if name else ():
            sources = self.page.nodes("img::attr(src), [data-src]::attr(data-src)", within=figure)
            if any(_file_name(source) == name for source in sources):
                caption = self.page.nodes(".media-caption__text ::text", within=figure) or self.page.nodes(
                    "figcaption ::text", within=figure
                )
                credit = self.page.nodes(
                    '.story-image-copyright ::text, [class*="FigureCopyright"] ::text', within=figure
                )
                return _figure_text(caption), _figure_text(credit)
        return None, None

    def _lead_image(self, caption: str | None = None, credit: str | None = None) -> Image | None:
        lead = self.metadata_image()
        if lead is None:
            return None
        return image(lead["url"], self.page.url, caption or lead["caption"], credit or lead["credit"])


class Bbcx2023(_BbcParser):
    """bbc.com's Next.js template (2023 onward): metadata from JSON-LD and the page model."""

    version = "2023-bbcx"
    body_css = _blocks_in_article("text-block", "subheadline-block", "crosshead-block", "quote-block")

    @classmethod
    def matches(cls, page: Page) -> bool:
        return bool(_story(page).get("contents"))

    @cached_property
    def story(self) -> JsonObject:
        return _story(self.page)

    @cached_property
    def contents(self) -> list[JsonObject]:
        return [c for c in self.story.get("contents") or [] if isinstance(c, dict)]

    def not_an_article(self) -> str | None:
        kind = page_props(self.page).get("type")
        if kind not in (None, "article"):
            return f"a BBC {kind} page"
        return super().not_an_article()

    def headline(self) -> str | None:
        for content in self.contents:
            if content.get("type") == "headline":
                return collapse_whitespace(" ".join(_texts(content))) or super().headline()
        return super().headline()

    def authors(self) -> list[Author]:
        found = super().authors()
        if found:
            return found
        names = [
            name
            for content in self.contents
            if content.get("type") == "byline"
            for contributor in _blocks_of(content, "contributor")
            for block in _blocks_of(contributor, "name")
            for name in split_byline(" ".join(_texts(block)))
        ]
        return _people(author(name) for name in names)

    def section(self) -> str | None:
        return (
            dig(page_props(self.page), "metadata", "section", "name")
            or dig(self.story, "section", 0, "title")
            or self.page.meta("page.subsection")
            or super().section()
        )

    def keywords(self) -> list[str]:
        topics = self.story.get("topics") or []
        return unique(collapse_whitespace(t["title"]) for t in topics if isinstance(t.get("title"), str))

    def main_image(self) -> Image | None:
        lead = self.metadata_image()
        if lead is None:
            return None
        name = _file_name(lead["url"])
        for content in self.contents:
            if content.get("type") != "image":
                continue
            raw = next(_blocks_of(content, "rawImage"), {})
            if name and _file_name(str(dig(raw, "model", "locator") or "")) == name:
                caption = " ".join(t for block in _blocks_of(content, "caption") for t in _texts(block))
                return self._lead_image(caption, dig(raw, "model", "copyrightHolder"))
        return lead


class Webcore2020(_BbcParser):
    """The webcore template (2020 onward; BBC Sport, and bbc.co.uk news before bbcx)."""

    version = "2020-webcore"
    body_css = _blocks_in_article(
        "text-block",
        "subheadline-block",
        "crosshead-block",
        "unordered-list-block",
        "ordered-list-block",
        "quote-block",
    )
    # JSON-LD holds the SEO headline ("... - fixtures, results & scorecards"); the h1 is the display one.
    headline_css = "h1#main-heading"
    byline_css = '[data-component="byline-block"] [class*="TextContributorName"] ::text'

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains('data-component="text-block"')

    def authors(self) -> list[Author]:
        # The publisher credited in JSON-LD ("BBC News") names no one: then the byline's names.
        return super().authors() or _people(self.byline_authors())

    def keywords(self) -> list[str]:
        return unique(
            collapse_whitespace(t)
            for t in self.page.nodes('article [data-component="topic-list"] li a::text')
        )

    def main_image(self) -> Image | None:
        figures = self.page.nodes('article [data-component="image-block"] figure')
        return self._lead_image(*self._caption_credit(figures))


class StoryBody2015(_BbcParser):
    """The CPS "story-body" template (2015 to 2020)."""

    version = "2015-cps"
    body_css = "div.story-body__inner > *"
    drop = (
        "div.social-embed",
        "div.bbccom_slot",
        "div.mpu-ad",
        ".off-screen",
        "div.media-player-wrapper",
        "div.embed-report",
    )
    # JSON-LD and og:title carry a shorter SEO headline; the h1 is what readers saw.
    headline_css = "h1.story-body__h1"
    byline_css = "div.story-body .byline__name ::text"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains("story-body__inner")

    def authors(self) -> list[Author]:
        return _people(self.byline_authors()) or super().authors()

    def main_image(self) -> Image | None:
        figures = self.page.nodes("div.story-body__inner > figure")
        return self._lead_image(*self._caption_credit(figures))


def _people(found: Iterable[Author]) -> list[Author]:
    """Authors without the publisher's own name ("BBC News", "BBC Sport" name no one)."""
    return merge_authors(a for a in found if not _PUBLISHER.match(a["name"]))


def _story(page: Page) -> JsonObject:
    """The story model of a bbcx page: the one entry of ``pageProps.page``, or an empty dict."""
    pages = page_props(page).get("page")
    if isinstance(pages, dict):
        for value in pages.values():
            if isinstance(value, dict) and "contents" in value:
                return value
    return {}


def _blocks_of(node: Any, kind: str) -> Iterator[JsonObject]:
    """The direct ``model.blocks`` of a bbcx block that have the given type."""
    for block in dig(node, "model", "blocks") or []:
        if isinstance(block, dict) and block.get("type") == kind:
            yield block


def _texts(node: Any) -> Iterator[str]:
    """The paragraph texts anywhere under a bbcx block, in order."""
    if isinstance(node, dict):
        if node.get("type") == "paragraph" and isinstance(dig(node, "model", "text"), str):
            yield node["model"]["text"]
            return
        for block in dig(node, "model", "blocks") or []:
            yield from _texts(block)


def _file_name(url: str) -> str:
    """The last path segment of an image URL: the same picture at every size and crop."""
    return urlsplit(url).path.rsplit("/", 1)[-1].removesuffix(".webp")


def _figure_text(texts: list[str]) -> str | None:
    """A caption or credit (``image`` drops the screen-reader label: "Image source, Getty Images")."""
    return collapse_whitespace(" ".join(texts)) or None


SITE = Site(
    id="bbc",
    name="BBC",
    # feeds.bbci.co.uk serves the RSS feeds; spiders only fetch the domains listed here.
    domains=("bbc.com", "bbc.co.uk", "bbci.co.uk"),
    timezone="Europe/London",
    parsers=(Bbcx2023, Webcore2020, StoryBody2015),
    article_url=re.compile(
        r"bbc\.(?:com|co\.uk)/(?:news|sport)/(?:[\w-]+/)*(?:articles/[a-z0-9]{8,}|[a-z][\w-]*-\d{6,}|\d{6,})/?$"
    ),
    not_article_url=re.compile(r"/(?:live|av|videos|video|in-pictures|iplayer|sounds)/|/in-pictures-\d"),
    sources=(
        Source("feed", "https://feeds.bbci.co.uk/news/rss.xml"),
        Source("sitemap-index", "https://www.bbc.com/sitemaps/https-index-com-news.xml"),
        Source("section", "https://www.bbc.com/news/world"),
    ),
)
