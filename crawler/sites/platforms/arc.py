"""Arc XP pages (Globe and Mail, Reuters, CTV News and CP24 since 2024): the Fusion ``globalContent``.

Arc's server HTML embeds the story as ANS JSON in ``Fusion.globalContent = {...};``. It holds
the structured truth (headlines, credits, taxonomy, dates) that the rendered markup shows
only partly, so Arc parsers read their metadata from it.
"""

from __future__ import annotations

import re
from functools import cached_property

from crawler.extract.blocks import blocks_from_html
from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.dates import parse_date
from crawler.extract.images import image
from crawler.extract.page import JsonObject, Page
from crawler.extract.parser import ArticleParser
from crawler.extract.state import dig, json_after
from crawler.extract.urls import joined_url
from crawler.record import Author, Block, Image

_GLOBAL_CONTENT = re.compile(r"Fusion\.globalContent\s*=\s*")


def global_content(page: Page) -> JsonObject:
    """The ANS story object of an Arc page, or an empty dict (computed once per page)."""
    return page.derived("arc.globalContent", _read_global_content)


def _read_global_content(page: Page) -> JsonObject:
    return json_after(page.text_from("Fusion.globalContent"), _GLOBAL_CONTENT)


def ans_authors(story: JsonObject, base: str) -> list[Author]:
    """Authors from ANS ``credits.by``: the original profile's full name where Arc keeps one.

    Arc stores profile links relative to the site, so they are resolved against ``base``.
    """
    found: list[Author] = []
    for credit in dig(story, "credits", "by") or []:
        original = dig(credit, "additional_properties", "original") or {}
        full_name = " ".join(
            part for part in (original.get("firstName"), original.get("lastName")) if isinstance(part, str)
        )
        name = full_name or credit.get("name") or ""
        url = original.get("bio_page") or credit.get("url")
        link = joined_url(url, base) if isinstance(url, str) and url else None
        found.extend(author(person, link) for person in split_byline(name))
    return merge_authors(found)


def ans_body_html(story: JsonObject) -> list[str]:
    """The story's text elements (paragraphs, sub-heads, lists, quotes) as HTML, in order."""
    fragments: list[str] = []
    for element in story.get("content_elements") or []:
        kind = element.get("type")
        if kind == "text":
            fragments.append(f"<p>{element.get('content', '')}</p>")
        elif kind == "header":
            level = element.get("level", 2)
            fragments.append(f"<h{level}>{element.get('content', '')}</h{level}>")
        elif kind == "list":
            tag = "ol" if element.get("list_type") == "ordered" else "ul"
            items = "".join(f"<li>{item.get('content', '')}</li>" for item in element.get("items") or [])
            fragments.append(f"<{tag}>{items}</{tag}>")
        elif kind in {"quote", "blockquote"}:
            quoted = " ".join(
                f"<p>{part.get('content', '')}</p>" for part in element.get("content_elements") or []
            )
            fragments.append(f"<blockquote>{quoted}</blockquote>")
    return fragments


def ans_tags(story: JsonObject) -> list[str]:
    """The texts of the story's taxonomy tags."""
    return [tag["text"] for tag in dig(story, "taxonomy", "tags") or [] if isinstance(tag.get("text"), str)]


class ArcStoryParser(ArticleParser):
    """An Arc XP story page whose ANS story is ``Fusion.globalContent``: metadata and body from it.

    A site on Arc subclasses it and names its template ``version``.
    """

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
        lead = self.metadata_image()
        promo = dig(self.story, "promo_items", "basic")
        if lead is None or not isinstance(promo, dict):
            return lead
        credit = ", ".join(c["name"] for c in dig(promo, "credits", "by") or [] if c.get("name"))
        return image(
            lead["url"], self.page.url, promo.get("caption") or lead["caption"], credit or lead["credit"]
        )
