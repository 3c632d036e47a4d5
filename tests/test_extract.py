"""The shared parsing helpers, on small real-shaped inputs."""

from __future__ import annotations

import re
import warnings
from datetime import datetime, timezone
from urllib.parse import urljoin

import lxml.html
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from parsel import Selector, SelectorList
from parsel.csstranslator import HTMLTranslator

from crawler.extract._query import css_to_xpath, first_compiled
from crawler.extract.blocks import _dropper, blocks_from_html
from crawler.extract.bylines import authors_from_json_ld, split_byline
from crawler.extract.charset import reads_as_utf8, text_problem
from crawler.extract.dates import _from_dateutil, _from_display_date, format_iso, parse_date
from crawler.extract.defects import _controls_in
from crawler.extract.images import split_caption_credit
from crawler.extract.next_data import page_props
from crawler.extract.page import Page, collapse_whitespace, html_fragments, new_element
from crawler.extract.state import json_after, search_from
from crawler.extract.urls import absolute_url, clean_url, url_id
from crawler.record import word_count


@pytest.mark.parametrize(
    ("stated", "expected"),
    [
        ("2023-03-24T06:14:32.000-04:00", "2023-03-24T06:14:32-04:00"),
        ("2024-08-16T12:27:08.062Z", "2024-08-16T12:27:08+00:00"),
        ("2024-08-16T08:27:08-0400", "2024-08-16T08:27:08-04:00"),
        ("Fri Mar 24 06:24:01 EDT 2023", "2023-03-24T06:24:01-04:00"),
        ("Monday, Dec. 29 2014, 6:00 PM EST", "2014-12-29T18:00:00-05:00"),
        ("Published Monday, November 18, 2019 8:22AM EST", "2019-11-18T08:22:00-05:00"),
    ],
)
def test_dates_keep_the_stated_offset(stated: str, expected: str) -> None:
    assert parse_date(stated) == expected


@pytest.mark.parametrize("stated", ["2023-03-24", "2021-07-26T15:39:50", "yesterday-ish", "", None, 17])
def test_dates_without_a_zone_are_never_invented(stated: object) -> None:
    assert parse_date(stated) is None


def test_a_zone_dateutil_does_not_know_is_refused_quietly() -> None:
    # "IST" is India's, Ireland's or Israel's: no offset is guessed, and no warning is printed.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert parse_date("March 12, 2024 10:00 AM IST") is None
        assert parse_date("March 12, 2024 10:00 AM EDT") == "2024-03-12T10:00:00-04:00"


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


_DROP_CASES = [
    "div.ad",
    ".promo",
    "#gate",
    "[data-ad]",
    '[class*="ad-slot"]',
    '[data-kind="Promo"]',
    "[data-kind!=story]",
    "div.box > p",
    "aside",
    ":not(p)",
    "p.note:last-child",
]


@pytest.mark.parametrize("selector", _DROP_CASES)
def test_drop_selectors_find_exactly_what_their_xpath_selects(selector: str) -> None:
    # The dropper tests only nodes with a class, id or attribute a selector needs: never fewer.
    fragment = lxml.html.fragment_fromstring(
        '<div class="box promo-x"><p id="gate-2">a</p><p class="note">b</p></div>'
        '<div class="ad big"><p data-ad="1">c</p></div><aside data-kind="Promo">d</aside>'
        '<p class="x ad-slot-top" data-kind="story">e</p><p class="promo">f</p><p id="gate">g</p>',
        create_parent="crawler-fragment",
    )
    tree = fragment.getroottree()
    expected = {tree.getpath(node) for node in fragment.xpath(css_to_xpath(selector))}
    found = {tree.getpath(node) for node in _dropper((selector,)).doomed(fragment)}
    assert expected, "each case selects something"
    assert found == expected


def test_drop_selectors_together_find_what_each_finds() -> None:
    # Their class and id substrings are searched for at once, in one alternation.
    fragment = lxml.html.fragment_fromstring(
        '<div><p class="x promo-box">a</p><p id="gate-1">b</p><p class="promo">c</p><p class="ad">d</p>'
        '<p id="gate">e</p><p class="adx" id="other">f</p></div>',
        create_parent="crawler-fragment",
    )
    selectors = (".promo-box", ".ad", "#gate", "#gate-1")
    found = [node.text for node in _dropper(selectors).doomed(fragment)]
    assert sorted(found) == ["a", "b", "d", "e"]


def test_caption_credit_split() -> None:
    assert split_caption_credit(
        "Gov. Cox signs bills on Thursday. (Trent Nelson/The Salt Lake Tribune via AP)"
    ) == (
        "Gov. Cox signs bills on Thursday.",
        "Trent Nelson/The Salt Lake Tribune via AP",
    )
    assert split_caption_credit("No credit here") == ("No credit here", None)


