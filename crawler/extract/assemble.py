"""A parser's answers assembled into the Article record (not yet validated).

The parser answers one question per field; the fields derived from the body (``articleBody``,
``wordCount``, ``metadata.contentHash``) are computed by ``crawler.record`` from its blocks.
"""

from __future__ import annotations

from typing import Any, overload

from crawler._version import __version__
from crawler.errors import IncompleteRecordError, NotAnArticleError
from crawler.extract.charset import xml_safe_text
from crawler.extract.dates import format_iso
from crawler.extract.page import collapse_whitespace
from crawler.extract.parser import ArticleParser
from crawler.extract.urls import url_id, web_url
from crawler.record import Record, article_body, content_hash, word_count

__all__ = ["build_record"]


def build_record(parser: ArticleParser) -> Record:
    """Ask the parser for every field and assemble the record (not yet validated)."""
    page, site = parser.page, parser.site
    reason = parser.not_an_article()
    if reason:
        raise NotAnArticleError(page.url, reason)
    headline = parser.headline()
    if not headline:
        raise IncompleteRecordError(page.url, "no headline found")
    blocks = parser.body()
    if not blocks:
        raise IncompleteRecordError(page.url, "no article body found")
    body_text = article_body(blocks)
    canonical = parser.canonical_url()
    return {
        "id": url_id(canonical),
        "url": web_url(page.url) or page.url,
        "canonicalUrl": canonical,
        "site": {"id": site.id, "name": site.name},
        "headline": _shown(headline),
        "description": _shown(parser.description()),
        "authors": [_with_web_url({**person, "name": _shown(person["name"])}) for person in parser.authors()],
        "datePublished": parser.date_published(),
        "dateModified": parser.date_modified(),
        "articleSection": _shown(parser.section()),
        "keywords": [_shown(keyword) for keyword in parser.keywords()],
        "inLanguage": parser.language(),
        "articleBody": body_text,
        "body": blocks,
        "mainImage": _image_with_web_url(parser.main_image()),
        "isAccessibleForFree": parser.is_accessible_for_free(),
        "wordCount": word_count(body_text),
        "metadata": {
            "dateDownloaded": format_iso(page.fetched_at),
            "parser": parser.parser_id(),
            "parserVersion": f"{parser.version}/{__version__}",
            "httpStatus": page.status,
            "contentHash": content_hash(body_text),
        },
    }


def _with_web_url(person: Any) -> Any:
    """An author with a link percent-encoded as browsers send it; without one that is no web URL (a
    broken ``href`` must not cost the record)."""
    if "url" not in person:
        return person
    url = web_url(person["url"])
    return {**person, "url": url} if url else {key: value for key, value in person.items() if key != "url"}


def _image_with_web_url(image: Any) -> Any:
    """The lead image with its URL percent-encoded as browsers send it, or None when it is no web URL."""
    if image is None:
        return None
    url = web_url(image["url"])
    return (
        {**image, "url": url, "caption": _shown(image["caption"]), "credit": _shown(image["credit"])}
        if url
        else None
    )


@overload
def _shown(text: str) -> str: ...
@overload
def _shown(text: str | None) -> str | None: ...
def _shown(text: str | None) -> str | None:
    """Text as a reader sees it: without the control characters a page may hold (stray bytes no
    browser shows, which lxml keeps), their place collapsed. The body's blocks are made so as
    they are read (``collapse_whitespace``); this does it for what a parser takes as it is stated."""
    if text is None or text.isprintable():
        return text
    safe = xml_safe_text(text)
    return text if safe is text else collapse_whitespace(safe)
