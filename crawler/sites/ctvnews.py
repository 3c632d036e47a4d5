"""CTV News (ctvnews.ca): three templates, newest first.

- 2024 onward, Arc XP: the story is in ``Fusion.globalContent`` (ANS); URLs ``/{section}/article/{slug}/``.
- 2023, Adobe AEM: ``div.c-text`` body, ``bio-content`` byline element, ``ReportageNewsArticle`` JSON-LD.
- 2019, Polopoly: ``div.articleBody`` body, a bare-text byline in ``div.s-data``.
"""

from __future__ import annotations

import json
import re
from functools import cached_property

from parsel import Selector, SelectorList

from crawler.extract.arc import ans_authors, ans_body_html, ans_tags, dig, global_content
from crawler.extract.blocks import Block, blocks_from_html
from crawler.extract.bylines import Author, author, merge_authors, split_byline
from crawler.extract.dates import parse_date
from crawler.extract.images import Image, image, split_caption_credit
from crawler.extract.page import JsonObject, Page, attribute, collapse_whitespace
from crawler.extract.parser import ArticleParser
from crawler.site import Site, Source


class ArcXP2024(ArticleParser):
    """The Arc XP template (2024 onward): metadata and body from the ANS story."""

    version = "2024-arc"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return bool(dig(global_content(page), "content_elements"))

    @cached_property
    def story(self) -> JsonObject:
        return global_content(self.page)

    def not_an_article(self) -> str | None:
        kind = self.story.get("type")
        return f"an Arc {kind} page" if kind not in (None, "story") else None

    def headline(self) -> str | None:
        return dig(self.story, "headlines", "basic") or super().headline()

    def description(self) -> str | None:
        return (
            dig(self.story, "subheadlines", "basic")
            or dig(self.story, "description", "basic")
            or super().description()
        )

    def authors(self) -> list[Author]:
        return ans_authors(self.story, self.page.url) or super().authors()

    def date_published(self) -> str | None:
        return parse_date(self.story.get("first_publish_date")) or super().date_published()

    def date_modified(self) -> str | None:
        return parse_date(self.story.get("last_updated_date")) or super().date_modified()

    def section(self) -> str | None:
        return dig(self.story, "taxonomy", "primary_section", "name") or super().section()

    def keywords(self) -> list[str]:
        return ans_tags(self.story) or super().keywords()

    def body(self) -> list[Block]:
        return blocks_from_html(ans_body_html(self.story), self.drop)

    def main_image(self) -> Image | None:
        # The served (resized) image is the page's JSON-LD/og:image; ANS adds caption and credit.
        lead = super().main_image()
        promo = dig(self.story, "promo_items", "basic")
        if lead is None or not isinstance(promo, dict):
            return lead
        credit = ", ".join(c["name"] for c in dig(promo, "credits", "by") or [] if c.get("name"))
        return image(
            lead["url"], self.page.url, promo.get("caption") or lead["caption"], credit or lead["credit"]
        )


class Aem2023(ArticleParser):
    """The Adobe AEM template (2023)."""

    version = "2023-aem"
    body_css = "div.c-text > *"
    drop = ("sra-advert", "div.sraAdvert", "related-articles", "div.inline-image")

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.meta("page-type") == "aem-page" or page.has("div.c-text")

    def headline(self) -> str | None:
        # <title> holds an SEO headline; the display headline is the visible h1 (and JSON-LD).
        return self.page.css_text("h1.c-title__text") or super().headline()

    def authors(self) -> list[Author]:
        element = self.page.first("bio-content")
        if element is None:
            return super().authors()
        people = [author(name) for name in split_byline(element.get("byline", ""))]
        return merge_authors(people, _bio_content_authors(element.get("content", "")))

    def main_image(self) -> Image | None:
        hero = self.page.selector.css("div.c-heroMedia .c-image")
        if not hero:
            return super().main_image()
        url = hero.css("img::attr(src)").get() or attribute(hero, "data-asset", "")
        caption, credit = split_caption_credit(" ".join(hero.css(".c-image__title ::text").getall()))
        return image(url, self.page.url, caption, credit)


class Polopoly2019(ArticleParser):
    """The Polopoly template (2019, and CP24 until 2023)."""

    version = "2019-polopoly"
    body_css = "div.articleBody > *"
    drop = ("div.sideItems", "div.related", "div.tools", "div.StoryShareBottom")

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("div.articleBody")

    def headline(self) -> str | None:
        return self.page.css_text("h1.articleHeadline") or super().headline()

    @cached_property
    def story_data(self) -> SelectorList[Selector]:
        """The ``div.s-data`` lines under the headline: byline and time stamps (one page walk for both)."""
        return self.page.selector.css("div.s-data")

    def authors(self) -> list[Author]:
        data = self.story_data
        linked = [author(a.css("::text").get(""), attribute(a, "href")) for a in data.css("a.bioLink")]
        bare = " ".join(data.xpath("./text()").getall())
        return merge_authors(linked, (author(name) for name in split_byline(bare)), super().authors())

    def date_modified(self) -> str | None:
        for stamp in self.story_data.css("span.date::text").getall():
            if "updated" in stamp.lower():
                return parse_date(stamp)
        return super().date_modified()

    def main_image(self) -> Image | None:
        figure = self.page.selector.css("div.image.top")
        url = figure.css("img::attr(src)").get()
        if not url:
            return super().main_image()
        caption, credit = split_caption_credit(" ".join(figure.css("p ::text").getall()))
        return image(url, self.page.url, caption, credit)


def _bio_content_authors(content: str) -> list[Author]:
    """The linked bios of AEM's ``bio-content``: staff writers, or the agency ("The Canadian" + "Press")."""
    try:
        bios = json.loads(content) if content.strip() else []
    except json.JSONDecodeError:
        return []
    found: list[Author] = []
    for bio in bios if isinstance(bios, list) else []:
        name = collapse_whitespace(f"{bio.get('firstName', '')} {bio.get('lastName', '')}")
        if name and split_byline(name):
            found.append(author(name, bio.get("bioUrl") or None))
    return found


SITE = Site(
    id="ctvnews",
    name="CTV News",
    domains=("ctvnews.ca",),
    parsers=(ArcXP2024, Aem2023, Polopoly2019),
    article_url=re.compile(r"ctvnews\.ca/(?:[\w-]+/)+(?:article/[\w-]+/?$|[\w-]+-1\.\d+$)"),
    not_article_url=re.compile(r"/(?:video|gallery|photo-galleries|live)/"),
    sources=(
        Source("feed", "https://www.ctvnews.ca/rss/ctvnews-ca-top-stories-public-rss-1.822009"),
        Source("news-sitemap", "https://www.ctvnews.ca/sitemap_news.xml"),
        Source("sitemap-index", "https://www.ctvnews.ca/arc/outboundfeeds/sitemap-news-index/"),
        Source("section", "https://www.ctvnews.ca/world"),
    ),
)
