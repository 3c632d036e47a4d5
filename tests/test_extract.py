"""The shared parsing helpers, on small real-shaped inputs."""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta

import lxml.html
import pytest
from dateutil import tz
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from parsel import Selector, SelectorList

from crawler.extract._fast import (
    css_to_xpath_on_class_axis,
    css_to_xpath_plainly,
    html_fragments,
    may_hold_mojibake,
    may_hold_mojibake_plainly,
    new_element,
    parse_utf8,
    parse_utf8_plainly,
)
from crawler.extract._query import css_to_xpath
from crawler.extract.blocks import blocks_from_html
from crawler.extract.bylines import authors_from_json_ld, split_byline
from crawler.extract.charset import encoding_doubt, reads_as_utf8, repair_mojibake, undecodable_share
from crawler.extract.dates import format_iso, parse_date, read_date
from crawler.extract.images import image, split_caption_credit
from crawler.extract.next_data import page_props
from crawler.extract.page import Page, collapse_whitespace
from crawler.extract.published import in_page_offset
from crawler.extract.state import json_after
from crawler.extract.urls import clean_url, domain_of, joined_url, url_id, web_url
from crawler.record import word_count
from crawler.record.dates import has_offset, has_time, moment_of


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        ("2023-03-24T06:14:32.000-04:00", "2023-03-24T06:14:32-04:00"),
        ("2024-08-16T12:27:08.062Z", "2024-08-16T12:27:08+00:00"),
        ("2024-08-16T08:27:08-0400", "2024-08-16T08:27:08-04:00"),
        ("Fri Mar 24 06:24:01 EDT 2023", "2023-03-24T06:24:01-04:00"),
        ("Monday, Dec. 29 2014, 6:00 PM EST", "2014-12-29T18:00:00-05:00"),
        ("Published Monday, November 18, 2019 8:22AM EST", "2019-11-18T08:22:00-05:00"),
        ("Last Updated Tuesday, September 27, 2022 3:18PM EDT", "2022-09-27T15:18:00-04:00"),
        ("Sept. 3 2014, 12:05 AM PDT", "2014-09-03T00:05:00-07:00"),
    ],
)
def test_dates_keep_the_stated_offset(stated: str, expected: str) -> None:
    assert parse_date(stated) == expected


@pytest.mark.parametrize("stated", ["2023-03-24", "2021-07-26T15:39:50", "yesterday-ish", "", None, 17])
def test_dates_without_a_zone_are_never_invented(stated: object) -> None:
    assert parse_date(stated) is None


@pytest.mark.parametrize(
    "stated",
    [
        "0001-01-01T00:00:00Z",
        "1970-01-01T00:00:00+00:00",
        "1989-12-31T23:59:59+00:00",
        "9999-12-31T23:59:59Z",
    ],
)
def test_a_placeholder_date_is_no_date(stated: str) -> None:
    """A CMS with no date writes 0001-01-01 or 1970-01-01: before 1990 or after tomorrow is a placeholder."""
    assert parse_date(stated) is None


def test_the_plausible_dates_run_from_1990_to_tomorrow() -> None:
    assert parse_date("1990-01-01T00:00:00+00:00") == "1990-01-01T00:00:00+00:00"
    tomorrow = datetime.now(UTC) + timedelta(hours=23)
    assert parse_date(tomorrow.isoformat()) == format_iso(tomorrow)
    assert parse_date((tomorrow + timedelta(days=2)).isoformat()) is None


def test_a_zone_dateutil_does_not_know_is_refused_quietly() -> None:
    # "IST" is India's, Ireland's or Israel's: no offset is guessed, and no warning is printed.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_date("March 12, 2024 10:00 AM IST") is None
        assert parse_date("March 12, 2024 10:00 AM EDT") == "2024-03-12T10:00:00-04:00"


