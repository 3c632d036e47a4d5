"""CBC News (cbc.ca): the React "detail" story page, one template.

Every CBC story page seen, from 2022 to 2024 (news and sports alike), is the same server-rendered
React app: ``h1.detailHeadline``, ``div.detailSummary``, ``h2.deck``, a ``div.bylineDetails``
byline, a ``time.timeStamp`` whose ``datetime`` is the *last update*, and the body in
``div.story`` with the closing credit ("With files from ...") in a sibling ``div.source``.
Metadata comes from JSON-LD (``ReportageNewsArticle``) where it is present; pages saved without
their scripts still carry the visible markup, so each field falls back to it.
"""

from __future__ import annotations

import json
import re

from dateutil import parser as dateutil_parser
from dateutil import tz

from crawler.extract.bylines import author, merge_authors, split_byline
from crawler.extract.dates import format_iso, parse_date
from crawler.extract.page import MALFORMED_JSON, Page, collapse_whitespace
from crawler.extract.parser import ArticleParser, unique
from crawler.extract.state import search_from
from crawler.extract.urls import joined_url
from crawler.record import Author
from crawler.sites.site import Site, Source

# The labels CBC puts above an embedded video, audio clip or related story ("WATCH | ...").
_MEDIA_LABEL = re.compile(r"^(?:WATCH|LISTEN|LOOK|READ|READ MORE|MORE|RELATED|PHOTOS|IN PHOTOS)\s*[|:]")
# CBC's own desks credit the outlet, never a person ("CBC News", "CBC Sports", "Radio-Canada").
_CBC_DESK = re.compile(r"^(?:CBC\b|Radio-Canada\b)", re.IGNORECASE)
# The visible stamp: "Posted: Oct 14, 2022 9:27 AM ET | Last Updated: 24 minutes ago".
_POSTED = re.compile(r"Posted:\s*(?P<when>[^|]+?)\s*(?:\||$)")
# CBC writes North American zones without the daylight letter ("ET"); the date decides which.
_GENERIC_ZONES = {
    "ET": "America/Toronto",
    "CT": "America/Winnipeg",
    "MT": "America/Edmonton",
    "PT": "America/Vancouver",
    "AT": "America/Halifax",
    "NT": "America/St_Johns",
}
_GENERIC_ZONE = re.compile(r"\s(?P<zone>[ECMPAN]T)$")
# The story's tags in the embedded app state (``window.__INITIAL_STATE__``).
_STATE = re.compile(r"window\.__INITIAL_STATE__\s*=")
_STATE_KEYWORDS = re.compile(r'"keywords"\s*:\s*(?=\{\s*"tags")')
_APP_TYPE = re.compile(r'class="appContainer\b[^"]*?\b(?P<kind>\w+)Type\b')


