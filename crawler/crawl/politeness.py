"""Retries that wait: exponential backoff, and the server's own ``Retry-After`` on 429 and 503.

Scrapy's retry middleware re-queues a failed request at once; a server that says "slow
down" deserves to be believed. This subclass waits before handing the retry back, without
blocking other requests (the wait is an asyncio sleep on the crawl's reactor).
"""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.http import Request, Response
from scrapy.utils.response import response_status_message

logger = logging.getLogger(__name__)

_SERVER_SAYS_WAIT = frozenset({429, 503})
_SECONDS = re.compile(r"[0-9]{1,9}")


class BackoffRetryMiddleware(RetryMiddleware):
    """Retry like Scrapy, but wait ``Retry-After`` (or ``RETRY_BACKOFF_BASE * 2**attempt``) first."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base: float = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max: float = settings.getfloat("RETRY_BACKOFF_MAX", 120.0)

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await asyncio.sleep(self.delay(response, request.meta.get("retry_times", 0)))
        return retry

    def delay(self, response: Response, attempts: int) -> float:
        """Seconds to wait before the next attempt, never more than ``RETRY_BACKOFF_MAX``."""
        stated = retry_after_seconds(response) if response.status in _SERVER_SAYS_WAIT else None
        header = response.headers.get(b"Retry-After")
        if stated is None and header and response.status in _SERVER_SAYS_WAIT:
            logger.info(
                "bad-retry-after: %s: Retry-After %r is neither seconds nor a dated moment; backing off",
                response.url,
                header.decode("latin-1"),
            )
        wait = stated if stated is not None else self.backoff_base * 2**attempts
        return min(max(wait, 0.0), self.backoff_max)


def retry_after_seconds(response: Response) -> float | None:
    """The ``Retry-After`` header as seconds: a number of seconds or an HTTP date.

    None when there is none, or it is neither (``²``, which ``str.isdigit`` takes for a digit;
    a date without a zone, which cannot be compared with now): the backoff then decides.
    """
    value = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
    if not value:
        return None
    if _SECONDS.fullmatch(value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return (when - datetime.now(UTC)).total_seconds()