@pytest.mark.parametrize(
    ("stated", "kept"),
    [
        ("2019-11-20T06:37:00", "2019-11-20T06:37:00"),  # no offset stated: none invented
        ("2023-11-08 17:49:09", "2023-11-08T17:49:09"),
        ("2019-10-01", "2019-10-01"),  # a day, no time
        ("25/12/2019", "2019-12-25"),  # day and month told apart by the 25
        ("1. November 2023 10:29", "2023-11-01T10:29:00"),
        ("March 12, 2024 10:00 AM IST", "2024-03-12T10:00:00"),  # a zone no one can place: the local time
        ("2024-08-16T08:27:08-0400", "2024-08-16T08:27:08-04:00"),  # an offset, as parse_date gives it
    ],
)
def test_a_date_without_an_offset_is_kept_as_stated(stated: str, kept: str) -> None:
    assert read_date(stated) == kept


@pytest.mark.parametrize(
    "stated",
    [
        "March 2019",
        "2019",
        "12:30",
        "03/04/2023",
        "01-11-2023 10:29",
        "0001-01-01T00:00:00",
        "1970-01-01",
        "",
    ],
)
def test_a_date_is_never_filled_in(stated: str) -> None:
    """A month, a year, a time alone, a day and month no one can tell apart, a placeholder: no date."""
    assert read_date(stated) is None


def test_a_time_without_an_offset_takes_the_known_zone_s() -> None:
    toronto = tz.gettz("America/Toronto")
    assert read_date("2019-11-20T06:37:00", toronto) == "2019-11-20T06:37:00-05:00"
    assert read_date("2019-07-20 06:37", toronto) == "2019-07-20T06:37:00-04:00"  # summer time
    assert read_date("2019-07-20T06:37:00+00:00", toronto) == "2019-07-20T06:37:00+00:00"  # stated wins
    assert read_date("2019-07-20", toronto) == "2019-07-20"  # a day has no offset
    assert parse_date("2019-11-20T06:37:00", toronto) == "2019-11-20T06:37:00-05:00"


def test_the_record_s_dates_compare_as_moments() -> None:
    assert moment_of("2019-11-20T06:37:00-05:00") == datetime(2019, 11, 20, 11, 37, tzinfo=UTC)
    assert moment_of("2019-11-20T06:37:00") == datetime(2019, 11, 20, 6, 37, tzinfo=UTC)
    assert moment_of("2019-11-20") == datetime(2019, 11, 20, tzinfo=UTC)
    assert [has_offset(d) for d in ("2019-11-20T06:37:00+00:00", "2019-11-20T06:37:00")] == [True, False]
    assert [has_time(d) for d in ("2019-11-20T06:37:00", "2019-11-20")] == [True, False]


@pytest.mark.parametrize(
    ("stated", "others", "local"),
    [
        # UTC in one place, the newsroom's clock without an offset in another: the page's offset.
        ("2023-11-09T01:49:09+00:00", ["2023-11-08T17:49:09"], "2023-11-08T17:49:09-08:00"),
        # UTC, and the same instant with the local offset.
        ("2019-10-18T22:04:00+00:00", ["2019-10-19T00:04:00+02:00"], "2019-10-19T00:04:00+02:00"),
        # A local time, and the same wall clock with its offset.
        ("2021-11-29T15:13:37", ["2021-11-29T15:13:37+01:00"], "2021-11-29T15:13:37+01:00"),
        # A local time, and the same moment in UTC.
        ("2021-11-29T15:13:37", ["2021-11-29T14:13:37+00:00"], "2021-11-29T15:13:37+01:00"),
        # Another moment says nothing of this one's offset.
        (
            "2023-11-09T01:49:09+00:00",
            ["2023-11-08T17:50:00", "2023-11-07T01:49:09"],
            "2023-11-09T01:49:09+00:00",
        ),
        (
            "2021-11-29T15:13:37",
            ["2021-11-29T15:13:37+00:00", "2021-12-29T15:13:37+01:00"],
            "2021-11-29T15:13:37+00:00",
        ),
        ("2021-11-29T15:13:37", ["2021-11-29T16:13:37"], "2021-11-29T15:13:37"),
        ("2020-04-14T00:38:07-04:00", ["2020-04-14T04:38:07+00:00"], "2020-04-14T00:38:07-04:00"),
        ("2019-10-01", ["2019-10-01T08:00:00+02:00"], "2019-10-01"),  # a day stays a day
    ],
)
def test_a_moment_stated_twice_gives_the_page_s_offset(stated: str, others: list[str], local: str) -> None:
    assert in_page_offset(stated, others) == local


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("Sam Metz And Barbara Ortutay", ["Sam Metz", "Barbara Ortutay"]),
        (
            "By Jill Colvin and Colleen Long, The Associated Press",
            ["Jill Colvin", "Colleen Long", "The Associated Press"],
        ),
        ("The Globe and Mail", []),
        ("Staff", []),
        ("CTVNews.ca Staff", []),
        ("By ", []),
    ],
)
def test_bylines_split_into_people(byline: str, names: list[str]) -> None:
    assert split_byline(byline) == names


