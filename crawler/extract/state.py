"""Embedded page state: the JSON a server-rendered React app assigns to a window global.

Pages built this way (the Toronto Star's 2019 site, many others) ship the story as
``window.__PRELOADED_STATE__ = {...};`` in a script. It holds structured fields (epoch
timestamps, author credits, image captions) that the markup shows only partly.
"""

from __future__ import annotations

import json
import re

from crawler.extract.page import JsonObject, Page

__all__ = ["json_after", "window_state"]


def window_state(page: Page, name: str) -> JsonObject:
    """The object assigned to ``window.<name>``, or an empty dict (computed once per page)."""
    marker = re.compile(rf"window\.{re.escape(name)}\s*=\s*")
    return page.derived(
        f"window.{name}", lambda p: json_after(p.html, marker) if p.contains(f"window.{name}") else {}
    )


def json_after(html: str, marker: re.Pattern[str]) -> JsonObject:
    """The JSON object that follows the first match of ``marker`` in the HTML, or an empty dict.

    A plain search of the page's text (Fusion's ``globalContent``, ``__NEXT_DATA__``, a
    ``window`` global): far cheaper than an XPath over every script element's text.
    """
    match = marker.search(html)
    if not match:
        return {}
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(html, match.end())
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
