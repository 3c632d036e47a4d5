"""CP24 (cp24.com), CTV's Toronto sister site: CTV's own templates, newest first.

- 2024 onward, Arc XP, as CTV News: the story is in ``Fusion.globalContent`` (ANS).
- Until 2023, Polopoly, as CTV's 2019 pages: ``div.articleBody``, ``h1.articleHeadline``, a byline
  in ``div.s-data`` (a ``div.prof.bioTeaser`` with an ``a.bioLink`` and a ``span.bioTitle`` role).
  CP24 differs from CTV in two ways: its JSON-LD strings keep HTML entities (``&ldquo;``), and its
  CMS sometimes splits one paragraph over two ``<p>`` mid-sentence, which are joined again here.
"""

from __future__ import annotations

import html
import re

from crawler.record import Block
from crawler.sites.platforms.arc import ArcStoryParser
from crawler.sites.platforms.polopoly import PolopolyParser
from crawler.sites.site import Site, Source

# A paragraph that stops without closing punctuation, followed by one that starts in lower case,
# is one paragraph the CMS split in two.
_OPEN_END = re.compile(r"[^.!?:;\"'\u201d\u2019)\]\u2026]$")
_LOWER_START = re.compile(r"^[a-z]")
# CP24's ad boxes ("Advertisement"): page furniture, dropped wherever one lands inside the body.
_AD_BOXES = ("div.boxAd", "div.advert", "p.ad-below")


class Arc2024(ArcStoryParser):
    """CP24 on Arc XP (2024 onward), the same ANS story state as CTV News."""

    version = "2024-arc"


class Polopoly(PolopolyParser):
    """CP24 on Polopoly (until 2023)."""

    version = "2019-polopoly"
    drop = (*PolopolyParser.drop, *_AD_BOXES)

    def headline(self) -> str | None:
        found = super().headline()
        return html.unescape(found) if found else None

    def description(self) -> str | None:
        found = super().description()
        return html.unescape(found) if found else None

    def body(self) -> list[Block]:
        return _join_split_paragraphs(super().body())


def _join_split_paragraphs(blocks: list[Block]) -> list[Block]:
    """Join each paragraph the CMS split mid-sentence back onto the paragraph it continues."""
    joined: list[Block] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and previous["type"] == block["type"] == "paragraph"
            and _OPEN_END.search(previous["text"])
            and _LOWER_START.match(block["text"])
        ):
            previous["text"] = f"{previous['text']} {block['text']}"
            continue
        joined.append(block)
    return joined


SITE = Site(
    id="cp24",
    name="CP24",
    domains=("cp24.com",),
    timezone="America/Toronto",
    parsers=(Arc2024, Polopoly),
    # Polopoly ids ("-1.6340330") and Arc's dated or /article/ paths.
    article_url=re.compile(
        r"cp24\.com/(?:[\w-]+/)+(?:[\w-]+-1\.\d+|\d{4}/\d{2}/\d{2}/[\w-]+/?|article/[\w-]+/?)$"
    ),
    not_article_url=re.compile(r"/(?:video|gallery|photo-galleries|live)/"),
    sources=(
        Source("sitemap", "https://www.cp24.com/sitemap.xml"),
        Source("section", "https://www.cp24.com/news"),
    ),
)
