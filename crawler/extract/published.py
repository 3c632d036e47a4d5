"""The publication date of a page no site module knows: what its metadata states, else what it shows.

Metadata first, most trusted first (the caller's order): it is what the publisher wrote for
machines. A CMS often states the moment in UTC in one place and in the newsroom's time in
another ("2023-11-09T01:49:09Z" in JSON-LD, "2023-11-08 17:49:09" in a ``<time>``): the two
together give the page's own offset, and the record keeps the moment in it, on the day its
readers saw. Where the metadata states no date at all, htmldate reads the date the page
shows (its URL, a visible dateline, time elements), the publication date and not the last
change. htmldate fills in a day it does not find ("2019-10" is read as 1 October, a bare
"2019" as 1 January): such a first of the month is kept only where the page or its URL
states that day.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone, tzinfo
from itertools import islice

from dateutil.parser import UnknownTimezoneWarning
from htmldate import find_date

from crawler.extract.dates import format_iso, read_date
from crawler.extract.page import Page
from crawler.record.dates import has_offset, has_time

__all__ = ["first_date", "in_page_offset", "in_readers_time", "shared_offset", "shown_date", "stated_date"]

#: Offsets in use run from UTC-12:00 to UTC+14:00, in quarter hours.
_LARGEST_OFFSET = timedelta(hours=14)
_QUARTER_HOUR = timedelta(minutes=15)
#: A timestamp to the second, anywhere in the page's source: the data layers of inline scripts
#: often state the local time ("2020-04-13 16:38:07", "2020-02-24T21:25:54-05:00") of the moment
#: the metadata gives in UTC.
_TIMESTAMP = re.compile(
    r"(?<![\d-])\d{4}-\d\d-\d\d[T ]\d\d:\d\d:(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)?(?![\d:])"
)
#: Places read for each day, at most: a page is hostile input, and a moment's other statements
#: come early in it.
_MOST_TIMESTAMPS = 300


def first_date(statements: Iterable[object], zone: tzinfo | None = None) -> str | None:
    """The first date the statements hold, most trusted first (``read_date``): a time stated
    without an offset takes ``zone``'s where the site's zone is known, else that of another
    statement of the same moment (``in_page_offset``), else none."""
    read = list(_read_all(statements, zone))
    if not read:
        return None
    return read[0] if has_offset(read[0]) else in_page_offset(read[0], read[1:])


def stated_date(
    statements: Iterable[object], also: Iterable[object] = (), zone: tzinfo | None = None
) -> str | None:
    """``first_date``, in the page's own offset where another statement (or a date in ``also``)
    gives it for that moment (``in_page_offset``)."""
    read = list(_read_all(statements, zone))
    return in_page_offset(read[0], [*read[1:], *_read_all(also, zone)]) if read else None


def _read_all(statements: Iterable[object], zone: tzinfo | None) -> Iterator[str]:
    return (date for date in (read_date(statement, zone) for statement in statements) if date)


def in_page_offset(stated: str, others: Iterable[str]) -> str:
    """``stated`` in the page's own offset, where another statement of the same moment gives it.

    A time in UTC takes the offset of another statement of that moment in a non-zero offset, or
    of one in local time without an offset (the difference between the two is the offset); a
    local time without an offset takes the offset of a statement of the same moment that has
    one. A day, a time already in a non-zero offset, or a moment no other statement repeats, is
    kept as it is.
    """
    if not has_time(stated):
        return stated
    moment = datetime.fromisoformat(stated)
    if moment.utcoffset():
        return stated
    for other in filter(has_time, others):
        offset = shared_offset(moment, datetime.fromisoformat(other))
        if offset is not None:
            local = moment.astimezone(offset) if moment.tzinfo else moment.replace(tzinfo=offset)
            return format_iso(local)
    return stated


def shared_offset(moment: datetime, other: datetime) -> timezone | None:
    """The offset that makes two statements of a time one moment, where one of them states it."""
    if (moment.tzinfo is None) == (other.tzinfo is None):
        # Both with an offset: the same instant in a non-zero one gives it. Both local: none does.
        same = moment.tzinfo is not None and moment == other and bool(other.utcoffset())
        return timezone(other.utcoffset() or timedelta(0)) if same else None
    zoned, local = (moment, other) if moment.tzinfo is not None else (other, moment)
    offset = zoned.utcoffset() or timedelta(0)
    if offset:  # the local time stated with its offset elsewhere: the same wall clock
        return timezone(offset) if zoned.replace(tzinfo=None) == local else None
    difference = local - zoned.replace(tzinfo=None)
    if abs(difference) > _LARGEST_OFFSET or difference % _QUARTER_HOUR:
        return None
    if not difference and moment.tzinfo is not None:
        return None  # the time in UTC already says all the local one does
    return timezone(difference)


def in_readers_time(stated: str | None, page: Page, zone: tzinfo | None) -> str | None:
    """``stated`` in the offset of the site's readers: that of another statement of the same
    moment in the page's source (``in_page_offset``), else, for a moment in UTC, ``zone`` (the
    one zone of the site's country, ``crawler.extract.zones``). The moment is unchanged: only
    the day and the time it is given in are the readers'."""
    if stated is None or not has_time(stated):
        return stated
    stated = in_page_offset(stated, _timestamps(page, stated))
    moment = datetime.fromisoformat(stated)
    if zone is None or moment.tzinfo is None or moment.utcoffset():
        return stated
    return format_iso(moment.astimezone(zone))


