"""Bylines to authors: real people or the agency, one entry each, never "By" or "Staff" junk."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crawler.extract.page import collapse_whitespace
from crawler.record import Author

_LEADING_BY = re.compile(r"^\s*by\s*:?\s+", re.IGNORECASE)
# Outlet names that contain a separator word; they credit the publisher, never a person.
_OUTLETS = re.compile(r"\b(?:special to )?the globe and mail\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s*(?:,|;|&|\band\b|\bAnd\b|\bAND\b)\s*")
_JUNK = frozenset(
    {
        "", "by", "staff", "staff writer", "the canadian press staff", "ctvnews.ca staff",
        "ctv news staff", "contributor", "special to the globe and mail", "reporter",
        "the globe and mail",
    }
)  # fmt: skip


def split_byline(byline: str) -> list[str]:
    """Split a free-text byline ("By Sam Metz And Barbara Ortutay") into clean names."""
    text = _OUTLETS.sub("", _LEADING_BY.sub("", collapse_whitespace(byline)))
    names = (collapse_whitespace(part) for part in _SEPARATORS.split(text))
    return [name for name in names if is_real_name(name)]


def is_real_name(name: str) -> bool:
    """False for placeholders that name no one: "Staff", "By", an empty string."""
    return name.strip().lower() not in _JUNK and len(name.strip()) >= 2


def author(name: str, url: str | None = None) -> Author:
    """Build an author entry, leaving out an empty URL."""
    entry: Author = {"name": collapse_whitespace(name)}
    if url:
        entry["url"] = url
    return entry


def merge_authors(*groups: Iterable[Author]) -> list[Author]:
    """Concatenate author lists, keeping the first entry per name and filling a missing URL."""
    merged: dict[str, Author] = {}
    for group in groups:
        for entry in group:
            key = entry["name"].casefold()
            if key not in merged or ("url" in entry and "url" not in merged[key]):
                merged[key] = entry
    return list(merged.values())


def authors_from_json_ld(value: Any) -> list[Author]:
    """Authors from a JSON-LD ``author`` value: a string, an object or a list of either.

    A Person whose name holds several people ("Sam Metz And Barbara Ortutay") is split.
    """
    items = value if isinstance(value, list) else [value]
    found: list[Author] = []
    for item in items:
        if isinstance(item, str):
            found.extend(author(name) for name in split_byline(item))
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            url = item.get("url") or item.get("sameAs")
            names = split_byline(item["name"])
            link = url if isinstance(url, str) and len(names) == 1 else None
            found.extend(author(name, link) for name in names)
    return merge_authors(found)
