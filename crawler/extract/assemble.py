"""A parser's answers assembled into the Article record (not yet validated).

The parser answers one question per field; the fields derived from the body (``articleBody``,
``wordCount``, ``metadata.contentHash``) are computed by ``crawler.record`` from its blocks.
"""

from __future__ import annotations

from typing import Any

from crawler._version import __version__
from crawler.errors import IncompleteRecordError, NotAnArticleError
from crawler.extract.dates import format_iso
from crawler.extract.parser import ArticleParser
from crawler.extract.urls import is_web_url, url_id
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
        "url": page.url,
        "canonicalUrl": canonical,
        "site": {"id": site.id, "name": site.name},
        "headline": headline,
        "description": parser.description(),
        "authors": [_without_bad_url(person) for person in parser.authors()],
        "datePublished": parser.date_published(),
        "dateModified": parser.date_modified(),
        "articleSection": parser.section(),
        "keywords": parser.keywords(),
        "inLanguage": parser.language(),
        "articleBody": body_text,
        "body": blocks,
        "mainImage": _with_web_url(parser.main_image()),
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


def _without_bad_url(person: Any) -> Any:
    """An author without a link that is no web URL (a broken ``href`` must not cost the record)."""
    if "url" in person and not is_web_url(person["url"]):
        return {key: value for key, value in person.items() if key != "url"}
    return person


def _with_web_url(image: Any) -> Any:
    """The lead image, or None when its URL is no web URL."""
    return image if image is None or is_web_url(image["url"]) else None
