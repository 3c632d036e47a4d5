"""Fixture replay: every saved page through the real parser registry, every field compared."""

from __future__ import annotations

import pytest

from crawler.record.validation import validate_record
from crawler.sites import all_sites
from crawler.sites.fixtures import Fixture, discover, field_differences
from crawler.sites.site import Site
from tests.conftest import FIXTURES

CASES = list(discover(FIXTURES))
#: The seed sites carry a whole replay crawl's worth of articles; every other site at least three.
MINIMUM_CASES = {"ctvnews": 6, "globeandmail": 6}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_fixture_replays_to_its_expected_record(case: Fixture) -> None:
    record = case.replay()
    validate_record(record)
    differences = field_differences(case.expected(), record)
    report = "\n\n".join(f"field {field}:\n{diff}" for field, diff in differences.items())
    assert not differences, f"{case.name} differs from expected.json\n{report}"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_expected_records_are_complete_and_valid(case: Fixture) -> None:
    validate_record(case.expected())


@pytest.mark.parametrize("site", all_sites(), ids=lambda site: site.id)
def test_every_site_has_fixtures_for_every_template(site: Site) -> None:
    cases = list(discover(FIXTURES, site.id))
    versions = {case.expected()["metadata"]["parserVersion"].split("/")[0] for case in cases}
    assert len(cases) >= MINIMUM_CASES.get(site.id, 3)
    assert versions == set(site.versions)


@pytest.mark.parametrize("site", all_sites(), ids=lambda site: site.id)
def test_every_article_fixture_is_listed_by_a_replay_source(site: Site) -> None:
    listed = " ".join(
        path.read_text() for path in (FIXTURES / site.id / "_sources").rglob("*") if path.is_file()
    )
    for case in discover(FIXTURES, site.id):
        assert case.expected()["canonicalUrl"].split("://")[1] in listed, case.name
