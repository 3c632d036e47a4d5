"""One call from page to validated record: find the site, pick its template, parse, validate.

A page of a site with no module goes to the generic parser (``crawler.extract.generic``)
instead of failing: its record says ``metadata.parser = "generic"``.

A real article is never lost because its site changed its pages. When none of the site's
templates recognises a page, or the one that does finds no headline or no body, the page falls
back, in order, to the site's own rules (its newest template's metadata) with the generic body,
then to the generic parser. The record keeps the site, and says why in ``metadata.fallback``;
crawls count these records per site, and the breakage alarm goes off when most of a site's
pages fall back (crawler/crawl/coverage.py).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.errors import (
    BrokenPageError,
    EmptyPageError,
    IncompleteRecordError,
    NotAnArticleError,
    UnknownSiteError,
)
from crawler.extract.assemble import build_record
from crawler.extract.defects import check_page, check_record
from crawler.extract.generic import GenericBody, GenericParser, generic_site, says_it_is_an_article
from crawler.extract.page import Page
from crawler.extract.parser import ArticleParser
from crawler.record import Record
from crawler.record.validation import validated
from crawler.sites import site_for_url
from crawler.sites.site import Site

__all__ = ["DEFAULT_BUDGET", "ParseBudget", "parse", "parse_generic", "parse_page"]


@dataclass(frozen=True)
class ParseBudget:
    """How much one page's parse may cost; a page over it fails as ``too-complex``.

    A hostile page (9 MB of paragraphs) kept the generic parser busy for a minute and took
    hundreds of megabytes; the largest real pages parse in about a second. ``tags`` bounds the
    tree a page can build (counted as the ``<`` in its source, before any parsing), ``seconds``
    the time (0: no limit). The time limit is a timer signal, so it holds only where signals can
    be received: in a process's main thread, as the crawl's parser processes and the command
    line parse.
    """

    seconds: float = 10.0
    tags: int = 1_000_000


DEFAULT_BUDGET = ParseBudget()
#: What lxml says when a text set in a tree holds a character XML does not allow.
_XML_REFUSED = "All strings must be XML compatible"


class _OutOfTime(BaseException):
    """Raised by the timer inside the parse; a BaseException, so no ``except Exception`` of a
    library in between can swallow it."""


def parse(page: Page, budget: ParseBudget = DEFAULT_BUDGET) -> Record:
    """Parse a fetched page with its site's parser and return the validated record.

    A site with no module is parsed by the generic parser. Raises NotAnArticleError
    (EmptyPageError for an empty page, NotHtmlError for binary data), BrokenPageError (a
    truncated page, undecodable text, a page over the ``budget``: ``too-complex``) or
    InvalidRecordError; each names the URL.
    """
    # A page holds fewer tags than characters: a page shorter than the budget needs no count.
    if budget.tags and page.size() > budget.tags:
        tags = page.count("<")
        if tags > budget.tags:
            raise BrokenPageError(page.url, "too-complex", f"{tags} tags, over the budget of {budget.tags}")
    with _time_limit(page.url, budget.seconds):
        try:
            return _parse(page)
        except ValueError as error:
            # lxml refused a parser's edit of a text holding a control character: the page
            # without them (Page.xml_safe) reads as a browser shows it.
            if _XML_REFUSED not in str(error) or page.xml_safe is page:
                raise
            return _parse(page.xml_safe)


def _parse(page: Page) -> Record:
    try:
        site = site_for_url(page.url)
    except UnknownSiteError:
        return parse_generic(page)
    _check_page(page)
    parser = site.parser_for(page)
    if parser is None:
        return _fallback(page, site, f"no {site.name} template recognised the page")
    try:
        record = build_record(parser)
    except IncompleteRecordError as error:
        reason = f"the {site.name} template {parser.version} read no article: {error.reason}"
        return _fallback(page, site, reason)
    return _checked(page, record)


def _fallback(page: Page, site: Site, reason: str) -> Record:
    """The record of a page its site's templates could not read, made by the fallbacks in turn.

    Raises NotAnArticleError when neither finds an article, when the site's own rules say the page
    is none (a live page, a video), and when nothing on the page says it is an article: a section
    front, served where an article was, is not one.
    """
    if not says_it_is_an_article(page):
        raise NotAnArticleError(page.url, f"{reason}, and nothing on it says it is an article")
    for parser in (_with_generic_body(site.parsers[0])(page, site), GenericParser(page, site)):
        try:
            record = build_record(parser)
        except IncompleteRecordError:
            continue
        record["metadata"]["fallback"] = reason
        return _checked(page, record)
    raise NotAnArticleError(page.url, f"{reason}, and the generic parser found no article either")


def _with_generic_body(template: type[ArticleParser]) -> type[ArticleParser]:
    """A site template's rules for every field but the body, which is the generic extractor's."""
    if template not in _WITH_GENERIC_BODY:
        name = f"{template.__name__}WithGenericBody"
        version = f"{template.version}+generic-body"
        _WITH_GENERIC_BODY[template] = type(name, (GenericBody, template), {"version": version})
    return _WITH_GENERIC_BODY[template]


_WITH_GENERIC_BODY: dict[type[ArticleParser], type[ArticleParser]] = {}


def _checked(page: Page, record: Record) -> Record:
    """The validated record, with its doubts in ``metadata.doubts`` when it has some."""
    doubts = check_record(page, record)
    if doubts:
        record["metadata"]["doubts"] = doubts
    return validated(record)


def parse_generic(page: Page) -> Record:
    """Parse any page with the generic parser, whether or not a site module claims it."""
    _check_page(page)
    return _checked(page, build_record(GenericParser(page, generic_site(page))))


@contextmanager
def _time_limit(url: str, seconds: float) -> Iterator[None]:
    """Stop the block with BrokenPageError (``too-complex``) once ``seconds`` have passed."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(*_: object) -> None:
        raise _OutOfTime

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _OutOfTime:
        raise BrokenPageError(url, "too-complex", f"its parse took more than {seconds:g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


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
) -> Record:
    """Parse one saved or fetched article page into its record, as a plain dict.

    >>> record = parse_page(open("page.html", "rb").read(), "https://www.ctvnews.ca/...")  # doctest: +SKIP

    ``html`` may be bytes (decoded as a browser would, using ``content_type`` when given);
    ``fetched_at`` defaults to now and becomes ``metadata.dateDownloaded``.
    """
    if isinstance(html, bytes):
        return parse(Page.from_bytes(html, url, content_type, fetched_at, status))
    return parse(Page(html=html, url=url, fetched_at=fetched_at or datetime.now(UTC), status=status))
