"""BBC: live and video pages are refused with a reason; the publisher is never an author."""

from __future__ import annotations

import json

import pytest

from crawler import parse_page
from crawler.errors import NotAnArticleError
from crawler.sites import get_site


def _webcore_page(json_ld: dict[str, object]) -> str:
    return (
        '<html lang="en-GB"><head><script type="application/ld+json">'
        f"{json.dumps(json_ld)}</script></head><body><main><article>"
        '<header data-component="headline-block"><h1 id="main-heading">Flood warnings issued</h1></header>'
        '<div data-component="text-block"><p>Rain is expected to spread east overnight.</p></div>'
        "</article></main></body></html>"
    )


ARTICLE = {
    "@type": "ReportageNewsArticle",
    "headline": "Flood warnings issued",
    "datePublished": "2024-01-02T08:00:00Z",
    "author": {"@type": "NewsMediaOrganization", "name": "BBC News"},
}


def test_an_unbylined_story_has_no_author_rather_than_the_publisher() -> None:
    record = parse_page(_webcore_page(ARTICLE), "https://www.bbc.co.uk/news/uk-england-12345678")
    assert record["authors"] == []
    assert [block["text"] for block in record["body"]] == ["Rain is expected to spread east overnight."]


def test_a_live_page_is_refused() -> None:
    live = ARTICLE | {"@type": "LiveBlogPosting"}
    with pytest.raises(NotAnArticleError, match="a BBC live page"):
        parse_page(_webcore_page(live), "https://www.bbc.co.uk/news/uk-england-12345678")


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://www.bbc.co.uk/news/live/uk-12345678", "live"),
        ("https://www.bbc.com/news/av/world-europe-61234567", "av"),
        ("https://www.bbc.com/news/videos/c1d2e3f4g5ho", "videos"),
    ],
)
def test_live_and_video_urls_are_refused(url: str, kind: str) -> None:
    with pytest.raises(NotAnArticleError, match=f"a BBC {kind} page"):
        parse_page(_webcore_page(ARTICLE), url)


def test_article_url_pattern() -> None:
    site = get_site("bbc")
    assert site.is_article_url("https://www.bbc.com/news/articles/clymn8zyrp9o")
    assert site.is_article_url("https://www.bbc.com/news/newsbeat-50470672")
    assert site.is_article_url("https://www.bbc.co.uk/sport/cricket/articles/c4n1l6wx98go")
    assert site.is_article_url("https://www.bbc.co.uk/sport/football/67812345")
    assert not site.is_article_url("https://www.bbc.co.uk/news/live/uk-12345678")
    assert not site.is_article_url("https://www.bbc.com/news/av/world-europe-61234567")
    assert not site.is_article_url("https://www.bbc.com/news/in-pictures-64123456")
    assert not site.is_article_url("https://www.bbc.com/news/world")
