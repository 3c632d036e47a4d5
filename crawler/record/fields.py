"""Fields derived from the record's body, and which fields a record gives at all.

Derived once, here, from the blocks a parser returned: ``articleBody`` (the blocks' text),
``wordCount`` and ``metadata.contentHash`` (which tells whether two records hold the same body).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

from crawler.record.model import Block, Record

__all__ = [
    "COVERED_FIELDS",
    "article_body",
    "content_hash",
    "coverage_line",
    "coverage_shares",
    "has_field",
    "word_count",
]

#: The fields whose presence says how well a site's parser is doing (coverage, the breakage alarm).
COVERED_FIELDS = (
    "headline", "description", "authors", "datePublished", "dateModified",
    "articleSection", "keywords", "inLanguage", "mainImage", "body",
)  # fmt: skip

_WORD = re.compile(r"\w+")
#: Characters that separate words in news copy besides ASCII's: curly quotes, dashes, no-break
#: space, ellipsis (as UTF-8); none is a word character.
_SEPARATORS = tuple(character.encode() for character in "\u2019\u2018\u201c\u201d\u2014\u2013\xa0\u2026")
_NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
#: Word bytes (ASCII letters, digits and "_"; any byte of a non-ASCII character) to "a", others to " ".
_WORD_BYTES = bytes(
    b"a"[0] if byte >= 0x80 or chr(byte).isalnum() or byte == b"_"[0] else b" "[0] for byte in range(256)
)


def article_body(blocks: Sequence[Block]) -> str:
    """The plain-text body: blocks separated by a blank line."""
    return "\n\n".join(block["text"] for block in blocks)


def word_count(text: str) -> int:
    """How many runs of word characters (the regex ``\\w+``) the text holds, counted in C.

    ``findall`` makes a string of every word (90 µs on an average article). Here the text's
    UTF-8 bytes become "a" (word) and " " (the rest), and the words are the " a" pairs: exact
    once the common non-ASCII separators are spaces and every other non-ASCII character is a
    letter or digit. Text with anything else (a combining accent, a symbol) is counted by regex.
    """
    data = text.encode("utf-8", "surrogatepass")
    if not data.isascii():
        for separator in _SEPARATORS:
            data = data.replace(separator, b" ")
        if not all(run.decode("utf-8", "surrogatepass").isalnum() for run in _NON_ASCII_RUN.findall(data)):
            return len(_WORD.findall(text))
    words = data.translate(_WORD_BYTES)
    return words.count(b" a") + words.startswith(b"a")


def content_hash(body_text: str) -> str:
    """The hash that tells whether two records hold the same body."""
    return "sha256:" + hashlib.sha256(body_text.encode("utf-8")).hexdigest()


def has_field(record: Record, name: str) -> bool:
    """Whether the record gives the field a value (not null, not empty)."""
    return record.get(name) not in (None, "", [])


def coverage_shares(present: Mapping[str, int], pages: int) -> str:
    """Each covered field's share of ``pages``: ``headline 100%  authors 83% ...`` (0% of none)."""
    shares = ((name, present.get(name, 0) / pages if pages else 0.0) for name in COVERED_FIELDS)
    return "  ".join(f"{name} {share:.0%}" for name, share in shares)


def coverage_line(site_id: str, present: Mapping[str, int], pages: int) -> str:
    """A site's field coverage, as crawls and ingests print it at the end.

    ``ctvnews field coverage (6 article pages): headline 100%  authors 83% ...``
    """
    return f"{site_id} field coverage ({pages} article pages): {coverage_shares(present, pages)}"
