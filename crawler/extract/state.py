"""Embedded page state: the JSON a server-rendered React app assigns to a window global.

Pages built this way (the Toronto Star's 2019 site, many others) ship the story as
``window.__PRELOADED_STATE__ = {...};`` in a script. It holds structured fields (epoch
timestamps, author credits, image captions) that the markup shows only partly.
"""

from __future__ import annotations

import json
import re

from crawler.extract.page import JsonObject, Page

__all__ = ["json_after", "script_search_start", "search_from", "window_state"]


def window_state(page: Page, name: str) -> JsonObject:
    """The object assigned to ``window.<name>``, or an empty dict (computed once per page)."""
    literal = f"window.{name}"
    marker = re.compile(rf"{re.escape(literal)}\s*=\s*")
    return page.derived(
        literal, lambda p: json_after(p.html, marker, p.html.find(literal)) if p.contains(literal) else {}
    )


def search_from(pattern: re.Pattern[str], html: str, literal: str) -> re.Match[str] | None:
    """The first match of a pattern whose every match starts with ``literal``.

    ``str.find`` reaches the literal several times faster than the regex engine scans a page.
    """
    start = html.find(literal)
    return pattern.search(html, start) if start >= 0 else None


def script_search_start(html: str, literal: str) -> int:
    """Where a search for the script tag holding ``literal`` (its id) can start; -1 when it is absent.

    That is the last ``<script`` before the literal's first occurrence: no such tag starts earlier.
    """
    found = html.find(literal)
    return -1 if found < 0 else max(html.rfind("<script", 0, found), 0)


def json_after(html: str, marker: re.Pattern[str], start: int = 0) -> JsonObject:
    """The JSON object that follows the first match of ``marker`` in the HTML, or an empty dict.

    A plain search of the page's text (Fusion's ``globalContent``, ``__NEXT_DATA__``, a
    ``window`` global): far cheaper than an XPath over every script element's text.

    ``start`` is where the search begins (-1: nowhere, the page has no marker). Callers pass
    where the marker's literal text first occurs: ``str.find`` reaches it about five times
    faster than the regex engine steps through the page (half a millisecond on a 400 KB page).
    """
    match = marker.search(html, start) if start >= 0 else None
    if not match:
        return {}
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(html, match.end())
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
