"""Fuzzing: every site's parsers read mutated fixture pages; they never raise anything but the typed
refusals, and every record they return validates against the Article schema.

The mutations are the damage the open web does: bytes cut out, repeated or swapped, junk markup
and stray bytes inserted, tags renamed, JSON-LD objects bent. Example counts stay modest (the
whole file runs in seconds); a failure prints the seed that reproduces it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.errors import BrokenPageError, NotAnArticleError
from crawler.extract.page import Page
from crawler.record import Record
from crawler.record.validation import validate_record
from crawler.sites import all_sites
from crawler.sites.fixtures import Fixture, discover
from crawler.sites.parse import parse, parse_generic
from tests.conftest import FIXTURES

#: Every fixture page, which between them hold every template of every site.
PAGES: dict[str, list[tuple[Fixture, bytes]]] = {
    site.id: [(case, (case.path / "page.html").read_bytes()) for case in discover(FIXTURES, site.id)]
    for site in all_sites()
}
FETCHED = datetime(2025, 1, 1, tzinfo=UTC)
_JUNK = [
    *(b"<", b">", b"</p>", b"<div>", b"</div></div></div>", b"<script>", b"</script>", b"&", b"&#xD800;"),
    *(b"\x00", b"\xff\xfe", b"\xc3", b'"', b"<![CDATA[", b"-->", b"<!--", b"}", b'{"@type":"NewsArticle"'),
]
_BENT_JSON_LD = [b'"headline": 1, "x":', b'"author": [[]], "x":', b'"datePublished": {}, "x":']


@st.composite
def _mutated(draw: st.DrawFn, body: bytes) -> bytes:
    """The page with one to four mutations at random places."""
    for _ in range(draw(st.integers(1, 4))):
        size = len(body)
        start = draw(st.integers(0, size))
        end = draw(st.integers(start, min(size, start + draw(st.sampled_from([1, 16, 512, 8192])))))
        kind = draw(st.sampled_from(["cut", "repeat", "junk", "bytes", "rename", "swap", "json-ld"]))
        if kind == "cut":
            body = body[:start] + body[end:]
        elif kind == "repeat":
            body = body[:end] + body[start:end] * draw(st.integers(1, 3)) + body[end:]
        elif kind == "junk":
            body = body[:start] + draw(st.sampled_from(_JUNK)) + body[start:]
        elif kind == "bytes":
            body = body[:start] + draw(st.binary(min_size=1, max_size=32)) + body[start:]
        elif kind == "rename":
            old, new = draw(st.sampled_from([(b"<p", b"<span"), (b"<h1", b"<h2"), (b"article", b"section")]))
            body = body.replace(old, new, draw(st.integers(1, 5)))
        elif kind == "swap":
            other = draw(st.integers(0, size))
            body = body[:start] + body[other : other + (end - start)] + body[end:]
        else:
            body = body.replace(b'"headline":', draw(st.sampled_from(_BENT_JSON_LD)), 1)
    return body


def _check(site: str, index: int, body: bytes, parser: Callable[[Page], Record] = parse) -> None:
    case, _ = PAGES[site][index % len(PAGES[site])]
    page = Page.from_bytes(body, case.meta()["url"], "text/html; charset=utf-8", FETCHED)
    try:
        record = parser(page)
    except (NotAnArticleError, BrokenPageError):
        return  # a typed refusal, which a crawl counts under its reason
    validate_record(record)


@pytest.mark.parametrize("site", sorted(PAGES))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_mutated_pages_never_break_a_parser(site: str, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(PAGES[site]) - 1), label="fixture")
    _check(site, index, data.draw(_mutated(PAGES[site][index][1]), label="page"))


@pytest.mark.parametrize("site", sorted(PAGES))
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_mutated_pages_never_break_the_generic_parser(site: str, data: st.DataObject) -> None:
    """The generic path reads pages of any site, so every site's markup is fair game for it."""
    index = data.draw(st.integers(0, len(PAGES[site]) - 1), label="fixture")
    _check(site, index, data.draw(_mutated(PAGES[site][index][1]), label="page"), parse_generic)
