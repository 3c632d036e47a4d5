"""The dateline: the day an article's header shows its readers, beside the headline.

Metadata is what a publisher wrote for machines, and it is not always the day the page shows:
a CMS states the day a draft was made, or the day an old article was moved to a new system,
while the header under the headline says when it appeared. Where the two disagree, the day
the page shows is the publication day its readers saw (``crawler.extract.generic``).

The dateline is the date the page labels its publication's ("Erschienen am: 01.11.2023",
"Published on ...", in its shown text), else the date in the short element nearest the
headline's ``<h1>`` (the first the page's title holds) that names itself a date (a ``<time>``,
or a class, id or itemprop naming one) or is a line right under the headline. htmldate reads
it, in many languages ("1. Februar 2022", "Domenica 06 Dicembre 2020"). A date said to be an
update ("Aktualisiert", "Updated", "Stand"), a modification's element, a hidden one and a day
htmldate filled in are no dateline: the first publication is what the record asks for.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from dateutil.parser import UnknownTimezoneWarning
from htmldate import find_date
from lxml import html as lxml_html

from crawler.extract.page import Element, Page, collapse_whitespace, squashed, text_of
from crawler.extract.published import shared_offset
from crawler.record.dates import has_offset

__all__ = ["Dateline", "shown_dateline"]

#: How far, in elements of the document, a dateline may follow the headline: in the article's
#: header, not in a list of other stories further on.
_NEAR_HEADLINE = 15
_TITLES = "//title//text() | //meta[@property='og:title']/@content"
_MOST_H1 = 10
#: The lines right under the headline are its header, whatever their class.
_UNDER_HEADLINE = 3
_LINES = frozenset({"p", "div", "span", "small", "time"})
#: A dateline is short: a longer text is a paragraph that happens to hold a date.
_LONGEST = 80
_DATED = re.compile(r"date|datum|time|zeit|publi|posted|meta|byline|fecha|stand", re.IGNORECASE)
_UPDATE = re.compile(
    r"updat|aktualisiert|\bstand\b|letzte änderung|geändert|mis à jour|modifi|actualizado|aggiornato",
    re.IGNORECASE,
)
_UNSHOWN_OR_UPDATE = re.compile(r"\bhidden\b|modif|updat", re.IGNORECASE)
_UNSHOWN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIPPED = frozenset({"script", "style", "head", "title", "meta", "option", "a", "nav", "footer"})
#: "11/08/23": day and month both could be either, and which is which the text does not say.
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?!\d)")
#: Words that say the date after them is the publication's.
_PUBLISHED_LABEL = re.compile(
    r"(?:erschienen am|veröffentlicht am|veröffentlicht:|published on|published:|publiée? le|pubblicato il"
    r"|publicado el|publicado em|gepubliceerd op)\s*:?\s*.{4,40}",
    re.IGNORECASE | re.DOTALL,
)
#: What every label holds, past its first letter (which may be a capital), in the page's source.
_LABEL_NEEDLES = (
    "rschienen am", "ffentlicht", "ublished on", "ublished:", "ublié", "ubliée", "ubblicato il",
    "ublicado", "epubliceerd op", "RSCHIENEN AM", "FFENTLICHT", "UBLISHED ON", "UBLISHED:",
)  # fmt: skip
#: The page's shown text: its body's, without scripts and styles; at most ``_MOST_TEXTS`` pieces.
_SHOWN_TEXT = "//body//text()[not(ancestor::script) and not(ancestor::style)]"
_MOST_TEXTS = 5000
#: A time of day shown: "11:15 PM", "14:30", "16h28" ("14.30" may be a day and month).
_CLOCK = re.compile(r"(?<!\d)(\d{1,2})[:h](\d{2})(?!\d)(?:\s*([ap])\.?m\.?\b)?", re.IGNORECASE)
#: How a text states 1 January, which htmldate also gives for a text it reads only the year of.
_FIRST_OF_JANUARY = re.compile(r"(?<!\d)0?1[./-]0?1(?!\d)|\bjan", re.IGNORECASE)


@dataclass(frozen=True)
class Dateline:
    """The day the header shows (``YYYY-MM-DD``), and the text it was read from."""

    day: str
    text: str

    def agrees_with(self, stated: str) -> bool:
        """Whether ``stated`` (a record's date) is on the day shown, or is shown another way: the
        same moment in another zone (the header shows "November 8, 2023, 11:15 PM" in New York,
        the metadata 04:15 on the 9th in UTC), or a numeric date whose day and month could be
        swapped ("11/08/23" is 11 August, or 8 November in the US)."""
        day = stated[:10]
        return day == self.day or self._same_moment(stated) or day == self._swapped()

    def _same_moment(self, stated: str) -> bool:
        """Whether the time shown, on the day shown, is ``stated``'s moment in some UTC offset."""
        clock = _CLOCK.search(self.text)
        if clock is None or not has_offset(stated):
            return False
        hour, minute, half = int(clock[1]), int(clock[2]), (clock[3] or "").lower()
        hour = hour % 12 + (12 if half == "p" else 0) if half else hour
        if hour > 23 or minute > 59:
            return False
        shown = datetime.fromisoformat(f"{self.day}T{hour:02d}:{minute:02d}")
        return shared_offset(datetime.fromisoformat(stated), shown) is not None

    def _swapped(self) -> str | None:
        numeric = _NUMERIC.search(self.text)
        if numeric is None or max(int(numeric[1]), int(numeric[2])) > 12:
            return None
        return f"{self.day[:4]}-{self.day[8:10]}-{self.day[5:7]}"


def shown_dateline(page: Page) -> Dateline | None:
    """The date the page labels its publication's, else the date in the dated element nearest
    the headline; None where it shows neither."""
    labelled = _labelled(page)
    if labelled is not None:
        return labelled
    for element in _near_headline(page.root):
        dateline = _read(collapse_whitespace(text_of(element)))
        if dateline is not None:
            return dateline
    return None


def _labelled(page: Page) -> Dateline | None:
    """The date after the first "Published on", "Erschienen am" (...) of the page's shown text."""
    if not any(needle in page.html for needle in _LABEL_NEEDLES):
        return None  # most pages: a search of the source, far quicker than gathering its text
    root = page.root
    text = " ".join(islice(root.xpath(_SHOWN_TEXT), _MOST_TEXTS))
    found = _PUBLISHED_LABEL.search(text)
    return _read(collapse_whitespace(found.group())) if found else None


def _near_headline(root: Element) -> list[Element]:
    """Candidates among the ``_NEAR_HEADLINE`` elements after the headline, nearest first: the
    article's header is the headline and what follows it (elements before it are as often a
    sidebar's or the site's)."""
    headline = _headline(root)
    if headline is None:
        return []
    following = headline.xpath(f"(descendant::* | following::*)[position() <= {_NEAR_HEADLINE}]")
    return [
        element
        for distance, element in enumerate(following, start=1)
        if _is_candidate(element, under_headline=distance <= _UNDER_HEADLINE)
    ]


def _headline(root: Element) -> Element | None:
    """The headline's ``<h1>``: the first the page's title holds, else the first with words (the
    first ``<h1>`` of many pages is the site's logo, or empty)."""
    title = squashed(" ".join(root.xpath(_TITLES)))
    worded = [h1 for h1 in islice(root.iter("h1"), _MOST_H1) if squashed(text_of(h1))]
    return next((h1 for h1 in worded if squashed(text_of(h1)) in title), worded[0] if worded else None)


def _is_candidate(element: Element, under_headline: bool) -> bool:
    """A shown element, not a modification's, that names itself a date (or is a ``<time>``), or
    any line right under the headline."""
    if not isinstance(element.tag, str) or element.tag in _SKIPPED or element.get("hidden") is not None:
        return False
    names = " ".join(element.get(name) or "" for name in ("class", "id", "itemprop"))
    if _UNSHOWN_OR_UPDATE.search(names) or _UNSHOWN_STYLE.search(element.get("style") or ""):
        return False
    return element.tag == "time" or bool(_DATED.search(names)) or (under_headline and element.tag in _LINES)


def _read(text: str) -> Dateline | None:
    """The day a short text states, not said to be an update's; None for any other text."""
    if not text or len(text) > _LONGEST or _UPDATE.search(text):
        return None
    snippet, body = lxml_html.Element("html"), lxml_html.Element("body")
    body.text = text
    snippet.append(body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownTimezoneWarning)
        day = find_date(snippet, extensive_search=True, original_date=True, min_date="1990-01-01")
    return Dateline(day, text) if day and _states(day, text) else None


def _states(day: str, text: str) -> bool:
    """Whether ``text`` states ``day``: htmldate fills in what it does not read, a text it reads
    only the year of ("2020年7月1日", "1 de novembro de 2020") becoming 1 January."""
    rest = text.replace(day[:4], " ")
    if day.endswith("-01-01") and not _FIRST_OF_JANUARY.search(rest):
        return False
    return bool(re.search(rf"(?<!\d)0?{int(day[8:10])}(?!\d)", rest))
