"""The Globe and Mail (theglobeandmail.com): two templates, newest first.

- 2019 onward, Arc XP: paragraphs are ``p.c-article-body__text`` direct children of the
  ``<article>``, metadata in JSON-LD and ``Fusion.globalContent``, paywall in ``article:content_tier``.
- 2014, the pre-Arc CMS: hAtom microformat (``h1.entry-title``, ``p.byline``), no JSON-LD, and a
  ``time@datetime`` whose month and minutes are swapped, so dates come from the visible text.
"""

from __future__ import annotations

import re
from functools import cached_property
from urllib.parse import urlsplit

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.dates import parse_date
from crawler.extract.page import JsonObject, Page, collapse_whitespace
from crawler.extract.parser import ArticleParser, split_keywords, unique
from crawler.extract.state import dig
from crawler.record import Author
from crawler.sites.platforms.arc import global_content
from crawler.sites.site import Site, Source

_AD_LABEL = re.compile(r"^story continues below advertisement$", re.IGNORECASE)


class Arc(ArticleParser):
    """The Arc XP template, 2019 to today.

    In 2021 it labelled its in-article ad slots "Story continues below advertisement".
    """

    version = "2019-arc"
    # One :is() walks the page once; a list of selectors walks it once per selector.
    body_css = "article > :is({})".format(
        ", ".join(
            (
                "p.c-article-body__text",
                "h2.c-article-body__subheading-v2",
                "h3.c-article-body__subheading-v2",
                "h4.c-article-body__subheading-v2",
                "h5.c-article-body__subheading-v2",
                "h6.c-article-body__subheading-v2",
                "ul.c-article-body__list",
                "ol.c-article-body__list",
                "blockquote",
            )
        )
    )
    boilerplate = (_AD_LABEL,)
    headline_css = "h1.c-primary-title"
    # The credit lines under the byline name the agencies ("The Canadian Press").
    byline_css = "div.c-article-meta__creditlines .c-creditline ::text"
    lead_figure_css = "article figure"
    caption_css = "figcaption .caption"
    credit_css = "figcaption .credit"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return bool(global_content(page)) or page.has("p.c-article-body__text")

    @cached_property
    def story(self) -> JsonObject:
        return global_content(self.page)

    def description(self) -> str | None:
        return dig(self.story, "subheadlines", "basic") or super().description()

    def authors(self) -> list[Author]:
        """The metadata's people, then the agencies of the credit lines."""
        return merge_authors(super().authors(), self.byline_authors())

    def section(self) -> str | None:
        return dig(self.story, "taxonomy", "primary_section", "name") or _breadcrumb_section(self.page)

    def keywords(self) -> list[str]:
        return unique(
            collapse_whitespace(t) for t in self.page.nodes('a.c-topic-link[href*="/topics/"] ::text')
        )

    def is_accessible_for_free(self) -> bool | None:
        tier = self.page.meta("article:content_tier")
        if tier:
            return tier.lower() != "locked"
        return super().is_accessible_for_free()


class Legacy2014(ArticleParser):
    """The pre-Arc template (2014): hAtom microformat, no JSON-LD."""

    version = "2014"
    body_css = "div.entry-content div.column-2.gridcol > *"
    drop = (
        "div.entry-related",
        "h5.chart-hed",
        "p.chart-dek",
        "p.chart-src",
        "div.story_tools",
        "section",
    )
    lead_figure_css = "header figure"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("h1.entry-title")

    def headline(self) -> str | None:
        # The h1 also holds an "Add to ..." watch-list link: its own text only.
        return self.page.all_text("h1.entry-title::text") or super().headline()

    def description(self) -> str | None:
        return self.page.css_attr("h1.entry-title", "title") or super().description()

    def authors(self) -> list[Author]:
        people = [author(n) for n in split_byline(self.page.css_text("p.byline") or "")]
        credit = (self.page.css_text("p.creditline") or "").split("—")[-1]
        return merge_authors(people, (author(n) for n in split_byline(credit)))

    def date_published(self) -> str | None:
        # @datetime swaps month and minutes ("2014-00-29T11:12:28Z"); the visible text is right.
        return parse_date(self.page.css_text("div.dateline time:not(.updated)"))

    def date_modified(self) -> str | None:
        return parse_date(self.page.css_text("div.dateline time.updated"))

    def section(self) -> str | None:
        segments = [s for s in urlsplit(self.page.url).path.split("/") if s]
        return segments[-3].replace("-", " ").title() if len(segments) >= 3 else None

    def keywords(self) -> list[str]:
        text = self.page.meta("keywords")
        return split_keywords(text, ";") if text else []

    def is_accessible_for_free(self) -> bool | None:
        return None  # the 2014 pages carry no paywall marker


def _breadcrumb_section(page: Page) -> str | None:
    """The breadcrumb item just above the article itself."""
    items = page.json_ld_of_type("BreadcrumbList").get("itemListElement") or []
    names = [item.get("name") for item in items if isinstance(item, dict)]
    names = [collapse_whitespace(name) for name in names if isinstance(name, str)]
    return names[-2] if len(names) >= 2 else (names[0] if names else None)


SITE = Site(
    id="globeandmail",
    name="The Globe and Mail",
    domains=("theglobeandmail.com",),
    timezone="America/Toronto",
    parsers=(Arc, Legacy2014),
    article_url=re.compile(r"theglobeandmail\.com/(?:[\w-]+/)+(?:article-[\w-]+/?|article\d+/?)$"),
    not_article_url=re.compile(r"/(?:video|photos|podcasts|live)/"),
    paywall=True,
    sources=(
        Source("feed", "https://www.theglobeandmail.com/arc/outboundfeeds/rss/"),
        Source(
            "sitemap-index",
            "https://www.theglobeandmail.com/arc/outboundfeeds/news-sitemap-index/?outputType=xml",
        ),
        Source("section", "https://www.theglobeandmail.com/world/"),
    ),
)