def test_json_ld_authors_split_joint_names_and_keep_profile_urls() -> None:
    value = [
        {
            "@type": "Person",
            "name": "The Associated Press",
            "sameAs": "https://www.ctvnews.ca/the-associated-press-1.4652227",
        },
        {"@type": "Person", "name": "Sam Metz And Barbara Ortutay"},
    ]
    assert authors_from_json_ld(value) == [
        {
            "name": "The Associated Press",
            "url": "https://www.ctvnews.ca/the-associated-press-1.4652227",
        },
        {"name": "Sam Metz"},
        {"name": "Barbara Ortutay"},
    ]


def test_blocks_keep_article_text_and_drop_boilerplate() -> None:
    blocks = blocks_from_html(
        [
            '<span class="placeline">SALT LAKE CITY - </span>',
            "<p> Children and teens in <a href='/x'>Utah</a> would lose access.</p>",
            "<ul><li><strong><a href='/newsletters'>Capital Dispatch: Sign up</a></strong></li></ul>",
            "<div class='ad'><p>Story continues below advertisement</p></div>",
            "<h2>MIGRATION BREAKTHROUGH</h2>",
            "<ul><li>one point</li><li>another point</li></ul>",
            "<blockquote><p>A quoted line.</p></blockquote>",
            "<figure><figcaption>A caption (AP Photo)</figcaption></figure>",
            "<p>------</p>",
            "<p>(<a href='/related'>Related: another story</a>)</p>",
            "<p><em>This report by The Canadian Press was first published March 24, 2023.</em></p>",
        ]
    )
    assert blocks == [
        {
            "type": "paragraph",
            "text": "SALT LAKE CITY - Children and teens in Utah would lose access.",
        },
        {"type": "heading", "text": "MIGRATION BREAKTHROUGH"},
        {
            "type": "list",
            "text": "one point\nanother point",
            "items": ["one point", "another point"],
        },
        {"type": "quote", "text": "A quoted line."},
        {
            "type": "paragraph",
            "text": "This report by The Canadian Press was first published March 24, 2023.",
        },
    ]


def test_drop_selectors_remove_their_nodes_and_keep_the_text_around_them() -> None:
    fragment = (
        '<p>One <span class="ad big">ad</span>two</p><p class="promo">promo</p>'
        '<div class="box"><p>three</p><p data-kind="Promo">promo</p></div><p id="gate">gate</p>'
    )
    drop = (".ad", "p.promo", "#gate", '.box > [data-kind="Promo"]')
    assert [block["text"] for block in blocks_from_html([fragment], drop)] == ["One two", "three"]


@pytest.mark.parametrize(
    "boilerplate",
    [
        "<div class='newsletter-widget'><h3>Harbour Headlines</h3><p>The day's top stories, every "
        "morning.</p><p class='disclaimer'>By signing up you consent to receive the above newsletter "
        "from Example Media Inc.</p></div>",
        "<div class='js-submit-success' hidden><p>Thanks for signing up!</p></div>",
        "<p><strong>A SIMPLE GUIDE:</strong> <a href='/guide'>How to file your taxes this spring</a></p>",
        "<div style='display: none'><h2>Ask me</h2><p>Send us your questions.</p></div>",
        "<section style='display:none'><p>Share this Explainer</p></section>",
        "<p class='image-caption'>The harbour at dawn on Monday.</p>",
        "<div class='photo-caption'>Infographic: ferry crossings, 1990 to 2020</div>",
    ],
)
def test_blocks_leave_out_what_every_site_adds(boilerplate: str) -> None:
    """Sign-up widgets, promos in capitals, hidden sections and captions inside the body are no
    paragraphs of the article, on any site."""
    article = ["<p>The ferry will run every twenty minutes from June.</p>", "<p>Fares rise in July.</p>"]
    blocks = blocks_from_html([article[0], boilerplate, article[1]])
    assert [block["text"] for block in blocks] == [
        "The ferry will run every twenty minutes from June.",
        "Fares rise in July.",
    ]


