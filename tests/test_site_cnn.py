"""CNN: video, gallery and live pages are refused with a reason, and never fetched as articles; CNN
Money's pages (money.cnn.com) are CNN's, read with their own template and Eastern Time."""

from __future__ import annotations

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites.cnn import SITE

_PAGE = """<html lang="en"><head><meta name="template_type" content="{template}">{json_ld}</head>
<body><div class="article__content">
<p class="paragraph">Some text that would pass for a paragraph.</p>
</div></body></html>"""


@pytest.mark.parametrize(("template", "reason"), [("video_leaf", "video_leaf"), ("gallery", "gallery")])
def test_component_pages_that_are_not_articles_are_refused(template: str, reason: str) -> None:
    with pytest.raises(NotAnArticleError, match=reason):
        parse_page(
            _PAGE.format(template=template, json_ld=""),
            "https://www.cnn.com/2024/03/05/us/some-clip/index.html",
        )


def test_live_blog_is_refused() -> None:
    json_ld = (
        '<script type="application/ld+json">{"@type": "LiveBlogPosting", "headline": "Live updates"}</script>'
    )
    html = _PAGE.format(template="article_leaf", json_ld=json_ld)
    with pytest.raises(NotAnArticleError, match="live blog"):
        parse_page(html, "https://www.cnn.com/2024/03/05/us/storm-updates/index.html")


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://www.cnn.com/2024/03/05/us/great-lakes-ice-cover-record-low/index.html", True),
        ("https://edition.cnn.com/2019/11/18/investing/asian-market-latest/index.html", True),
        ("http://money.cnn.com/2016/06/07/smallbusiness/food-trucks-parking-rules/index.html", True),
        ("https://money.cnn.com/2016/11/29/news/economy/us-economy-gdp-third-quarter/index.html", True),
        ("http://money.cnn.com/video/news/2016/11/21/chicago-airport-strike.cnnmoney", False),
        ("http://money.cnn.com/gallery/technology/2016/06/01/best-gadgets/index.html", False),
        ("http://money.cnn.com/news/economy/", False),
        ("https://www.cnn.com/2024/03/05/us/video/lake-erie-ice-breakup-digvid", False),
        ("https://www.cnn.com/world/live-news/great-lakes-storm-03-05-24/index.html", False),
        ("https://www.cnn.com/2024/03/05/world/gallery/lantern-festival-photos/index.html", False),
        ("https://www.cnn.com/world", False),
    ],
)
def test_article_urls(url: str, is_article: bool) -> None:
    assert SITE.is_article_url(url) is is_article


_MONEY_URL = "http://money.cnn.com/2016/11/29/news/economy/holiday-hiring-warehouses/index.html"


def _money_page(stamps: tuple[str, str], author: str, lede: str = "<h2>Warehouses are hiring.</h2>") -> str:
    """A CNN Money story: meta tags only, times in Eastern Time, the story in div#storytext."""
    published, updated = stamps
    return f"""<html><head><meta name="date" content="{published}">
<meta name="author" content="{author}"><meta property="og:title" content="Holiday hiring">
<meta name="section" content="news"></head><body>
<h1 class="article-title">Holiday hiring shifts to warehouses</h1>
<span class="byline-timestamp"><span class="cnnbyline"><span class="byline">by {author}</span></span>
<span class="cnnDateStamp"> {updated} </span></span>
<div id="storytext"><div class="cnnplayer"><div class="cnnHeadline">Watch: inside a warehouse</div></div>
{lede}<p>Retailers plan to hire fewer store clerks this season.</p>
<p><a href="/2016/11/01/news/x/"><span class="inStoryHeading">Related: Store hiring slows</span></a></p>
<div class="storytimestamp"><span class="cnnStorySource">CNNMoney (New York)</span>
<span class="cnnDateStamp">First published November 29, 2016: 9:00 AM ET</span></div></div></body></html>"""


@pytest.mark.parametrize(
    ("stamps", "published", "modified"),
    [
        (
            ("2016-11-29 09:00:12", "November 29, 2016: 4:30 PM ET"),
            "2016-11-29T09:00:12-05:00",  # EST
            "2016-11-29T16:30:00-05:00",
        ),
        (
            ("2016-06-07 10:05:21", "June 7, 2016: 10:05 AM ET"),
            "2016-06-07T10:05:21-04:00",  # EDT
            "2016-06-07T10:05:00-04:00",
        ),
    ],
)
def test_cnn_money_times_are_eastern_time_with_the_offset_of_their_season(
    stamps: tuple[str, str], published: str, modified: str
) -> None:
    record = parse_page(_money_page(stamps, "Nora Vasquez"), _MONEY_URL)
    assert record["metadata"]["parserVersion"].startswith("2012-money/")
    assert (record["datePublished"], record["dateModified"]) == (published, modified)


def test_cnn_money_opens_with_its_large_first_sentence_and_keeps_only_the_story() -> None:
    record = parse_page(_money_page(("2016-11-29 09:00:12", "x"), "Nora Vasquez"), _MONEY_URL)
    assert record["headline"] == "Holiday hiring shifts to warehouses"
    assert record["body"] == [
        {"type": "paragraph", "text": "Warehouses are hiring."},
        {"type": "paragraph", "text": "Retailers plan to hire fewer store clerks this season."},
    ]


def test_cnn_money_names_in_capitals_and_job_titles() -> None:
    author = "ANNE-MARIE O'ROURKE and JOHN MCALLISTER, CNNMoney Staff Writers"
    record = parse_page(_money_page(("2016-11-29 09:00:12", "x"), author), _MONEY_URL)
    assert record["authors"] == [{"name": "Anne-Marie O'Rourke"}, {"name": "John McAllister"}]
