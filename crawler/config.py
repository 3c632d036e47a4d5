"""The scheduler's configuration file, ``crawler.toml``: read, checked, and explained when wrong.

Every key is optional::

    sites = ["ctvnews", "globeandmail"]   # default: every site
    interval = "15m"                      # between the starts of a site's crawls: 90s, 15m, 2h, or seconds
    jitter = 0.1                          # each interval is stretched or shrunk by up to 10%, at random
    since = "2d"                          # the date window, as with `crawler crawl --since/--until`
    until = "2030-01-01"
    out = "corpus"                        # the corpus folder
    state = "state/crawl.sqlite"          # the crawl state file
    replay = "fixtures"                   # answer every request from fixtures (offline runs, tests)
    gzip = false
    warc = true                           # archive every exchange in OUT/warc (schedule: on unless false)
    log_level = "WARNING"
    redis = "redis://10.0.0.5:6379/0"     # a distributed crawl (crawl --redis): the state is kept there

    [alarm]                               # the breakage alarm (crawler/crawl/coverage.py)
    threshold = 0.9                       # a watched field in fewer than 90% of a site's article pages...
    fields = ["headline", "datePublished", "authors", "body"]   # ...of these fields
    min_pages = 5                         # sites with fewer article pages in a crawl are not judged

Relative paths are read from the configuration file's folder. A bad file raises ConfigError
naming the file, the line and the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from crawler.crawl.coverage import Alarm
from crawler.errors import ConfigError, CrawlerError
from crawler.extract.window import DateWindow
from crawler.record import COVERED_FIELDS
from crawler.sites import all_sites, get_site

__all__ = ["ScheduleConfig", "load_config", "parse_duration"]

_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class ScheduleConfig:
    """What the scheduler crawls, how often, and where it writes."""

    sites: tuple[str, ...] = field(default_factory=lambda: tuple(site.id for site in all_sites()))
    interval: float = 15 * 60.0
    jitter: float = 0.1
    since: str | None = None
    until: str | None = None
    out: Path = Path("corpus")
    state: Path = Path("state/crawl.sqlite")
    replay: Path | None = None
    gzip: bool = False
    #: Archive the crawls' exchanges (``crawl --warc``); None when the file does not say: then
    #: ``crawler schedule`` archives and ``crawler crawl`` does not.
    warc: bool | None = None
    log_level: str = "WARNING"
    alarm: Alarm = field(default_factory=Alarm)
    redis: str | None = None


def parse_duration(value: object) -> float:
    """Seconds from ``90``, ``"90s"``, ``"15m"``, ``"2h"`` or ``"1d"``; ValueError otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value).strip().lower())
        if not match:
            raise ValueError(f"{value!r} is not a duration (try 90s, 15m, 2h or a number of seconds)")
        seconds = float(match[1]) * _SECONDS[match[2] or "s"]
    if seconds <= 0:
        raise ValueError(f"{value!r} is not a positive duration")
    return seconds


