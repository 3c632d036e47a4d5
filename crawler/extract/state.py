"""Embedded page state: the JSON a page carries in a script, and ``dig`` to read into it.

Pages built this way (the Toronto Star's 2019 site, many others) ship the story as
``window.__PRELOADED_STATE__ = {...};`` in a script. It holds structured fields (epoch
timestamps, author credits, image captions) that the markup shows only partly.
"""

from __future__ import annotations

import json
import re
from typing import Any

from crawler.extract.page import MALFORMED_JSON, JsonObject, Page

__all__ = ["dig", "json_after", "search_from", "window_state"]


def window_state(page: Page, name: str) -> JsonObject:
    """The object assigned to ``window.<name>``, or an empty dict (computed once per page)."""
    literal = f"window.{name}"
    marker = re.compile(rf"{re.escape(literal)}\s*=\s*")
    return page.derived(literal, lambda p: json_after(p.text_from(literal), marker))


def search_from(pattern: re.Pattern[str], html: str, literal: str) -> re.Match[str] | None:
    """The first match of a pattern in the page's text.

    ``literal``, the text every match starts with, is no longer used: searching from its first
    occurrence did not pay. Kept until CBC's parser, its caller, calls ``pattern.search``.
    """
    return pattern.search(html)


def json_after(text: str, marker: re.Pattern[str]) -> JsonObject:
    """The JSON object that follows the first match of ``marker`` in the text, or an empty dict.

    A plain search of the page's text (Fusion's ``globalContent``, ``__NEXT_DATA__``, a
    ``window`` global), where an XPath would read every script element's text. Callers pass
    the page's text from where the marker's literal first occurs (``Page.text_from``).
    """
    match = marker.search(text)
    if not match:
        return {}
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(text, match.end())
    except MALFORMED_JSON:
        return {}
    return value if isinstance(value, dict) else {}


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
