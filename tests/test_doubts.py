"""Real articles are kept: what only might be wrong with a page is a doubt in its record, not a refusal.

Refused are only pages that certainly cannot give a whole, readable article: text that is mostly
undecodable, a page the transfer cut short, a page without its closing tags whose JSON-LD states
an article far longer than the body found. Accented text that looks like mojibake, a few
undecodable bytes, mojibake that could not be repaired and missing closing tags are kept, each
named in ``metadata.doubts``, and a crawl's summary counts them per site. A crawl, a re-parse
and an ingest of its archive keep and refuse the same pages (``crawler fetch``: tests/test_fetch.py).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler import parse_page
from crawler.archive import archive_files
from crawler.crawl.parse_workers import FetchedPage
from crawler.crawl.reparse import reparse
from crawler.errors import BrokenPageError
from crawler.extract.defects import MOSTLY_UNDECODABLE, STATED_TO_FOUND
from crawler.extract.page import collapse_whitespace
from crawler.ingest import Selection, ingest, warc_sources
from crawler.record.validation import validate_record
from crawler.sites.fixtures import discover
from tests.archive_site import crawl, fixture_site
from tests.archive_site import stored as stored_records
from tests.conftest import FIXTURES, REPO
from tests.loopback import Route, serve
from tests.replay_site import copy_site

#: The Globe and Mail seed: many accented letters and curly quotes, an Article JSON-LD object.
GLOBE = next(case for case in discover(FIXTURES, "globeandmail") if "seed" in case.path.name)
URL = GLOBE.meta()["url"]
HTML = (GLOBE.path / "page.html").read_text(encoding="utf-8")
EXPECTED = GLOBE.expected()
FIELDS = ("headline", "description", "authors", "datePublished", "body")


def _parse(html: str) -> dict[str, Any]:
    record = parse_page(html.encode("utf-8"), URL, content_type="text/html; charset=utf-8")
    validate_record(record)
    return record


def _with_paragraph_text(old: str, new: str) -> str:
    """The seed with one paragraph's text changed (the page holds it verbatim)."""
    assert old in HTML
    return HTML.replace(old, new, 1)


def _without_closing_tags(html: str) -> str:
    return html.replace("</body>", "").replace("</html>", "")


def _stating(html: str, **article: object) -> str:
    """The page with fields added to its Article JSON-LD object."""
    fields = "".join(f'"{name}":{value!r},'.replace("'", '"') for name, value in article.items())
    return html.replace('"@type":"NewsArticle",', f'"@type":"NewsArticle",{fields}', 1)


SECOND = EXPECTED["body"][1]["text"]
#: A CTV News page, to crawl: one of its paragraphs as the page holds it.
SEED = next(case for case in discover(FIXTURES, "ctvnews") if "seed" in case.path.name)
SEED_PARAGRAPH = SEED.expected()["body"][1]["text"]


@pytest.mark.parametrize(
    "words",
    [
        "„Spaß“ für alle: Bußgeld, Maß und Fuß…",  # German quotes after ß
        "È… difficile, disse il ministro",  # Italian
        "l\u2019été… » et « CAFÉ », dit-il",  # French, with non-breaking spaces
    ],
)
def test_accented_text_that_looks_like_mojibake_is_kept_as_it_is(words: str) -> None:
    words = words.replace(" »", "\u00a0»").replace("« ", "«\u00a0")
    record = _parse(_with_paragraph_text(SECOND, f"{words} {SECOND}"))
    assert record["body"][1]["text"] == collapse_whitespace(f"{words} {SECOND}")  # the spaces are collapsed
    assert "doubts" not in record["metadata"]


def test_double_encoded_text_is_repaired_and_what_is_left_is_a_doubt() -> None:
    # "Café “noir”" in UTF-8 read as Windows-1252
    mangled = "Caf\u00c3\u00a9 \u00e2\u20ac\u0153noir\u00e2\u20ac\u009d"
    broken = "an \u00e2\u20ac and a half"  # a quote's bytes cut short: "â€" is left
    record = _parse(_with_paragraph_text(SECOND, f"{mangled} {broken}. {SECOND}"))
    assert record["body"][1]["text"] == f"Café “noir” {broken}. {SECOND}"
    assert record["metadata"]["doubts"] == ["encoding: mojibake left in the text ('\u00e2\u20ac')"]
    assert [record[f] for f in FIELDS if f != "body"] == [EXPECTED[f] for f in FIELDS if f != "body"]


