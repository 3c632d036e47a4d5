"""The record's dates (``datePublished``, ``dateModified``): their three forms, and how to compare them.

A date is what the page states, in ISO 8601: a time with its UTC offset
(``2019-11-20T06:37:00-05:00``), a local time the page states without an offset when no zone is
known (``2019-11-20T06:37:00``), or a day when it states no time (``2019-11-20``). The JSON
Schema (``article.schema.json``, ``statedDate``) admits exactly these.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["has_offset", "has_time", "moment_of"]


def has_offset(stated: str) -> bool:
    """Whether a record's date states its UTC offset (the other forms: a local time, a day)."""
    return len(stated) > len("2019-11-20T06:37:00")


def has_time(stated: str) -> bool:
    """Whether a record's date states a time (with or without its offset), not a day alone."""
    return len(stated) > len("2019-11-20")


def moment_of(stated: str) -> datetime:
    """A record's date as an aware datetime, to compare it with others (date windows, newest first).

    A local time without an offset is taken as UTC, and a day as its midnight in UTC: either is at
    most 14 hours from the moment the page means, and it is the page that did not say. Raises
    ValueError for a text that is no ISO 8601 date.
    """
    moment = datetime.fromisoformat(stated)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