_URL_PIECES = st.sampled_from(
    ["http://", "https://", "HTTPS://", "//", "/", "a", "B.c", ":8080", "@", "?", "#", ";", "&", "=", " ",
     "\t", "\n", "[", "]", "%20", "..", "é", "\u2100", "\x01", "~", "'"]
)  # fmt: skip


@settings(max_examples=500)
@given(
    st.lists(_URL_PIECES, max_size=12).map("".join),
    st.sampled_from(["https://example.com/a/b", "http://x.ca/"]),
)
@example("https://a.ca/b;", "https://example.com/")  # urljoin drops an empty parameter...
@example("https://a.ca/b?", "https://example.com/")  # ... an empty query...
@example("https://a.ca/b?#c", "https://example.com/")  # ... and an empty fragment
@example("https://a.ca/b\x01c", "https://example.com/")
@example("https://[::1/b", "https://example.com/")  # an error
def test_absolute_url_is_urljoin(url: str, base: str) -> None:
    """The shortcut for absolute URLs gives urljoin's answer (or its error) for any URL."""
    try:
        expected: str | type[ValueError] = urljoin(base, url)
    except ValueError:
        expected = ValueError
    try:
        assert absolute_url(url, base) == expected
    except ValueError:
        assert expected is ValueError


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
    page = Page(html=html, url="https://example.com/a", fetched_at=datetime.now(timezone.utc))
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
    assert (page._html is None) is as_bytes  # only the state's part was decoded


def test_a_search_from_a_literal_finds_what_a_whole_search_finds() -> None:
    pattern = re.compile(r"window\.state\s*=\s*(\d+)")
    html = "window.state; window.stated = 1; window.state = 2; window.state = 3"
    assert search_from(pattern, html, "window.state")[1] == pattern.search(html)[1] == "2"  # type: ignore[index]
    assert search_from(pattern, "window.other = 1", "window.state") is None


def test_fragments_read_as_lxml_html_reads_them_with_its_element_classes() -> None:
    fragment = 'Lead <p class="x">One <b>two</b></p><ul><li>three</li></ul> tail'
    ours, theirs = html_fragments(fragment), lxml.html.fragments_fromstring(fragment)
    assert [piece if isinstance(piece, str) else lxml.html.tostring(piece) for piece in ours] == [
        piece if isinstance(piece, str) else lxml.html.tostring(piece) for piece in theirs
    ]
    wrapper = new_element("crawler-fragment")
    wrapper.extend(ours[1:])
    assert all(isinstance(element, lxml.html.HtmlElement) for element in wrapper.iter())
    wrapper.find("p/b").drop_tree()  # an lxml.html method, as blocks.py uses
    assert wrapper.findtext("p") == "One "


@given(st.text(st.sampled_from("a \t\n\x0b\x0c\r\x00\x08\x0e\x1f\x7f\x85é\ufffd\ud800\U0001f600")))
def test_control_characters_are_counted_as_a_regex_counts_them(text: str) -> None:
    assert _controls_in(text) == len(re.findall("[\x00-\x08\x0b\x0e-\x1f\ufffd]", text))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Caf\u00e9 \u201cau lait\u201d", None),
        ("Caf\u00c3\u00a9 au lait", "mojibake ('\u00c3\u00a9')"),
        ("\u201cquoted\u00e2\u20ac\u009d", "mojibake ('\u00e2\u20ac\\x9d')"),
        ("plain \ud800 text", None),
        ("broken \ufffd byte", "undecodable bytes"),
    ],
)
def test_text_problems_are_named(text: str, problem: str | None) -> None:
    found = text_problem(text)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


@given(st.text(st.sampled_from("ab \t\n\r\x0b\x0c\x1c\x85\xa0\u2009\u2028\u3000\u200b\ufeff\u2019é")))
def test_white_space_collapses_as_split_and_join_collapse_it(text: str) -> None:
    expected = " ".join(text.replace("\u200b", "").replace("\ufeff", "").split())
    assert collapse_whitespace(text) == expected


_MONTH_SPELLINGS = [
    "January",
    "Feb",
    "Feb.",
    "March",
    "Apr.",
    "May",
    "June",
    "Jul",
    "Aug.",
    "Sept",
    "Sept.",
    "Sep",
]


def test_display_dates_of_older_templates_skip_dateutil() -> None:
    for stated in (
        "Last Updated Tuesday, September 27, 2022 3:18PM EDT",
        "Monday, Dec. 29 2014, 6:00 PM EST",
    ):
        assert _from_display_date(stated) == _from_dateutil(stated)


