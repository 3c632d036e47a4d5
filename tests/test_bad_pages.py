"""Bad pages: each gives a correct record, or no record with a typed reason; never another exception.

The pages are real fixture pages broken the ways the open web breaks them: a charset that lies,
mojibake, a page cut short, control characters, raw characters in URLs, an empty body, a huge
page, binary data labelled HTML, JSON-LD that is not JSON or not what it claims, a "page not
found" served as 200, a section front where an article was expected. (What is kept with a doubt
rather than refused is in tests/test_doubts.py.)
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import parse_page
from crawler.crawl.parse_workers import FetchedPage
from crawler.errors import BrokenPageError, EmptyPageError, NotAnArticleError, NotHtmlError
from crawler.record.validation import validate_record
from crawler.sites import all_sites
from crawler.sites.fixtures import Fixture, discover
from tests.conftest import FIXTURES, REPO
from tests.replay_site import copy_site, set_headers
from tests.replay_site import stored as stored_records

#: The Globe and Mail seed: many accented letters and curly quotes, and no <meta charset>.
GLOBE = next(case for case in discover(FIXTURES, "globeandmail") if "seed" in case.path.name)
SEEDS = {site.id: next(iter(discover(FIXTURES, site.id))) for site in all_sites()}
FETCHED = datetime(2025, 1, 1, tzinfo=UTC)
ARTICLE_FIELDS = ("headline", "description", "authors", "datePublished", "body", "articleBody")


def _html(case: Fixture) -> str:
    return (case.path / "page.html").read_text(encoding="utf-8")


def _parse(case: Fixture, body: bytes, content_type: str | None) -> dict[str, Any]:
    return parse_page(body, case.meta()["url"], content_type=content_type)


def _assert_same_article(record: dict[str, Any], case: Fixture) -> None:
    expected = case.expected()
    assert {f: record[f] for f in ARTICLE_FIELDS} == {f: expected[f] for f in ARTICLE_FIELDS}


def _as_mojibake(text: str) -> str:
    """UTF-8 read as Windows-1252 (the five undefined bytes as C1 controls): ``é`` becomes ``Ã©``."""
    undefined = (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    return "".join(chr(b) if b in undefined else bytes([b]).decode("cp1252") for b in text.encode())


def test_the_seed_has_the_letters_a_charset_can_break() -> None:
    assert sum(1 for c in GLOBE.expected()["articleBody"] if ord(c) > 127) > 40


@pytest.mark.parametrize(
    ("encode", "content_type"),
    [
        (lambda html: html.encode("cp1252", "xmlcharrefreplace"), "text/html; charset=utf-8"),
        # Latin-1 as pages use it: Windows-1252, its superset (curly quotes at 0x91 to 0x94).
        (lambda html: html.encode("cp1252", "xmlcharrefreplace"), "text/html"),
        (lambda html: html.encode("cp1252", "xmlcharrefreplace"), None),
        (lambda html: b"\xef\xbb\xbf" + html.encode("utf-8"), "text/html; charset=iso-8859-1"),
        (lambda html: html.encode("utf-16"), "text/html"),
        (lambda html: html.encode("utf-8"), "text/html; charset=iso-8859-1"),
        (lambda html: _as_mojibake(html).encode("utf-8"), "text/html; charset=utf-8"),
        # Accented letters enough before the mojibake that the search for it changes method.
        (lambda html: _as_mojibake(html).replace("<head>", f"<head><!-- {'é ' * 40}-->", 1).encode(), None),
        # A page may hold U+FFFD itself: that alone is no sign of bytes that are not UTF-8.
        (lambda html: html.replace("</head>", "<!-- \ufffd -->\n</head>", 1).encode("utf-8"), None),
        # UTF-8 pages are parsed from their bytes; these two take parsel's careful path or skip a strip.
        (lambda html: html.replace("</body>", "\x00</body>", 1).encode("utf-8"), "text/html; charset=utf-8"),
        (lambda html: b"\r\n\n   " + html.encode("utf-8"), None),
    ],
    ids=[
        "cp1252-served-as-utf8",
        "latin1-without-charset",
        "latin1-without-header",
        "utf8-bom-against-the-header",
        "utf16-bom",
        "utf8-served-as-latin1",
        "mojibake-in-the-source",
        "mojibake-after-many-accented-letters",
        "utf8-holding-a-replacement-character",
        "utf8-holding-a-nul-byte",
        "utf8-after-blank-lines",
    ],
)
def test_a_charset_that_lies_still_gives_the_correct_record(encode: Any, content_type: str | None) -> None:
    record = _parse(GLOBE, encode(_html(GLOBE)), content_type)
    _assert_same_article(record, GLOBE)
    validate_record(record)


@pytest.mark.parametrize("site", sorted(SEEDS))
@pytest.mark.parametrize("keep", [0.9, 0.5, 0.1])
def test_a_page_its_transfer_cut_short_fails_as_truncated(site: str, keep: float) -> None:
    body = (SEEDS[site].path / "page.html").read_bytes()
    cut = body[: int(len(body) * keep)]
    missing = f"the body is {len(cut)} of the {len(body)} bytes its Content-Length states"
    page = FetchedPage(
        cut, SEEDS[site].meta()["url"], "text/html; charset=utf-8", FETCHED, 200, incomplete=missing
    )
    with pytest.raises(BrokenPageError, match=f"truncated: {missing}") as raised:
        page.parse()
    assert raised.value.outcome == "failed/truncated"


def _between_words(case: Fixture, space: str) -> bytes:
    """The case's page with ``space`` in place of the space between the second and third words
    of every paragraph (where the page holds the paragraph's text as it is)."""
    html = _html(case)
    for block in case.expected()["body"]:
        words = block["text"].split()[:3]
        if len(words) == 3 and " ".join(words) in html:
            html = html.replace(" ".join(words), f"{words[0]} {words[1]}{space}{words[2]}")
    assert html != _html(case)
    return html.encode("utf-8")


@pytest.mark.parametrize("site", sorted(SEEDS))
@pytest.mark.parametrize("space", ["\x01 ", " \x08\x0b", "\x0c", "\x1f ", "\ufffe\uffff "])
def test_control_characters_in_a_pages_text_are_dropped_not_fatal(site: str, space: str) -> None:
    """libxml2 keeps them in the tree it builds, and lxml then refuses them in any text set from it.

    Each replaces a space between two words of every paragraph: a form feed is white space to
    HTML, the others are dropped.
    """
    case = SEEDS[site]
    record = _parse(case, _between_words(case, space), "text/html; charset=utf-8")
    _assert_same_article(record, case)


@pytest.mark.parametrize("site", sorted(SEEDS))
def test_a_control_character_in_a_text_the_parser_edits_costs_a_second_parse(site: str) -> None:
    """After a ``<br>``, the parser's edit of the text (a space for the line break) is refused by
    lxml; the page is parsed again without control characters, at no cost to the article."""
    case = SEEDS[site]
    record = _parse(case, _between_words(case, "<br>\x01"), "text/html; charset=utf-8")
    assert record["body"] == case.expected()["body"]


def test_urls_with_raw_characters_are_percent_encoded_not_refused() -> None:
    """Links as people type them (spaces, accents, an IDN host) become the URLs a browser requests."""
    html = _html(GLOBE)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    assert canonical is not None
    html = html.replace(canonical[0], f'<link rel="canonical" href="{canonical[1]}caf\u00e9 au lait/">')
    record = parse_page(html.encode("utf-8"), "https://www.theglobeandmail.com/world/d\u00e9j\u00e0 vu/ ")
    assert record["url"] == "https://www.theglobeandmail.com/world/d%C3%A9j%C3%A0%20vu/"
    assert record["canonicalUrl"] == f"{canonical[1]}caf%C3%A9%20au%20lait/"
    validate_record(record)
    generic = parse_page(html.encode("utf-8"), "https://seglerblog.st\u00f6ssenseer.de/haltet unsere/")
    assert generic["url"] == "https://seglerblog.xn--stssenseer-fcb.de/haltet%20unsere/"
    assert generic["site"]["id"] == "seglerblog.xn--stssenseer-fcb.de"
    validate_record(generic)


@pytest.mark.parametrize("trailer", [0, 3_000, 40_000])
def test_a_whole_page_with_markup_after_its_closing_tags_is_whole(trailer: int) -> None:
    body = _html(GLOBE).encode() + b"\n<script>var tracker = 1;</script>" + b" " * trailer
    _assert_same_article(_parse(GLOBE, body, "text/html; charset=utf-8"), GLOBE)


@pytest.mark.parametrize("body", [b"", b"   \n\t  ", b"\xef\xbb\xbf"])
def test_an_empty_body_is_skipped_as_empty(body: bytes) -> None:
    with pytest.raises(EmptyPageError) as raised:
        _parse(GLOBE, body, "text/html")
    assert raised.value.outcome == "skipped/empty"


def test_a_ten_megabyte_page_gives_its_record_in_bounded_time() -> None:
    promo = '<div class="promo"><a href="/x/{0}">Another story {0}</a></div>\n'
    filler = "".join(promo.format(n) for n in range(160_000))
    html = _html(GLOBE).replace("</body>", f"<aside>{filler}</aside></body>", 1)
    body = html.encode("utf-8")
    assert len(body) > 10_000_000
    started = time.monotonic()
    record = _parse(GLOBE, body, "text/html; charset=utf-8")
    assert time.monotonic() - started < 30
    _assert_same_article(record, GLOBE)


@pytest.mark.parametrize(
    "body",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 40,
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(256)) * 40,
        gzip.compress(b"<html><body>" + b"<p>compressed twice</p>" * 500 + b"</body></html>"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 50,
        bytes((n * 7919) % 256 for n in range(20_000)),
    ],
    ids=["png", "jpeg", "gzip", "pdf", "noise"],
)
def test_binary_data_labelled_html_is_skipped_as_not_html(body: bytes) -> None:
    with pytest.raises(NotHtmlError) as raised:
        _parse(GLOBE, body, "text/html; charset=utf-8")
    assert raised.value.outcome == "skipped/not-html"


