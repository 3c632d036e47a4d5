"""Decoding a page's bytes when servers lie about them: wrong charsets, missing ones, mojibake.

Browsers decode by the BOM, then the HTTP ``Content-Type``, then ``<meta charset>``, then a
guess; w3lib's ``html_to_unicode`` does the same, and is right for almost every page. Two lies
are common enough on news sites to be worth correcting, since each turns every accented letter
and curly quote of an article into garbage:

- a charset that cannot be true: bytes that are not UTF-8 labelled UTF-8 (a Windows-1252 page
  behind a server whose default is UTF-8), or no label at all on a Latin-1 page. They are
  decoded as Windows-1252, the WHATWG's fallback for Western pages (a superset of Latin-1);
- UTF-8 bytes labelled Latin-1 or Windows-1252, which decode to mojibake (``CafÃ©``). Bytes
  that are valid UTF-8 and use multi-byte sequences are, in practice, never Windows-1252 text.

Text that was already mojibake in the page's source (a CMS that double-encoded it) is repaired
run by run. Whatever is still undecodable is reported by :func:`text_problem`, so the caller
can refuse a record rather than store garbage.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

from crawler.extract._fast import may_hold_mojibake

__all__ = ["Decoded", "decode_cp1252", "decode_html", "reads_as_utf8", "repair_mojibake", "text_problem"]

_UTF8 = frozenset({"utf-8", "utf8"})
_WESTERN = frozenset({"cp1252", "windows-1252", "latin-1", "latin1", "iso-8859-1", "iso8859-1", "ascii"})
#: Characters a UTF-8 continuation byte becomes when read as Windows-1252 (or Latin-1's C1 controls).
_CONTINUATION = "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014" + (
    "\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
#: A UTF-8 lead byte read as Windows-1252, then its continuation bytes: one mojibake character.
_MOJIBAKE = re.compile(f"[\xc2-\xf4][{_CONTINUATION}]{{1,3}}")


@dataclass(frozen=True)
class Decoded:
    """A page's text, the encoding it was read with, and whether the bytes are that text as sent."""

    html: str
    encoding: str
    #: False when the text was corrected (another charset than the label, mojibake repaired).
    as_sent: bool


def decode_html(body: bytes, content_type: str | None) -> Decoded:
    """Decode a page as a browser would, correcting a charset that cannot be true."""
    label = _label(body, content_type)
    if label in _UTF8:
        return _decode_utf8(body, label)
    encoding, html = html_to_unicode(content_type, body)
    name = encoding.lower()
    if label is not None and name in _WESTERN and not body.isascii() and _is_utf8(body):
        return Decoded(body.decode("utf-8"), "utf-8", as_sent=False)
    repaired = repair_mojibake(html)
    return Decoded(repaired, encoding, as_sent=repaired is html)


def reads_as_utf8(body: bytes, content_type: str | None) -> bool:
    """Whether a page's bytes can be read as they are: labelled UTF-8 or not at all, no BOM, no mojibake.

    Whether they really are UTF-8 shows when they are parsed or decoded (crawler/extract/page.py).
    """
    return _label(body, content_type) in _UTF8 and not may_hold_mojibake(body)


def _label(body: bytes, content_type: str | None) -> str | None:
    """The encoding ``html_to_unicode`` would choose, found without decoding; None for a BOM."""
    if read_bom(body)[0] is not None:
        return None
    return http_content_type_encoding(content_type) or html_body_declared_encoding(body) or "utf8"


def _decode_utf8(body: bytes, label: str) -> Decoded:
    """A page labelled UTF-8 (most pages): a strict decode proves it is, or it is Windows-1252.

    Decoding strictly costs what decoding with replacement does, and spares looking for the
    replacement characters afterwards (a page may hold U+FFFD of its own).
    """
    try:
        html = body.decode("utf-8")
    except UnicodeDecodeError:
        return Decoded(decode_cp1252(body), "cp1252", as_sent=False)
    repaired = repair_mojibake(html)
    return Decoded(repaired, label, as_sent=repaired is html)


def repair_mojibake(text: str) -> str:
    """Text with each run of UTF-8-read-as-Windows-1252 turned back into its character.

    Returns ``text`` itself when there is nothing to repair.
    """
    if not _MOJIBAKE.search(text):
        return text
    return _MOJIBAKE.sub(_unmangle, text)


def text_problem(text: str) -> str | None:
    """What makes a record's text undecodable, or None: replacement characters, left-over mojibake."""
    if "\ufffd" in text:
        return "the text holds undecodable bytes (U+FFFD replacement characters)"
    found = _MOJIBAKE.search(text)
    if found:
        return f"the text holds mojibake ({found.group()!r})"
    return None


def _unmangle(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in run).decode("utf-8")
    except (UnicodeError, IndexError):
        return run  # not mojibake after all: leave it as the page has it


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode_cp1252(body: bytes) -> str:
    """Bytes read as Windows-1252, what a page that is not the UTF-8 it claims usually is."""
    # The five bytes Windows-1252 leaves undefined decode to the C1 controls, as in browsers.
    return body.decode("cp1252", errors=_C1_CONTROLS)


def _as_c1_control(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return chr(error.object[error.start]), error.start + 1


_C1_CONTROLS = "crawler-c1-controls"
codecs.register_error(_C1_CONTROLS, _as_c1_control)