@given(
    st.sampled_from(["", "Last Updated ", "Monday, ", "Last Updated Thursday, "]),
    st.sampled_from(_MONTH_SPELLINGS),
    st.integers(0, 32),
    st.sampled_from([", ", " ", ","]),
    st.integers(1999, 2031),
    st.integers(0, 13),
    st.integers(0, 59),
    st.sampled_from(["AM", " PM", " AM", "PM"]),
    st.sampled_from(["EST", "EDT", "NST", "PDT", "UTC", "BST", "XYZ"]),
)
def test_display_dates_read_as_dateutil_reads_them(
    lead: str, month: str, day: int, comma: str, year: int, hour: int, minute: int, half: str, zone: str
) -> None:
    text = f"{lead}{month} {day}{comma}{year} {hour}:{minute:02d}{half} {zone}"
    fast = _from_display_date(text)
    if fast is not None:
        slow = _from_dateutil(text)
        assert slow is not None and format_iso(fast) == format_iso(slow)


_WORDY = "ab_1 \n.'\u2019\u201c\u201d\u2014\u2013\xa0\u2026éÉ\u0301²٣ǅ€\ud800\U0001d400"


@given(st.text(st.sampled_from(_WORDY)))
@example("L\u2019État a dit « non » \u2014 3 fois\u2026 (café_au_lait)")
def test_words_are_counted_as_the_regex_counts_them(text: str) -> None:
    assert word_count(text) == len(re.findall(r"\w+", text))


_ATTRIBUTE_PAGE = """<html><body><article data-x="a" id="one">
<p data-x="a">1</p><p data-x="b">2</p><div data-x="a b"><p data-y="a">3</p><p data-x="">4</p></div>
<section><p data-x="c" class="k">5</p><span data-x="a">6</span></section></article>
<aside data-x="a"><p data-x="a">7</p></aside></body></html>"""


@pytest.mark.parametrize(
    ("query", "on_the_attribute_axis"),
    [
        ('[data-x="a"]', True),
        ('[data-x="a"] p', True),
        ('article > [data-x="b"]', True),
        (':is([data-x="a"], [data-x="c"])', True),
        ('article :is([data-x="b"], [data-x="c"], [data-x=""])', True),
        (':is([data-x="a"], [data-y="a"])', False),  # two attributes: left as cssselect writes it
        ('[data-x="a"]:first-child', False),
        ('p[data-x="a"]', False),
        ('[data-x="a"] ~ [data-x="b"]', True),
        ('[data-x="c"].k', False),
        (':not([data-x="a"])', False),
    ],
)
def test_attribute_tests_select_what_cssselect_selects(query: str, on_the_attribute_axis: bool) -> None:
    """A test of one attribute's values on any element runs on the attribute axis, to the same nodes."""
    root = Page(_ATTRIBUTE_PAGE, "https://example.com/a").selector.root
    tree = root.getroottree()
    ours, theirs = css_to_xpath(query), HTMLTranslator().css_to_xpath(query)
    assert [tree.getpath(node) for node in root.xpath(ours)] == [
        tree.getpath(node) for node in root.xpath(theirs)
    ]
    assert ("/@data-x[" in ours) is on_the_attribute_axis


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
    """A class test on the attribute axis, and a first match found early, are what cssselect finds."""
    page = Page(f"<html><body>{fragment}</body></html>", "https://example.com/a")
    root = page.selector.root
    theirs = root.xpath(HTMLTranslator().css_to_xpath(query))
    ours = root.xpath(css_to_xpath(query))
    assert ours == theirs
    assert page.first(query) == (theirs[0] if theirs else None)
    assert page.has(query) is bool(theirs)


def test_a_single_class_runs_on_the_attribute_axis_and_a_first_match_stops_early() -> None:
    assert "/@class[contains(., 'a')" in css_to_xpath("div.a > p")
    assert "@class[" not in css_to_xpath("div.a.b")  # two classes: left as cssselect writes it
    assert first_compiled("h1.headline").path.endswith("[1]")
    for whole in ("div.a p", "div.a, p", "h1::text", "h1 ::text"):
        assert first_compiled(whole) is None, whole


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

    now = datetime(2024, 5, 16, 12, 0, tzinfo=timezone.utc)
    assert parse_moment("2d", now) == datetime(2024, 5, 14, 12, 0, tzinfo=timezone.utc)
    assert parse_moment("12h", now) == datetime(2024, 5, 16, 0, 0, tzinfo=timezone.utc)
    assert parse_moment("2024-05-01") == datetime(2024, 5, 1, tzinfo=timezone.utc)
    window = DateWindow.of("2024-05-01", "2024-05-31")
    assert window.admits("2024-05-14T08:00:00-04:00")
    assert not window.admits("2024-04-30T23:00:00+00:00")
    assert window.admits(None)  # an unknown date is never a reason to drop an article
    with pytest.raises(CrawlerError, match="not a date window bound"):
        parse_moment("soon-ish")