def test_a_line_in_capitals_with_more_than_a_link_stays() -> None:
    line = "<p>UPDATE: The ministry <a href='/statement'>said on Tuesday</a> the fares would not rise.</p>"
    assert [block["text"] for block in blocks_from_html([line])] == [
        "UPDATE: The ministry said on Tuesday the fares would not rise."
    ]


@pytest.mark.parametrize(
    ("caption", "credit", "expected"),
    [
        ("Media caption, The minister at the podium", None, ("The minister at the podium", None)),
        (
            "Image caption, Crowds in the rain",
            "Image source, Getty Images",
            ("Crowds in the rain", "Getty Images"),
        ),
        ("Media reports on the storm", None, ("Media reports on the storm", None)),
    ],
)
def test_captions_and_credits_lose_the_screen_readers_label(
    caption: str, credit: str | None, expected: tuple[str | None, str | None]
) -> None:
    lead = image("/a.jpg", "https://example.com/news/a", caption, credit)
    assert lead is not None and (lead["caption"], lead["credit"]) == expected


def test_caption_credit_split() -> None:
    assert split_caption_credit(
        "Gov. Cox signs bills on Thursday. (Trent Nelson/The Salt Lake Tribune via AP)"
    ) == (
        "Gov. Cox signs bills on Thursday.",
        "Trent Nelson/The Salt Lake Tribune via AP",
    )
    assert split_caption_credit("No credit here") == ("No credit here", None)


@pytest.mark.parametrize(
    ("url", "joined"),
    [
        ("/world/story", "https://example.com/world/story"),
        ("https://a.ca/b?#c", "https://a.ca/b#c"),  # as urljoin gives it: no empty query
        ("https://[::1/b", None),  # urljoin refuses it: the link is dropped, not the record
        ("https://<![CDATA[host/a", None),
    ],
)
def test_a_link_is_joined_to_the_page_or_dropped(url: str, joined: str | None) -> None:
    assert joined_url(url, "https://example.com/a/b") == joined


@pytest.mark.parametrize(
    ("link", "encoded"),
    [
        (" https://Example.com/a b/ ", "https://example.com/a%20b/"),
        (
            "https://example.com/caf\u00e9?q=d\u00e9j\u00e0 vu&x=1",
            "https://example.com/caf%C3%A9?q=d%C3%A9j%C3%A0%20vu&x=1",
        ),
        ("https://seglerblog.st\u00f6ssenseer.de/a/", "https://seglerblog.xn--stssenseer-fcb.de/a/"),
        ("https://example.com/p%C3%A4dophilie/", "https://example.com/p%C3%A4dophilie/"),  # escapes kept
        ("/a\tb\n/c d", "https://example.com/ab/c%20d"),  # relative; tabs and line breaks go
        ("mailto:someone@example.com", None),
        ("https://example.com:99999/", None),
        ("hard::blog.python.org.html", None),
        ("https://<www.example.com/a", None),  # no host has a "<"
        ("https://www.example.com%3Cx/", None),
        ("http://[2001:db8::1]:8080/a", "http://[2001:db8::1]:8080/a"),
    ],
)
def test_web_urls_are_percent_encoded_as_browsers_send_them(link: str, encoded: str | None) -> None:
    assert web_url(link, "https://example.com/x/") == encoded


def test_an_idn_host_is_its_punycode_domain() -> None:
    assert domain_of("https://www.st\u00f6ssenseer.de/a b") == "xn--stssenseer-fcb.de"
    assert clean_url("https://st\u00f6ssenseer.de/caf\u00e9 au lait/?utm_source=x") == (
        "https://xn--stssenseer-fcb.de/caf%C3%A9%20au%20lait/"
    )