class Detail2022(ArticleParser):
    """The React story page ("detail" app), 2022 to today."""

    version = "2022-detail"
    body_css = "div.story > *, div.source > *"
    drop = (
        "ul.similarLinks",
        "span.mediaEmbed",
        "div.mediaEmbed",
        "div.dataWrapperEmbed",
        "blockquote.twitter-tweet",
        "blockquote.instagram-media",
        "blockquote.tiktok-embed",
        "span.media-caption",
    )
    boilerplate = (_MEDIA_LABEL,)
    lead_figure_css = "figure.leadmedia-story"

    @classmethod
    def matches(cls, page: Page) -> bool:
        return page.has("h1.detailHeadline")

    def not_an_article(self) -> str | None:
        kind = search_from(_APP_TYPE, self.page.html, 'class="appContainer')
        if kind and kind["kind"] != "story":
            return f"a CBC {kind['kind']} page, not a story"
        if "LiveBlogPosting" in str(self.page.article_json_ld.get("@type")):
            return "a CBC live blog"
        return None

    def headline(self) -> str | None:
        # og:title and <title> carry a social headline plus " | CBC News"; JSON-LD and the h1 do not.
        stated = self.page.article_json_ld.get("headline")
        if isinstance(stated, str) and stated.strip():
            return collapse_whitespace(stated)
        return self.page.css_text("h1.detailHeadline")

    def description(self) -> str | None:
        return super().description() or self.page.css_text("div.detailSummary")

    def authors(self) -> list[Author]:
        """The byline's linked and written names, then its desk or agency; never CBC's own desks."""
        linked = [
            author(
                collapse_whitespace(self.page.first("::text", within=link) or ""),
                joined_url(link.get("href", ""), self.page.url),
            )
            for link in self.page.nodes("div.bylineDetails span.authorText a[href]")
        ]
        written = split_byline(self.page.all_text("div.bylineDetails span.authorText") or "")
        # The bare text after the names is the desk or agency ("The Canadian Press", "CBC News").
        credits = [name for line in self.page.nodes("div.bylineDetails::text") for name in split_byline(line)]
        found = merge_authors(linked, map(author, written), map(author, credits))
        if not found:
            found = super().authors()
        return [entry for entry in found if not _CBC_DESK.match(entry["name"])]

    def date_published(self) -> str | None:
        return super().date_published() or _posted(self._stamp_text())

    def date_modified(self) -> str | None:
        stated = super().date_modified()
        if stated:
            return stated
        # time@datetime is the last update; it says so only when the stamp shows "Last Updated".
        if "last updated" in self._stamp_text().lower():
            return parse_date(self.page.css_attr("time.timeStamp", "datetime"))
        return None

    def section(self) -> str | None:
        return super().section() or self.page.css_text("span.detail-link-label > a")

    def keywords(self) -> list[str]:
        return _state_keywords(self.page.html) or super().keywords()

    def _stamp_text(self) -> str:
        return self.page.css_text("time.timeStamp") or ""


def _posted(stamp: str) -> str | None:
    """The "Posted:" date of the visible stamp, with the offset its zone had on that day."""
    match = _POSTED.search(stamp)
    if not match:
        return None
    when = match["when"]
    zone = _GENERIC_ZONE.search(when)
    if zone is None:
        return parse_date(when)
    try:
        naive = dateutil_parser.parse(when[: zone.start()])
    except (ValueError, OverflowError):
        return None
    return format_iso(naive.replace(tzinfo=tz.gettz(_GENERIC_ZONES[zone["zone"]])))


def _state_keywords(html: str) -> list[str]:
    """The tag names of the story in the app state; decoding only that object, not the whole state."""
    state = search_from(_STATE, html, "window.__INITIAL_STATE__")
    found = _STATE_KEYWORDS.search(html, state.end()) if state else None
    if found is None:
        return []
    try:
        value, _ = json.JSONDecoder(strict=False).raw_decode(html, found.end())
    except MALFORMED_JSON:
        return []
    tags = value.get("tags") if isinstance(value, dict) else None
    return unique(
        collapse_whitespace(tag["name"])
        for tag in tags or []
        if isinstance(tag, dict) and isinstance(tag.get("name"), str)
    )


SITE = Site(
    id="cbc",
    name="CBC News",
    domains=("cbc.ca",),
    timezone="America/Toronto",
    parsers=(Detail2022,),
    # Story ids are "1.NNNNNNN" (and "9.NNNNNNN" for stories made in CBC's newer system).
    article_url=re.compile(r"cbc\.ca/(?:[\w-]+/)+[\w-]+-\d\.\d{5,}/?$"),
    not_article_url=re.compile(r"/(?:player|video|photos|galleries|live|listen)/|live-(?:updates|blog)"),
    sources=(
        Source("feed", "https://www.cbc.ca/webfeed/rss/rss-topstories"),
        Source("feed", "https://www.cbc.ca/webfeed/rss/rss-world"),
        Source("feed", "https://www.cbc.ca/webfeed/rss/rss-canada"),
        Source("section", "https://www.cbc.ca/news/world"),
    ),
)
