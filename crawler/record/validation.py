"""The Article JSON Schema, shipped in the package, and the check every record passes before it is written.

The schema is compiled to Python once with fastjsonschema, rather than interpreted again for
each record: every record a parse or crawl makes is checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import Any

import fastjsonschema

from crawler.errors import InvalidRecordError
from crawler.record.model import Record


@cache
def article_schema() -> dict[str, Any]:
    """The Article JSON Schema as a dict."""
    text = resources.files("crawler.record").joinpath("article.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Callable[[Any], Any]:
    validator: Callable[[Any], Any] = fastjsonschema.compile(article_schema())
    return validator


def validate_record(record: Mapping[str, Any]) -> None:
    """Raise InvalidRecordError naming the field and the reason when the record breaks the schema."""
    try:
        _validator()(record)
    except fastjsonschema.JsonSchemaValueException as error:
        path = [str(step) for step in error.path[1:]]
        reason = error.message.replace(f"{error.name} ", "", 1)
        if error.rule == "required" and isinstance(error.value, dict):
            missing = [key for key in error.rule_definition if key not in error.value]
            path, reason = [*path, missing[0]], "is missing"
        raise InvalidRecordError(str(record.get("url", "?")), "/".join(path) or "(record)", reason) from None


def validated(record: Record) -> Record:
    """The record, once checked (raising InvalidRecordError as validate_record does)."""
    validate_record(record)
    return record
