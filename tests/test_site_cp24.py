"""CP24: its Polopoly pages' split paragraphs, and its URL rules for both templates."""

from __future__ import annotations

import pytest

from crawler.record import Block
from crawler.sites.cp24 import SITE, _join_split_paragraphs


def _paragraphs(*texts: str) -> list[Block]:
    return [{"type": "paragraph", "text": text} for text in texts]


def test_a_paragraph_split_mid_sentence_is_joined() -> None:
    blocks = _paragraphs(
        "“As you know the vote begins today and you may want to", "wait,” she wrote.", "Next."
    )
    assert _join_split_paragraphs(blocks) == _paragraphs(
        "“As you know the vote begins today and you may want to wait,” she wrote.", "Next."
    )


def test_whole_paragraphs_and_headings_stay_apart() -> None:
    blocks: list[Block] = [
        *_paragraphs("The council voted 14-11.", "iPhone sales rose."),
        {"type": "heading", "text": "What comes next"},
        *_paragraphs("more to come"),
    ]
    assert _join_split_paragraphs(list(blocks)) == blocks


@pytest.mark.parametrize(
    ("url", "is_article"),
    [
        (
            "https://www.cp24.com/news/toronto-cannot-wait-until-after-election-for-serious-talks-1.6340330",
            True,
        ),
        ("https://www.cp24.com/local/toronto/2024/11/05/scarborough-rink-refrigeration-plant/", True),
        ("https://www.cp24.com/video?clipId=2611044", False),
        ("https://www.cp24.com/photo-galleries/winter-storm-in-pictures-1.6270001", False),
        ("https://www.cp24.com/news", False),
    ],
)
def test_article_urls(url: str, is_article: bool) -> None:
    assert SITE.is_article_url(url) is is_article
