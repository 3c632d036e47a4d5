"""The Article record: its types, its JSON Schema, the fields derived from its body, its validation.

This is the bottom of the house: every other room speaks this record, and this package imports
nothing of theirs (only ``crawler.errors``). Field names follow schema.org / zyte-common-items'
``Article``; the JSON Schema beside this file (``article.schema.json``) is the contract, and
:func:`validate_record` checks a record against it before anything writes it.
"""

from crawler.record.fields import (
    COVERED_FIELDS,
    article_body,
    content_hash,
    coverage_line,
    coverage_shares,
    has_field,
    word_count,
)
from crawler.record.model import Author, Block, BlockType, Image, Record
from crawler.record.validation import article_schema, validate_record, validated

__all__ = [
    "COVERED_FIELDS",
    "Author",
    "Block",
    "BlockType",
    "Image",
    "Record",
    "article_body",
    "article_schema",
    "content_hash",
    "coverage_line",
    "coverage_shares",
    "has_field",
    "validate_record",
    "validated",
    "word_count",
]