def load_config(path: Path) -> ScheduleConfig:
    """Read and check a configuration file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(str(path), None, None, f"cannot read: {error.strerror}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ConfigError(str(path), int(line[1]) if line else None, None, str(error)) from None
    return _Checker(path, text).config(data)


class _Checker:
    """Turns the parsed TOML into a ScheduleConfig, naming the line of any bad key."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def config(self, data: dict[str, Any]) -> ScheduleConfig:
        known = set(ScheduleConfig.__dataclass_fields__)
        for key in data:
            if key not in known:
                self.fail(key, f"unknown key (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        for key, value in data.items():
            values[key] = self.checked(key, value)
        window = (values.get("since"), values.get("until"))
        try:
            DateWindow.of(*window)
        except CrawlerError as error:
            self.fail("since" if window[0] else "until", str(error))
        return ScheduleConfig(**values)

    def checked(self, key: str, value: Any) -> Any:
        if key == "sites":
            return self.sites(value)
        if key == "interval":
            try:
                return parse_duration(value)
            except ValueError as error:
                self.fail(key, str(error))
        if key == "jitter":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
                self.fail(key, f"{value!r}: expected a fraction from 0 up to (not including) 1, e.g. 0.1")
            return float(value)
        if key in {"out", "state", "replay"}:
            return self.path.parent / self.expect(key, value, str)
        if key in {"gzip", "warc"}:
            return self.expect(key, value, bool)
        if key == "alarm":
            return self.alarm(value)
        return self.expect(key, value, str)

    def sites(self, value: Any) -> tuple[str, ...]:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            self.fail("sites", f'{value!r}: expected a list of site ids, e.g. ["ctvnews"]')
        for site_id in value:
            try:
                get_site(site_id)
            except KeyError as error:
                self.fail("sites", str(error.args[0]))
        return tuple(value)

    def alarm(self, value: Any) -> Alarm:
        if not isinstance(value, dict):
            self.fail("alarm", f"{value!r}: expected a table, [alarm], with threshold, fields, min_pages")
        threshold, fields, min_pages = (value.get(name) for name in ("threshold", "fields", "min_pages"))
        for name in value:
            if name not in {"threshold", "fields", "min_pages"}:
                self.fail("alarm", "unknown key (known: fields, min_pages, threshold)", name)
        if threshold is not None and (
            isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1
        ):
            self.fail("alarm", f"{threshold!r}: expected a fraction above 0, up to 1, e.g. 0.9", "threshold")
        if fields is not None and (
            not isinstance(fields, list) or not fields or any(f not in COVERED_FIELDS for f in fields)
        ):
            known = ", ".join(COVERED_FIELDS)
            self.fail("alarm", f"{fields!r}: expected a list of record fields among {known}", "fields")
        if min_pages is not None and (
            isinstance(min_pages, bool) or not isinstance(min_pages, int) or min_pages < 1
        ):
            self.fail("alarm", f"{min_pages!r}: expected a whole number of pages, 1 or more", "min_pages")
        default = Alarm()
        return Alarm(
            threshold=float(threshold) if threshold is not None else default.threshold,
            fields=tuple(fields) if fields is not None else default.fields,
            min_pages=min_pages if min_pages is not None else default.min_pages,
        )

    def expect(self, key: str, value: Any, kind: type) -> Any:
        if not isinstance(value, kind):
            self.fail(key, f"{value!r}: expected a {'boolean' if kind is bool else 'string'}")
        return value

    def fail(self, key: str, reason: str, inner: str | None = None) -> NoReturn:
        """Raise ConfigError for ``key`` (``inner``: a key of the table ``key``)."""
        if inner is None:
            raise ConfigError(str(self.path), self.line_of(key), key, reason)
        raise ConfigError(str(self.path), self.line_in_table(key, inner), f"{key}.{inner}", reason)

    def line_in_table(self, table: str, key: str) -> int | None:
        """The line that sets ``key`` in ``[table]`` (1-based), else the table's own line."""
        start = self.line_of(table)
        if start is None:
            return None
        setting = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, line in enumerate(self.lines[start:], start=start + 1):
            if line.lstrip().startswith("["):
                break
            if setting.match(line):
                return number
        return start

    def line_of(self, key: str) -> int | None:
        """The line that sets a top-level key (1-based), if it can be found."""
        name = rf"(?:{re.escape(key)}|\"{re.escape(key)}\"|'{re.escape(key)}')"
        setting, table = re.compile(rf"^\s*{name}\s*="), re.compile(rf"^\s*\[+\s*{name}\s*\]")
        in_table = False
        for number, line in enumerate(self.lines, start=1):
            if table.match(line) or (not in_table and setting.match(line)):
                return number
            in_table = in_table or line.lstrip().startswith("[")  # top-level keys come before tables
        return None
