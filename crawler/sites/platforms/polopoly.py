"""Polopoly pages (CTV News until 2023, CP24 until 2023): Bell Media's former CMS.

``div.articleBody`` holds the story, ``h1.articleHeadline`` the headline, and ``div.s-data`` the
lines under it: the byline (linked ``a.bioLink`` profiles or bare text) and the time stamps
("Published ...", "Updated ...").
"""

from __future__ import annotations

from functools import cached_property

from parsel import Selector, SelectorList

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.dates import parse_date
from crawler.extract.images import image, split_caption_credit
from crawler.extract.page import Page, attribute
from crawler.extract.parser import ArticleParser
from crawler.record import Author, Image

__all__ = ["PolopolyParser"]


class PolopolyParser(ArticleParser):
    """A Polopoly story page: ``div.articleBody``, ``h1.articleHeadline``, a ``div.s-data`` byline.

    A site on Polopoly subclasses it and names its template ``version``.
    """

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
