"""Reuters: pages that are not articles are refused with a reason, and never fetched as articles."""

from __future__ import annotations

import json

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites.reuters import SITE, split_reuters_caption


def _fusion_page(kind: str) -> str:
    story = {
        "statusCode": 200,
        "message": "Success",
        "result": {
            "type": kind,
            "title": "Scenes from the harbour at dawn",
            "content_elements": [{"type": "paragraph", "content": "A caption-like line of text."}],
        },
    }
    return (
        '<html lang="en"><head><title>Scenes | Reuters</title></head><body>'
        f"<script>Fusion.globalContent={json.dumps(story)};</script></body></html>"
    )


@pytest.mark.parametrize(("kind", "reason"), [("video", "video page"), ("gallery", "picture gallery")])
def test_fusion_pages_that_are_not_stories_are_refused(kind: str, reason: str) -> None:
    with pytest.raises(NotAnArticleError, match=reason):
        parse_page(_fusion_page(kind), "https://www.reuters.com/world/scenes-harbour-dawn-2024-06-03/")


def test_live_blog_json_ld_is_refused() -> None:
    live = '<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Live"}</script>'
    html = _fusion_page("story").replace("</head>", live + "</head>")
    with pytest.raises(NotAnArticleError, match="live blog"):
        parse_page(html, "https://www.reuters.com/world/live-election-results-2024-06-03/")


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://www.reuters.com/world/europe/some-story-2024-06-03/", True),
        ("https://www.reuters.com/article/us-health-idUSKBN22N1QX", True),
        ("https://www.reuters.com/video/watch/idOV829104062024RP1/", False),
        ("https://www.reuters.com/pictures/scenes-midsummer-2024-06-03/", False),
        ("https://www.reuters.com/world/europe/", False),
    ],
)
def test_article_urls(url: str, is_article: bool) -> None:
    assert SITE.is_article_url(url) is is_article


def test_caption_credit_and_usage_notice_are_split() -> None:
    caption = (
        "Boats in the harbour, June 1, 2024. Someone/Handout via REUTERS"
        "  THIS IMAGE HAS BEEN SUPPLIED BY A THIRD PARTY."
    )
    assert split_reuters_caption(caption) == (
        "Boats in the harbour, June 1, 2024.",
        "Someone/Handout via REUTERS",
    )
    assert split_reuters_caption("No credit here") == ("No credit here", None)