_JSON_LD = re.compile(r"(<script[^>]*application/ld\+json[^>]*>)(.*?)(</script>)", re.S | re.I)
_WRONG_JSON_LD = [
    '{"@type": "NewsArticle", "headline": ',  # cut short
    '{"@type": "NewsArticle",, "headline": "x"}',  # not JSON
    '{"@type": "NewsArticle", "headline": 42, "author": 7, "datePublished": {"a": 1}, "image": true}',
    '{"@type": ["NewsArticle"], "headline": [], "author": [null, 3, {"name": ["A"]}],'
    ' "datePublished": "soon", "dateModified": [], "keywords": {"k": 1}, "articleSection": 5,'
    ' "inLanguage": 12, "image": [null]}',
    '[[], null, 1, "x", {"@graph": {"@type": "NewsArticle", "author": {"@type": "Person"}}}]',
]


@pytest.mark.parametrize("site", sorted(SEEDS))
@pytest.mark.parametrize("json_ld", range(len(_WRONG_JSON_LD)))
def test_malformed_json_ld_gives_a_valid_record_or_a_typed_refusal(site: str, json_ld: int) -> None:
    html = _JSON_LD.sub(lambda m: m[1] + _WRONG_JSON_LD[json_ld] + m[3], _html(SEEDS[site]))
    if "application/ld+json" not in html:
        script = f'<script type="application/ld+json">{_WRONG_JSON_LD[json_ld]}</script>'
        html = html.replace("</head>", f"{script}</head>")
    try:
        record = _parse(SEEDS[site], html.encode("utf-8"), "text/html; charset=utf-8")
    except (NotAnArticleError, BrokenPageError):
        return
    validate_record(record)
    assert record["headline"] and record["body"]


