"""Pages that are broken in ways no site's parser should have to think about.

Checked before a site's parser reads a page (binary data, a page cut short, a "page not found"
served with 200) and after (text that did not decode). Each check raises a typed error naming
the URL and what is wrong, so a crawl counts the page under its reason and stores nothing.
"""

from __future__ import annotations

import re

from crawler.errors import BrokenPageError, NotAnArticleError, NotHtmlError
from crawler.extract.charset import text_problem
from crawler.extract.page import Page

__all__ = ["check_page", "check_text"]

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


def check_page(page: Page) -> None:
    """Raise NotHtmlError, BrokenPageError or NotAnArticleError for a page no parser should read."""
    head = page.start(_HEAD)
    binary = _binary_kind(head)
    if binary:
        raise NotHtmlError(page.url, f"{binary}, not an HTML page")
    if not _MARKUP.search(head):
        raise NotHtmlError(page.url, "plain text with no HTML markup, not an HTML page")
    if not _CLOSING.search(page.end(_SHORT_TAIL)) and not _CLOSING.search(page.end(_TAIL)):
        raise BrokenPageError(page.url, "truncated", "the page ends before </body> or </html>")
    if not page.article_json_ld and _says_not_found(page):
        raise NotAnArticleError(page.url, "a 'page not found' page served as 200 (soft 404)")


def check_text(url: str, *texts: str | None) -> None:
    """Raise BrokenPageError (``encoding``) when a record's text holds undecodable characters."""
    for text in texts:
        problem = text_problem(text) if text else None
        if problem:
            raise BrokenPageError(url, "encoding", problem)


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
