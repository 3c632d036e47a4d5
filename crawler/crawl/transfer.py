"""Whether a response's body arrived whole, as the transfer tells it.

HTML lets a page omit ``</body>`` and ``</html>``, and many real pages do, so the end of a
page does not tell a page cut short from a whole one; the transfer does (see
``crawler.archive.content.cut_short``): a body short of its ``Content-Length`` (a replayed or
archived response cut short), a gzip stream cut short, which Scrapy inflates as far as it goes
and says nothing of. And Scrapy's own ``dataloss`` flag: the connection closed before the
body's ``Content-Length``. Scrapy gives such a response only with ``DOWNLOAD_FAIL_ON_DATALOSS``
off; on (the default), it is a failed download, retried, then counted as ``failed: connection``.

``WholeBodyMiddleware`` takes the place of Scrapy's ``HttpCompressionMiddleware``: it inflates
as Scrapy does, and flags a response it finds cut short. ``incomplete`` reads the flags, for
the spider and ``crawler fetch`` to hand to the parse (``FetchedPage.incomplete``), which
refuses the page as truncated: a partial article is never stored.
"""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import Response

from crawler.archive import cut_short

__all__ = ["WholeBodyMiddleware", "incomplete"]

#: A flag of ours on a response the transfer cut short, followed by what is missing.
_FLAG = "incomplete: "


class WholeBodyMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, flagging a body short of its ``Content-Length`` or a gzip stream cut short."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        # Read before Scrapy's middleware decodes: it rewrites the response's Content-Encoding.
        length, coding = _header(response, b"Content-Length"), _header(response, b"Content-Encoding")
        decoded = super().process_response(request, response)
        if not isinstance(decoded, Response) or request.method == "HEAD" or not _has_body(response.status):
            return decoded
        missing = cut_short(response.body, length, coding, len(decoded.body))
        return decoded if missing is None else decoded.replace(flags=[*decoded.flags, _FLAG + missing])


def incomplete(response: Response) -> str | None:
    """What the transfer says is missing from a response's body, or None when it arrived whole."""
    for flag in response.flags:
        if flag == "dataloss":
            return "the connection closed before the whole body arrived (Scrapy's dataloss flag)"
        if flag.startswith(_FLAG):
            return flag.removeprefix(_FLAG)
    return None


def _has_body(status: int) -> bool:
    """Whether an answer has a body, whatever its headers say (not 1xx, 204 or 304)."""
    return status >= 200 and status not in {204, 304}


def _header(response: Response, name: bytes) -> str | None:
    """A header's values as one string (repeated ones joined by commas, as HTTP reads them)."""
    values = response.headers.getlist(name)
    return b",".join(values).decode("latin-1") if values else None
