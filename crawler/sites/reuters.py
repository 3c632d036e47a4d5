"""Reuters (reuters.com): two templates, newest first.

- 2021 onward, Arc XP Fusion: the story is in ``Fusion.globalContent.result`` (Reuters' own
  content shape, not ANS: ``content_elements`` of type paragraph/header, ``authors``,
  ``dateline``, ``sign_off``); URLs ``/{section}/{subsection}/{slug}-YYYY-MM-DD/``.
- 2018 to 2021, a Next.js app: ``div.ArticleBodyWrapper`` paragraphs, the attribution line in
  ``[class^=Attribution-attribution]``, NewsArticle JSON-LD; URLs ``/article/{slug}-id{USN}``.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from crawler.extract.blocks import blocks_from_html
from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.images import image
from crawler.extract.page import JsonObject, Page, collapse_whitespace
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
    parsers=(Fusion2021, Next2018),
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
