"""Every record is checked against the shipped JSON Schema; a bad one names its field."""

from __future__ import annotations

import copy

import pytest
from scrapy.exceptions import DropItem

from crawler.crawl.pipelines import ValidationPipeline
from crawler.errors import InvalidRecordError
from crawler.record.validation import article_schema, validate_record
from crawler.sites.fixtures import discover
from tests.conftest import FIXTURES


def test_the_schema_ships_in_the_package_and_requires_every_field_but_the_revision() -> None:
    schema = article_schema()
    assert set(schema["properties"]) - set(schema["required"]) == {"revision"}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("datePublished", "2023-06-18T08:14:00Z", "datePublished"),
        ("datePublished", "2023-06-18T08:14", "datePublished"),
        ("dateModified", "18/06/2023", "dateModified"),
        ("headline", "", "headline"),
        ("authors", [{"name": "Xavier Roe", "role": "By"}], "authors/0"),
        ("authors", [{"name": "X"}], "authors/0/name"),
        ("body", [], "body"),
        ("inLanguage", "English", "inLanguage"),
    ],
)
def test_invalid_records_are_reported_with_field_and_reason(field: str, value: object, reason: str) -> None:
    record = copy.deepcopy(next(discover(FIXTURES)).replay())
    validate_record(record)
    record[field] = value
    with pytest.raises(InvalidRecordError) as raised:
        validate_record(record)
    assert raised.value.field == reason
    assert record["url"] in str(raised.value)


@pytest.mark.parametrize("stated", ["2023-06-18T08:14:00-04:00", "2023-06-18T08:14:00", "2023-06-18", None])
def test_a_date_is_valid_in_each_form_a_page_states_it(stated: str | None) -> None:
    """With its offset, a local time without one, a day (crawler/record/dates.py), or none."""
    record = copy.deepcopy(next(discover(FIXTURES)).replay())
    record["datePublished"] = record["dateModified"] = stated
    validate_record(record)


def test_the_pipeline_drops_a_bad_item_and_passes_a_valid_record() -> None:
    record = next(discover(FIXTURES)).replay()
    pipeline = ValidationPipeline()
    assert pipeline.process_item(record) is record
    from_elsewhere = {**record, "headline": ""}  # an item another spider or middleware yields
    with pytest.raises(DropItem, match="headline"):
        pipeline.process_item(from_elsewhere)