def test_clean_url_strips_tracking_and_fragment() -> None:
    url = "https://WWW.theglobeandmail.com/world/article-x/?utm_source=rss&cmp=rss&page=2#comments"
    assert clean_url(url) == "https://www.theglobeandmail.com/world/article-x/?page=2"
    assert url_id(clean_url(url)) == url_id("https://www.theglobeandmail.com/world/article-x/?page=2")
    assert len(url_id(url)) == 16


def test_page_flattens_json_ld_graphs_and_skips_broken_blocks() -> None:
    html = """<html><head>
    <script type="application/ld+json">{not json</script>
    <script type="application/ld+json">
      {"@graph": [{"@type": "WebSite"}, {"@type": ["NewsArticle"], "headline": "H"}]}
    </script>
    <meta property="og:title" content=" OG title "></head><body></body></html>"""
    page = Page(html=html, url="https://example.com/a", fetched_at=datetime.now(UTC))
    assert page.article_json_ld["headline"] == "H"
    assert page.meta("og:title") == "OG title"
    assert page.meta("missing") is None


_PARAGRAPH = "Un café — s\u2019il vous plaît"  # an em dash and a curly quote: Windows-1252 bytes 0x97, 0x92
_CAFE = f"<html><head><title>Café</title></head><body><p>{_PARAGRAPH}</p></body></html>"


@pytest.mark.parametrize(
    "page",
    [
        Page.from_bytes(_CAFE.encode("utf-8"), "https://example.com/a"),  # kept as bytes
        Page(_CAFE, "https://example.com/a"),  # made from text
        Page.from_bytes(_CAFE.encode("utf-16"), "https://example.com/a"),  # decoded at once
    ],
    ids=["utf8-bytes", "text", "utf16-bytes"],
)
def test_a_page_reads_the_same_whether_kept_as_bytes_or_text(page: Page) -> None:
    assert page.contains("café — s\u2019il") and not page.contains("tea")
    assert not page.is_blank()
    assert page.start(14) == "<html><head><t"
    assert page.end(7) == "</html>"
    assert page.css_text("p") == _PARAGRAPH
    assert page.nodes("title::text") == page.selector.css("title::text").getall() == ["Café"]
    assert [node.tag for node in page.nodes("head > *, p")] == ["title", "p"]
    assert page.css_attr("html", "lang") is None and page.css_text("h2") is None
    assert page.html == _CAFE


def test_bytes_labelled_utf8_that_are_not_are_read_as_windows_1252() -> None:
    body = _CAFE.encode("cp1252")
    tree_first = Page.from_bytes(body, "https://example.com/a", "text/html; charset=utf-8")
    assert tree_first.css_text("p") == _PARAGRAPH  # lxml reports the bad bytes
    assert tree_first.html == _CAFE and tree_first.raw is None
    text_first = Page.from_bytes(body, "https://example.com/a", "text/html; charset=utf-8")
    assert text_first.html == _CAFE
    assert text_first.css_text("title") == "Café"


@pytest.mark.parametrize("spacing", [1, 2000])  # dense (a French page) and sparse (an English one)
@pytest.mark.parametrize("accents", [0, 5, 31, 32, 33, 200])
def test_mojibake_is_found_after_any_number_of_accented_letters(accents: int, spacing: int) -> None:
    words = ("é" + " " * spacing) * accents
    clean = f"<p>{words}Café</p>".encode()
    mangled = f"<p>{words}{'Café'.encode().decode('cp1252')}</p>".encode()  # "CafÃ©" after the accents
    assert reads_as_utf8(clean, "text/html; charset=utf-8")
    assert not reads_as_utf8(mangled, "text/html; charset=utf-8")
    assert Page.from_bytes(mangled, "https://example.com/a").css_text("p") == " ".join(f"{words}Café".split())


#: Pieces of UTF-8 pages: accented letters, mojibake ("é" read as Windows-1252, "Ã©"), other
#: bytes after a lead, and runs of ASCII that make the leads sparse or dense.
_MOJIBAKE_PIECES = [
    b"\xc3\xa9",
    "\u00c3\u00a9".encode(),
    b"\xc3\x82\xe2",
    b"\xc3",
    b"a",
    b" " * 40,
    b" " * 1500,
]


