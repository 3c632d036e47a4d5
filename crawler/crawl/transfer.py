"""Whether a response's body arrived whole, as the transfer tells it.

HTML lets a page omit ``</body>`` and ``</html>``, and many real pages do, so the end of a
page does not tell a page cut short from a whole one; the transfer does:

- Scrapy's ``dataloss`` flag: the connection closed before the body's ``Content-Length``.
  Scrapy gives such a response only with ``DOWNLOAD_FAIL_ON_DATALOSS`` off; on (the default),
  it is a failed download, retried, then counted as ``failed: connection``;
- a ``Content-Length`` the body does not reach: a replayed or archived response cut short;
- a gzip stream cut short. Scrapy inflates what it can and says nothing; the gzip trailer
  states the length of the whole (``ISIZE``, modulo 2**32), which the inflated body of a cut
  stream then does not have (its last four bytes are not a trailer).

``WholeBodyMiddleware`` takes the place of Scrapy's ``HttpCompressionMiddleware``: it inflates
as Scrapy does, and flags a response it finds cut short. ``incomplete`` reads the flags, for
the spider to hand to the parse (``FetchedPage.incomplete``), which refuses the page as
truncated: a partial article is never stored.
"""

from __future__ import annotations

import zlib
from typing import Any

from scrapy import Request
from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.http import Response

__all__ = ["WholeBodyMiddleware", "incomplete"]

#: A flag of ours on a response the transfer cut short, followed by what is missing.
_FLAG = "incomplete: "
_GZIP = frozenset({b"gzip", b"x-gzip"})
_GZIP_MAGIC = b"\x1f\x8b"
#: A gzip member's header and trailer take 18 bytes.
_GZIP_FRAME = 18
_CHUNK = 1 << 16
#: Answers that have no body whatever their headers say.
_BODYLESS = frozenset({204, 304})


class WholeBodyMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression, flagging a body short of its ``Content-Length`` or a gzip stream cut short."""

    def process_response(
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        if request.method == "HEAD" or response.status in _BODYLESS or response.status < 200:
            return super().process_response(request, response)
        missing = _short_of_its_length(response)
        trailer = _gzip_trailer_size(response)
        decoded = super().process_response(request, response)
        if (
            missing is None
            and trailer is not None
            and isinstance(decoded, Response)
            and len(decoded.body) % 2**32 != trailer
            and not _whole_gzip(response.body)
        ):
            missing = f"the gzip stream ends before its end (inflated to {len(decoded.body)} bytes)"
        if missing is None or not isinstance(decoded, Response):
            return decoded
        return decoded.replace(flags=[*decoded.flags, _FLAG + missing])


def incomplete(response: Response) -> str | None:
    """What the transfer says is missing from a response's body, or None when it arrived whole."""
    for flag in response.flags:
        if flag == "dataloss":
            return "the connection closed before the whole body arrived (Scrapy's dataloss flag)"
        if flag.startswith(_FLAG):
            return flag.removeprefix(_FLAG)
    return None


def _short_of_its_length(response: Response) -> str | None:
    stated = response.headers.get(b"Content-Length")
    try:
        length = int(stated) if stated else None
    except ValueError:
        return None
    if length is None or len(response.body) >= length:
        return None
    return f"the body is {len(response.body)} of the {length} bytes its Content-Length states"


def _gzip_trailer_size(response: Response) -> int | None:
    """The size the last 4 bytes of a gzip body (one coding, gzip) state, or None for any other body."""
    codings = b",".join(response.headers.getlist(b"Content-Encoding")).split(b",")
    if len(codings) != 1 or codings[0].strip().lower() not in _GZIP or len(response.body) < _GZIP_FRAME:
        return None
    return int.from_bytes(response.body[-4:], "little")


def _whole_gzip(body: bytes) -> bool:
    """Whether every gzip member of a body reaches its end: read where the trailer's size did not match,
    as it does not for several members (the trailer is the last one's). Bytes after the members
    that are not another one are left, as Scrapy leaves them."""
    while body.startswith(_GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=31)
        pending = body
        try:
            while not inflater.eof:
                inflated = inflater.decompress(pending, _CHUNK)  # bounded: the output is dropped
                pending = inflater.unconsumed_tail
                if not inflated and not pending:
                    return False
        except zlib.error:
            return False
        body = inflater.unused_data
    return True
