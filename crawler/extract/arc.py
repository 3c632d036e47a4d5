"""Arc XP pages (The Globe and Mail, CTV News since 2024): the Fusion ``globalContent`` state.

Arc's server HTML embeds the story as ANS JSON in ``Fusion.globalContent = {...};``. It holds
the structured truth (headlines, credits, taxonomy, dates) that the rendered markup shows
only partly, so Arc parsers read their metadata from it.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.bylines import Author, author, merge_authors, split_byline
from crawler.extract.page import JsonObject, Page
from crawler.extract.state import json_after
from crawler.extract.urls import joined_url

_GLOBAL_CONTENT = re.compile(r"Fusion\.globalContent\s*=\s*")


def global_content(page: Page) -> JsonObject:
    """The ANS story object of an Arc page, or an empty dict (computed once per page)."""
    return page.derived("arc.globalContent", _read_global_content)


def _read_global_content(page: Page) -> JsonObject:
    return json_after(page.text_from("Fusion.globalContent"), _GLOBAL_CONTENT)


def dig(data: Any, *path: str | int) -> Any:
    """Follow keys and indexes into nested JSON; None as soon as a step is missing."""
    for step in path:
        if isinstance(step, int) and isinstance(data, list) and -len(data) <= step < len(data):
            data = data[step]
        elif isinstance(step, str) and isinstance(data, dict):
            data = data.get(step)
        else:
            return None
    return data


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
