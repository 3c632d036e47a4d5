"""Which records of an archive become corpus records, decided as early as each test can be.

A CC-NEWS file holds tens of thousands of pages of thousands of sites; the few a run wants are
told from the rest in three steps, each on less of the record than the next would need:

1. the WARC headers (:meth:`Selection.skip_target`): the target URI's site (one with a module,
   of ``--sites`` when given, or any with ``--generic``), whether the site calls the URL an
   article (tracking parameters aside), and the capture date against the window's start;
2. the HTTP headers (:meth:`Selection.skip_head`): status 200, an HTML page, and the
   ``Content-Language`` the server states, when it states one;
3. the parsed record (:meth:`Selection.skip_record`): ``datePublished`` in the window, and
   ``inLanguage`` among the languages asked for.

A page is captured after it is published, so one captured before the window's start was
published before it too: it is skipped unread. A day's grace covers clocks and time zones.
An unknown date or language never excludes a record (as a crawl's window does not).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from crawler.archive import ResponseHead
from crawler.errors import CrawlerError, UnknownSiteError
from crawler.extract.urls import clean_url
from crawler.extract.window import DateWindow
from crawler.record import Record
from crawler.sites import get_site, site_for_url

__all__ = ["GENERIC", "Selection", "site_key"]

#: The report's name for every site with no module (read by the generic parser).
GENERIC = "generic"
#: How long before a capture its page may say it was published and still be in the window.
_GRACE = timedelta(days=1)


@dataclass(frozen=True)
class Selection:
    """The sites, dates and languages a run keeps (each empty: all of them).

    ``since``/``until`` are kept as the user wrote them (``2d``), as is what a finished file
    was ingested with: a file counts as done only for the same words.
    """

    sites: tuple[str, ...] = ()
    generic: bool = False
    since: str | None = None
    until: str | None = None
    languages: tuple[str, ...] = ()
    window: DateWindow = field(default_factory=DateWindow, compare=False)

    @classmethod
    def of(
        cls,
        sites: tuple[str, ...] = (),
        generic: bool = False,
        since: str | None = None,
        until: str | None = None,
        languages: tuple[str, ...] = (),
    ) -> Selection:
        """A selection from the user's words; a CrawlerError naming an unknown site or a bad bound."""
        for site_id in sites:
            try:
                get_site(site_id)
            except KeyError as error:
                raise CrawlerError(f"--sites: {error.args[0]}") from None
        for language in languages:
            if not (language.isalpha() and language.islower() and len(language) in (2, 3)):
                raise CrawlerError(f"--language {language}: expected an ISO 639-1 code such as en or fr")
        window = DateWindow.of(since, until)
        return cls(tuple(sites), generic, since, until, tuple(languages), window)

    def describe(self) -> dict[str, Any]:
        """The selection as JSON, to tell whether a finished file was ingested with the same one."""
        return {
            "sites": sorted(self.sites),
            "generic": self.generic,
            "since": self.since,
            "until": self.until,
            "languages": sorted(self.languages),
        }

    def skip_target(self, url: str, captured: datetime) -> str | None:
        """Why a response is skipped on its WARC headers alone, or None to read its HTTP headers."""
        if not url.startswith(("http://", "https://")):
            return "not-http"
        site = site_key(url)
        if site == GENERIC:
            if not self.generic:
                return "other-site"
        elif self.sites and site not in self.sites:
            return "other-site"
        elif not _is_article_url(url):
            return "not-an-article-url"
        if self.window.since is not None and captured < self.window.since - _GRACE:
            return "before-window"
        return None

    def skip_head(self, head: ResponseHead) -> str | None:
        """Why a response is skipped on its HTTP headers, or None to read and parse its page."""
        if head.status != 200:
            return "not-200"
        if not head.is_html:
            return "not-html"
        stated = head.header("Content-Language")
        if self.languages and stated:
            said = {tag.strip().split("-")[0].lower() for tag in stated.split(",")}
            if not said & set(self.languages):
                return "other-language"
        return None

    def skip_record(self, record: Record) -> str | None:
        """Why a parsed record is left out of the corpus, or None to keep it."""
        if not self.window.admits(record.get("datePublished")):
            return "outside-window"
        language = record.get("inLanguage")
        if self.languages and language and language not in self.languages:
            return "other-language"
        return None


def site_key(url: str) -> str:
    """The id of the site with a module the URL is on, or GENERIC."""
    try:
        return site_for_url(url).id
    except UnknownSiteError:
        return GENERIC


def _is_article_url(url: str) -> bool:
    """Whether the URL's site calls it an article, its tracking parameters (``?utm_source=``) aside."""
    try:
        cleaned = clean_url(url)
    except ValueError:  # a URL urlsplit refuses: the parser will say what it is
        return True
    return site_for_url(url).is_article_url(cleaned)
