"""CNN: video, gallery and live pages are refused with a reason, and never fetched as articles."""

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
        ("https://www.cnn.com/2024/03/05/us/video/lake-erie-ice-breakup-digvid", False),
        ("https://www.cnn.com/world/live-news/great-lakes-storm-03-05-24/index.html", False),
        ("https://www.cnn.com/2024/03/05/world/gallery/lantern-festival-photos/index.html", False),
        ("https://www.cnn.com/world", False),
    ],
)
def test_article_urls(url: str, is_article: bool) -> None:
    assert SITE.is_article_url(url) is is_article
