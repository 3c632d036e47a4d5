"""What happened to a request that gave no record, as the crawl counts it.

Every page that does not end as a record is counted in the crawl's stats under
``crawler/skipped/<reason>`` (nothing wrong: not an article, not HTML, outside the date window)
or ``crawler/failed/<reason>`` (something went wrong: a timeout, an HTTP error, a page that
did not decode), and logged as one line ``skipped: <reason>: <what>``; the crawl summary lists
the counts per site.
"""

from __future__ import annotations

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

__all__ = ["STATS_PREFIX", "RefusedRequest", "download_outcome", "log_words"]

#: Stats keys of page outcomes start with it: ``crawler/skipped/not-html``, ``crawler/failed/timeout``.
STATS_PREFIX = "crawler/"

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
