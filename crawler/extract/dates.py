"""Dates as pages state them, to ISO 8601; a date, a time or an offset is never invented.

Pages state dates in many forms: ISO with milliseconds and ``Z``, offsets without a colon,
Java's ``Date.toString()`` ("Fri Mar 24 06:14:32 EDT 2023") and display text
("Monday, Dec. 29 2014, 6:00 PM EST"). North American zone abbreviations are mapped to
their offsets. What the page states is what the record keeps, in one of three forms:

* ``2019-11-20T06:37:00-05:00``: a time with its UTC offset (stated, or the zone's known one);
* ``2019-11-20T06:37:00``: a local time the page states without an offset, and no zone is known;
* ``2019-11-20``: a day, where the page states no time.

``parse_date`` takes only the first form (what most parsers ask for); ``read_date`` takes all
three (``crawler.record.dates`` tells them apart and compares them). A day or a time is only
ever what the text holds: "March 2019" or "12:30" alone is no date.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from dateutil import parser as dateutil_parser
from dateutil.parser import UnknownTimezoneWarning

from crawler.record.dates import has_offset

__all__ = ["format_iso", "parse_date", "read_date"]

_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0,
    "NST": -3.5, "NDT": -2.5, "AST": -4, "ADT": -3, "EST": -5, "EDT": -4,
    "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "BST": 1, "CET": 1, "CEST": 2,
}  # fmt: skip
_TZINFOS = {name: int(hours * 3600) for name, hours in _ZONES.items()}
_MONTH_ABBREVIATION_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: "03/04/2023", "01-11-2023 10:29": day-month or month-day, which the text does not say.
_NUMERIC_DAY_MONTH = re.compile(r"^\D{0,40}?\b(\d{1,2})[./-](\d{1,2})[./-]\d{2,4}\b")
#: Two readings of a text with different defaults: a part that differs between them was not stated.
_DEFAULTS = (datetime(2001, 2, 3, 4, 5), datetime(2002, 3, 4, 5, 6))

_NEGATIVE_YEAR = re.compile(r"[-\u2212]\d")
#: Dates outside these bounds are a CMS's placeholders ("0001-01-01", "1970-01-01", "9999-12-31"),
#: not publication dates: no online news article is older, and none is dated after tomorrow.
_EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_AHEAD = timedelta(days=1)


def format_iso(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS+HH:MM``: seconds precision, the offset always spelled out."""
    return moment.replace(microsecond=0).isoformat()


def parse_date(value: Any, zone: tzinfo | None = None) -> str | None:
    """A date with its UTC offset, as a page states it; None when it is missing, unreadable, or
    states no offset and ``zone`` (the site's time zone, where it is known) gives none."""
    stated = read_date(value, zone)
    return stated if stated and has_offset(stated) else None


def read_date(value: Any, zone: tzinfo | None = None) -> str | None:
    """A date as a page states it: with its offset (or ``zone``'s, where the page states none and
    the zone is known), else the local time without one, else the day; None when the text states
    no whole day (year, month and day), is unreadable or is a placeholder."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _NEGATIVE_YEAR.match(text):
        return None  # before year 1: no datetime holds it, and no reading may drop its sign
    moment, timed = _from_iso(text), not _ISO_DAY.match(text)
    if moment is None:
        moment, timed = _from_dateutil(text)
    if moment is None or not _plausible(moment):
        return None
    if not timed:
        return moment.date().isoformat()
    if moment.tzinfo is None and zone is not None:
        moment = moment.replace(tzinfo=zone)
    return format_iso(moment)


def _plausible(moment: datetime) -> bool:
    """Whether a date can be a news page's: from 1990 to tomorrow (see _EARLIEST); a time with no
    offset is placed as if in UTC (the day of slack covers every offset)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    try:
        return _EARLIEST <= aware <= datetime.now(UTC) + _AHEAD
    except (OverflowError, ValueError):  # an offset past year 1 or 9999, or of a day or more
        return False


def _from_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _from_dateutil(text: str) -> tuple[datetime | None, bool]:
    """dateutil's fuzzy reading, and whether it stated a time: None unless the text states a year,
    a month and a day, which a digits-only "03/04/2023" does not say apart. A zone dateutil does
    not know ("IST": India, Ireland or Israel) leaves the time without an offset. dateutil warns
    of that zone too: the warning is silenced, since a crawl would print it once per page."""
    day_month = _NUMERIC_DAY_MONTH.match(text)
    if day_month and day_month[1] != day_month[2] and max(int(day_month[1]), int(day_month[2])) <= 12:
        return None, False
    cleaned = _MONTH_ABBREVIATION_DOT.sub(r"\1", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            first, second = (
                dateutil_parser.parse(cleaned, default=default, tzinfos=_TZINFOS, fuzzy=True)
                for default in _DEFAULTS
            )
    except (ValueError, OverflowError):
        return None, False
    if first.date() != second.date():
        return None, False
    return first, (first.hour, first.minute) == (second.hour, second.minute)
