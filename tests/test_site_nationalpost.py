"""National Post: pages of the Postmedia platform that are not articles are refused with a reason; wire
stories of 2017 to 2022 (``/pmn/.../wcm/{uuid}``) and pages without JSON-LD ``creator`` keep their writers."""

from __future__ import annotations

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites import get_site
from tests.conftest import FIXTURES

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
        (
            "https://nationalpost.com/pmn/news-pmn/canada-news-pmn/b-c-attorney-general-says-serious-lack-of-"
            "sheriffs-involves-low-pay/wcm/71e603b3-51b9-4322-bc6d-7011a433f8b3",
            True,
        ),
        ("https://nationalpost.com/pmn/news-pmn/some-wire-story-about-things/wcm/not-an-id", False),
        ("https://nationalpost.com/category/news/canada/", False),
        ("https://nationalpost.com/author/jbrean/", False),
        ("https://nationalpost.com/news/canada/video/ferry-line-ups-at-horseshoe-bay", False),
    ],
)
def test_article_urls(url: str, is_article: bool) -> None:
    assert get_site("nationalpost").is_article_url(url) is is_article


_WCM_URL = (
    "https://nationalpost.com/pmn/news-pmn/world-news-pmn/alaska-icefield-survey-finds-fastest-melt-on-record"
    "/wcm/3f6c2a1e-8b4d-4e2f-9a71-0c5d2b8e6f14"
)


def test_a_2021_wire_story_names_its_writers_from_the_byline_markup() -> None:
    """No JSON-LD creator, no page state: the wire byline in capitals, its job title, then the agency."""
    folder = FIXTURES / "nationalpost" / "2021-08-19-content-group-pmn-wcm-capitals"
    record = parse_page((folder / "page.html").read_bytes(), _WCM_URL)
    assert record["authors"] == [
        {"name": "Margot Kessler"},
        {"name": "Dev Okonjo"},
        {"name": "The Associated Press", "url": "https://nationalpost.com/author/associatedpressnp"},
    ]
    assert record["articleSection"] == "PMN World"  # the breadcrumb of the URL's category, the id left out
    texts = [block["text"] for block in record["body"]]
    assert texts[0].startswith("JUNEAU, Alaska (AP) — Two of Alaska's largest icefields")
    assert texts[-1].endswith("added to a global database of glacier measurements this fall.")
    assert not [text for text in texts if "video" in text or "advertisement" in text.lower()]


_STAFF_STORY = """<!DOCTYPE html>
<html class="page-html page-story" data-page-type="story" lang="en-CA"><head>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves transit budget",
"author": {"@type": "Person", "name": "Special to National Post", "url": "https://nationalpost.com/author/np"}}
</script>
</head><body><article class="article-content-story"><header class="article-header">
<h1 class="article-title">Council approves transit budget</h1>
<div class="article-meta"><div class="published-by">
<span class="published-by__author"><a href="/author/akowal/">ANNA KOWAL</a></span></div></div></header>
<section class="article-content__content-group"><p>The vote was 9-4.</p></section></article></body></html>"""


def test_a_columnists_byline_without_creator_names_the_writer_not_the_account() -> None:
    record = parse_page(_STAFF_STORY, "https://nationalpost.com/news/canada/council-approves-transit-budget")
    assert record["authors"] == [{"name": "Anna Kowal"}]
