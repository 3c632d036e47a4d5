"""Fixture folders: a saved page, its fetch facts and the record the parser must produce.

``fixtures/<site>/<case>/{page.html, meta.json, expected.json}``; the replay feeds the page
through the real parser registry, exactly as a crawl would.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from crawler.errors import FixtureError
from crawler.extract.page import Page
from crawler.files import pretty_json, write_json, write_text_atomically
from crawler.record import Record
from crawler.sites.parse import parse

PAGE_FILE = "page.html"
META_FILE = "meta.json"
EXPECTED_FILE = "expected.json"


@dataclass(frozen=True)
class Fixture:
    """One fixture case folder."""

    path: Path

    @property
    def site_id(self) -> str:
        return self.path.parent.name

    @property
    def name(self) -> str:
        return f"{self.site_id}/{self.path.name}"

    def meta(self) -> dict[str, Any]:
        """The fetch facts: url, status, headers, fetchedAt."""
        meta: dict[str, Any] = _read_json(self.path / META_FILE)
        for key in ("url", "fetchedAt"):
            if not isinstance(meta.get(key), str):
                raise FixtureError(str(self.path / META_FILE), f"missing or non-string {key!r}")
        return meta

    def page(self) -> Page:
        """The saved page, decoded with the charset its headers state."""
        meta = self.meta()
        page_file = self.path / PAGE_FILE
        if not page_file.is_file():
            raise FixtureError(str(page_file), "missing page file")
        headers = {k.lower(): v for k, v in meta.get("headers", {}).items()}
        return Page.from_bytes(
            page_file.read_bytes(),
            url=meta["url"],
            content_type=headers.get("content-type"),
            fetched_at=_fetch_time(meta["fetchedAt"], self.path / META_FILE),
            status=meta.get("status", 200),
        )

    def replay(self) -> Record:
        """Parse the saved page through the parser registry."""
        return parse(self.page())

    def expected(self) -> Record:
        """The reviewed record."""
        expected: Record = _read_json(self.path / EXPECTED_FILE)
        return expected

    def has_expected(self) -> bool:
        return (self.path / EXPECTED_FILE).is_file()

    def write_expected(self, record: Record) -> None:
        """Store a record as the expected one (stable key order, readable diffs)."""
        write_json(self.path / EXPECTED_FILE, record)


def save_fixture(root: Path, page: Page, record: Record) -> Fixture:
    """Store a fetched page, its fetch facts and its record as a new fixture case (record mode)."""
    day = (record["datePublished"] or record["metadata"]["dateDownloaded"])[:10]
    case = Fixture(root / record["site"]["id"] / f"{day}-{record['id']}")
    case.path.mkdir(parents=True, exist_ok=True)
    write_text_atomically(case.path / PAGE_FILE, page.html)
    meta = {
        "url": page.url,
        "status": page.status,
        "headers": {"Content-Type": "text/html; charset=utf-8"},  # the page is stored as UTF-8 text
        "fetchedAt": record["metadata"]["dateDownloaded"],
    }
    write_json(case.path / META_FILE, meta)
    case.write_expected(record)
    return case


def discover(root: Path, site_id: str | None = None) -> Iterator[Fixture]:
    """Every fixture case under ``root`` (a folder holding a page.html), sorted, optionally one site's."""
    for page_file in sorted(root.glob(f"{site_id or '*'}/*/{PAGE_FILE}")):
        yield Fixture(page_file.parent)


def field_differences(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> dict[str, str]:
    """Per top-level field of ``expected``, a unified diff where ``actual`` differs."""
    differences = {}
    for field, value in expected.items():
        got = actual.get(field, "<missing>")
        if got != value:
            differences[field] = "\n".join(
                difflib.unified_diff(
                    pretty_json(value).splitlines(),
                    pretty_json(got).splitlines(),
                    "expected",
                    "actual",
                    lineterm="",
                )
            )
    return differences


def record_diff(old: Mapping[str, Any], new: Record) -> str:
    """A unified diff of two whole records, as ``fixtures update`` shows it."""
    return "\n".join(
        difflib.unified_diff(
            pretty_json(old).splitlines(),
            pretty_json(new).splitlines(),
            "expected.json",
            "new",
            lineterm="",
        )
    )


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FixtureError(str(path), "missing file") from None
    except json.JSONDecodeError as error:
        raise FixtureError(str(path), f"invalid JSON at line {error.lineno}: {error.msg}") from None


def _fetch_time(value: str, source: Path) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FixtureError(str(source), f"fetchedAt {value!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        raise FixtureError(str(source), f"fetchedAt {value!r} has no UTC offset")
    return moment
