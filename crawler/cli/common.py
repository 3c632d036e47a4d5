"""What the commands share: default paths, exit statuses, and the small checks of the user's words."""

from __future__ import annotations

import argparse
import math
import signal
import sys
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

from crawler.errors import CrawlerError

DEFAULT_FIXTURES = Path("fixtures")
DEFAULT_CORPUS = Path("corpus")
DEFAULT_STATE = Path("state/crawl.sqlite")
DEFAULT_CONFIG = Path("crawler.toml")

#: The exit statuses, one meaning each, so cron and systemd can tell them apart.
DONE_STATUS = 0
ERROR_STATUS = 1
USAGE_STATUS = 2
#: A crawl that raised the breakage alarm (a site's pages no longer carry what they did).
ALARM_STATUS = 3
#: The shell's convention for a process ended by a signal: 128 + its number.
INTERRUPTED_STATUS = 128 + signal.SIGINT
TERMINATED_STATUS = 128 + signal.SIGTERM

EXIT_STATUSES = f"""\
exit statuses:
  {DONE_STATUS}    done
  {ERROR_STATUS}    error: a file or folder that cannot be read or written, a page that gives no
       record, a crawl that stopped, or one whose sources all failed
  {USAGE_STATUS}    usage: a command, option or value crawler does not take
  {ALARM_STATUS}    alarm: a crawl found a site's pages changed (the breakage alarm)
  {INTERRUPTED_STATUS}  interrupted by Ctrl-C (SIGINT); {TERMINATED_STATUS} when stopped by SIGTERM"""


class UsageError(CrawlerError):
    """The user's words are wrong (not the files or the network): the exit status is 2."""


class CommandParser(argparse.ArgumentParser):
    """argparse, with options spelled out in full and mistakes told in one line.

    Prefix matching is off: ``--sinc`` is an error, not ``--since``; a later option that shares
    a prefix cannot silently change what an old command line means.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def error(self, message: str) -> NoReturn:
        self.exit(USAGE_STATUS, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def path_argument(text: str) -> Path:
    """A file or folder as the user named it; a NUL byte, which no path can hold, is refused."""
    if "\x00" in text:
        raise argparse.ArgumentTypeError(f"{text!r}: a path cannot hold a NUL byte")
    return Path(text)


def web_url(text: str) -> str:
    """An http(s) URL with a host, as a command takes it; anything else is refused up front."""
    try:
        parts = urlsplit(text.strip())
        parts.port  # noqa: B018  # raises ValueError for a port that is no number
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text}: not a URL ({error})") from None
    if "://" not in text:
        raise argparse.ArgumentTypeError(f"{text}: no scheme; give the whole URL, e.g. https://{text}")
    if parts.scheme.lower() not in {"http", "https"}:
        raise argparse.ArgumentTypeError(f"{text}: only http and https URLs, not {parts.scheme}:")
    if not parts.hostname:
        raise argparse.ArgumentTypeError(f"{text}: no host name")
    return text.strip()


def web_urls(text: str) -> str:
    """A comma-separated list of http(s) URLs (``--sources``), each checked as :func:`web_url`."""
    urls = [web_url(url) for url in text.split(",") if url.strip()]
    if not urls:
        raise argparse.ArgumentTypeError(f"{text!r}: no URL")
    return ",".join(urls)


def seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text}: give a number of seconds above 0")
    return value


def count(text: str) -> int:
    """A whole number, 0 or more."""
    return _whole_number(text, least=0)


def positive(text: str) -> int:
    """A whole number, 1 or more (of processes: none would do no work)."""
    return _whole_number(text, least=1)


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text}: not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{text}: give {least} or more")
    return value


def setting(item: str) -> tuple[str, str]:
    """``-s NAME=VALUE``, its value checked as Scrapy will read it (crawler/crawl/overrides.py)."""
    from crawler.crawl.overrides import setting_problem  # Scrapy loads only for the commands that take -s

    name, separator, value = item.partition("=")
    if not separator or not name:
        raise UsageError(f"-s {item}: expected NAME=VALUE")
    problem = setting_problem(name, value)
    if problem:
        raise UsageError(f"-s {item}: {problem}")
    return name, value


def existing_corpus(path: Path) -> Path:
    if not path.is_dir():
        raise CrawlerError(f"{path}: no corpus folder here")
    return path


def confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        print(f"{question} no (not a terminal; use --yes)")
        return False
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}
