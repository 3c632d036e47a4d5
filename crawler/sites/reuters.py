"""Reuters (reuters.com): five templates, newest first.

- 2021 onward, Arc XP Fusion: the story is in ``Fusion.globalContent.result`` (Reuters' own
  content shape, not ANS: ``content_elements`` of type paragraph/header, ``authors``,
  ``dateline``, ``sign_off``); URLs ``/{section}/{subsection}/{slug}-YYYY-MM-DD/``.
- 2018 to 2021, a Next.js app: ``div.ArticleBodyWrapper`` paragraphs, the attribution line in
  ``[class^=Attribution-attribution]``, NewsArticle JSON-LD; URLs ``/article/{slug}-id{USN}``.

Before it, three server-rendered templates, all on ``/article/`` URLs and all describing the
story in meta tags (``og:article:published_time``, ``og:article:author``, ``REVISION_DATE``)
rather than on the page:

- about 2017 to 2020, a React app whose CSS-module classes carry a hash that changed with
  each build: ``ArticleBody_body_2ECha``, ``StandardArticleBody_body_1gnLA``, then
  ``StandardArticleBody_body`` (so they are matched by their stable prefix), with
  ``ArticleHeader_headline``, ``BylineBar_byline`` and a JSON-LD ``creator`` list;
- about 2015 to 2017, ``span#article-text`` (the "rcs" page): ``span.article-prime`` opens the
  text, sub-heads are ``span.article-subtitle``, the byline is ``#article-byline .author``;
- 2010 to about 2015, ``span#articleText``: ``span.focusParagraph`` opens the text, the byline
  and time stamp are in ``#articleInfo``, all-capitals sub-heads are plain paragraphs.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any, ClassVar

from crawler.extract.blocks import blocks_from_html
from crawler.extract.bylines import author, authors_from_json_ld, merge_authors, restore_case, split_byline
from crawler.extract.dates import parse_date
from crawler.extract.images import image
from crawler.extract.page import JsonObject, Page, collapse_whitespace, text_of
from crawler.extract.parser import ArticleParser, split_keywords, unique
from crawler.extract.state import dig
from crawler.extract.urls import joined_url
from crawler.record import Author, Block, Image
from crawler.sites.platforms.arc import global_content
from crawler.sites.site import Site, Source

# Reuters captions end with the photo credit and, for third-party pictures, a usage notice:
# "... April 24, 2023. @Someone/via REUTERS  THIS IMAGE HAS BEEN SUPPLIED BY A THIRD PARTY."
_CAPTION_CREDIT = re.compile(
    r"^(?P<caption>.*?[.!?\"”)])\s+(?P<credit>[^.!?]*?\bREUTERS\b[^.]*?)(?:\s{2,}.*|\s+[A-Z ,]{12,}\..*)?$",
    re.DOTALL,
)
_NOT_STORIES = {"video": "a Reuters video page", "gallery": "a Reuters picture gallery"}
# "Credit: Reuters/Dado Ruvic": the label is not part of the credit.
_CREDIT_LABEL = re.compile(r"^\s*credit:\s*", re.IGNORECASE)


class Fusion2021(ArticleParser):
    """The Arc XP Fusion template (late 2021 onward): metadata and body from the embedded story."""

    version = "2021-fusion"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return bool(dig(_story(page), "content_elements"))

    @cached_property
    def story(self) -> JsonObject:
        return _story(self.page)

    def not_an_article(self) -> str | None:
        if "LiveBlogPosting" in str(self.page.article_json_ld.get("@type")):
            return "a Reuters live blog"
        kind = self.story.get("type")
        return _NOT_STORIES.get(kind, f"a Reuters {kind} page") if kind not in (None, "story") else None

    def authors(self) -> list[Author]:
        found: list[Author] = []
        for person in self.story.get("authors") or []:
            link = person.get("topic_url")
            url = joined_url(link, self.page.url) if isinstance(link, str) and link else None
            found.extend(author(name, url) for name in _reuters_names(person.get("name") or ""))
        return merge_authors(found) or super().authors()

    def keywords(self) -> list[str]:
        # meta keywords and article:tag hold internal codes ("AER,AERO,..."); the channel list
        # holds the sections the story is filed under ("Business;Asia Pacific;World").
        channels = self.page.meta("DCSext.ChannelList")
        return split_keywords(channels, ";") if channels else []

    def body(self) -> list[Block]:
        dateline = " ".join(d for d in self.story.get("dateline") or [] if isinstance(d, str))
        fragments = [f"{dateline} - "] if dateline.strip() else []
        fragments.extend(_story_html(self.story))
        sign_off = self.story.get("sign_off")
        if isinstance(sign_off, str) and sign_off.strip():
            fragments.append(f"<p>{sign_off}</p>")
        return blocks_from_html(fragments)

    def main_image(self) -> Image | None:
        lead = self.metadata_image()
        promo = dig(self.story, "promo_items", "images", 0)
        if lead is None or not isinstance(promo, dict) or not isinstance(promo.get("caption"), str):
            return lead
        caption, credit = split_reuters_caption(promo["caption"])
        return image(lead["url"], self.page.url, caption, credit)

    def is_accessible_for_free(self) -> bool | None:
        # JSON-LD says isAccessibleForFree false on every page; the tier says what a reader gets:
        # "metered" pages are free to read (after registration), "locked" ones are not.
        tier = self.page.meta("article:content_tier")
        return tier.lower() != "locked" if tier else None


class Next2018(ArticleParser):
    """The Next.js template (2018 to 2021): paragraphs in ``div.ArticleBodyWrapper``."""

    version = "2018-next"
    body_css = ", ".join(
        (
            'div.ArticleBodyWrapper > p[class^="Paragraph-paragraph"]',
            "div.ArticleBodyWrapper > h3",
            'div.ArticleBodyWrapper [class^="Attribution-attribution"] > p',
        )
    )

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("div.ArticleBodyWrapper")

    def authors(self) -> list[Author]:
        people = super().authors()
        return merge_authors(author(n, p.get("url")) for p in people for n in _reuters_names(p["name"]))

    def section(self) -> str | None:
        return self.page.meta("og:article:section") or super().section()

    def keywords(self) -> list[str]:
        # JSON-LD keywords are a list nested in a list.
        value = self.page.article_json_ld.get("keywords")
        return unique(collapse_whitespace(k) for k in _flatten(value) if isinstance(k, str))


class _ServerRendered(ArticleParser):
    """What Reuters' templates before the Next.js app share: the story described in meta tags.

    The byline's links (``/journalists/...``) give the authors' profile pages; its names, and
    those of ``og:article:author``, may be printed in capitals. The pages of those years were
    free to read: Reuters put no article behind a wall before its 2021 redesign.
    """

    #: CSS of the byline's links to the writers' profile pages.
    byline_links_css: ClassVar[str] = ""
    #: CSS of the visible time stamp ("Fri Aug 3, 2012 5:10am EDT"), read when no meta tag dates the story.
    timestamp_css: ClassVar[str] = ""
    #: CSS of the section label over the headline.
    channel_css: ClassVar[str] = ""

    def authors(self) -> list[Author]:
        """JSON-LD ``author`` or ``creator``, else the byline meta tags, else the visible byline."""
        metadata = self.page.article_json_ld
        stated = authors_from_json_ld(metadata.get("author")) or authors_from_json_ld(metadata.get("creator"))
        byline = self.page.meta("og:article:author", "author", "analyticsattributes.author")
        found = stated or (
            [author(name) for name in split_byline(byline)] if byline else self.byline_authors()
        )
        names = [entry["name"] for entry in found]
        links = self._profile_links()
        people = (restore_case(name) for name in names)
        return merge_authors(author(n, links.get(n.casefold())) for p in people for n in _reuters_names(p))

    def _profile_links(self) -> dict[str, str]:
        """Profile URLs by the name their link shows."""
        links: dict[str, str] = {}
        for link in self.page.nodes(self.byline_links_css) if self.byline_links_css else ():
            href = joined_url(link.get("href") or "", self.page.url)
            if href:
                links[restore_case(collapse_whitespace(text_of(link))).casefold()] = href
        return links

    def date_published(self) -> str | None:
        stamp = self.page.css_text(self.timestamp_css) if self.timestamp_css else None
        return (
            super().date_published()
            or parse_date(self.page.article_json_ld.get("dateCreated"))
            or parse_date(self.page.meta("og:article:published_time", "sailthru.date"))
            or parse_date(stamp)
        )

    def date_modified(self) -> str | None:
        return super().date_modified() or parse_date(
            self.page.meta("og:article:modified_time", "revision_date")
        )

    def section(self) -> str | None:
        return (
            self.page.meta("og:article:section")
            or super().section()
            or (self.page.css_text(self.channel_css) if self.channel_css else None)
        )

    def keywords(self) -> list[str]:
        # news_keywords repeats the keywords joined by ";": the comma-separated list is read.
        listed = [k for k in _flatten(self.page.article_json_ld.get("keywords")) if isinstance(k, str)]
        if listed:
            return unique(collapse_whitespace(k) for k in listed)
        keywords = self.page.meta("keywords")
        return split_keywords(keywords, ",") if keywords else []

    def is_accessible_for_free(self) -> bool | None:
        return True


class React2017(_ServerRendered):
    """The React template (about 2017 to 2020): ``StandardArticleBody_body`` and its hashed forms."""

    version = "2017-react"
    body_css = '[class*="ArticleBody_body"] > *'
    drop = (
        '[class*="Image_container"]',
        '[class*="Slideshow"]',
        '[class*="RelatedCoverage"]',
        '[class*="trustBadge"]',
        '[class*="Video_container"]',
        '[class*="AdSlot"]',
        '[class^="Ad_"]',
    )
    headline_css = 'h1[class*="ArticleHeader_headline"]'
    byline_css = '[class*="BylineBar_byline"]'
    byline_links_css = '[class*="BylineBar_byline"] a'
    channel_css = '[class*="ArticleHeader_channel"]'
    lead_figure_css = '[class*="PrimaryAsset_container"]'
    caption_css = '[class*="Image_caption"]'
    caption_credit = _CAPTION_CREDIT

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has('[class*="ArticleBody_body"]')


class Rcs2015(_ServerRendered):
    """The "rcs" template (about 2015 to 2017): ``span#article-text``."""

    version = "2015-rcs"
    body_css = ", ".join(
        (
            "#article-text > p",
            "#article-text > .article-prime > p",
            "#article-text > .article-subtitle > p",
        )
    )
    headline_css = "h1.article-headline"
    byline_css = "#article-byline .author"
    byline_links_css = "#article-byline .author a"
    timestamp_css = ".article-info .timestamp"
    channel_css = ".article-info .article-section"
    # The lead picture is the first slide of the slider over the text.
    lead_figure_css = ".slider-module > div"
    lead_image_css = ("img::attr(data-lazy)", "img::attr(src)")
    caption_css = ".module-caption::text"
    credit_css = ".module-credit"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("#article-text")

    def body(self) -> list[Block]:
        # Sub-heads are paragraphs in span.article-subtitle ("TRUMP IMPACT").
        subtitles = {
            collapse_whitespace(text_of(node))
            for node in self.page.nodes("#article-text > .article-subtitle")
        }
        return [
            {"type": "heading", "text": block["text"]} if block["text"] in subtitles else block
            for block in super().body()
        ]