@given(st.lists(st.sampled_from(_MOJIBAKE_PIECES), max_size=300).map(b"".join))
@example(b"\xc3\xa9 " * 40 + "\u00c3\u00a9".encode())
@example((b"\xc3\xa9" + b" " * 1500) * 40 + "\u00c3\u00a9".encode())
def test_the_mojibake_byte_check_answers_as_its_plain_twin(body: bytes) -> None:
    assert may_hold_mojibake(body) == may_hold_mojibake_plainly(body)


@pytest.mark.parametrize("as_bytes", [False, True])
def test_embedded_state_is_found_after_an_earlier_mention_of_its_name(as_bytes: bool) -> None:
    mention = '<script>if (window.__NEXT_DATA__) { load("__NEXT_DATA__"); }</script>'
    state = '<script id="__NEXT_DATA__" type="application/json">{"props": {"pageProps": {"a": "é"}}}</script>'
    html = f"<html><head><title>Café “déjà vu”</title>{mention}{state}</head><body></body></html>"
    page = (
        Page.from_bytes(html.encode(), "https://example.com/a")
        if as_bytes
        else Page(html, "https://example.com/a")
    )
    assert page.selector.css("title::text").get() == "Café “déjà vu”"  # lxml has read the page
    assert page_props(page) == {"a": "é"}
    assert page.text_from("__NEXT_DATA__", back_to="<script") == html[html.index(mention) :]
    assert page.text_from("load(", back_to="<nowhere") == html
    assert page.text_from("__NUXT__") == ""
    assert json_after(page.text_from("__NUXT__"), re.compile("__NUXT__=")) == {}


#: Pieces of pages as servers send them, broken ones too: a tree that libxml2 repairs, leading
#: white space (parsel strips it), entities, accents, a comment, bytes that are not UTF-8.
_PAGE_PIECES = st.sampled_from(
    ["<html>", "<head>", "<title>Café</title>", "<meta charset=utf-8>", "<body>", "<p class='a'>",
     "<div id=x>", "</div>", "</p>", "<br>", "<li>", "<table><td>", "&amp;", "&nbsp;", "déjà vu",
     "\u201cquoted\u201d", "<!-- c -->", "<script>if (a < b) {}</script>", " \n\t", "text", "</body>",
     "</html>", "<![CDATA[x]]>", "<?php x ?>", "\x00", "\ufeff"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_PAGE_PIECES.map(str.encode) | st.sampled_from([b"\xe9", b"\xc3", b"\xff"]), max_size=30).map(
        b"".join
    )
)
def test_a_page_parsed_from_its_bytes_is_the_tree_parsel_builds_of_its_text(body: bytes) -> None:
    body = body.strip()  # parsel strips the text; libxml2 keeps white space at the ends as text
    fast, plain = parse_utf8(body, "https://example.com/a"), parse_utf8_plainly(body, "https://example.com/a")
    if plain is None:
        assert fast is None  # not UTF-8 text: the page is decoded first
    elif fast is not None:
        assert etree.tostring(fast.getroottree()) == etree.tostring(plain.getroottree())
        assert {type(element) for element in fast.iter()} == {type(element) for element in plain.iter()}


@settings(max_examples=200, deadline=None)
@given(st.lists(_PAGE_PIECES, min_size=1, max_size=20).map("".join).filter(lambda html: "\x00" not in html))
def test_fragments_read_as_lxml_html_reads_them_with_its_element_classes(fragment: str) -> None:
    try:
        theirs = lxml.html.fragments_fromstring(fragment)
    except (etree.ParserError, AssertionError) as refusal:  # a whole document, not a fragment
        with pytest.raises(type(refusal)):
            html_fragments(fragment)
        return
    ours = html_fragments(fragment)
    assert [piece if isinstance(piece, str) else lxml.html.tostring(piece) for piece in ours] == [
        piece if isinstance(piece, str) else lxml.html.tostring(piece) for piece in theirs
    ]
    wrapper, plain_wrapper = new_element("crawler-fragment"), lxml.html.Element("crawler-fragment")
    wrapper.extend(piece for piece in ours if not isinstance(piece, str))
    plain_wrapper.extend(piece for piece in theirs if not isinstance(piece, str))
    assert lxml.html.tostring(wrapper) == lxml.html.tostring(plain_wrapper)
    assert [type(node) for node in wrapper.iter()] == [type(node) for node in plain_wrapper.iter()]


