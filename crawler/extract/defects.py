"""Pages that are broken in ways no site's parser should have to think about.

Checked before a site's parser reads a page (binary data, a page the transfer cut short, a
"page not found" served with 200) and after, on its record (text that did not decode, an
article shorter than the page says it is). A page that certainly cannot give a whole, readable
article raises a typed error naming the URL and what is wrong, so a crawl counts it under its
reason and stores nothing. What is only doubtful does not cost the article: the record check
returns it as a doubt, ``"<kind>: <what>"`` with the kind of the error it would have been,
which the record keeps in ``metadata.doubts``.
"""

from __future__ import annotations

import re
from typing import Any

from crawler.errors import BrokenPageError, NotAnArticleError, NotHtmlError
from crawler.extract.charset import encoding_doubt, undecodable_share
from crawler.extract.page import Page
from crawler.record import Record, word_count

__all__ = ["MOSTLY_UNDECODABLE", "STATED_TO_FOUND", "check_page", "check_record"]

#: Enough of a page to tell text from binary; formats that announce themselves by their first bytes.
_HEAD = 4096
_SIGNATURES = {"%PDF-": "a PDF document", "PK\x03\x04": "a ZIP archive", "GIF8": "a GIF image"}
#: Control characters no HTML page holds (tab, newlines and form feed excepted), and the
#: replacement character: what bytes that are not text decode to.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")
#: The end of a whole page, searched only in its last part: a page is cut at the end. The
#: closing tags are nearly always in its last few hundred bytes, so those are read first.
_SHORT_TAIL = 2048
_TAIL = 65536
_CLOSING = re.compile(r"</(?:html|body)\s*>", re.I)
#: A tag, a comment or a doctype: an HTML page has one in its first bytes; plain text has none.
_MARKUP = re.compile(r"<[a-zA-Z!?/]")
#: What sites title a missing page; read only on pages with no Article JSON-LD.
_NOT_FOUND = re.compile(
    r"\b(?:page|content|article|story)\s+(?:was\s+|is\s+)?(?:not\s+found|can(?:no|['\u2019])?t\s+be\s+found"
    r"|no\s+longer\s+(?:exists|available))\b|\berror\s+404\b|\b404\s*(?:error|page|-|:|\|)|"
    r"\bcould(?:n['\u2019]t|\s+not)\s+find\s+(?:that|the|this)\s+page\b",
    re.I,
)
#: A text is no longer the article when more than this share of its letters are U+FFFD (a
#: Greek or Korean text read in the wrong charset); a few bad characters are a doubt.
MOSTLY_UNDECODABLE = 0.5
#: A page without its closing tags is cut short when its JSON-LD states an article more than
#: this many times as long as the body found. On real whole pages, the body found is 0.8 to
#: 1.1 times the stated length (captions, counting); the few far below are paywalled teasers
#: and counts of something else, on pages that have their closing tags.
STATED_TO_FOUND = 2


def check_page(page: Page) -> None:
    """Raise NotHtmlError, BrokenPageError or NotAnArticleError for a page no parser should read."""
    head = page.start(_HEAD)
    binary = _binary_kind(head)
    if binary:
        raise NotHtmlError(page.url, f"{binary}, not an HTML page")
    if not _MARKUP.search(head):
        raise NotHtmlError(page.url, "plain text with no HTML markup, not an HTML page")
    if page.incomplete:
        raise BrokenPageError(page.url, "truncated", page.incomplete)
    if not page.article_json_ld and _says_not_found(page):
        raise NotAnArticleError(page.url, "a 'page not found' page served as 200 (soft 404)")


def check_record(page: Page, record: Record) -> list[str]:
    """The record's doubts; raise BrokenPageError when it is not a whole, readable article.

    ``encoding``: text that is mostly U+FFFD is refused; a few U+FFFD, or mojibake left over,
    are a doubt. ``truncated``: HTML lets a page omit ``</body>`` and ``</html>``, and many
    real pages do, so a page without them is refused only when its JSON-LD says the article is
    far longer than the body found (``STATED_TO_FOUND``); otherwise it is a doubt.
    """
    text = "\n".join(
        part for part in (record["headline"], record["description"], record["articleBody"]) if part
    )
    share = undecodable_share(text)
    if share > MOSTLY_UNDECODABLE:
        raise BrokenPageError(
            page.url, "encoding", f"{share:.0%} of the text's letters are undecodable (U+FFFD)"
        )
    doubts = []
    problem = encoding_doubt(text)
    if problem:
        doubts.append(f"encoding: {problem}")
    if not _ends_whole(page):
        found, stated = record["wordCount"], _stated_words(page.article_json_ld)
        ending = "the page ends before </body> or </html>"
        if stated and found * STATED_TO_FOUND < stated:
            raise BrokenPageError(
                page.url,
                "truncated",
                f"{ending}, and its body has {found} of the {stated} words its JSON-LD states",
            )
        doubts.append(f"truncated: {ending}, though nothing says its article is cut")
    return doubts


def _ends_whole(page: Page) -> bool:
    return bool(_CLOSING.search(page.end(_SHORT_TAIL)) or _CLOSING.search(page.end(_TAIL)))


def _stated_words(article: dict[str, Any]) -> int | None:
    """The article's length as its JSON-LD states it: the words of ``articleBody``, else ``wordCount``."""
    body = article.get("articleBody")
    if isinstance(body, str) and body.strip():
        return word_count(body)
    stated = article.get("wordCount")
    if isinstance(stated, int) and not isinstance(stated, bool):
        return stated
    if isinstance(stated, str) and stated.strip().isdigit():
        return int(stated)
    return None


def _binary_kind(head: str) -> str | None:
    for signature, kind in _SIGNATURES.items():
        if head.lstrip().startswith(signature):
            return kind
    # Judged by the share of control bytes, as browsers sniff: a stray NUL or two in a page's
    # text does not make it binary.
    if len(_CONTROLS.findall(head)) > len(head) // 10:
        return "binary data"
    return None


def _says_not_found(page: Page) -> bool:
    title = page.css_text("title") or ""
    heading = page.css_text("h1") or ""
    return bool(_NOT_FOUND.search(title) or _NOT_FOUND.search(heading))
