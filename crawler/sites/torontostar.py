"""The Toronto Star (thestar.com): two templates, newest first.

- 2023 onward, BLOX CMS (TownNews): URLs ``/{section}/{slug}/article_{uuid}.html``, the story in
  ``#article-body[itemprop=articleBody]`` (split into ``subscriber-preview``/``subscriber-only``
  parts around ``tnt-ads`` slots), metadata in a NewsArticle JSON-LD block.
- 2019 to 2023, a server-rendered React app on AEM: URLs ``/{section}/YYYY/MM/DD/{slug}.html``,
  paragraphs ``p.text-block-container`` in ``div.c-article-body__content``, and the story as
  ``window.__PRELOADED_STATE__`` (authors with their credit line, epoch dates, image captions).
  Its JSON-LD ``datePublished`` is a bare date, so the time comes from the state.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.dates import format_iso, parse_date
from crawler.extract.images import image
from crawler.extract.page import JsonObject, Page
from crawler.extract.parser import ArticleParser
from crawler.extract.state import dig, window_state
from crawler.record import Author, Image
from crawler.sites.site import Site, Source

# Credit lines name a role ("Staff Reporter", "Ottawa Bureau") or the agency that wrote the story.
_AGENCY = re.compile(
    r"^(the canadian press|the associated press|associated press|reuters|bloomberg( news)?|"
    r"agence france-presse|afp|the new york times|the washington post|los angeles times|"
    r"tribune news service|the guardian|cnn|postmedia news)$",
    re.IGNORECASE,
)
# Internal routing tags in the keywords meta ("smg2_world", "ng:s/m/g/smg_us") and Parse.ly notes.
_INTERNAL_TAG = re.compile(r"^(smg\w*|ng:.*|.*:.*)$", re.IGNORECASE)


class Blox2023(ArticleParser):
    """The BLOX CMS template (2023 onward)."""

    version = "2023-blox"
    body_css = "#article-body > *"
    drop = (
        ".tnt-ads-container",
        ".tnt-ads",
        ".tncms-region",
        ".tncms-block",
        ".asset-related-items",
        ".related-story",
        ".inline-asset",
        ".share-container",
        ".newsletter-signup",
    )
    headline_css = "h1.headline"
    lead_figure_css = "div.asset-photo figure"
    lead_image_css = ("img::attr(data-src)", "img::attr(src)")
    caption_css = ".caption-text"
    credit_css = ".tnt-byline"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains("tncms") and page.has("#article-body")

    def not_an_article(self) -> str | None:
        return _not_an_article(self.page)

    def authors(self) -> list[Author]:
        """The metadata's authors, then the byline's linked names (with their profile links)."""
        linked = [
            author(self.page.first("::text", within=link) or "", link.get("href"))
            for link in self.page.nodes("header.asset-header a.tnt-user-name")
        ]
        return merge_authors(super().authors(), linked)


class React2019(ArticleParser):
    """The React/AEM template (2019 to 2023): markup plus ``window.__PRELOADED_STATE__``."""

    version = "2019-react"
    body_css = "div.c-article-body__content > *"
    drop = (
        ".article-related-inline",
        ".c-related-articles",
        ".cta-container",
        ".share-toolbar-container",
        ".article-trust-bar",
        "#fsk_splitbox",
        '[class*="ad-container"]',
    )

    @classmethod
    def matches(cls, page: Page) -> bool:
        return bool(_state(page).get("storyuuid")) or page.has("div.c-article-body__content")

    @cached_property
    def story(self) -> JsonObject:
        return _state(self.page)

    def not_an_article(self) -> str | None:
        kind = self.story.get("type")
        if isinstance(kind, str) and kind.lower() != "story":
            return f"a Toronto Star {kind.lower()} page"
        return _not_an_article(self.page)

    def headline(self) -> str | None:
        return (
            self.page.css_text("h1.c-article-headline__heading")
            or _string(self.story.get("headline"))
            or super().headline()
        )

    def authors(self) -> list[Author]:
        credited = self.story.get("authors")
        if isinstance(credited, list) and credited:
            pairs = [
                (entry.get("author"), entry.get("credit")) for entry in credited if isinstance(entry, dict)
            ]
        else:
            pairs = [
                (
                    self.page.first(".article__author-name ::text", within=entry),
                    self.page.first(".article__author-credit ::text", within=entry),
                )
                for entry in self.page.nodes("div.article__byline .article__author")
            ]
        people = [author(name) for person, _ in pairs for name in split_byline(_string(person) or "")]
        agencies = [
            author(credit) for _, line in pairs if (credit := _string(line)) and _AGENCY.match(credit)
        ]
        return merge_authors(people, agencies) or super().authors()

    def date_published(self) -> str | None:
        return (
            parse_date(self.page.meta("parsely-pub-date"))
            or _from_epoch_ms(self.story.get("publishedepoch"))
            or super().date_published()
        )

    def section(self) -> str | None:
        return _string(dig(self.story, "primarylabel", "label")) or super().section()

    def keywords(self) -> list[str]:
        return [keyword for keyword in super().keywords() if not _INTERNAL_TAG.match(keyword)]

    def main_image(self) -> Image | None:
        lead = dig(self.story, "mainart", "images", 0)
        if not isinstance(lead, dict):
            return self.metadata_image()
        url = dig(lead, "renditions", 0, "url") or lead.get("url")
        if not isinstance(url, str) or not url:
            return self.metadata_image()
        credit = _string(lead.get("source")) or _string(lead.get("credit"))
        return image(url, self.page.url, _string(lead.get("caption")), credit)

    def is_accessible_for_free(self) -> bool | None:
        # JSON-LD says "False" on every story; the state tells metered (free to read) from premium.
        mode = _string(self.story.get("paywallMode"))
        if mode:
            return mode.lower() in {"metered", "free", "none"}
        return super().is_accessible_for_free()


def _state(page: Page) -> JsonObject:
    return window_state(page, "__PRELOADED_STATE__")


def _string(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _from_epoch_ms(value: Any) -> str | None:
    """An epoch in milliseconds as UTC ISO 8601 (the instant is exact; the zone is UTC)."""
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return None
    return format_iso(datetime.fromtimestamp(value / 1000, tz=UTC))


def _not_an_article(page: Page) -> str | None:
    kinds = page.article_json_ld.get("@type")
    if kinds == "LiveBlogPosting" or (isinstance(kinds, list) and "LiveBlogPosting" in kinds):
        return "a Toronto Star live blog"
    if (page.meta("og:type") or "").startswith("video"):
        return "a Toronto Star video page"
    return None


SITE = Site(
    id="torontostar",
    name="Toronto Star",
    domains=("thestar.com",),
    timezone="America/Toronto",
    parsers=(Blox2023, React2019),
    article_url=re.compile(
        r"thestar\.com/(?:[\w-]+/)+(?:article_[0-9a-f-]+\.html|\d{4}/\d{2}/\d{2}/[\w-]+\.html)$"
    ),
    not_article_url=re.compile(r"/(?:videozone|video|photos|galleries|gallery|live|interactives?)/"),
    paywall=True,
    sources=(
        Source("feed", "https://www.thestar.com/search/?f=rss&t=article&c=news&l=50&s=start_time&sd=desc"),
        Source("section", "https://www.thestar.com/news/canada/"),
    ),
)