#: Ordinary text that looks like mojibake, each beside its bytes' reading as UTF-8: ß and a
#: German closing quote (NKo ߓ), Italian "È" before an ellipsis (ȅ), a French ellipsis and a
#: non-breaking space before a guillemet (a Chinese character), a capital É before one (ɠ).
_LOOK_ALIKES = ["„Spaß“ für alle", "È… difficile", "l\u2019été…\u00a0» dit-il", "CAFÉ\u00a0!", "Åß…"]


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        *((text, text) for text in _LOOK_ALIKES),
        ("Caf\u00c3\u00a9 au lait, \u00c3\u00a0 l\u00e2\u20ac\u2122heure", "Café au lait, à l\u2019heure"),
        ("wi\u00c4\u2122cej ni\u00c5\u00bc si\u00c4\u2026", "więcej niż sią"),  # Polish, Latin Extended-A
        (
            "\u00d0\u0178\u00d1\u20ac\u00d0\u00b8\u00d0\u00b2\u00d0\u00b5\u00d1\u201a \u00d0\u00b8",
            "Привет и",
        ),  # Cyrillic words, and "и" alone by its script
        ("\u00e4\u00b8\u00ad\u00e6\u2013\u2021", "中文"),
        ("bravo \u00f0\u0178\u02dc\u20ac", "bravo 😀"),
        # Both in one text: the mojibake is repaired, the look-alike kept.
        ("„Spaß“ im CafÃ©", "„Spaß“ im Café"),
    ],
)
def test_only_what_is_provably_double_encoded_is_repaired(text: str, repaired: str) -> None:
    assert repair_mojibake(text) == repaired
    if text == repaired:
        assert repair_mojibake(text) is text


@pytest.mark.parametrize(
    ("text", "doubt"),
    [
        ("Caf\u00e9 \u201cau lait\u201d, „Spaß“, l\u2019été…\u00a0»", None),
        ("plain \ud800 text", None),
        ("broken \ufffd byte \ufffd", "2 undecodable characters (U+FFFD) in the text"),
        ("Caf\u00c3\u00a9 au lait", "mojibake left in the text ('\u00c3\u00a9')"),
        ("\u201cquoted\u00e2\u20ac", "mojibake left in the text ('\u00e2\u20ac')"),
    ],
)
def test_what_did_not_decode_is_named_as_a_doubt(text: str, doubt: str | None) -> None:
    assert encoding_doubt(text) == doubt


@pytest.mark.parametrize(
    ("text", "share"),
    [("Caf\u00e9", 0.0), ("ab\ufffd\ufffd, 1 2 3", 0.5), ("\ufffd\ufffd\ufffd a", 0.75)],
)
def test_the_undecodable_share_counts_letters_only(text: str, share: float) -> None:
    assert undecodable_share(text) == share


