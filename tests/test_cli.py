"""The crawler command as a user runs it: real files in, records and clear errors out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.cli.views import sites_table, with_sites_table
from crawler.record.validation import validate_record
from crawler.sites import all_sites
from crawler.sites.fixtures import Fixture, discover
from tests.conftest import FIXTURES, REPO

CASES = list(discover(FIXTURES))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_parse_prints_a_valid_record(case: Fixture, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(case.path / "page.html"), "--url", case.meta()["url"]]) == 0
    record = json.loads(capsys.readouterr().out)
    validate_record(record)
    assert record["headline"] == case.expected()["headline"]


def test_parse_text_view_starts_in_the_seed_shape(capsys: pytest.CaptureFixture[str]) -> None:
    case = CASES[0]
    assert main(["parse", str(case.path / "page.html"), "--url", case.meta()["url"], "--text"]) == 0
    first_line = capsys.readouterr().out.splitlines()[0]
    expected = case.expected()
    assert first_line == f"date {expected['datePublished'][:10]} {expected['headline']}"


def _error_of(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(arguments) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1
    return lines[0]


def test_empty_file_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("  \n")
    message = _error_of(["parse", str(empty), "--url", "https://www.ctvnews.ca/world/x-1.1"], capsys)
    assert message == f"crawler: error: {empty}: the file is empty"


def test_missing_file_is_one_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    message = _error_of(["parse", str(tmp_path / "nope.html"), "--url", "https://www.ctvnews.ca/x"], capsys)
    assert "nope.html: cannot read: No such file or directory" in message


def test_a_page_that_is_not_an_article_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    section = tmp_path / "section.html"
    section.write_text(
        "<html><head><title>World | CTV News</title></head><body><nav>World</nav>"
        "<ul><li><a href='/world/a-1.2'>A story</a></li></ul></body></html>"
    )
    message = _error_of(["parse", str(section), "--url", "https://www.ctvnews.ca/world"], capsys)
    assert message.startswith("crawler: error: https://www.ctvnews.ca/world: not an article:")


def test_fixtures_check_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fixtures", "check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["fixture", "result", "detail"]
    assert sum(" ok " in line for line in out[1:-1]) == len(CASES)
    assert out[-1] == f"{len(CASES)} fixtures, {len(CASES)} ok, 0 failing"


def test_fixtures_update_shows_the_diff_and_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "fixtures"
    source = CASES[0].path
    target = root / source.parent.name / source.name
    target.mkdir(parents=True)
    for name in ("page.html", "meta.json"):
        (target / name).write_bytes((source / name).read_bytes())
    stale = CASES[0].expected() | {"headline": "An old headline"}
    (target / "expected.json").write_text(json.dumps(stale))
    assert main(["fixtures", "update", "--root", str(root), "--yes"]) == 0
    out = capsys.readouterr().out
    assert '-  "headline": "An old headline",' in out
    assert out.strip().endswith("1 fixtures changed, 1 updated")
    assert json.loads((target / "expected.json").read_text()) == CASES[0].expected()


def test_parse_page_library_call_returns_the_record() -> None:
    from crawler import parse_page

    case = CASES[0]
    meta = case.meta()
    record = parse_page((case.path / "page.html").read_bytes(), meta["url"])
    assert record["articleBody"] == case.expected()["articleBody"]


def test_the_readme_table_of_sites_is_the_registrys() -> None:
    """The README's table is generated; this fails when a site changed and the table was not rewritten."""
    counts = {site.id: sum(1 for _ in discover(FIXTURES, site.id)) for site in all_sites()}
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    expected = with_sites_table(readme, sites_table(all_sites(), counts), "README.md")
    assert readme == expected, "run `crawler sites --readme README.md`"


def test_sites_readme_without_markers_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "NOTES.md"
    document.write_text("# notes\n")
    assert main(["sites", "--readme", str(document)]) == 1
    assert "NOTES.md: no supported-sites markers" in capsys.readouterr().err
    assert document.read_text() == "# notes\n"
