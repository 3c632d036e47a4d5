"""The record's parts as Python types: what a parser returns for the body, the authors, the lead image."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

__all__ = ["Author", "Block", "BlockType", "Image", "Record"]

BlockType = Literal["paragraph", "heading", "list", "quote"]


class _BlockRequired(TypedDict):
    type: BlockType
    text: str


class Block(_BlockRequired, total=False):
    """One block of the article body; a list also carries its items."""

    items: list[str]


class _AuthorRequired(TypedDict):
    name: str


class Author(_AuthorRequired, total=False):
    """An author as the record holds it: a name and, where the page links one, a profile URL."""

    url: str


class Image(TypedDict):
    """The article's lead image as the record holds it."""

    url: str
    caption: str | None
    credit: str | None


Record = dict[str, Any]
