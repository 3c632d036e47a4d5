"""Dates to ISO 8601 with an explicit UTC offset, or None. An offset is never invented.

Pages state dates in many forms: ISO with milliseconds and ``Z``, offsets without a colon,
Java's ``Date.toString()`` ("Fri Mar 24 06:14:32 EDT 2023") and display text
("Monday, Dec. 29 2014, 6:00 PM EST"). North American zone abbreviations are mapped to
their offsets; a date with no zone at all is refused rather than guessed.
"""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

from dateutil import parser as dateutil_parser
from dateutil.parser import UnknownTimezoneWarning

_ZONES = {
    "UTC": 0, "GMT": 0, "Z": 0,
    "NST": -3.5, "NDT": -2.5, "AST": -4, "ADT": -3, "EST": -5, "EDT": -4,
    "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "BST": 1, "CET": 1, "CEST": 2,
}  # fmt: skip
_TZINFOS = {name: int(hours * 3600) for name, hours in _ZONES.items()}
_MONTH_ABBREVIATION_DOT = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.")


_NEGATIVE_YEAR = re.compile(r"[-\u2212]\d")
#: Dates outside these bounds are a CMS's placeholders ("0001-01-01", "1970-01-01", "9999-12-31"),
#: not publication dates: no online news article is older, and none is dated after tomorrow.
_EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
_AHEAD = timedelta(days=1)


def format_iso(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS+HH:MM``: seconds precision, the offset always spelled out."""
    return moment.replace(microsecond=0).isoformat()


def parse_date(value: Any) -> str | None:
    """Parse a date as a page states it; None when it is missing, unreadable or has no zone."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _NEGATIVE_YEAR.match(text):
        return None  # before year 1: no datetime holds it, and no reading may drop its sign
    moment = _from_iso(text) or _from_dateutil(text)
    if moment is None or moment.tzinfo is None or not _plausible(moment):
        return None
    return format_iso(moment)


def _plausible(moment: datetime) -> bool:
    """Whether a date can be a news page's: from 1990 to tomorrow (see _EARLIEST)."""
    try:
        return _EARLIEST <= moment <= datetime.now(timezone.utc) + _AHEAD
    except OverflowError:  # an offset that takes the moment past year 1 or 9999
        return False


def _from_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _from_dateutil(text: str) -> datetime | None:
    """dateutil's fuzzy reading; a zone it does not know ("IST": India, Ireland or Israel) leaves the
    date naive, and parse_date refuses it. dateutil warns of that zone too: the warning is silenced
    here, since a crawl would print it once per page for a refusal that is already the answer."""
    cleaned = _MONTH_ABBREVIATION_DOT.sub(r"\1", text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnknownTimezoneWarning)
            return dateutil_parser.parse(cleaned, tzinfos=_TZINFOS, fuzzy=True)
    except (ValueError, OverflowError):
        return None