class Classic2010(_ServerRendered):
    """The template of 2010 to about 2015: ``span#articleText``."""

    version = "2010-article-text"
    body_css = "#articleText > p, #articleText > .focusParagraph > p"
    headline_css = ".gridPanel > h1"
    byline_css = "#articleInfo .byline"
    timestamp_css = "#articleInfo .timestamp"
    lead_figure_css = "#articleImage"
    caption_css = ".captionText p:not(.credit)"
    credit_css = ".captionText .credit"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("#articleText")

    def main_image(self) -> Image | None:
        found = super().main_image()
        if found and found["credit"]:
            found["credit"] = _CREDIT_LABEL.sub("", found["credit"]) or None
        return found


def _story(page: Page) -> JsonObject:
    result = dig(global_content(page), "result")
    return result if isinstance(result, dict) else {}


def _story_html(story: JsonObject) -> list[str]:
    """The story's text elements as HTML: paragraphs, sub-heads and lists, in order."""
    fragments: list[str] = []
    for element in story.get("content_elements") or []:
        kind = element.get("type")
        if kind == "paragraph":
            fragments.append(f"<p>{element.get('content', '')}</p>")
        elif kind == "header":
            fragments.append(f"<h2>{element.get('content', '')}</h2>")
        elif kind == "list":
            tag = "ol" if element.get("list_type") == "ordered" else "ul"
            items = "".join(f"<li>{_item_text(item)}</li>" for item in element.get("items") or [])
            fragments.append(f"<{tag}>{items}</{tag}>")
    return fragments


