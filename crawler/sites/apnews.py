"""The Associated Press (apnews.com, and AP's hosted pages for member papers): three templates, newest first.

- From August 2023, Brightspot: ``div.RichTextStoryBody`` body, ``h1.Page-headline``,
  ``<html data-named-page-type="Article">``, a ``brightspot.contentid`` meta tag.
- 2018 to 2023, the React app: ``div.Article[data-key="article"]`` body and the story as JSON in
  ``window['titanium-state']`` (bylines, live-update flag, lead photo caption).
- 2019, AP Hosted (hosted.ap.org, Drupal): ``div.ap-story`` with ``h2.ap-story-headline`` and a
  ``<block>`` element holding the paragraphs.

AP is the publisher, not a credit: authors are the bylined reporters, and "Associated Press"
only when no one is named.
"""

from __future__ import annotations

import re
from functools import cached_property

from crawler.extract.bylines import author, split_byline
from crawler.extract.images import image, split_caption_credit
from crawler.extract.page import JsonObject, Page, collapse_whitespace
from crawler.extract.parser import ArticleParser
from crawler.extract.state import dig, json_after
from crawler.record import Author, Image
from crawler.sites.site import Site, Source

# AP's closing pointers to more coverage ("Follow AP's full coverage of Brexit at https://...").
_COVERAGE_PROMO = re.compile(
    r"^(?:follow|find|see|read|get) (?:more (?:of )?)?AP[\u2019']s\b.*\bcoverage\b", re.I
)
# AP separates the story from its credits with a line of underscores ("___"), which counts as a word.
_SEPARATOR = re.compile(r"^_+$")
_TITANIUM_STATE = re.compile(r"window\[['\"]titanium-state['\"]\]\s*=\s*")
_NON_ARTICLE_TYPES = frozenset({"LiveBlogPosting", "VideoObject", "ImageGallery"})


class Brightspot2023(ArticleParser):
    """The Brightspot template (August 2023 onward)."""

    version = "2023-brightspot"
    body_css = "div.RichTextStoryBody > *"
    # Ads, "RELATED COVERAGE" lists, info boxes and HTML embeds sit between the paragraphs.
    drop = ("div.Advertisement", "div.SovrnAd", "div.Enhancement", "div.HTMLModuleEnhancement", "div.Infobox")
    boilerplate = (_COVERAGE_PROMO, _SEPARATOR)
    byline_css = "div.Page-authors"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return bool(page.meta("brightspot.contentid")) or page.contains("RichTextStoryBody")

    def not_an_article(self) -> str | None:
        kind = self.page.root.get("data-named-page-type")
        if kind and kind != "Article":
            return f"an AP {kind} page"
        return _non_article_json_ld(self.page)

    def headline(self) -> str | None:
        # The JSON-LD headline is a shorter SEO variant; the page shows h1.Page-headline (= og:title).
        return self.page.css_text("h1.Page-headline") or self.page.meta("og:title") or super().headline()

    def authors(self) -> list[Author]:
        return super().authors() or _AGENCY

    def keywords(self) -> list[str]:
        """JSON-LD keywords without distribution tags ("NE State Wire"), the URL slug and stray letters."""
        slug = self.page.url.rstrip("/").rsplit("/", 1)[-1].rsplit("-", 1)[0].replace("-", " ")
        return [
            keyword
            for keyword in super().keywords()
            if len(keyword) > 1 and not keyword.endswith("State Wire") and keyword.casefold() != slug
        ]

    def main_image(self) -> Image | None:
        # og:image:alt is the lead photo's caption, ending with its credit in parentheses.
        lead = self.metadata_image()
        alt = self.page.meta("og:image:alt")
        if lead is None or not alt or lead["caption"]:
            return lead
        caption, credit = split_caption_credit(alt)
        return image(lead["url"], self.page.url, caption, lead["credit"] or credit)