def test_a_few_stray_bytes_cost_a_few_characters_not_the_article() -> None:
    """UTF-8 with stray bytes is read as browsers read it: each a U+FFFD, the rest as it is."""
    body = HTML.encode("utf-8").replace(SECOND.encode(), SECOND.encode() + b" \xff\xfe\xfa", 1)
    record = parse_page(body, URL, content_type="text/html; charset=utf-8")
    assert record["body"][1]["text"] == f"{SECOND} \ufffd\ufffd\ufffd"
    assert record["metadata"]["doubts"] == ["encoding: 3 undecodable characters (U+FFFD) in the text"]
    assert [record[f] for f in FIELDS if f != "body"] == [EXPECTED[f] for f in FIELDS if f != "body"]


def test_utf8_bytes_labelled_with_a_legacy_charset_are_read_as_utf8() -> None:
    korean = "코로나19 극복 성금 기탁 줄 잇는다"
    body = _with_paragraph_text(SECOND, f"{korean} {SECOND}").replace(
        "<head>", '<head><meta charset="euc-kr">', 1
    )
    record = parse_page(body.encode("utf-8"), URL)
    assert record["body"][1]["text"] == f"{korean} {SECOND}"
    assert "doubts" not in record["metadata"]


def _undecodable_text(share: float) -> str:
    """Text of which ``share`` of the letters are U+FFFD."""
    letters = len([c for c in EXPECTED["articleBody"] if c.isalpha()]) + sum(
        c.isalpha() for c in (EXPECTED["headline"] + (EXPECTED["description"] or ""))
    )
    return "\ufffd" * round(letters * share / (1 - share))


@pytest.mark.parametrize("share", [MOSTLY_UNDECODABLE - 0.02, MOSTLY_UNDECODABLE + 0.02])
def test_only_text_that_is_mostly_undecodable_is_refused(share: float) -> None:
    html = _with_paragraph_text(SECOND, f"{SECOND} {_undecodable_text(share)}")
    if share > MOSTLY_UNDECODABLE:
        with pytest.raises(BrokenPageError, match="of the text's letters are undecodable") as raised:
            _parse(html)
        assert raised.value.outcome == "failed/encoding"
    else:
        assert _parse(html)["metadata"]["doubts"][0].startswith("encoding: ")


def test_a_page_without_its_closing_tags_is_kept_with_a_doubt() -> None:
    """HTML lets a page omit ``</body>`` and ``</html>``: that alone says nothing is missing."""
    record = _parse(_without_closing_tags(HTML))
    assert [record[f] for f in FIELDS] == [EXPECTED[f] for f in FIELDS]
    assert record["metadata"]["doubts"] == [
        "truncated: the page ends before </body> or </html>, though nothing says its article is cut"
    ]
    # A whole page whose JSON-LD states more (a paywalled teaser with the whole article in its
    # JSON-LD) is no doubt at all: it has its closing tags.
    assert "doubts" not in _parse(_stating(HTML, wordCount=EXPECTED["wordCount"] * 10))["metadata"]


@pytest.mark.parametrize("field", ["articleBody", "wordCount"])
@pytest.mark.parametrize("longer", [0, 1])
def test_a_page_without_its_closing_tags_is_truncated_when_its_json_ld_says_far_more(
    field: str, longer: int
) -> None:
    """The body found has 1/STATED_TO_FOUND of the words the JSON-LD states: kept; one word more: refused."""
    stated = EXPECTED["wordCount"] * STATED_TO_FOUND + longer
    html = _stating(
        _without_closing_tags(HTML), **{field: "word " * stated if field == "articleBody" else stated}
    )
    if longer:
        with pytest.raises(
            BrokenPageError, match=f"its body has {EXPECTED['wordCount']} of the {stated} words"
        ):
            _parse(html)
    else:
        assert _parse(html)["metadata"]["doubts"][0].startswith("truncated: ")


def test_a_page_cut_in_its_article_is_truncated_by_its_json_ld() -> None:
    cut = HTML[: HTML.index(EXPECTED["body"][3]["text"])]
    stated = EXPECTED["wordCount"]
    with pytest.raises(
        BrokenPageError, match=rf"its body has \d+ of the {stated} words its JSON-LD states"
    ) as raised:
        _parse(_stating(cut, articleBody=EXPECTED["articleBody"]))
    assert raised.value.outcome == "failed/truncated"


def test_a_page_the_transfer_cut_short_is_truncated_whatever_its_end() -> None:
    page = FetchedPage(
        HTML.encode(), URL, "text/html; charset=utf-8", datetime(2021, 7, 26, tzinfo=UTC), 200,
        incomplete="the body is 9000 of the 12000 bytes its Content-Length states",
    )  # fmt: skip
    with pytest.raises(BrokenPageError, match="truncated: the body is 9000 of the 12000 bytes") as raised:
        page.parse()
    assert raised.value.outcome == "failed/truncated"