@pytest.mark.parametrize("site", ["ctvnews", "globeandmail", "cnn", "guardian"])
@pytest.mark.parametrize(
    "title", ["Page not found | News", "404 - Page Not Found", "Sorry, we couldn't find that page"]
)
def test_a_soft_404_is_skipped_as_not_an_article(site: str, title: str) -> None:
    """The site's chrome around a "page not found" notice, served with 200: no record, and says so."""
    html = _JSON_LD.sub("", _html(SEEDS[site]))
    html = re.sub(r"<title>.*?</title>", f"<title>{title}</title>", html, count=1, flags=re.S)
    html = re.sub(r"(<h1[^>]*>).*?(</h1>)", rf"\g<1>{title}\g<2>", html, count=1, flags=re.S)
    html = re.sub(r'(property="og:title"\s+content=")[^"]*', rf"\g<1>{title}", html)
    with pytest.raises(NotAnArticleError, match="soft 404"):
        _parse(SEEDS[site], html.encode("utf-8"), "text/html; charset=utf-8")


@pytest.mark.parametrize("site", sorted(SEEDS))
def test_a_section_front_where_an_article_was_expected_is_skipped(site: str) -> None:
    section = next((FIXTURES / site / "_sources").glob("section*/page.html"), None)
    if section is None:
        pytest.skip(f"{site} has no section fixture")
    with pytest.raises(NotAnArticleError) as raised:
        _parse(SEEDS[site], section.read_bytes(), "text/html; charset=utf-8")
    assert raised.value.outcome in {"skipped/not-an-article", "skipped/empty"}


