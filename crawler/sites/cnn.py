"""CNN (cnn.com): three templates, newest first.

- 2022 onward, the component CMS ("Stellar"): ``div.article__content`` holding
  ``p.paragraph``/``h2.subheader`` components, the dateline in ``div.source > cite``, the byline
  in ``div.byline__names``, ``meta[name=template_type]`` naming the page kind, NewsArticle JSON-LD.
- 2015 to 2022, the "pg" zones template: ``.zn-body__paragraph`` elements (``p`` or ``div``), the
  dateline in ``cite.el-editorial-source``, metadata in meta and itemprop tags only.
- about 2012 to 2018, CNN Money (``money.cnn.com/YYYY/MM/DD/section/slug/``, under cnn.com):
  the text in ``div#storytext``, ``h1.article-title``, the byline in ``span.cnnbyline``, meta
  tags with no JSON-LD, and every time in Eastern Time: ``meta[name=date]`` has no zone at all
  ("2016-11-29 03:33:08"), the visible stamps end in "ET".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from dateutil import parser as dateutil_parser
from dateutil import tz

from crawler.extract.blocks import extract_blocks
from crawler.extract.bylines import author, merge_authors, restore_case, split_byline
from crawler.extract.dates import format_iso
from crawler.extract.images import image
from crawler.extract.page import Element, Page, collapse_whitespace, text_of
from crawler.extract.parser import ArticleParser, split_keywords
from crawler.record import Author, Block, Image
from crawler.sites.site import Site, Source

# Kinds of page the CMS builds from the same components that are not single articles.
_NOT_ARTICLE_TEMPLATE = re.compile(r"video|gallery|live|section|profile|index|search", re.IGNORECASE)
# "Analysis by Stephen Collinson, CNN", "Opinion by ...": the label is not part of the name.
_BYLINE_LABEL = re.compile(r"^\s*(?:analysis|opinion|review|interview|story)\s+(?=by\b)", re.IGNORECASE)
# The outlet ("CNN", "CNN Business") and roles ("CNN meteorologist") after a name are not people.
_OUTLET = re.compile(r"^CNN\b")


# CNN Money's stamps: "First published November 29, 2016: 3:33 AM ET".
_MONEY_STAMP = re.compile(
    r"^(?:first published|updated)?\s*(?P<date>.+?\d{4}):?\s+(?P<time>.+?)\s+ET$", re.IGNORECASE
)
_EASTERN = tz.gettz("America/New_York")


#: The zones template's paragraphs are ``p`` or ``div``: naming both tags lets each walk of
#: the page test only those elements (a tagless class test costs 2.5x on a 1 MB page).
_ZONE_PARAGRAPHS = "p.zn-body__paragraph, div.zn-body__paragraph"


class Stellar2022(ArticleParser):
    """The component CMS template (2022 onward)."""

    version = "2022-stellar"
    drop = (
        "p.editor-note",  # "Editor's Note: ... sign up here" newsletter and series notes
        "div.image",
        "div.graphic",
        "div.video-resource",
        "div.gallery-inline",
        "div.pull-quote",
        "div.related-content",
        "div.interactive-video",
        '[class^="ad-slot"]',
        '[class^="ad-feedback"]',
        "div.product-offer-card",
    )

    @classmethod
    def matches(cls, page: Page) -> bool:
        return bool(page.meta("template_type")) or page.has("div.article__content")

    def not_an_article(self) -> str | None:
        if "LiveBlogPosting" in str(self.page.article_json_ld.get("@type")):
            return "a CNN live blog"
        template = self.page.meta("template_type") or ""
        return f"a CNN {template} page" if _NOT_ARTICLE_TEMPLATE.search(template) else None

    def headline(self) -> str | None:
        # og:title and <title> carry a " | CNN Politics" suffix (and sometimes an SEO headline).
        headline = self.page.article_json_ld.get("headline")
        if isinstance(headline, str) and headline.strip():
            return collapse_whitespace(headline)
        return self.page.css_text("h1.headline__text") or super().headline()

    def authors(self) -> list[Author]:
        """The first byline's names, each linked to the profile its link points to; then the metadata's."""
        names = self.page.first("div.byline__names")
        people: list[Author] = []
        for span in self.page.nodes(".byline__name", within=names) if names is not None else ():
            link = next(span.iterancestors("a"), None)
            href = link.get("href") if link is not None else None
            people.extend(author(name, href) for name in _cnn_names(text_of(span)))
        return merge_authors(people, super().authors())

    def body(self) -> list[Block]:
        content = self.page.first("div.article__content")
        if content is None:
            return []
        return extract_blocks(_with_dateline(content, "source"), self.drop, self.boilerplate)

    def main_image(self) -> Image | None:
        # CNN's ImageObjects name the file "contentUrl"; the first is the lead image.
        found = self.page.article_json_ld.get("image")
        lead = found[0] if isinstance(found, list) and found else found
        if isinstance(lead, dict) and isinstance(lead.get("contentUrl"), str):
            return image(
                lead["contentUrl"], self.page.url, _str(lead.get("caption")), _str(lead.get("creditText"))
            )
        return self.metadata_image()


class Zones2015(ArticleParser):
    """The "pg" zones template (2015 to 2022)."""

    version = "2015-zones"
    drop = ("cite.el-editorial-source", "div.el__embedded", "div.ad", "ul.cn")
    headline_css = "h1.pg-headline"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has(_ZONE_PARAGRAPHS)

    def authors(self) -> list[Author]:
        byline = self.page.meta("author") or self.page.css_text(".metadata__byline__author") or ""
        return [author(name) for name in _cnn_names(byline)]

    def section(self) -> str | None:
        return self.page.meta("section", "articleSection") or super().section()

    def keywords(self) -> list[str]:
        # The keywords tag repeats the SEO headline (itemprop=headline) as a keyword.
        text = self.page.meta("keywords")
        seo_headline = self.page.meta("headline")
        return [k for k in split_keywords(text, ",") if k != seo_headline] if text else []

    def body(self) -> list[Block]:
        paragraphs = self.page.nodes(_ZONE_PARAGRAPHS)
        return extract_blocks(_paragraphs_with_dateline(paragraphs), self.drop, self.boilerplate)


class Money2012(ArticleParser):
    """CNN Money's story template (about 2012 to 2018): ``div#storytext``."""

    version = "2012-money"
    body_css = "#storytext > *"
    drop = (
        ".cnnplayer",  # the video player and its headline
        ".share-tools",
        ".storytimestamp",  # "CNNMoney (New York) First published ..."
        ".inStoryHeading",  # "Related: ..." links between paragraphs
        ".cnnoutbrain",
        '[id^="ad_"]',
        "#storyFooter",
    )
    headline_css = "h1.article-title"
    byline_css = ".cnnbyline .byline"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("#storytext")

    def authors(self) -> list[Author]:
        return [author(restore_case(entry["name"])) for entry in super().authors()]

    def date_published(self) -> str | None:
        return _eastern(self.page.meta("date", "dc.date.issued")) or _eastern(
            self.page.css_text(".storytimestamp .cnnDateStamp")
        )

    def date_modified(self) -> str | None:
        # The stamp under the headline is the latest update's.
        return _eastern(self.page.css_text(".byline-timestamp .cnnDateStamp"))

    def section(self) -> str | None:
        return self.page.meta("section") or super().section()

    def body(self) -> list[Block]:
        # The story opens with its first sentence set large, as an h2: it is text, not a sub-head.
        blocks = super().body()
        if blocks and blocks[0]["type"] == "heading":
            blocks[0] = {"type": "paragraph", "text": blocks[0]["text"]}
        return blocks


