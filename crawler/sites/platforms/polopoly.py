"""Polopoly pages (CTV News until 2023, CP24 until 2023): Bell Media's former CMS.

``div.articleBody`` holds the story, ``h1.articleHeadline`` the headline, and ``div.s-data`` the
lines under it: the byline (linked ``a.bioLink`` profiles or bare text) and the time stamps
("Published ...", "Updated ...").
"""

from __future__ import annotations

from typing import ClassVar

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.dates import parse_date
from crawler.extract.page import Page
from crawler.extract.parser import ArticleParser
from crawler.record import Author

__all__ = ["PolopolyParser"]


class PolopolyParser(ArticleParser):
    """A Polopoly story page: ``div.articleBody``, ``h1.articleHeadline``, a ``div.s-data`` byline.

    A site on Polopoly subclasses it and names its template ``version``.
    """

    body_css = "div.articleBody > *"
    drop: ClassVar[tuple[str, ...]] = ("div.sideItems", "div.related", "div.tools", "div.StoryShareBottom")
    headline_css = "h1.articleHeadline"
    lead_figure_css = "div.image.top"
    caption_css = "p"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("div.articleBody")

    def authors(self) -> list[Author]:
        """The byline lines (``div.s-data``): linked profiles, then bare names; then the metadata's."""
        linked = [
            author(self.page.first("::text", within=link) or "", link.get("href"))
            for link in self.page.nodes("div.s-data a.bioLink")
        ]
        bare = " ".join(self.page.nodes("div.s-data::text"))
        return merge_authors(linked, (author(name) for name in split_byline(bare)), super().authors())

    def date_modified(self) -> str | None:
        for stamp in self.page.nodes("div.s-data span.date::text"):
            if "updated" in stamp.lower():
                return parse_date(stamp)
        return super().date_modified()
