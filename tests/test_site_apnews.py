"""AP: live-update pages of both apnews.com templates are refused with a reason, never parsed as articles."""

from __future__ import annotations

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites import get_site

_BRIGHTSPOT_LIVE = """<!DOCTYPE html>
<html class="LiveBlogPage" lang="en" data-named-page-type="LiveBlog"><head>
<meta name="brightspot.contentid" content="0000019a-0000-d1e3-a7bf-fe5f3e8c0001">
<meta property="og:title" content="Election 2024 live updates">
<link rel="canonical" href="https://apnews.com/live/election-2024-updates-10-08">
</head><body><h1 class="Page-headline">Election 2024 live updates</h1>
<div class="RichTextStoryBody"><p>Follow along for the latest.</p></div></body></html>"""

_TITANIUM_LIVE = """<!DOCTYPE html>
<html lang="en"><head><meta property="og:title" content="Live updates: Storm makes landfall">
<link rel="canonical" href="https://apnews.com/article/hurricane-live-updates-0123456789abcdef0123456789abcdef">
</head><body><div data-key="card-headline"><h1>Live updates: Storm makes landfall</h1></div>
<div class="Article" data-key="article"><p>The latest on the storm.</p></div>
<script>window['titanium-state'] = {"content": {"data": {
"urn:publicid:ap.org:0123456789abcdef0123456789abcdef": {"shortId": "0123456789abcdef0123456789abcdef",
"contentType": "text", "isLiveUpdate": true}}}};</script>
</body></html>"""


def test_a_brightspot_live_blog_is_refused() -> None:
    with pytest.raises(NotAnArticleError, match="LiveBlog"):
        parse_page(_BRIGHTSPOT_LIVE, "https://apnews.com/live/election-2024-updates-10-08")


def test_a_titanium_live_updates_page_is_refused() -> None:
    url = "https://apnews.com/article/hurricane-live-updates-0123456789abcdef0123456789abcdef"
    with pytest.raises(NotAnArticleError, match="live-updates"):
        parse_page(_TITANIUM_LIVE, url)


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://apnews.com/article/mexico-economy-growth-3cc842471fb9df42315d658d88c8403a", True),
        ("https://hosted.ap.org/citizensvoice/article/2896af5086674d4bbbbd454dec217c63/uk-tories", True),
        ("https://apnews.com/live/election-2024-updates-10-08", False),
        ("https://apnews.com/video/flood-rescue-boats-texas-5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b", False),
        ("https://apnews.com/hub/ap-top-news", False),
    ],
)
def test_article_urls(url: str, is_article: bool) -> None:
    assert get_site("apnews").is_article_url(url) is is_article
