"""The date window of a crawl: ``--since 2d``, ``--until 2024-05-01``, as the user writes them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.errors import CrawlerError
from crawler.extract.dates import parse_date, read_date
from crawler.record.dates import moment_of

#: A bound relative to now, as the user writes it: ``2d``, ``12h``, ``30m``, ``1w``.
RELATIVE = re.compile(r"^(\d+)\s*([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_moment(text: str, now: datetime | None = None) -> datetime:
    """``2d``/``12h``/``30m``/``1w`` ago, an ISO date (midnight UTC) or an ISO date-time with offset."""
    value = text.strip()
    relative = RELATIVE.match(value.lower())
    if relative:
        amount, unit = int(relative[1]), _UNITS[relative[2]]
        return (now or datetime.now(UTC)) - timedelta(**{unit: amount})
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    exact = _iso_with_offset(value)
    if exact is not None:
        return exact  # a bound may be any moment, past tomorrow too (parse_date takes only a page's)
    stated = parse_date(value)
    if stated is None:
        raise CrawlerError(
            f"{text!r}: not a date window bound (try 2d, 12h, 2024-05-01 or 2024-05-01T08:00:00-04:00)"
        )
    return datetime.fromisoformat(stated)


def _iso_with_offset(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


@dataclass(frozen=True)
class DateWindow:
    """Publication dates a crawl keeps; an open bound is None."""

    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def of(cls, since: str | None, until: str | None) -> DateWindow:
        return cls(parse_moment(since) if since else None, parse_moment(until) if until else None)

    def admits(self, stated: str | None) -> bool:
        """Whether a stated publication date falls in the window (an unknown date always does; one
        without an offset is placed as ``moment_of`` says)."""
        read = read_date(stated) if stated else None
        if read is None:
            return True
        when = moment_of(read)
        return (self.since is None or when >= self.since) and (self.until is None or when <= self.until)
