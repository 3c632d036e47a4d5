"""Lead images: URL, caption and credit, from JSON-LD, meta tags or a figure."""

from __future__ import annotations

import re
from typing import Any

from crawler.extract.page import collapse_whitespace
from crawler.extract.urls import joined_url
from crawler.record import Image

#: A caption that ends with its credit in parentheses: "Caption text. (AP Photo/Name)".
TRAILING_CREDIT = re.compile(r"^(?P<caption>.*?)\s*\((?P<credit>[^()]+)\)\s*$", re.DOTALL)
#: What a page tells screen readers before a caption or credit ("Media caption, ...", "Image
#: source, Getty Images"): a label, not the caption's words.
_SCREEN_READER_LABEL = re.compile(
    r"^(?:image|media|video|photo|picture)\s+(?:caption|source|copyright|credit)\s*[,:]?\s+", re.IGNORECASE
)


def image(url: str, base: str, caption: str | None = None, credit: str | None = None) -> Image | None:
    """An image entry with an absolute URL and cleaned caption and credit (None: no URL can be made)."""
    absolute = joined_url(url.strip(), base)
    if absolute is None:
        return None
    return {"url": absolute, "caption": _image_text(caption), "credit": _image_text(credit)}


def _image_text(text: str | None) -> str | None:
    """A caption or credit, white space collapsed, without a screen reader's label."""
    return _SCREEN_READER_LABEL.sub("", collapse_whitespace(text)) or None if text else None


def split_caption_credit(
    text: str, pattern: re.Pattern[str] = TRAILING_CREDIT
) -> tuple[str | None, str | None]:
    """Split a caption into the caption and its credit, by a site's ``pattern`` with those two groups.

    The default reads "Caption text. (AP Photo/Name)": the credit in parentheses at the end.
    """
    cleaned = collapse_whitespace(text)
    match = pattern.match(cleaned)
    if not match:
        return cleaned or None, None
    return match["caption"] or None, collapse_whitespace(match["credit"]) or None


def image_from_json_ld(value: Any, base: str) -> Image | None:
    """The first image of a JSON-LD ``image`` value (a URL, an ImageObject or a list)."""
    first = value[0] if isinstance(value, list) and value else value
    if isinstance(first, str):
        return image(first, base)
    if isinstance(first, dict) and isinstance(first.get("url"), str):
        caption = first.get("caption") or first.get("description")
        credit = first.get("creditText") or first.get("copyrightHolder")
        return image(
            first["url"],
            base,
            caption if isinstance(caption, str) else None,
            credit if isinstance(credit, str) else None,
        )
    return None