@given(st.text(st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x85\xa0\u2009\u2028\u3000\u200b\ufeff\u2019é")))
def test_white_space_collapses_to_single_spaces_between_the_words(text: str) -> None:
    collapsed = collapse_whitespace(text)
    assert collapsed == collapsed.strip() and "  " not in collapsed
    words = "".join(c for c in text if not c.isspace() and c not in "\u200b\ufeff")
    assert collapsed.replace(" ", "") == words


def test_words_are_runs_of_word_characters() -> None:
    assert word_count("L\u2019\u00c9tat a dit \u00ab non \u00bb \u2014 3 fois\u2026 (caf\u00e9_au_lait)") == 8


_CLASS_VALUES = ["a", "b", "ab", "a-b", "a b", " a\t", "b\na", "", "A"]
_TAGS = ["div", "p", "span"]


@st.composite
def _class_trees(draw: st.DrawFn, depth: int = 3) -> str:
    """A fragment of nested elements whose class attributes hold "a" whole, in part, or not at all."""
    children = draw(st.lists(_class_trees(depth - 1), max_size=3)) if depth else []
    tag = draw(st.sampled_from(_TAGS))
    value = draw(st.none() | st.sampled_from(_CLASS_VALUES))
    attribute = "" if value is None else f' class="{value}"'
    return f"<{tag}{attribute}>{tag}{''.join(children)}</{tag}>"


_CLASS_QUERIES = [
    ".a",
    "div.a",
    "p.a > *",
    ".a .b",
    "div.a.b",
    "span:not(.a)",
    ":is(p.a, span.b)",
    ".a ::text",
    "div.a, span",
    "p.a:first-child",
    "span",
]


@settings(max_examples=150, deadline=None)
@given(_class_trees(), st.sampled_from(_CLASS_QUERIES))
def test_class_tests_select_what_cssselect_selects(fragment: str, query: str) -> None:
    """A class test on the attribute axis finds what cssselect finds."""
    page = Page(f"<html><body>{fragment}</body></html>", "https://example.com/a")
    root = page.selector.root
    theirs = root.xpath(css_to_xpath_plainly(query))
    ours = root.xpath(css_to_xpath_on_class_axis(query))
    assert ours == theirs
    assert page.first(query) == (theirs[0] if theirs else None)
    assert page.has(query) is bool(theirs)


def test_a_single_class_runs_on_the_attribute_axis() -> None:
    assert "/@class[contains(., 'a')" in css_to_xpath("div.a > p")
    assert "@class[" not in css_to_xpath("div.a.b")  # two classes: left as cssselect writes it


_SELECTOR_PAGE = """<html><head><title>T</title></head><body>
<div class="a b" id="x"><p>One <b>two</b></p><p data-k="v">three</p></div>
<ul><li>four</li><li class="a">five</li></ul></body></html>"""


@pytest.mark.parametrize(
    "query",
    [
        "//p",
        "//p/text()",
        "//p/@data-k",
        "count(//li)",
        "string(//ul)",
        "boolean(//ol)",
        "//li[re:test(@class, '^a$')]",
    ],
)
def test_page_selectors_answer_xpath_as_parsel_does(query: str) -> None:
    ours = Page(_SELECTOR_PAGE, "https://example.com/a").selector
    theirs = Selector(text=_SELECTOR_PAGE, type="html")
    for mine, parsels in ((ours, theirs), (ours.css("div")[0], theirs.css("div")[0])):
        found, expected = mine.xpath(query), parsels.xpath(query)
        assert isinstance(found, SelectorList)
        assert found.getall() == expected.getall()
        assert [(item.type, item._expr, item.namespaces) for item in found] == [
            (item.type, item._expr, item.namespaces) for item in expected
        ]
    assert (
        ours.css("div.b > p ::text").getall()
        == theirs.css("div.b > p ::text").getall()
        == ["One ", "two", "three"]
    )
    assert ours.xpath("//p[$n]", n=2).getall() == theirs.xpath("//p[$n]", n=2).getall()  # parsel's own way
    with pytest.raises(ValueError, match="XPath error"):
        ours.xpath("//p[")


def test_date_window_bounds() -> None:
    from crawler.errors import CrawlerError
    from crawler.extract.window import DateWindow, parse_moment

    now = datetime(2024, 5, 16, 12, 0, tzinfo=UTC)
    assert parse_moment("2d", now) == datetime(2024, 5, 14, 12, 0, tzinfo=UTC)
    assert parse_moment("12h", now) == datetime(2024, 5, 16, 0, 0, tzinfo=UTC)
    assert parse_moment("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    window = DateWindow.of("2024-05-01", "2024-05-31")
    assert window.admits("2024-05-14T08:00:00-04:00")
    assert not window.admits("2024-04-30T23:00:00+00:00")
    assert window.admits(None)  # an unknown date is never a reason to drop an article
    assert window.admits("2024-05-30T20:00:00")  # a local time, placed as if in UTC
    assert not window.admits("2024-05-31T20:00:00")
    assert window.admits("2024-05-01") and not window.admits("2024-04-30")  # a day is its midnight
    with pytest.raises(CrawlerError, match="not a date window bound"):
        parse_moment("soon-ish")
