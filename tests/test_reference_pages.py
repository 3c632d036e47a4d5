"""Real pages of the target sites (../shared/reference/pages) against expectations we wrote by reading them.

The pages are the publishers' and stay outside the repository; this test skips where they are absent.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from crawler import UnknownSiteError, parse_page
from crawler.errors import NotAnArticleError
from tests.conftest import REPO, shared_path

#: One file per site, keyed by the page's path under reference/pages (``site/page.html``).
EXPECTATIONS: dict[str, dict[str, Any]] = {
    name: expected
    for path in sorted((REPO / "tests" / "reference_expectations").glob("*.json"))
    for name, expected in json.loads(path.read_text(encoding="utf-8")).items()
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_reference_page(name: str) -> None:
    expected = EXPECTATIONS[name]
    page = shared_path("reference", "pages", name)
    if "notAnArticle" in expected:
        # A live blog, video or gallery page: refused with a reason, never parsed as a broken article.
        with pytest.raises(NotAnArticleError, match=expected["notAnArticle"]):
            parse_page(page.read_bytes(), expected["url"])
        return
    try:
        record = parse_page(page.read_bytes(), expected["url"])
    except UnknownSiteError:
        pytest.skip(f"{name}: no parser for this site yet")
    paragraphs = [block["text"] for block in record["body"]]
    assert record["headline"] == expected["headline"]
    assert [a["name"] for a in record["authors"]] == expected["authors"]
    assert record["datePublished"] == expected["datePublished"]
    assert _norm(paragraphs[0]) == _norm(expected["firstParagraph"])
    assert _norm(paragraphs[-1]) == _norm(expected["lastParagraph"])
    assert len(paragraphs) == expected["paragraphCount"]


def test_every_reference_page_has_expectations() -> None:
    pages = shared_path("reference", "pages")
    names = sorted(f"{path.parent.name}/{path.name}" for path in pages.glob("*/*.html"))
    missing = [name for name in names if name not in EXPECTATIONS]
    assert not missing, f"write tests/reference_expectations/<site>.json entries for {missing}"
