"""What happened to a request that gave no record, as the crawl counts it.

Every page that does not end as a record is counted in the crawl's stats under
``crawler/skipped/<reason>`` (nothing wrong: not an article, not HTML, outside the date window)
or ``crawler/failed/<reason>`` (something went wrong: a timeout, an HTTP error, a page that
did not decode), and logged as one line ``skipped: <reason>: <what>``; the crawl summary lists
the counts per site.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any
from urllib.parse import urljoin

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.defer import CancelledError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

__all__ = [
    "STATS_PREFIX",
    "RefusedRequest",
    "download_outcome",
    "error_message",
    "failed_requests",
    "log_words",
    "quiet_robots_txt_failures",
]

#: Stats keys of page outcomes start with it: ``crawler/skipped/not-html``, ``crawler/failed/timeout``.
STATS_PREFIX = "crawler/"
_FAILED = STATS_PREFIX + "failed/"
#: Counted on its own in a crawl's summary ("invalid"), so not among its errors.
_INVALID = _FAILED + "invalid-record"

_CONNECTION = (
    ConnectionRefusedError,
    DownloadConnectionRefusedError,
    ConnectionLost,
    ResponseFailed,
    ResponseNeverReceived,
    ResponseDataLossError,
    DownloadFailedError,
)


class RefusedRequest(IgnoreRequest):
    """A request one of the crawl's middlewares refused; ``outcome`` is how the crawl counts it."""

    def __init__(self, outcome: str, message: str) -> None:
        self.outcome = outcome
        super().__init__(message)


def download_outcome(failure: Failure) -> str | None:
    """The outcome of a request that failed before its page reached the spider.

    None for the requests other parts of the crawl count themselves (replay misses, unchanged
    articles of an incremental crawl, 304 answers).
    """
    error = failure.value
    if isinstance(error, HttpError):
        return f"failed/http-{error.response.status}"
    if isinstance(error, (TimeoutError, TCPTimedOutError, DownloadTimeoutError)):
        return "failed/timeout"
    if isinstance(error, (DNSLookupError, CannotResolveHostError)):
        return "failed/dns"
    if isinstance(error, RefusedRequest):
        return error.outcome
    if isinstance(error, (DownloadCancelledError, CancelledError)):
        return "failed/too-large"  # the download handler cancels a body over DOWNLOAD_MAXSIZE
    if isinstance(error, _CONNECTION):
        return "failed/connection"
    if isinstance(error, IgnoreRequest):
        return _ignored(str(error))
    return "failed/download-error"  # our word, never an exception's name; the log line has the error


def error_message(failure: Failure) -> str:
    """What went wrong with a download, in words: its error's message, or, for an error that has
    none (Scrapy's ResponseDataLossError), what it means."""
    if isinstance(failure.value, ResponseDataLossError):
        return "the connection closed before the whole body arrived (short of its Content-Length)"
    return failure.getErrorMessage() or type(failure.value).__name__


def failed_requests(stats: Mapping[str, Any]) -> int:
    """A crawl's errors: each request that failed (``failed/<reason>``) counted once, from its stats.

    Not Scrapy's count of ERROR log lines, which counts a request once per line it caused (a
    retry given up, then the failure) and a robots.txt that could not be fetched as well.
    """
    return sum(int(n) for key, n in stats.items() if key.startswith(_FAILED) and key != _INVALID)


def log_words(outcome: str) -> str:
    """``failed/timeout`` as the log and the summary say it: ``failed: timeout``."""
    return outcome.replace("/", ": ", 1)


def _ignored(message: str) -> str | None:
    if "DOWNLOAD_MAXSIZE" in message:
        return "failed/too-large"  # a compressed body that grew past the limit (a gzip bomb)
    if "max redirections" in message:
        return "failed/redirect-loop"
    if "robots.txt" in message:
        return "skipped/robots-txt"
    return None


class _RobotsTxtFailure(logging.Filter):
    """Scrapy's robots.txt middleware logs a failed download at ERROR with its traceback; this
    makes it one WARNING line, worded as the crawl's own failures are (the crawl goes on as if
    robots.txt allowed everything, which is what Scrapy does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info is None or not isinstance(record.args, Mapping):
            return True
        error = record.exc_info[1]
        url = getattr(record.args.get("request"), "url", None)
        if error is None or not isinstance(url, str):
            return True
        robots = urljoin(url, "/robots.txt")
        outcome = download_outcome(Failure(error)) or "failed/download-error"  # type: ignore[no-untyped-call]
        record.msg, record.args = "%s: %s: %s", (log_words(outcome), robots, error)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = None
        return True


_ROBOTS_LOGGER = logging.getLogger("scrapy.downloadermiddlewares.robotstxt")


def quiet_robots_txt_failures() -> None:
    """Log each robots.txt that could not be fetched as one warning, without a traceback."""
    if not any(isinstance(existing, _RobotsTxtFailure) for existing in _ROBOTS_LOGGER.filters):
        _ROBOTS_LOGGER.addFilter(_RobotsTxtFailure())
