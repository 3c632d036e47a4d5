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


def article_body(blocks: Sequence[Block]) -> str:
    """The plain-text body: blocks separated by a blank line."""
    return "\n\n".join(block["text"] for block in blocks)


def word_count(text: str) -> int:
    """How many runs of word characters (the regex ``\\w+``) the text holds."""
    return len(_WORD.findall(text))


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
