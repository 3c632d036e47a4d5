"""The record's parts as Python types: what a parser returns for the body, the authors, the lead image."""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

__all__ = ["Author", "Block", "BlockType", "Image", "Metadata", "Record", "SiteName"]

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


class SiteName(TypedDict):
    """The site a record belongs to: a site module's id (or a generic site's domain) and its name."""

    id: str
    name: str


class Metadata(TypedDict):
    """How the record was made: when, by which parser, from what; see article.schema.json."""

    dateDownloaded: str
    parser: str
    parserVersion: str
    httpStatus: int | None
    contentHash: str
    fallback: NotRequired[str]
    doubts: NotRequired[list[str]]
    source: NotRequired[dict[str, Any]]


class Record(TypedDict):
    """One article, as article.schema.json defines it; mypy checks the keys code reads and writes."""

    id: str
    url: str
    canonicalUrl: str
    site: SiteName
    headline: str
    description: str | None
    authors: list[Author]
    datePublished: str | None
    dateModified: str | None
    articleSection: str | None
    keywords: list[str]
    inLanguage: str | None
    articleBody: str
    body: list[Block]
    mainImage: Image | None
    isAccessibleForFree: bool | None
    wordCount: int
    metadata: Metadata
    revision: NotRequired[int]
