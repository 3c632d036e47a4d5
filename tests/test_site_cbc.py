"""CBC News: pages the site module must refuse, its URL rules and its visible-date fallback."""

from __future__ import annotations

import pytest

from crawler import parse_page
from crawler.errors import NotAnArticleError
from crawler.sites.cbc import SITE, _posted


def _detail_page(app_kind: str, json_ld_type: str = "ReportageNewsArticle") -> str:
    """A minimal CBC detail page: the app container names the content type, as CBC's does."""
    return f"""<!DOCTYPE html><html lang="en"><head>
<script type="application/ld+json">{{"@type":"{json_ld_type}","headline":"Storm updates",
"datePublished":"2024-08-08T08:00Z"}}</script></head><body class="feed">
<div class="appContainer detail newsTheme {app_kind}Type canadaSection viewportLarge loaded">
<h1 class="detailHeadline">Storm updates</h1>
<div class="story"><p>Power is out for thousands of homes across the region.</p></div>
</div></body></html>"""


URL = "https://www.cbc.ca/news/canada/storm-updates-1.7300001"


def test_a_story_page_parses() -> None:
    record = parse_page(_detail_page("story"), URL)
    assert record["body"] == [
        {"type": "paragraph", "text": "Power is out for thousands of homes across the region."}
    ]


def test_a_live_blog_is_refused_with_a_reason() -> None:
    with pytest.raises(NotAnArticleError, match="live blog"):
        parse_page(_detail_page("story", "LiveBlogPosting"), URL)


@pytest.mark.parametrize("kind", ["video", "liveblog", "gallery"])
def test_a_detail_page_of_another_content_type_is_refused(kind: str) -> None:
    with pytest.raises(NotAnArticleError, match=f"a CBC {kind} page"):
        parse_page(_detail_page(kind), URL)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cbc.ca/news/world/gaza-israel-ceasefire-negotiations-sinwar-1.7287711",
        "https://www.cbc.ca/sports/hockey/nhl/calgary-flames-nashville-predators-apr-10-recap-nhl-1.6806136",
        "https://www.cbc.ca/news/canada/montreal/some-story-9.6912345",
    ],
)
def test_story_urls_are_articles(url: str) -> None:
    assert SITE.is_article_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.cbc.ca/player/play/video/9.6612345",
        "https://www.cbc.ca/player/play/2192177219661",
        "https://www.cbc.ca/news/world",
        "https://www.cbc.ca/news/world/live-updates-us-election-1.7370000",
    ],
)
def test_video_section_and_live_urls_are_not_articles(url: str) -> None:
    assert not SITE.is_article_url(url)


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("Posted: Oct 14, 2022 9:27 AM ET | Last Updated: 24 minutes ago", "2022-10-14T09:27:00-04:00"),
        ("Posted: Jan 29, 2025 2:05 PM ET", "2025-01-29T14:05:00-05:00"),
        ("Posted: Jul 02, 2023 6:10 PM PT | Last Updated: July 3", "2023-07-02T18:10:00-07:00"),
        ("Posted: Apr 11, 2023 12:47 AM EDT | Last Updated: April 11", "2023-04-11T00:47:00-04:00"),
        ("Last Updated: April 11", None),
    ],
)
def test_the_posted_stamp_gets_the_offset_its_zone_had_that_day(stamp: str, expected: str | None) -> None:
    assert _posted(stamp) == expected