class Titanium2018(ArticleParser):
    """The React app (2018 to August 2023): story state in ``window['titanium-state']``."""

    version = "2018-titanium"
    # The story's own elements; the app's ad and embed slots are divs between them.
    body_css = 'div[data-key="article"] > :not(div)'
    boilerplate = (_COVERAGE_PROMO, _SEPARATOR)

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains("titanium-state")

    @cached_property
    def story(self) -> JsonObject:
        """The page's story in the app state (the content whose id the URL ends with)."""
        return self.page.derived("apnews.titaniumStory", _titanium_story)

    def not_an_article(self) -> str | None:
        if self.story.get("isLiveUpdate"):
            return "an AP live-updates page"
        kind = self.story.get("contentType")
        if kind and kind != "text":
            return f"an AP {kind} page"
        return _non_article_json_ld(self.page)

    def headline(self) -> str | None:
        # The shown headline has typographic quotes; JSON-LD and og:title straighten them.
        return (
            self.page.css_text('div[data-key="card-headline"] h1')
            or _string(self.story.get("headline"))
            or super().headline()
        )

    def authors(self) -> list[Author]:
        byline = _string(self.story.get("bylines"))
        people = [author(name) for name in split_byline(byline)] if byline else []
        return people or super().authors() or _AGENCY

    def main_image(self) -> Image | None:
        lead = self.metadata_image()
        photo = dig(self.story, "media", 0)
        caption = _string(dig(photo, "flattenedCaption"))
        if lead is None or not caption or dig(photo, "id") != self.story.get("leadPhotoId"):
            return lead
        text, credit = split_caption_credit(caption)
        return image(lead["url"], self.page.url, text, credit)


class Hosted2019(ArticleParser):
    """AP Hosted (hosted.ap.org), the Drupal pages AP served for member papers (2019)."""

    version = "2019-hosted"
    body_css = "div.ap-story > block > *"
    drop = ("div.ap-story-media-blk-wrap", "div.bottom-social-share", "section")
    boilerplate = (_COVERAGE_PROMO, _SEPARATOR)
    headline_css = "h2.ap-story-headline"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.contains("ap-story-headline")

    def not_an_article(self) -> str | None:
        return _non_article_json_ld(self.page)

    def authors(self) -> list[Author]:
        """The byline's people; without one, its credit line ("Associated Press"); then the metadata's."""
        for part in ("original", "title"):
            byline = self.page.all_text(f"div.ap-story-byline .field-name-field-byline-{part}") or ""
            found = [author(name) for name in split_byline(byline)]
            if found:
                return found
        return super().authors()


_AGENCY: list[Author] = [author("Associated Press")]


def _non_article_json_ld(page: Page) -> str | None:
    for obj in page.json_ld:
        kind = obj.get("@type")
        if isinstance(kind, str) and kind in _NON_ARTICLE_TYPES and obj.get("url") == page.canonical_link:
            return f"an AP {kind} page"
    return None


def _titanium_story(page: Page) -> JsonObject:
    state = json_after(page.text_from("titanium-state", back_to="window"), _TITANIUM_STATE)
    contents = dig(state, "content", "data")
    if not isinstance(contents, dict):
        return {}
    short_id = page.url.rstrip("/").rsplit("-", 1)[-1].rsplit("/", 1)[-1]
    stories = [story for story in contents.values() if isinstance(story, dict)]
    for story in stories:
        if story.get("shortId") == short_id:
            return story
    return stories[0] if len(stories) == 1 else {}


def _string(value: object) -> str | None:
    return collapse_whitespace(value) or None if isinstance(value, str) else None


SITE = Site(
    id="apnews",
    name="The Associated Press",
    domains=("apnews.com", "hosted.ap.org"),
    timezone="America/New_York",
    parsers=(Brightspot2023, Titanium2018, Hosted2019),
    article_url=re.compile(
        r"(?:apnews\.com/article/(?:[\w-]+-)?[0-9a-f]{32}"
        r"|hosted\.ap\.org/[\w-]+/article/[0-9a-f]{32}(?:/[\w-]+)?)/?$"
    ),
    not_article_url=re.compile(r"/(?:video|videos|gallery|photo-gallery|live|hub|projects)/"),
    # AP keeps no public RSS feed (index.rss answers 401); its Google-News sitemap lists every story.
    sources=(
        Source("news-sitemap", "https://apnews.com/news-sitemap-content.xml"),
        Source("section", "https://apnews.com/hub/ap-top-news"),
        # AP Hosted (until 2020): a member paper's front page on hosted.ap.org.
        Source("section", "https://hosted.ap.org/duluthnews/"),
    ),
)
