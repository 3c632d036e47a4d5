"""The Article JSON Schema, shipped in the package, and the check every record passes before it is written."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from crawler.errors import InvalidRecordError


@cache
def article_schema() -> dict[str, Any]:
    """The Article JSON Schema as a dict."""
    text = resources.files("crawler").joinpath("schema/article.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(article_schema())


def validate_record(record: dict[str, Any]) -> None:
    """Raise InvalidRecordError naming the field and the reason when the record breaks the schema."""
    error = best_match(_validator().iter_errors(record))
    if error is None:
        return
    field = "/".join(str(step) for step in error.absolute_path) or "(record)"
    raise InvalidRecordError(str(record.get("url", "?")), field, error.message)
