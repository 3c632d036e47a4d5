"""A page its site's templates cannot read is kept: the site's rules with the generic body, then
the generic parser; the record says so in ``metadata.fallback``. Only what is certainly not an
article is refused."""

from __future__ import annotations

import re

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites.fixtures import Fixture
from tests.conftest import FIXTURES

SEED = Fixture(FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed")


def _unknown_template(case: Fixture) -> str:
    """The page after a redesign no template knows: every class renamed, the metadata kept."""
    html = (case.path / "page.html").read_text(encoding="utf-8")
    return html.replace('class="', 'class="v9-').replace("article-content__content-group", "v9-group")


def _paragraphs(record: dict[str, object]) -> list[str]:
    return [block["text"] for block in record["body"] if block["type"] == "paragraph"]  # type: ignore[attr-defined, index]


def test_a_page_in_an_unknown_template_is_read_by_the_sites_rules_with_the_generic_body() -> None:
    expected = SEED.expected()
    record = parse_page(_unknown_template(SEED), SEED.meta()["url"])
    assert record["site"] == expected["site"]
    assert record["metadata"]["parser"] == "ctvnews"
    assert record["metadata"]["parserVersion"].startswith("2024-arc+generic-body/")
    assert (
        record["metadata"]["fallback"]
        == "the CTV News template 2023-aem read no article: no article body found"
    )
    # What the site's rules read from the metadata is as the template gives it.
    for field in ("headline", "datePublished", "dateModified", "canonicalUrl"):
        assert record[field] == expected[field], field
    # The article's own paragraphs are all there, in order.
    found = iter(_paragraphs(record))
    assert all(any(text == paragraph for text in found) for paragraph in _paragraphs(expected))


def test_a_page_no_template_matches_says_so() -> None:
    html = _unknown_template(SEED).replace('content="aem-page"', 'content="v9-page"')
    record = parse_page(html, SEED.meta()["url"])
    assert record["metadata"]["fallback"] == "no CTV News template recognised the page"
    assert record["headline"] == SEED.expected()["headline"]


def test_the_generic_parser_reads_what_the_sites_rules_cannot() -> None:
    """No h1, no headline metadata: the site's rules find no headline; the generic parser reads <title>."""
    paragraphs = "".join(
        f"<p>Paragraph {n} of the story, long enough to be read as its text.</p>" for n in range(6)
    )
    html = (
        "<html><head><title>Harbour reopens after storm | CTV News</title>"
        '<meta property="og:type" content="article"></head>'
        f"<body><main><div class='story'>{paragraphs}</div></main></body></html>"
    )
    record = parse_page(html, "https://www.ctvnews.ca/canada/harbour-reopens-1.7000001")
    assert record["metadata"]["parser"] == "generic"
    assert record["site"] == {"id": "ctvnews", "name": "CTV News"}
    assert record["headline"] == "Harbour reopens after storm"
    assert record["metadata"]["fallback"] == "no CTV News template recognised the page"
    assert len(record["body"]) == 6


def test_a_page_nothing_calls_an_article_is_refused_not_kept() -> None:
    """A section front served at an article's URL (a removed story) says nothing of an article."""
    html = (
        "<html><head><title>World | CTV News</title></head><body><h1>World</h1>"
        + "".join(f"<p>Teaser {n}: a summary of another story that runs to a sentence.</p>" for n in range(5))
        + "</body></html>"
    )
    with pytest.raises(NotAnArticleError, match="nothing on it says it is an article"):
        parse_page(html, SEED.meta()["url"])


def test_a_sites_own_refusal_still_refuses_in_a_fallback() -> None:
    """The site's rules say what is not an article (an Arc video page) even when no template matched."""
    html = _unknown_template(SEED).replace('content="aem-page"', 'content="v9-page"')
    html = re.sub(r"</head>", '<script>Fusion.globalContent={"type":"video"};</script></head>', html, count=1)
    with pytest.raises(NotAnArticleError, match="an Arc video page"):
        parse_page(html, SEED.meta()["url"])


def test_records_the_sites_templates_read_carry_no_fallback() -> None:
    assert (
        "fallback" not in parse_page((SEED.path / "page.html").read_bytes(), SEED.meta()["url"])["metadata"]
    )