def _timestamps(page: Page, stated: str) -> Iterator[str]:
    """The page source's timestamps that can only repeat ``stated``'s moment, not merely resemble
    it: on its day or a day beside it, and with an offset (``in_page_offset`` then needs the very
    same instant) or a local time whose seconds are stated and not zero (another moment rarely
    shares them). At most ``_MOST_TIMESTAMPS`` places of each day are read."""
    day = datetime.fromisoformat(stated[:10])
    for shift in (0, -1, 1):
        near = (day + timedelta(days=shift)).date().isoformat()
        for place in islice(_places(page.html, near), _MOST_TIMESTAMPS):
            found = _TIMESTAMP.match(page.html, place)
            if found and (found[2] or found[1] != "00"):
                repeated = read_date(found.group())
                if repeated:
                    yield repeated


def _places(text: str, needle: str) -> Iterator[int]:
    """Where ``needle`` is in ``text``: ``str.find``, which is far quicker than a regex search."""
    place = text.find(needle)
    while place != -1:
        yield place
        place = text.find(needle, place + 1)


def shown_date(page: Page) -> str | None:
    """The publication day htmldate reads off the page and its URL (extensive search, the original
    date rather than the last change); None when it finds none, or only fills one in."""
    with warnings.catch_warnings():
        # dateutil, inside htmldate, warns of each zone name it does not know: a crawl would print
        # it once per page, for a date htmldate then reads without it.
        warnings.simplefilter("ignore", UnknownTimezoneWarning)
        found = find_date(page.root, extensive_search=True, original_date=True, url=page.url)
    if not found or (found.endswith("-01") and not _states_first_of_month(page, found)):
        return None
    return read_date(found)


def _states_first_of_month(page: Page, day: str) -> bool:
    """Whether the page or its URL states the first of that month, in digits or words."""
    year, month = day[:4], int(day[5:7])
    patterns = (
        rf"{year}[-/.]{month:02d}[-/.]01(?!\d)",
        rf"{year}{month:02d}01(?!\d)",
        rf"(?<!\d)0?1\.\s?0?{month}\.\s?{year}",
        rf"(?<!\d)0?1[/-]0?{month}[/-]{year}",
        rf"(?<!\d)0?{month}/0?1/{year}",
        rf"(?<![\d.])1(?:st|er|º|\.)?\s+[^\W\d_]{{3,}}\.?,?\s+{year}",
        rf"[^\W\d_]{{3,}}\.?\s+0?1(?:st)?,?\s+{year}",
    )
    text = f"{page.url}\n{page.html}"
    return any(re.search(pattern, text) for pattern in patterns)
