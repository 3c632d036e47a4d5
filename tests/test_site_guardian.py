"""The Guardian: pages that are not articles are refused with a reason, and never fetched."""

from __future__ import annotations

import json

import pytest

from crawler import parse_page
from crawler.errors import NotAnArticleError
from crawler.sites import get_site
from crawler.sites.fixtures import discover
from tests.conftest import FIXTURES, shared_path

LIVE_URL = (
    "https://www.theguardian.com/world/live/2023/may/15/russia-ukraine-war-latest-g7-reportedly-set-to-"
    "tighten-russia-sanctions-france-to-send-kyiv-military-aid-live"
)


def _dcr_page(json_ld_type: str) -> str:
    json_ld = {
        "@type": json_ld_type,
        "headline": "Storm live: updates",
        "datePublished": "2024-01-02T08:00:00Z",
    }
    return (
        '<html lang="en"><head><script type="application/ld+json">'
        f"{json.dumps(json_ld)}</script>"
        '<script>window.guardian = {"config":{"isDotcomRendering":true}};</script></head>'
        '<body><main><h1>Storm live: updates</h1><div class="article-body-commercial-selector">'
        "<p>The first update of the day.</p></div></main></body></html>"
    )


def test_the_reference_live_blog_is_refused_as_a_live_blog() -> None:
    page = shared_path("reference", "pages", "guardian", "fundus-2023-05-15-live-russia-ukraine-war.html")
    with pytest.raises(NotAnArticleError, match="live blog"):
        parse_page(page.read_bytes(), LIVE_URL)


def test_a_live_blog_posting_is_refused_whatever_its_url() -> None:
    url = "https://www.theguardian.com/world/2024/jan/02/storm-updates"
    with pytest.raises(NotAnArticleError, match="live blog"):
        parse_page(_dcr_page("LiveBlogPosting"), url)
    assert parse_page(_dcr_page("NewsArticle"), url)["headline"] == "Storm live: updates"


@pytest.mark.parametrize("kind", ["video", "gallery", "audio"])
def test_media_pages_are_refused_by_their_url(kind: str) -> None:
    url = f"https://www.theguardian.com/world/{kind}/2024/may/20/some-clip"
    with pytest.raises(NotAnArticleError, match=f"a Guardian {kind} page"):
        parse_page(_dcr_page("NewsArticle"), url)


def test_article_url_pattern() -> None:
    site = get_site("guardian")
    assert site.is_article_url("https://www.theguardian.com/world/2024/feb/24/death-toll-in-valencia-fire")
    assert site.is_article_url("https://www.theguardian.com/commentisfree/2019/nov/18/the-guardian-view-on-x")
    assert not site.is_article_url(LIVE_URL)
    assert not site.is_article_url("https://www.theguardian.com/world/video/2024/may/20/some-clip")
    assert not site.is_article_url("https://www.theguardian.com/world")


def test_an_agency_in_the_2014_templates_meta_byline_is_credited() -> None:
    # That template's byline is one of two selectors; the text of either is read, never its markup.
    case = next(case for case in discover(FIXTURES, "guardian") if "frontend" in case.path.name)
    html = (case.path / "page.html").read_text(encoding="utf-8")
    byline_end = "</span></a></span> Wildlife correspondent</p>"
    assert 'data-component="meta-byline"' in html and byline_end in html
    record = parse_page(html.replace(byline_end, "</span></a></span> and Reuters</p>"), case.meta()["url"])
    assert [person["name"] for person in record["authors"]] == ["Rosa Linden", "Reuters"]
