"""Global News (globalnews.ca): a WordPress VIP site, one template family since its 2019 reskin.

- 2019 onward, the "shaw-globalnews" theme: the story is ``article.js-story-text``
  (``l-article__text``, or ``l-longform-article__text`` on long reads), the byline is
  ``div.c-byline`` (names, then the agency in ``span.c-byline__source``), metadata is in one
  ``NewsArticle`` JSON-LD block whose strings keep WordPress's HTML entities (``&#8217;``).
  In-story ads are ``div.c-ad`` labelled "Story continues below advertisement".
- Before it (about 2015 to 2018), the "gnca" theme: ``h1.story-h`` and the paragraphs in
  ``span.gnca-article-story-txt`` (known from other scrapers' selectors, not from a saved page).
"""

from __future__ import annotations

import html
import re
from functools import cached_property

from crawler.extract.blocks import extract_blocks
from crawler.extract.bylines import author, authors_from_json_ld, merge_authors, split_byline
from crawler.extract.images import image, image_from_json_ld
from crawler.extract.page import Element, Page, collapse_whitespace
from crawler.extract.parser import ArticleParser, split_keywords, unique
from crawler.record import Author, Block, Image
from crawler.sites.site import Site, Source

# The station or network itself ("Global News", "Global BC"), credited beside staff bylines.
_OUTLET = re.compile(r"^global\b|^globalnews\.ca$", re.IGNORECASE)
# Inline links to other stories: "READ MORE: <a>...</a>" (2019-2021) and "Read more: <a>" (2022 on).
_READ_MORE = re.compile(r"^(read more|related)\s*:", re.IGNORECASE)
# The story's children that are whole promos (ads, inline story lists, embeds, newsletter boxes,
# copyright, feedback links): skipping them here is far cheaper than matching every drop selector
# inside each of them.
_PROMO_TAGS = frozenset({"script", "section", "figure"})
_PROMO_CLASSES = frozenset(
    {
        "c-ad", "l-article__oembed", "is-hidden", "l-dynamic", "c-tabs", "c-inlineSignup",
        "c-messageBar", "c-infoBox", "l-inlineStories", "l-article__copyright", "l-article__feedback",
    }
)  # fmt: skip
# The white space that separates the names in a class attribute (HTML's, not Unicode's).
_CLASS_SEPARATOR = re.compile(r"[ \t\n\r\f]+")
# JSON-LD keywords also carry the theme's routing tags ("Region National", "Primary Region National").
_ROUTING_TAG = re.compile(r"^(primary )?region\b", re.IGNORECASE)


class WordPress2019(ArticleParser):
    """The reskinned WordPress theme (2019 to today): ``article.js-story-text``."""

    version = "2019-wordpress"
    # Nodes nested in story parts (div.l-article__part); whole promos are skipped by _story_children.
    drop = (".c-readmore", ".c-video", "div.c-ad", "blockquote.twitter-tweet", "blockquote.instagram-media")
    boilerplate = (_READ_MORE,)
    # The lead is often a video, whose poster is the JSON-LD image; a photo lead has a figure.
    lead_figure_css = "figure.l-article__featured"
    lead_image_css = ("img.c-figure__image::attr(data-src)", "img.c-figure__image::attr(src)")
    caption_css = ".c-caption__desc, .c-figure__desc"
    credit_css = "cite"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return _story(page) is not None

    @cached_property
    def story(self) -> Element | None:
        return _story(self.page)

    def not_an_article(self) -> str | None:
        return _not_an_article(self.page)

    def headline(self) -> str | None:
        # JSON-LD and og:title hold entities or a " - National | Globalnews.ca" suffix; the h1 does not.
        return self.page.css_text('h1[class*="article__title"]') or _unescaped(
            self.page.article_json_ld.get("headline")
        )

    def description(self) -> str | None:
        return _unescaped(self.page.article_json_ld.get("description")) or super().description()

    def authors(self) -> list[Author]:
        """JSON-LD's authors, the byline's linked and written names, then its source (the agency)."""
        byline = "div.c-byline__attribution"
        linked = [
            author(collapse_whitespace(self.page.first("::text", within=link) or ""), link.get("href"))
            for link in self.page.nodes(f"{byline} a.c-byline__name")
        ]
        # Text outside the source span: "By Orhan Coskun and Suleiman Al-Khalidi".
        bare = " ".join(self.page.nodes(f"{byline}::text, {byline} > :not(.c-byline__source) ::text"))
        sources = self.page.nodes(f"{byline} .c-byline__source ::text")
        return _without_outlet(
            merge_authors(
                authors_from_json_ld(self.page.article_json_ld.get("author")),
                linked,
                (author(name) for name in split_byline(bare)),
                (author(name) for source in sources for name in split_byline(source)),
            )
        )

    def section(self) -> str | None:
        return _section(self.page) or self.page.css_text("a.c-topLabel__link")

    def keywords(self) -> list[str]:
        return _keywords(self.page)

    def body(self) -> list[Block]:
        if self.story is None:
            return []
        return extract_blocks(_story_children(self.story), self.drop, self.boilerplate)

    def metadata_image(self) -> Image | None:
        return _json_ld_image(self.page)


