"""A body's ``Content-Encoding`` undone, as the crawl's HTTP client undid it, within a size limit.

The archive keeps bodies as they came over the wire; whoever reads a page back (a re-parse, an
ingest) needs what the crawl's parser saw. The codings are those Scrapy asks for (gzip,
deflate, br, zstd), undone last-applied first; inflating past ``max_size`` fails as the
crawl's ``DOWNLOAD_MAXSIZE`` does, so an archived gzip bomb stays small. Like Scrapy, it keeps
what it can of a stream cut short; ``cut_short`` says when the body did not arrive whole.
"""

from __future__ import annotations

import sys
import zlib
from collections.abc import Callable

import brotli

if sys.version_info >= (3, 14):  # pragma: no cover
    from compression import zstd
else:
    from backports import zstd

__all__ = ["ContentError", "cut_short", "decode_content"]

_CHUNK = 1 << 16
_GZIP = frozenset({"gzip", "x-gzip"})
_GZIP_MAGIC = b"\x1f\x8b"
#: A gzip member's header and trailer take 18 bytes.
_GZIP_FRAME = 18


class ContentError(ValueError):
    """A body whose coding is unknown, broken, or inflates past the limit; says which."""


def decode_content(body: bytes, content_encoding: str | None, max_size: int) -> bytes:
    """The body with its codings undone (``content_encoding`` as the header states them)."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    for coding in reversed(codings):
        if coding == "identity":
            continue
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise ContentError(f"unknown Content-Encoding {coding!r}")
        try:
            body = decoder(body, max_size)
        except (zlib.error, brotli.error, zstd.ZstdError, EOFError) as error:
            raise ContentError(f"broken {coding} body: {error}") from None
    return body


def cut_short(
    body: bytes, content_length: str | None, content_encoding: str | None, decoded_size: int
) -> str | None:
    """What the transfer says is missing from a response's body, or None when nothing says it is cut.

    HTML lets a page omit ``</body>`` and ``</html>``, so a page's end cannot tell; the
    transfer can. ``body`` is the body as received, ``decoded_size`` its length once its
    codings were undone (keeping, as Scrapy and ``decode_content`` do, what a cut stream gave):

    - a body short of its ``Content-Length``;
    - a gzip stream cut short: the gzip trailer states the length of the whole (``ISIZE``,
      modulo 2**32), which the inflated body of a cut stream does not have (its last four bytes
      are no trailer). Only where they differ is the stream read again to its end, since several
      gzip members also differ (the trailer is the last one's).
    """
    try:
        length = int(content_length) if content_length else None
    except ValueError:
        length = None
    if length is not None and len(body) < length:
        return f"the body is {len(body)} of the {length} bytes its Content-Length states"
    codings = (content_encoding or "").split(",")
    if len(codings) != 1 or codings[0].strip().lower() not in _GZIP or len(body) < _GZIP_FRAME:
        return None
    if decoded_size % 2**32 == int.from_bytes(body[-4:], "little") or _whole_gzip(body):
        return None
    return f"the gzip stream ends before its end (inflated to {decoded_size} bytes)"


def _whole_gzip(body: bytes) -> bool:
    """Whether every gzip member of a body reaches its end. Bytes after the members that are no
    other member are left, as Scrapy leaves them; the output is dropped as it is made."""
    while body.startswith(_GZIP_MAGIC):
        inflater = zlib.decompressobj(wbits=31)
        pending = body
        try:
            while not inflater.eof:
                inflated = inflater.decompress(pending, _CHUNK)
                pending = inflater.unconsumed_tail
                if not inflated and not pending:
                    return False
        except zlib.error:
            return False
        body = inflater.unused_data
    return True


def _inflate(body: bytes, max_size: int, wbits: int = 47) -> bytes:
    """gzip or zlib (wbits 47 tells them apart), and raw deflate as some servers send it."""
    decompressor = zlib.decompressobj(wbits=wbits)
    try:
        parts = [decompressor.decompress(body, _CHUNK)]
    except zlib.error:
        if wbits != 47:
            raise
        return _inflate(body, max_size, wbits=-15)
    size = _checked(len(parts[0]), max_size)
    while decompressor.unconsumed_tail and not decompressor.eof:
        parts.append(decompressor.decompress(decompressor.unconsumed_tail, _CHUNK))
        size = _checked(size + len(parts[-1]), max_size)
    return b"".join(parts)


def _unbrotli(body: bytes, max_size: int) -> bytes:
    decompressor = brotli.Decompressor()
    parts = [decompressor.process(body, output_buffer_limit=_CHUNK)]
    size = _checked(len(parts[0]), max_size)
    while not decompressor.is_finished() and (part := decompressor.process(b"", output_buffer_limit=_CHUNK)):
        parts.append(part)
        size = _checked(size + len(part), max_size)
    return b"".join(parts)


def _unzstd(body: bytes, max_size: int) -> bytes:
    decompressor = zstd.ZstdDecompressor()
    parts = [decompressor.decompress(body, _CHUNK)]
    size = _checked(len(parts[0]), max_size)
    while not decompressor.eof and not decompressor.needs_input:
        parts.append(decompressor.decompress(b"", _CHUNK))
        size = _checked(size + len(parts[-1]), max_size)
    return b"".join(parts)


def _checked(size: int, max_size: int) -> int:
    if size > max_size:
        raise ContentError(f"inflates past {max_size} bytes")
    return size


_DECODERS: dict[str, Callable[[bytes, int], bytes]] = {
    "gzip": _inflate,
    "x-gzip": _inflate,
    "deflate": _inflate,
    "br": _unbrotli,
    "zstd": _unzstd,
}
