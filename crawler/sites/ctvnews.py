"""CTV News (ctvnews.ca): three templates, newest first.

- 2024 onward, Arc XP: the story is in ``Fusion.globalContent`` (ANS); URLs ``/{section}/article/{slug}/``.
- 2023, Adobe AEM: ``div.c-text`` body, ``bio-content`` byline element, ``ReportageNewsArticle`` JSON-LD.
- 2019, Polopoly: ``div.articleBody`` body, a bare-text byline in ``div.s-data``.
"""

from __future__ import annotations

import json
import re

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.page import MALFORMED_JSON, Page, collapse_whitespace
from crawler.extract.parser import ArticleParser
from crawler.record import Author
from crawler.sites.platforms.arc import ArcStoryParser
from crawler.sites.platforms.polopoly import PolopolyParser
from crawler.sites.site import Site, Source


class ArcXP2024(ArcStoryParser):
    """The Arc XP template (2024 onward): metadata and body from the ANS story."""

    version = "2024-arc"


class Aem2023(ArticleParser):
    """The Adobe AEM template (2023)."""

    version = "2023-aem"
    body_css = "div.c-text > *"
    drop = ("sra-advert", "div.sraAdvert", "related-articles", "div.inline-image")
    # <title> holds an SEO headline; the display headline is the visible h1 (and JSON-LD).
    headline_css = "h1.c-title__text"
    lead_figure_css = "div.c-heroMedia .c-image"
    # An image not rendered yet has no <img>; the figure names its asset.
    lead_image_css = ("img::attr(src)", ".c-image::attr(data-asset)")
    caption_css = ".c-image__title"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.meta("page-type") == "aem-page" or page.has("div.c-text")

    def authors(self) -> list[Author]:
        element = self.page.first("bio-content")
        if element is None:
            return super().authors()
        people = [author(name) for name in split_byline(element.get("byline", ""))]
        return merge_authors(people, _bio_content_authors(element.get("content", "")))


class Polopoly2019(PolopolyParser):
    """The Polopoly template (2019 to 2023)."""

    version = "2019-polopoly"


def _bio_content_authors(content: str) -> list[Author]:
    """The linked bios of AEM's ``bio-content``: staff writers, or the agency ("The Canadian" + "Press")."""
    try:
        bios = json.loads(content) if content.strip() else []
    except MALFORMED_JSON:
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
    timezone="America/Toronto",
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
