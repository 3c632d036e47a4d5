"""National Post: pages of the Postmedia platform that are not articles are refused with a reason."""

from __future__ import annotations

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites import get_site

_GALLERY = """<!DOCTYPE html>
<html class="page-html page-gallery np" data-page-type="gallery" lang="en-CA"><head>
<meta property="og:title" content="In photos: the Calgary Stampede parade">
<link rel="canonical" href="https://nationalpost.com/news/canada/in-photos-the-calgary-stampede-parade">
<script id="page-data" type="application/json">{"page": {"type": "gallery", "writers": {}}}</script>
</head><body><article class="article-content-story">
<section class="article-content__content-group"><p>Photo 1 of 24: floats on 9 Avenue.</p></section>
</article></body></html>"""


def test_a_gallery_page_is_refused_with_a_reason() -> None:
    with pytest.raises(NotAnArticleError, match="gallery"):
        parse_page(_GALLERY, "https://nationalpost.com/news/canada/in-photos-the-calgary-stampede-parade")


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        ("https://nationalpost.com/news/canada/kamala-harris-childhood-montreal-canada", True),
        (
            "https://nationalpost.com/pmn/news-pmn/basic-training-without-yelling-army-recruits-get-2nd-chance",
            True,
        ),
        ("https://nationalpost.com/category/news/canada/", False),
        ("https://nationalpost.com/author/jbrean/", False),
        ("https://nationalpost.com/news/canada/video/ferry-line-ups-at-horseshoe-bay", False),
    ],
)
def test_article_urls(url: str, is_article: bool) -> None:
    assert get_site("nationalpost").is_article_url(url) is is_article
