"""Toronto Star pages that are not stories are refused with a reason, and their URLs are never fetched."""

from __future__ import annotations

import json

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites import get_site


def test_a_react_gallery_page_is_refused_by_its_state_type() -> None:
    state = {"storyuuid": "abc123", "type": "Gallery", "headline": "Spring in the city"}
    html = (
        "<html lang='en'><body><h1 class='c-article-headline__heading'>Spring in the city</h1>"
        "<div class='c-article-body__content'><p class='text-block-container'>Photos.</p></div>"
        f"<script>window.__PRELOADED_STATE__ = {json.dumps(state)};</script></body></html>"
    )
    with pytest.raises(NotAnArticleError, match="gallery page"):
        parse_page(html, "https://www.thestar.com/news/gta/2021/04/02/spring-in-the-city.html")


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        (
            "https://www.thestar.com/news/canada/2020/05/21/fishing-season-delayed-on-pei-as-ice-lingers.html",
            True,
        ),
        (
            "https://www.thestar.com/news/gta/toronto-library-extends-sunday-hours-at-32-branches/"
            "article_5c1e8a42-d9b3-11ee-9f7e-3b2a8c0d41f6.html",
            True,
        ),
        ("https://www.thestar.com/news/canada/ice/video_0a1b2c3d-1111-2222-3333-444455556666.html", False),
        ("https://www.thestar.com/videozone/2020/05/21/ice-on-the-harbour.html", False),
        ("https://www.thestar.com/news/canada/", False),
    ],
)
def test_spiders_follow_only_article_urls(url: str, is_article: bool) -> None:
    assert get_site("torontostar").is_article_url(url) is is_article