def _eastern(stated: str | None) -> str | None:
    """A CNN Money time, stated in Eastern Time without an offset, with its offset (EST or EDT)."""
    if not stated:
        return None
    stamp = _MONEY_STAMP.match(stated)
    text = f"{stamp['date']} {stamp['time']}" if stamp else stated
    try:
        moment = dateutil_parser.parse(text)
    except (ValueError, OverflowError):
        return None
    if moment.tzinfo is not None:
        return format_iso(moment)
    return format_iso(moment.replace(tzinfo=_EASTERN))


def _with_dateline(container: Element, dateline_class: str) -> Iterator[Element | str]:
    """The container's children, with the dateline component as loose text opening the next block."""
    for child in container:
        if dateline_class in (child.get("class") or "").split():
            yield collapse_whitespace(" ".join(child.itertext()))
        else:
            yield child


def _paragraphs_with_dateline(paragraphs: Iterable[Element]) -> Iterator[Element | str]:
    """Each paragraph, preceded by its dateline cite ("Hong Kong (CNN Business)") as loose text."""
    for paragraph in paragraphs:
        for cite in paragraph.iter("cite"):
            if "el-editorial-source" in (cite.get("class") or "").split():
                yield collapse_whitespace(" ".join(cite.itertext()))
        yield paragraph


def _cnn_names(byline: str) -> list[str]:
    """People in a CNN byline, without its label, the outlet and role words after the names."""
    return [name for name in split_byline(_BYLINE_LABEL.sub("", byline)) if not _OUTLET.match(name)]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


SITE = Site(
    id="cnn",
    name="CNN",
    domains=("cnn.com",),
    timezone="America/New_York",
    parsers=(Stellar2022, Zones2015, Money2012),
    # www.cnn.com/YYYY/MM/DD/section/slug/ and money.cnn.com/YYYY/MM/DD/section[/subsection]/slug/.
    article_url=re.compile(
        r"cnn\.com/(?:[\w-]+/)?\d{4}/\d{2}/\d{2}/(?:[\w-]+/){1,2}[\w-]+(?:/index\.html)?/?$"
    ),
    not_article_url=re.compile(r"/(?:videos?|gallery|live-news|interactive|specials|profiles)/"),
    sources=(
        Source("feed", "http://rss.cnn.com/rss/cnn_topstories.rss"),
        Source("news-sitemap", "https://www.cnn.com/sitemaps/cnn/news.xml"),
        Source("section", "https://www.cnn.com/world"),
    ),
)
