"""The seed pages: the body is exactly the article, every article line in, every boilerplate line out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from parsel import Selector

from crawler.sites.fixtures import Fixture
from tests.conftest import FIXTURES, shared_path

SEED_CASES = sorted(path.parent for path in FIXTURES.glob("*/*/seed-article.txt"))


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _without_list_marker(line: str) -> str:
    """Seeds are rendered text: an ordered list's "1." is drawn by the browser, not in the HTML."""
    return re.sub(r"^\d+\.\s+", "", line)


@pytest.fixture(params=SEED_CASES, ids=[f"{p.parent.name}/{p.name}" for p in SEED_CASES])
def seed_case(request: pytest.FixtureRequest) -> Path:
    return request.param


def test_there_is_one_seed_case_per_seed_site() -> None:
    assert {path.parent.name for path in SEED_CASES} == {"ctvnews", "globeandmail"}


def test_the_body_is_exactly_the_seed_article(seed_case: Path) -> None:
    record = Fixture(seed_case).replay()
    body = [_norm(block["text"]) for block in record["body"]]
    assert body == [_norm(line) for line in _lines(seed_case / "seed-article.txt")]


def test_no_boilerplate_line_reaches_the_body(seed_case: Path) -> None:
    record = Fixture(seed_case).replay()
    article = {_norm(line) for line in _lines(seed_case / "seed-article.txt")}
    boilerplate = [_norm(line) for line in _lines(seed_case / "seed-boilerplate.txt")]
    assert len(boilerplate) > 10
    leaked = [line for line in boilerplate if line not in article and line in record["articleBody"]]
    assert leaked == []


def test_the_page_holds_every_line_of_its_seed(seed_case: Path) -> None:
    """The fixture rebuilds the seed: each line the seed shows is text on the page."""
    seeds = shared_path("seeds")
    page = Fixture(seed_case).page()
    page_text = _norm(
        " ".join(Selector(text=page.html).xpath("//body//text()[not(ancestor::script)]").getall())
    )
    seed_file = next(
        path
        for path in seeds.glob("*.txt")
        if _norm(_lines(seed_case / "seed-article.txt")[0]) in _norm(path.read_text())
    )
    missing = [
        line
        for line in _lines(seed_file)
        if not line.startswith("date ")
        and line not in {"-", "// //"}
        and _norm(_without_list_marker(line)) not in page_text
    ]
    assert missing == []
