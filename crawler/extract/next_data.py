"""Next.js pages (the BBC since 2023, among others): the ``__NEXT_DATA__`` state.

A Next.js server page embeds the props it was rendered from as JSON in
``<script id="__NEXT_DATA__" type="application/json">``. It holds the structured story
(headline blocks, bylines, topics, section) that the rendered markup shows only in part.
"""

from __future__ import annotations

import re

from crawler.extract.page import JsonObject, Page
from crawler.extract.state import json_after

__all__ = ["next_data", "page_props"]

_NEXT_DATA = re.compile(r"<script\b[^>]*\bid=[\"']?__NEXT_DATA__[\"']?[^>]*>\s*")


def next_data(page: Page) -> JsonObject:
    """The page's ``__NEXT_DATA__`` object, or an empty dict (computed once per page)."""
    return page.derived("next.data", _read_next_data)


def page_props(page: Page) -> JsonObject:
    """``props.pageProps`` of the Next.js state: what the page component was rendered with."""
    props = next_data(page).get("props")
    value = props.get("pageProps") if isinstance(props, dict) else None
    return value if isinstance(value, dict) else {}


def _read_next_data(page: Page) -> JsonObject:
    # From the script tag that holds the id: the tag starts before it.
    return json_after(page.text_from("__NEXT_DATA__", back_to="<script"), _NEXT_DATA)
