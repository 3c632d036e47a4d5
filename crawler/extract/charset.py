"""Decoding a page's bytes when servers lie about them: wrong charsets, missing ones, mojibake.

Browsers decode by the BOM, then the HTTP ``Content-Type``, then ``<meta charset>``, then a
guess; w3lib's ``html_to_unicode`` does the same, and is right for almost every page. Three lies
are common enough on news sites to be worth correcting, since each turns every accented letter
and curly quote of an article into garbage:

- a charset that cannot be true: bytes that are not UTF-8 labelled UTF-8 (a Windows-1252 page
  behind a server whose default is UTF-8), or no label at all on a Latin-1 page. They are
  decoded as Windows-1252, the WHATWG's fallback for Western pages (a superset of Latin-1);
- UTF-8 bytes labelled with another charset (Latin-1, Windows-1252, EUC-KR...), which decode
  to mojibake (``CafÃ©``) or to replacement characters. Bytes that are valid UTF-8 and use
  multi-byte sequences are, in practice, never text in another charset;
- UTF-8 with a few stray bytes (a character cut in an excerpt, a Latin-1 snippet in a UTF-8
  template): read as browsers read it, each stray byte a U+FFFD, the rest as it is.

Text that was already mojibake in the page's source (a CMS that double-encoded it) is repaired
where it provably is (``repair_mojibake``). None of this refuses a page: what is left, a few
undecodable characters or mojibake that could not be repaired, is a doubt the record carries
(``encoding_doubt``); only text that is mostly undecodable is no article (``undecodable_share``).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from w3lib.encoding import html_body_declared_encoding, html_to_unicode, http_content_type_encoding, read_bom

from crawler.extract._fast import may_hold_mojibake

__all__ = [
    "decode_html",
    "decode_utf8",
    "encoding_doubt",
    "reads_as_utf8",
    "repair_mojibake",
    "undecodable_share",
    "xml_safe_bytes",
    "xml_safe_text",
]

_UTF8 = frozenset({"utf-8", "utf8"})
#: Characters a UTF-8 continuation byte becomes when read as Windows-1252 (or Latin-1's C1 controls).
_CONTINUATION = "\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014" + (
    "\u2018\u2019\u201a\u201c\u201d\u201e\u2020\u2021\u2022\u2026\u2030\u2039\u203a\u20ac\u2122"
)
#: One character's UTF-8 bytes read as Windows-1252: a lead byte, then exactly the continuation
#: bytes that lead needs (one after U+00C2 to U+00DF, two after U+00E0 to U+00EF, three after
#: U+00F0 to U+00F4).
_SEQUENCE = re.compile(
    f"[\xc2-\xdf][{_CONTINUATION}]|[\xe0-\xef][{_CONTINUATION}]{{2}}|[\xf0-\xf4][{_CONTINUATION}]{{3}}"
)
#: What Western text is made of, and so what its mojibake decodes to: Latin-1's letters and
#: signs, Latin Extended-A (Central European letters), Romanian's comma-below letters, general
#: punctuation, currency and letterlike symbols (U+2000 to U+214F).
_WESTERN = re.compile("[\u00a0-\u017f\u0218-\u021b\u2000-\u214f]")
#: Mojibake that no text holds on purpose: a capital A with a circumflex or a tilde, or ``â€``,
#: before a continuation character (``Ã©``, ``Â\xa0``, ``â€œ``).
_SURE_MOJIBAKE = re.compile(f"[\xc2\xc3][{_CONTINUATION}]|\xe2\u20ac")
#: Characters no XML tree holds (lxml refuses them in a text): C0 controls but tab and line
#: breaks, and the noncharacters U+FFFE and U+FFFF. A form feed is white space to HTML.
_NOT_XML_TEXT = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_XML_BYTES = re.compile(b"[\x01-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")
#: The control bytes of ``_NOT_XML_BYTES``, and its noncharacters' UTF-8 forms.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")


def decode_html(body: bytes, content_type: str | None) -> str:
    """Decode a page as a browser would, correcting a charset that cannot be true."""
    label = _label(body, content_type)
    if label in _UTF8:
        return repair_mojibake(decode_utf8(body))
    if label is not None and not body.isascii() and _is_utf8(body):
        return repair_mojibake(body.decode("utf-8"))
    return repair_mojibake(html_to_unicode(content_type, body)[1])


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


def decode_utf8(body: bytes) -> str:
    """Bytes labelled UTF-8 read as browsers read them, unless the label cannot be true.

    A strict decode proves most pages UTF-8 (it costs what decoding with replacement does, and
    spares looking for replacement characters afterwards: a page may hold U+FFFD of its own).
    Bytes that are not all UTF-8 are either UTF-8 with a few stray bytes, which browsers show
    as U+FFFD, or a Windows-1252 page behind a server whose default is UTF-8. The bytes tell
    which: the first holds more well-formed multi-byte characters than stray bytes, the second
    hardly any (its accented letters are single bytes that UTF-8 cannot read).
    """
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = body.decode("utf-8", "replace")
    stray = text.count("\ufffd")
    multi_byte = len(text) - len(text.encode("ascii", "ignore")) - stray
    return text if multi_byte > stray else _decode_cp1252(body)


def repair_mojibake(text: str) -> str:
    """Text with each character that was provably double-encoded turned back into itself.

    Returns ``text`` itself when there is nothing to repair. Ordinary text holds look-alikes of
    mojibake: ``Spaß“`` is ß and a German closing quote, whose bytes would read as NKo ``ߓ``;
    ``È…`` is Italian; ``été… »`` would read as a Chinese character. So a run of characters is
    repaired only when its Windows-1252 bytes are exactly one UTF-8 character, and that
    character is a plausible one: not a control, unassigned or private-use code point, and
    either one Western text is made of (``_WESTERN``: ``Ã©`` is é, ``â€™`` is a right quote), or one of
    four bytes (an emoji: no text puts three signs after ð), or one of a word of such runs back
    to back (Cyrillic, Greek, CJK text read wrong), or of a script such a word is in (the
    one-letter words of that text).
    """
    if not _SEQUENCE.search(text):
        return text
    runs = [
        (match.start(), match.end(), character)
        for match in _SEQUENCE.finditer(text)
        if (character := _as_utf8(match.group()))
    ]
    western = [_WESTERN.match(character) is not None or end - start == 4 for start, end, character in runs]
    in_word = [
        (i > 0 and runs[i - 1][1] == start) or (i + 1 < len(runs) and runs[i + 1][0] == end)
        for i, (start, end, _) in enumerate(runs)
    ]
    scripts = {
        _script(run[2]) for run, word, sure in zip(runs, in_word, western, strict=True) if word and not sure
    }
    repaired, position = [], 0
    for (start, end, character), sure, word in zip(runs, western, in_word, strict=True):
        if sure or word or _script(character) in scripts:
            repaired += [text[position:start], character]
            position = end
    if not position:
        return text
    repaired.append(text[position:])
    return "".join(repaired)


def _as_utf8(run: str) -> str | None:
    """The character a run's Windows-1252 bytes are in UTF-8, if they are one that text holds."""
    try:
        character = bytes(ord(c) if ord(c) < 256 else c.encode("cp1252")[0] for c in run).decode("utf-8")
    except UnicodeError:
        return None
    return None if unicodedata.category(character) in {"Cc", "Cn", "Co", "Cs"} else character