class Gnca2015(ArticleParser):
    """The theme before the reskin: ``h1.story-h`` and ``span.gnca-article-story-txt``."""

    version = "2015-gnca"
    body_css = "span.gnca-article-story-txt > *"
    drop = ("div.story-ad-read-more", "form", "div.carousel", "div.c-ad", "div.ad-container")
    boilerplate = (_READ_MORE,)

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("span.gnca-article-story-txt")

    def not_an_article(self) -> str | None:
        return _not_an_article(self.page)

    def headline(self) -> str | None:
        return self.page.css_text("h1.story-h") or _unescaped(self.page.article_json_ld.get("headline"))

    def description(self) -> str | None:
        return _unescaped(self.page.article_json_ld.get("description")) or super().description()

    def authors(self) -> list[Author]:
        return _without_outlet(super().authors())

    def section(self) -> str | None:
        return _section(self.page) or super().section()

    def keywords(self) -> list[str]:
        return _keywords(self.page)

    def metadata_image(self) -> Image | None:
        return _json_ld_image(self.page)


def _story(page: Page) -> Element | None:
    """The ``article.js-story-text`` element, found once per page (``matches`` and ``body`` share it)."""
    found: Element | None = page.derived("globalnews.story", lambda p: p.first("article.js-story-text"))
    return found


def _story_children(story: Element) -> list[Element]:
    """The story's child elements but its whole promos (tested in Python, not by a drop selector per node)."""
    return [
        child
        for child in story
        if isinstance(child.tag, str)
        and child.tag not in _PROMO_TAGS
        and _PROMO_CLASSES.isdisjoint(_CLASS_SEPARATOR.split(child.get("class") or ""))
    ]


def _not_an_article(page: Page) -> str | None:
    kinds = page.article_json_ld.get("@type")
    if kinds == "LiveBlogPosting" or (isinstance(kinds, list) and "LiveBlogPosting" in kinds):
        return "a Global News live blog"
    if (page.meta("og:type") or "").startswith("video"):
        return "a Global News video page"
    return None


def _unescaped(value: object) -> str | None:
    """A JSON-LD string with WordPress's HTML entities decoded."""
    return collapse_whitespace(html.unescape(value)) or None if isinstance(value, str) else None


def _without_outlet(authors: list[Author]) -> list[Author]:
    return [entry for entry in authors if not _OUTLET.search(entry["name"])]


def _section(page: Page) -> str | None:
    """JSON-LD ``articleSection`` (since about 2024), else its ``about`` (the theme's primary category)."""
    data = page.article_json_ld
    for value in (data.get("articleSection"), data.get("about")):
        if isinstance(value, str) and value.strip():
            return _unescaped(value)
    return None


def _keywords(page: Page) -> list[str]:
    """The news keywords meta tag; else JSON-LD keywords without the theme's routing tags."""
    text = page.meta("news_keywords", "keywords")
    if text:
        return split_keywords(html.unescape(text), ",")
    value = page.article_json_ld.get("keywords")
    items = value if isinstance(value, list) else []
    return unique(
        _unescaped(item) for item in items if isinstance(item, str) and not _ROUTING_TAG.match(item)
    )


def _json_ld_image(page: Page) -> Image | None:
    """The JSON-LD image, its URL and caption unescaped (WordPress writes ``&#038;`` into them)."""
    found = image_from_json_ld(page.article_json_ld.get("image"), page.url)
    if found is None:
        og_image = page.meta("og:image")
        return image(og_image, page.url) if og_image else None
    return image(html.unescape(found["url"]), page.url, _unescaped(found["caption"]), found["credit"])


SITE = Site(
    id="globalnews",
    name="Global News",
    domains=("globalnews.ca",),
    timezone="America/Toronto",
    parsers=(WordPress2019, Gnca2015),
    article_url=re.compile(r"globalnews\.ca/news/\d+/[\w-]+/?$"),
    not_article_url=re.compile(r"/(?:video|gallery|photos|live|liveblog|tag|category|author)/"),
    sources=(
        Source("news-sitemap", "https://globalnews.ca/news-sitemap.xml"),
        Source("feed", "https://globalnews.ca/feed/"),
        Source("section", "https://globalnews.ca/world/"),
    ),
)
