"""The speed tricks that pay end to end, each beside the plain version it must agree with.

Private to ``extract``. A trick lives here only while it makes ``bench/parse.py`` or
``bench/crawl.py`` more than 3% faster than its plain twin, measured in the same run
(``bench/ab.py``); ``tests/test_extract.py`` checks that each gives its twin's answers.
"""

from __future__ import annotations

import re

__all__ = ["may_hold_mojibake", "may_hold_mojibake_plainly"]

#: A UTF-8 lead character read as Windows-1252 and the start of a continuation character, as
#: UTF-8 bytes: each lead character (U+00C2 to U+00F4) is ``\xc3`` and one byte, and each
#: continuation character starts with one of five bytes.
_MOJIBAKE_UTF8 = re.compile(rb"\xc3[\x82-\xb4][\xc2\xc5\xc6\xcb\xe2]")
#: ``may_hold_mojibake`` finds ``\xc3`` bytes one at a time while they are on average at least
#: this many bytes apart (checked every so many bytes found), else the regex search takes over.
_SPARSE_LEAD_SPACING = 1200
_LEADS_PER_DENSITY_CHECK = 32


def may_hold_mojibake_plainly(utf8_body: bytes) -> bool:
    """Whether UTF-8 bytes hold a lead character followed by a continuation character."""
    return _MOJIBAKE_UTF8.search(utf8_body) is not None


def may_hold_mojibake(utf8_body: bytes) -> bool:
    """``may_hold_mojibake_plainly``, reaching the ``\xc3`` bytes that start every such pair by
    ``bytes.find``.

    The regex steps through every byte of the page, where ``bytes.find`` jumps from one
    ``\xc3`` to the next: on English pages, whose accented letters are few and far apart, that
    is most of the page skipped. Where they are dense, as on a French page, the regex is the
    cheaper, and it takes over.
    """
    position = utf8_body.find(b"\xc3")
    found = 0
    while position >= 0:
        if _MOJIBAKE_UTF8.match(utf8_body, position):
            return True
        found += 1
        if found % _LEADS_PER_DENSITY_CHECK == 0 and position < found * _SPARSE_LEAD_SPACING:
            return _MOJIBAKE_UTF8.search(utf8_body, position + 1) is not None
        position = utf8_body.find(b"\xc3", position + 1)
    return False
