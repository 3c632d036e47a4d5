"""The Guardian (theguardian.com): two templates, newest first.

- 2021 onward, dotcom-rendering (DCR): ``window.guardian.config.isDotcomRendering``, regions
  named by ``data-gu-name`` (headline, standfirst, meta, body), the article in
  ``div.article-body-commercial-selector``, a ``NewsArticle`` JSON-LD block.
- 2014 to 2021, the "frontend" template: schema.org microdata (``itemprop=articleBody``,
  ``itemprop=author``), ``h1.content__headline``, ``div.content__article-body``, and no
  Article JSON-LD (the og:title carries a " | Editorial" style suffix).

Bylines name linked people (profile pages) and, unlinked, agencies with a place ("Associated
Press in Valencia"); JSON-LD calls an unbylined story's author "Guardian staff reporter",
which names no one. Live blogs (``LiveBlogPosting``, ``/live/`` URLs) are not articles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import ClassVar
from urllib.parse import urlsplit

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.dates import parse_date
from crawler.extract.images import image, split_caption_credit
from crawler.extract.page import Page
from crawler.extract.parser import ArticleParser, split_keywords
from crawler.record import Author, Image
from crawler.sites.site import Site, Source

# Credits of the publication itself, or of no one in particular.
_NO_ONE = re.compile(
    r"^(?:guardian staff(?: reporter)?|(?:the )?guardian|(?:observer )?editorial|"
    r"(?:staff and )?agencies)$",
    re.IGNORECASE,
)
# Unlinked byline names that are news agencies, kept beside the linked people.
_AGENCY = re.compile(
    r"^(?:(?:the )?associated press|reuters|agence france-presse|afp|pa media|press association|"
    r"australian associated press|aap|bloomberg|dpa|efe|ansa)$",
    re.IGNORECASE,
)
_PLACE = re.compile(r"\s+in\s+[A-Z][\w .'-]*$")
# A credit that follows the caption: "... apartments. Photograph: Eva Manez/Reuters".
_CREDIT = re.compile(
    r"^(?P<caption>.*?)\s*(?:Photograph|Photo|Illustration|Composite|Image|Graphic)s?:\s*(?P<credit>.+)$",
    re.DOTALL,
)
_NOT_ARTICLE_PATH = re.compile(r"/(?P<kind>live|video|gallery|audio|picture)/")
_PROMOS = (
    re.compile(r"^(?:skip past|after) newsletter promotion$", re.IGNORECASE),
    re.compile(r"^(?:read more|related)\s*:", re.IGNORECASE),
)


class _GuardianParser(ArticleParser):
    """What both Guardian templates share: refusals, tags, agency credits, caption credits."""

    boilerplate = _PROMOS
    caption_credit = _CREDIT
    #: The byline's text, whose unlinked names may be agencies ("Associated Press in Valencia").
    agencies_css: ClassVar[str] = '[data-component="meta-byline"] ::text'

    def not_an_article(self) -> str | None:
        if self.page.article_json_ld.get("@type") == "LiveBlogPosting":
            return "a Guardian live blog"
        match = _NOT_ARTICLE_PATH.search(urlsplit(self.page.url).path)
        return f"a Guardian {match['kind']} page" if match else None

    def keywords(self) -> list[str]:
        tags = self.page.meta("article:tag", "news_keywords", "keywords")
        return split_keywords(tags, ",") if tags else []

    def _with_agencies(self, people: Iterable[Author]) -> list[Author]:
        """The byline's people (without "Guardian staff"-style credits), then its agencies."""
        byline = " ".join(self.page.nodes(self.agencies_css))
        agencies = [
            author(name) for part in split_byline(byline) if _AGENCY.match(name := _PLACE.sub("", part))
        ]
        return merge_authors((p for p in people if not _NO_ONE.match(p["name"])), agencies)


class DotcomRendering2021(_GuardianParser):
    """The dotcom-rendering template (2021 onward): JSON-LD metadata, ``data-gu-name`` regions."""

    version = "2021-dcr"
    body_css = "div.article-body-commercial-selector > *"
    drop = ("#sign-in-gate", "gu-island", ".ad-slot-container", ".ad-slot")

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains('"isDotcomRendering":true') or page.contains("article-body-commercial-selector")

    def authors(self) -> list[Author]:
        return self._with_agencies(super().authors())

    def main_image(self) -> Image | None:
        """JSON-LD's image without the share-card crop, else the media figure's; its caption's credit."""
        figure = self.page.first('[data-gu-name="media"] figure')
        url = _clean_image_url(self.page.article_json_ld.get("image")) or (
            self.page.first("img::attr(src)", within=figure) if figure is not None else None
        )
        if not url:
            return self.metadata_image()
        caption = self.page.css_text("figcaption", within=figure) if figure is not None else None
        return image(url, self.page.url, *split_caption_credit(caption or "", self.caption_credit))


class Frontend2014(_GuardianParser):
    """The "frontend" template (2014 to 2021): microdata, no Article JSON-LD."""

    version = "2014-frontend"
    body_css = "div.content__article-body > *"
    drop = ("div.submeta", "div.after-article", ".ad-slot", ".element-rich-link", "div.element-embed")
    agencies_css = '[data-component="meta-byline"] ::text, .content__headline--byline ::text'
    # og:title carries a suffix (" | Editorial"); the h1 is the display headline.
    headline_css = "h1.content__headline"
    lead_figure_css = "figure.media-primary"
    lead_image_css = ("meta[itemprop=url]::attr(content)", "img::attr(src)")

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains("content__article-body")

    def description(self) -> str | None:
        # The description meta tags prefix the tone ("Editorial: ..."); the standfirst does not.
        return self.page.css_text(".content__standfirst") or super().description()

    def date_published(self) -> str | None:
        # The dateline's @datetime keeps the page's own offset (BST in summer); the meta tags are UTC.
        return (
            parse_date(self.page.css_attr("time[itemprop=datePublished]", "datetime"))
            or super().date_published()
        )

    def date_modified(self) -> str | None:
        return (
            parse_date(self.page.css_attr("time[itemprop=dateModified]", "datetime"))
            or super().date_modified()
        )

    def authors(self) -> list[Author]:
        people = [
            author(
                self.page.all_text("[itemprop=name]", within=person) or "",
                self.page.first("a[rel=author]::attr(href)", within=person),
            )
            for person in self.page.nodes("[itemprop=author]")
        ]
        return self._with_agencies([p for p in people if p["name"]] or super().authors())


def _clean_image_url(value: object) -> str | None:
    """The JSON-LD image without the share-card crop and logo overlay (``fit=max``), else the first."""
    urls = [url for url in (value if isinstance(value, list) else [value]) if isinstance(url, str)]
    return next((url for url in urls if "fit=max" in url), urls[0] if urls else None)


SITE = Site(
    id="guardian",
    name="The Guardian",
    domains=("theguardian.com",),
    timezone="Europe/London",
    parsers=(DotcomRendering2021, Frontend2014),
    article_url=re.compile(r"theguardian\.com/(?:[\w-]+/)+\d{4}/[a-z]{3}/\d{1,2}/[\w-]+/?$"),
    not_article_url=re.compile(r"/(?:live|video|gallery|audio|picture|crosswords)/"),
    sources=(
        Source("news-sitemap", "https://www.theguardian.com/sitemaps/news.xml"),
        Source("feed", "https://www.theguardian.com/world/rss"),
        Source("section", "https://www.theguardian.com/world"),
    ),
)
