"""One call from page to validated record: find the site, pick its template, parse, validate.

A page of a site with no module goes to the generic parser (``crawler.extract.generic``)
instead of failing: its record says ``metadata.parser = "generic"``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from crawler.errors import EmptyPageError, NotAnArticleError, UnknownSiteError
from crawler.extract.assemble import build_record
from crawler.extract.defects import check_page, check_text
from crawler.extract.generic import GenericParser, generic_site
from crawler.extract.page import Page
from crawler.record import Record
from crawler.record.validation import validated
from crawler.sites import site_for_url

__all__ = ["parse", "parse_generic", "parse_page"]


def parse(page: Page) -> Record:
    """Parse a fetched page with its site's parser and return the validated record.

    A site with no module is parsed by the generic parser. Raises NotAnArticleError
    (EmptyPageError for an empty page, NotHtmlError for binary data), BrokenPageError (a
    truncated page, undecodable text) or InvalidRecordError; each names the URL.
    """
    try:
        site = site_for_url(page.url)
    except UnknownSiteError:
        return parse_generic(page)
    _check_page(page)
    parser = site.parser_for(page)
    if parser is None:
        raise NotAnArticleError(page.url, f"no {site.name} article template recognised")
    record = build_record(parser)
    check_text(page.url, record["headline"], record["description"], record["articleBody"])
    return validated(record)


def parse_generic(page: Page) -> Record:
    """Parse any page with the generic parser, whether or not a site module claims it."""
    _check_page(page)
    record = build_record(GenericParser(page, generic_site(page)))
    check_text(page.url, record["headline"], record["description"], record["articleBody"])
    return validated(record)


def _check_page(page: Page) -> None:
    """Refuse an empty, binary or truncated page before any parser reads it."""
    if page.is_blank():
        raise EmptyPageError(page.url)
    check_page(page)


def parse_page(
    html: str | bytes,
    url: str,
    fetched_at: datetime | None = None,
    status: int | None = 200,
    content_type: str | None = None,
) -> dict[str, Any]:
    """Parse one saved or fetched article page into its record, as a plain dict.

    >>> record = parse_page(open("page.html", "rb").read(), "https://www.ctvnews.ca/...")  # doctest: +SKIP

    ``html`` may be bytes (decoded as a browser would, using ``content_type`` when given);
    ``fetched_at`` defaults to now and becomes ``metadata.dateDownloaded``.
    """
    if isinstance(html, bytes):
        return parse(Page.from_bytes(html, url, content_type, fetched_at, status))
    return parse(Page(html=html, url=url, fetched_at=fetched_at or datetime.now(timezone.utc), status=status))