def _script(character: str) -> str:
    """The first word of a character's Unicode name: its script for letters (CYRILLIC, GREEK, CJK)."""
    return unicodedata.name(character, "").split(" ", 1)[0]


def undecodable_share(text: str) -> float:
    """The share of a text's letters that are U+FFFD, the replacement for bytes no charset decodes."""
    replaced = text.count("\ufffd")
    if not replaced:
        return 0.0
    return replaced / (replaced + sum(1 for c in text if c.isalpha()))


def encoding_doubt(text: str) -> str | None:
    """What a record's text holds that did not decode right, or None: U+FFFD, mojibake left over."""
    replaced = text.count("\ufffd")
    if replaced:
        return f"{replaced} undecodable characters (U+FFFD) in the text"
    left = _SURE_MOJIBAKE.search(text)
    if left:
        return f"mojibake left in the text ({left.group()!r})"
    return None


def xml_safe_text(text: str) -> str:
    """Text without the characters lxml refuses in a tree's text (``_NOT_XML_TEXT``); ``text``
    itself when it holds none.

    libxml2's HTML parser keeps them in the text nodes it builds, and lxml then refuses them
    in any text set from those nodes (joining a dropped element's tail to its parent's text):
    browsers do not show them either. A form feed is white space to HTML.
    """
    if not _NOT_XML_TEXT.search(text):
        return text
    return _NOT_XML_TEXT.sub("", text.replace("\x0c", " "))


def xml_safe_bytes(body: bytes) -> bytes:
    """UTF-8 bytes without the characters lxml refuses in a tree's text (see ``xml_safe_text``);
    ``body`` itself when it holds none."""
    # Deleting the control bytes from a copy and comparing lengths runs in C at memory speed,
    # four times as fast as a search with _NOT_XML_BYTES, whose alternation tries each byte twice.
    if len(body.translate(None, _CONTROL_BYTES)) == len(body) and not any(
        noncharacter in body for noncharacter in _NONCHARACTERS
    ):
        return body
    return _NOT_XML_BYTES.sub(b"", body.replace(b"\x0c", b" "))


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_cp1252(body: bytes) -> str:
    """Bytes read as Windows-1252, what a page that is not the UTF-8 it claims usually is."""
    # The five bytes Windows-1252 leaves undefined decode to the C1 controls, as in browsers.
    return body.decode("cp1252", errors=_C1_CONTROLS)


def _as_c1_control(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeDecodeError)
    return chr(error.object[error.start]), error.start + 1


_C1_CONTROLS = "crawler-c1-controls"
codecs.register_error(_C1_CONTROLS, _as_c1_control)