def test_a_crawl_counts_each_bad_page_under_its_reason_and_stores_the_good_ones(tmp_path: Path) -> None:
    site = copy_site("ctvnews", tmp_path / "fixtures") / "ctvnews"
    cases = {case.path.name: case for case in discover(site.parent, "ctvnews")}
    seed = next(case for name, case in cases.items() if "seed" in name)
    (seed.path / "page.html").write_bytes(_html(seed).encode("cp1252", "xmlcharrefreplace"))  # labelled UTF-8
    (site / "2019-11-20-polopoly-wire" / "page.html").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 99)
    truncated = (site / "2023-03-29-wire-multiple-authors" / "page.html").read_bytes()
    (site / "2023-03-29-wire-multiple-authors" / "page.html").write_bytes(truncated[: len(truncated) // 2])
    set_headers(
        site / "2023-03-29-wire-multiple-authors", Content_Length=str(len(truncated))
    )  # the cut shows
    (site / "2023-04-14-aem-canada-staff" / "page.html").write_bytes(b"")
    section = (site / "_sources" / "section-world" / "page.html").read_bytes()
    (site / "2023-05-09-updated-article" / "page.html").write_bytes(section)

    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--replay", str(site.parent),
         "--out", str(tmp_path / "corpus"), "--log-level", "INFO"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "ctvnews: 2 articles, 1 skipped (not an article), 0 outside the date window, 0 invalid, "
        "0 replay misses, 1 errors; skipped: empty 1, not-html 1; failed: truncated 1"
    ) in done.stdout
    truncated_url = cases["2023-03-29-wire-multiple-authors"].meta()["url"]
    assert (
        f"failed: truncated: {truncated_url}: truncated: the body is {len(truncated) // 2} of the"
        in done.stderr
    )
    assert "skipped: not-html: " in done.stderr and "skipped: empty: " in done.stderr
    assert "Traceback" not in done.stderr
    stored = {record["id"]: record for record in stored_records(tmp_path / "corpus")}
    assert set(stored) == {seed.expected()["id"], cases["2025-02-11-arc-staff"].expected()["id"]}
    _assert_same_article(stored[seed.expected()["id"]], seed)