def test_a_crawl_counts_the_records_kept_with_a_doubt_per_site(tmp_path: Path) -> None:
    replay = copy_site("ctvnews", tmp_path / "fixtures")
    for page in sorted((replay / "ctvnews").glob("[0-9]*/page.html"))[:2]:
        page.write_text(_without_closing_tags(page.read_text(encoding="utf-8")), encoding="utf-8")
    stray = SEED_PARAGRAPH.encode()
    seed = replay / "ctvnews" / SEED.path.name / "page.html"
    seed.write_bytes(seed.read_bytes().replace(stray, b"\xff " + stray, 1))
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--replay", str(replay),
         "--out", str(tmp_path / "corpus")],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "ctvnews: 6 articles, 0 skipped (not an article)" in done.stdout
    assert "; kept with a doubt: encoding 1, truncated 2" in done.stdout


#: Ordinary German text that the old mojibake rule took for mojibake ("ß“" read as UTF-8 is NKo).
LOOK_ALIKE = "„Spaß“ für alle, sagte er."
#: The seed's lead image, which the page names in its JSON-LD, og:image and <img>.
IMAGE = "blinken-and-qin-1-6445509-1687086913456.jpg"


def with_every_doubt(page: bytes) -> bytes:
    """The CTV News seed with what lost real articles (issue 19, items 1 to 4): accented text
    that looks like mojibake, no closing tags, a stray byte, and a lead image whose URL holds a
    space and an accented letter as the page writes it."""
    paragraph = SEED_PARAGRAPH.encode()
    page = page.replace(paragraph, f"{LOOK_ALIKE} ".encode() + b"\xff " + paragraph, 1)
    page = page.replace(IMAGE.encode(), "blinken and qin \u00e9t\u00e9.jpg".encode())
    return page.replace(b"</body>", b"").replace(b"</html>", b"")


def test_archived_pages_are_kept_or_refused_by_reparse_and_ingest_as_the_crawl_did(tmp_path: Path) -> None:
    """One archived crawl, read back two ways: the same records, with the same doubts, and the
    page its transfer cut short refused by all three."""
    replay = copy_site("ctvnews", tmp_path / "fixtures")
    seed = replay / "ctvnews" / SEED.path.name / "page.html"
    seed.write_bytes(with_every_doubt(seed.read_bytes()))
    site = fixture_site(replay)
    (cut,) = [path for path in site.routes if path.endswith("-1.6335418")]  # another article
    whole = site.routes[cut].body  # gzip-encoded, as the site serves every page
    site.routes[cut] = Route(body=whole[: len(whole) // 2], headers={"Content-Encoding": "gzip"})
    corpus = tmp_path / "corpus"
    with serve(site):
        done = crawl(site, corpus, "--warc")
    assert "; kept with a doubt: encoding 1, truncated 1; failed: truncated 1" in done.stdout
    crawled = {record["id"]: record for record in stored_records(corpus)}
    (record,) = [record for record in crawled.values() if record["url"].endswith("-1.6445506")]  # the seed
    assert record["body"][1]["text"] == f"{LOOK_ALIKE} \ufffd {SEED_PARAGRAPH}"
    assert record["metadata"]["doubts"] == [
        "encoding: 1 undecodable characters (U+FFFD) in the text",
        "truncated: the page ends before </body> or </html>, though nothing says its article is cut",
    ]
    assert record["mainImage"]["url"].endswith("/blinken%20and%20qin%20%C3%A9t%C3%A9.jpg")

    for path in corpus.glob("ctvnews/*.jsonl"):  # as if an older parser had refused every page
        path.unlink()
    (corpus / ".index.sqlite").unlink()
    report = reparse(corpus, corpus / "warc", processes=0)
    assert report.sites[0].added == len(crawled)
    assert report.sites[0].skipped == {"failed/truncated": 1}
    assert "new articles, 0 unchanged; refused: failed/truncated 1" in report.summary()
    assert {record["id"]: record for record in stored_records(corpus)} == crawled

    files = [str(path) for path in archive_files(corpus / "warc")]
    ingested = ingest(warc_sources(files), tmp_path / "ingested", Selection.of(), processes=1)
    assert ingested.sites["ctvnews"].dropped == {"failed/truncated": 1}
    records = {record["id"]: record for record in stored_records(tmp_path / "ingested")}
    assert records.keys() == crawled.keys()
    assert records[record["id"]]["metadata"]["doubts"] == record["metadata"]["doubts"]
    assert records[record["id"]]["body"] == record["body"]
