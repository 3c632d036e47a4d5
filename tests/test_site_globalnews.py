"""Global News pages that are not articles are refused with a reason, and their URLs are never fetched."""

from __future__ import annotations

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites import get_site

_STORY = '<article class="l-article__text js-story-text"><p>Crews worked through the night.</p></article>'


def _page(head: str) -> str:
    title = "<h1 class='l-article__title'>Storm update</h1>"
    return f"<html lang='en'><head>{head}</head><body>{title}{_STORY}</body></html>"


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (
            '<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Live"}</script>',
            "live blog",
        ),
        ('<meta property="og:type" content="video.other">', "video page"),
    ],
)
def test_live_blogs_and_video_pages_are_refused(head: str, reason: str) -> None:
    with pytest.raises(NotAnArticleError, match=reason):
        parse_page(_page(head), "https://globalnews.ca/news/10300001/storm-live-updates/")


def test_a_page_without_the_story_template_is_refused() -> None:
    with pytest.raises(NotAnArticleError, match="no Global News template recognised the page"):
        parse_page("<html><body><h1>World</h1></body></html>", "https://globalnews.ca/news/10300002/x/")


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://globalnews.ca/news/10284517/calgary-green-line-north-extension-vote/", True),
        ("https://globalnews.ca/video/10284720/green-line-vote-reaction/", False),
        ("https://globalnews.ca/tag/climate-change/", False),
        ("https://globalnews.ca/world/", False),
    ],
)
def test_spiders_follow_only_article_urls(url: str, is_article: bool) -> None:
    assert get_site("globalnews").is_article_url(url) is is_article
