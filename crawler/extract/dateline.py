"""The dateline: the day an article's header shows its readers, beside the headline.

Metadata is what a publisher wrote for machines, and it is not always the day the page shows:
a CMS states the day a draft was made, or the day an old article was moved to a new system,
while the header under the headline says when it appeared. Where the two disagree, the day
the page shows is the publication day its readers saw (``crawler.extract.generic``).

The dateline is the date in the short dated element nearest the page's first ``<h1>`` (a
``<time>``, or an element whose class, id or itemprop names a date), read by htmldate, which
reads dates written in many languages ("1. Februar 2022", "Domenica 06 Dicembre 2020"). A date
said to be an update ("Aktualisiert", "Updated", "Stand:") is no dateline: the first
publication is what the record asks for.
"""

from __future__ import annotations

import re
import warnings
from collections import deque
from dataclasses import dataclass

from dateutil.parser import UnknownTimezoneWarning
from htmldate import find_date
from lxml import html as lxml_html

from crawler.extract.page import Element, Page, collapse_whitespace, text_of

__all__ = ["Dateline", "shown_dateline"]

#: How far, in elements of the document, a dateline may be from the headline: beside it, in the
#: article's header, not in a list of other stories further on.
_NEAR_HEADLINE = 15
#: A dateline is short: a longer text is a paragraph that happens to hold a date.
_LONGEST = 80
_DATED = re.compile(r"date|datum|time|zeit|publi|posted|meta|byline|fecha|stand", re.IGNORECASE)
_UPDATE = re.compile(
    r"updat|aktualisiert|stand:|letzte änderung|geändert|mis à jour|modifi|actualizado|aggiornato",
    re.IGNORECASE,
)
_UNSHOWN_OR_UPDATE = re.compile(r"\bhidden\b|modif|updat", re.IGNORECASE)
_UNSHOWN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SKIPPED = frozenset({"script", "style", "head", "title", "meta", "option", "a", "nav", "footer"})
#: "11/08/23": day and month both could be either, and which is which the text does not say.
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?!\d)")
#: How a text states 1 January, which htmldate also gives for a text it reads only the year of.
_FIRST_OF_JANUARY = re.compile(r"(?<!\d)0?1[./-]0?1(?!\d)|\bjan", re.IGNORECASE)


@dataclass(frozen=True)
class Dateline:
    """The day the header shows (``YYYY-MM-DD``), and the text it was read from."""

    day: str
    text: str

    def agrees_with(self, day: str) -> bool:
        """Whether ``day`` is the day shown, or another reading of it: a numeric date whose day
        and month could be swapped ("11/08/23" is 11 August, or 8 November in the US)."""
        if day == self.day:
            return True
        numeric = _NUMERIC.search(self.text)
        if numeric is None or max(int(numeric[1]), int(numeric[2])) > 12:
            return False
        return day == f"{self.day[:4]}-{self.day[8:10]}-{self.day[5:7]}"


def shown_dateline(page: Page) -> Dateline | None:
    """The date in the dated element nearest the page's first ``<h1>``; None where none is near."""
    candidates = _near_headline(page.root)
    for element in sorted(candidates, key=lambda found: found[0]):
        dateline = _dateline_of(element[1])
        if dateline is not None:
            return dateline
    return None


def _near_headline(root: Element) -> list[tuple[int, Element]]:
    """Dated elements within ``_NEAR_HEADLINE`` elements of the first ``<h1>``, with that distance."""
    before: deque[Element] = deque(maxlen=_NEAR_HEADLINE)
    found: list[tuple[int, Element]] = []
    headline_at: int | None = None
    for position, element in enumerate(root.iter()):
        if headline_at is None:
            if element.tag == "h1":
                headline_at = position
                found = [(len(before) - index, seen) for index, seen in enumerate(before) if _is_dated(seen)]
            else:
                before.append(element)
            continue
        if position - headline_at > _NEAR_HEADLINE:
            break
        if _is_dated(element):
            found.append((position - headline_at, element))
    return found


def _is_dated(element: Element) -> bool:
    """A shown element that names itself a date (or is a ``<time>``), and not a modification's."""
    if not isinstance(element.tag, str) or element.tag in _SKIPPED or element.get("hidden") is not None:
        return False
    names = " ".join(element.get(name) or "" for name in ("class", "id", "itemprop"))
    if _UNSHOWN_OR_UPDATE.search(names) or _UNSHOWN_STYLE.search(element.get("style") or ""):
        return False
    return element.tag == "time" or bool(_DATED.search(names))


def _dateline_of(element: Element) -> Dateline | None:
    text = collapse_whitespace(text_of(element))
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
