"""Reuters: pages that are not articles are refused with a reason, and never fetched as articles; the
templates of 2010 to 2020 each give the story their meta tags describe, and nothing around it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from crawler import NotAnArticleError, parse_page
from crawler.sites.reuters import SITE, split_reuters_caption
from tests.conftest import FIXTURES


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


# -- the templates before the Next.js app (2010 to 2020), on our fixture pages -------------------------

OLDER = {
    "2010-article-text": "2012-08-03-article-text-two-reporters",
    "2015-rcs": "2016-12-14-rcs-slider-subtitle",
    "2017-react": "2018-08-14-react-hashed-classes",
}
#: What each page prints around the article, which must not reach the body.
AROUND = (
    "Related News", "Related Quotes", "Tweet this", "Comments (1)", "Next In", "MORE FROM", "Sponsored",
    "Trending Stories", "Related Coverage", "Slideshow", "Trust Principles", "Min Read", "Credit:",
    "REUTERS/",
)  # fmt: skip


def _fixture(version: str) -> dict[str, Any]:
    folder = FIXTURES / "reuters" / OLDER[version]
    meta = json.loads((folder / "meta.json").read_text())
    return parse_page((folder / "page.html").read_bytes(), meta["url"])


@pytest.mark.parametrize(
    ("version", "headline", "authors", "published"),
    [
        (
            "2010-article-text",
            "Freight railroads bet on longer trains as grain harvest shrinks",
            [{"name": "Marta Quinlan"}, {"name": "Ivo Brandt"}],
            "2012-08-03T05:10:00-04:00",  # the visible time stamp, with its EDT offset
        ),
        (
            "2015-rcs",
            "Ontario utilities brace for ice storm as crews head north",
            [
                {"name": "Ruth Akintola", "url": "http://www.reuters.com/journalists/ruth-akintola"},
                {"name": "Dominik Weiss", "url": "http://www.reuters.com/journalists/dominik-weiss"},
            ],
            "2016-12-14T23:28:40+00:00",  # og:article:published_time "...+0000"
        ),
        (
            "2017-react",
            "Alpine towns ration water as glaciers retreat in record heat",
            [
                {"name": "Lucia Ferrante", "url": "https://www.reuters.com/journalists/lucia-ferrante"},
                {"name": "Tomasz Wrona", "url": "https://www.reuters.com/journalists/tomasz-wrona"},
            ],
            "2018-08-14T18:41:26+00:00",  # JSON-LD dateCreated
        ),
    ],
)
def test_each_older_template_gives_the_story_its_meta_tags_describe(
    version: str, headline: str, authors: list[dict[str, str]], published: str
) -> None:
    record = _fixture(version)
    assert record["metadata"]["parserVersion"].startswith(f"{version}/")
    assert record["headline"] == headline
    assert record["authors"] == authors
    assert record["datePublished"] == published
    assert record["isAccessibleForFree"] is True  # no Reuters paywall before 2021


@pytest.mark.parametrize("version", sorted(OLDER))
def test_each_older_template_keeps_the_article_from_dateline_to_credit_and_nothing_around_it(
    version: str,
) -> None:
    body = _fixture(version)["body"]
    texts = [block["text"] for block in body]
    assert re.match(r"^[A-Z]+(?:, [A-Za-z]+)? (?:\(Reuters\) - )?[A-Z]", texts[0])  # the dateline opens it
    assert re.match(r"^\(?Reporting by ", texts[-1])  # the closing credit ends it
    assert not [text for text in texts for words in AROUND if words in text]


def test_sub_heads_are_headings_where_the_template_marks_them() -> None:
    def types(version: str) -> dict[str, str]:
        return {block["text"]: block["type"] for block in _fixture(version)["body"]}

    assert types("2015-rcs")["LESSONS OF 1998"] == "heading"  # span.article-subtitle
    assert types("2017-react")["MELTING FASTER"] == "heading"  # h3
    assert types("2010-article-text")["CROPS AND CARS"] == "paragraph"  # a plain <p>: no sign of a sub-head


def test_lead_image_credits_are_split_from_captions_and_labels() -> None:
    assert _fixture("2010-article-text")["mainImage"] == {
        "url": "http://s1.reutersmedia.net/resources/r/?m=02&d=20120803&t=2&i=637801234&w=460&fh=&fw=&ll=&pl=&r=CBRE8720QKA00",
        "caption": "A freight train crosses a bridge near Winnipeg, Manitoba August 1, 2012.",
        "credit": "Reuters/Pavel Novak",  # "Credit: Reuters/Pavel Novak"
    }
    image = _fixture("2017-react")["mainImage"]
    assert image["credit"] == "REUTERS/Claire Dubois"
    assert image["caption"].endswith("August 13, 2018.")


def _react_page(body_class: str) -> str:
    return (
        '<html lang="en"><head><meta property="og:title" content="Port strike ends">'
        '<meta property="og:article:published_time" content="2019-03-02T10:00:00Z">'
        '<meta property="og:article:author" content="MARIE-CLAIRE DUBOIS">'
        "</head><body>"
        '<h1 class="ArticleHeader_headline">Port strike ends</h1>'
        f'<div class="{body_class}"><p>ANTWERP (Reuters) - Dock workers went back to work.</p>'
        '<div class="StandardArticleBody_trustBadgeContainer">Our Standards: The Thomson Reuters Trust '
        "Principles.</div></div></body></html>"
    )


@pytest.mark.parametrize(
    "body_class",
    ["ArticleBody_body_2ECha", "StandardArticleBody_body_1gnLA", "StandardArticleBody_body"],
)
def test_every_build_of_the_react_template_is_read_by_its_class_prefix(body_class: str) -> None:
    record = parse_page(
        _react_page(body_class), "https://www.reuters.com/article/us-belgium-port-idUSKCN1QJ0AB"
    )
    assert record["metadata"]["parserVersion"].startswith("2017-react/")
    assert [block["text"] for block in record["body"]] == [
        "ANTWERP (Reuters) - Dock workers went back to work."
    ]
    assert record["authors"] == [{"name": "Marie-Claire Dubois"}]  # printed in capitals


@pytest.mark.parametrize(
    "url",
    [
        "http://www.reuters.com/article/2012/08/03/us-railroads-grain-trains-idUSBRE8720QK20120803",
        "http://uk.reuters.com/article/us-canada-weather-ice-idUKKBN14330Q",
        "https://www.reuters.com/article/us-europe-weather-alps/alpine-towns-ration-water-idUSKBN1KZ1RG",
    ],
)
def test_article_urls_of_the_older_templates(url: str) -> None:
    assert SITE.is_article_url(url)