def _item_text(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("content", ""))
    return item if isinstance(item, str) else ""


def _reuters_names(byline: str) -> list[str]:
    """People in a byline; Reuters' unsigned default byline "Reuters Staff" credits the agency."""
    return ["Reuters" if name.lower() == "reuters staff" else name for name in split_byline(byline)]


def _flatten(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [leaf for item in value for leaf in _flatten(item)]
    return [value]


def split_reuters_caption(text: str) -> tuple[str | None, str | None]:
    """Split a Reuters caption into the caption and its "REUTERS/Photographer" credit.

    A third-party usage notice after the credit ("THIS IMAGE HAS BEEN SUPPLIED...") is dropped.
    """
    match = _CAPTION_CREDIT.match(text.strip())
    if not match:
        return collapse_whitespace(text) or None, None
    return collapse_whitespace(match["caption"]), collapse_whitespace(match["credit"])


SITE = Site(
    id="reuters",
    name="Reuters",
    domains=("reuters.com",),
    parsers=(Fusion2021, Next2018, React2017, Rcs2015, Classic2010),
    article_url=re.compile(
        r"reuters\.com/(?:(?:[\w-]+/)+[\w-]+-\d{4}-\d{2}-\d{2}/?$|article/(?:[\w-]+/)*[\w-]*id[A-Z0-9]+/?$)"
    ),
    not_article_url=re.compile(r"/(?:video|pictures|graphics|podcasts?|live)/"),
    paywall=True,
    sources=(
        Source("news-sitemap", "https://www.reuters.com/arc/outboundfeeds/news-sitemap/?outputType=xml"),
        Source("section", "https://www.reuters.com/world/"),
    ),
)
