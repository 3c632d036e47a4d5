"""``-s NAME=VALUE``: a Scrapy setting given on the command line, checked before anything starts.

Scrapy reads a setting only when a component needs it, deep inside the crawl, so a value of the
wrong kind (``-s DOWNLOAD_TIMEOUT=abc``) used to end the crawl in a traceback, or worse, in a
traceback logged by a signal handler while the crawl went on. The value is checked here the way
Scrapy will read it: as the kind of the setting's default (a number, a flag, a list of numbers,
a JSON table), and, for the settings of this project that take more than a kind, as their own
readers take it. Settings with no default (a component's own) are left to that component.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from functools import cache
from typing import Any

from scrapy.settings import BaseSettings, Settings

from crawler.crawl.coverage import check_watched
from crawler.crawl.parse_workers import parse_processes

__all__ = ["setting_problem"]


def setting_problem(name: str, value: str) -> str | None:
    """What is wrong with ``value`` for the setting ``name``, or None when Scrapy can read it."""
    default = _defaults().get(name)
    try:
        with warnings.catch_warnings():  # a deprecated name: Scrapy says so when it reads it
            warnings.simplefilter("ignore")
            probe = Settings({name: value})  # a table's value (ITEM_PIPELINES) is read as JSON here
            _read_as_default(probe, name, default)
            check = _CHECKS.get(name)
            if check is not None:
                check(probe, name)
    except (TypeError, ValueError) as error:
        if isinstance(default, dict):
            return f"{value!r}: expected a JSON object"
        return str(error)
    return None


@cache
def _defaults() -> dict[str, Any]:
    """Scrapy's and our defaults, as plain values (read by name, a deprecated one would warn)."""
    settings = Settings()
    settings.setmodule("crawler.crawl.settings", priority="project")
    return settings.copy_to_dict()


def _read_as_default(probe: BaseSettings, name: str, default: Any) -> None:
    """Read the value as Scrapy reads one of the default's kind (bool before int: a bool is one).

    A whole-number default may be read as a float (Scrapy's DOWNLOAD_TIMEOUT is 180 and read
    with ``getfloat``), so any number passes for it.
    """
    if isinstance(default, bool):
        probe.getbool(name)
    elif isinstance(default, (int, float)):
        _number(probe.get(name))
    elif isinstance(default, dict):
        probe.getdict(name)
    elif isinstance(default, list) and default and all(isinstance(item, int) for item in default):
        for item in probe.getlist(name):
            _whole(item)


def _whole(text: Any) -> int:
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"{text!r}: expected a whole number") from None


def _number(text: Any) -> float:
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{text!r}: expected a number") from None


def _log_level(probe: BaseSettings, name: str) -> None:
    level = str(probe.get(name)).upper()
    if not isinstance(logging.getLevelName(level), int):
        raise ValueError(f"{level!r}: expected DEBUG, INFO, WARNING, ERROR or CRITICAL")


def _parse_processes(probe: BaseSettings, name: str) -> None:
    parse_processes(probe.get(name))


def _coverage_fields(probe: BaseSettings, name: str) -> None:
    check_watched(probe.getlist(name))


def _fraction(probe: BaseSettings, name: str) -> None:
    if not 0 < _number(probe.get(name)) <= 1:
        raise ValueError(f"{probe.get(name)}: expected a fraction above 0, up to 1, e.g. 0.9")


def _at_least_one(probe: BaseSettings, name: str) -> None:
    if _whole(probe.get(name)) < 1:
        raise ValueError(f"{probe.get(name)}: expected 1 or more")


#: The settings whose readers take more than the kind of their default.
_CHECKS: dict[str, Callable[[BaseSettings, str], None]] = {
    "LOG_LEVEL": _log_level,
    "RETRY_GIVE_UP_LOG_LEVEL": _log_level,
    "PARSE_PROCESSES": _parse_processes,
    "COVERAGE_FIELDS": _coverage_fields,
    "COVERAGE_THRESHOLD": _fraction,
    "COVERAGE_MIN_PAGES": _at_least_one,
}
