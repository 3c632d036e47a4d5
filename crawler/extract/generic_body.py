"""The article body of a page no site module knows: trafilatura finds it, our rules clean it.

trafilatura (with ``favor_precision``) is the best-scoring main-content finder on the
article-extraction benchmark (see ``bench/extraction.py``), so it picks the article's
paragraphs (fast, and with its readability/justext comparison only where that looks
doubtful; and, where it finds nothing on a page that says it is an article, from the page's
own article element alone). What it still lets through is the same on most sites, so three
general rules run around it:

* before: elements a reader never sees are removed (``hidden``, ``display:none``, hover
  cards and tooltips), since their text would otherwise run into the paragraph that holds them;
* after: the headline repeated as the first block, image credits, and promo lines ("Sign
  up for our newsletter", "DON'T MISS", "Tell us what you think") are dropped;
* the blocks keep their kind (paragraph, heading, list, quote), as site parsers give them.

No rule names a site or a page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from copy import deepcopy
from typing import Any

from lxml import etree

from crawler.extract._fast import new_element
from crawler.extract.page import Element, Page, collapse_whitespace
from crawler.record import Block

__all__ = ["generic_blocks"]

# Class names of elements never shown (whole class tokens: "hidden-xs" only hides on phones).
_HIDDEN_CLASSES = frozenset(
    {"hidden", "hide", "invisible", "element-hidden", "element-invisible", "sr-only", "visually-hidden",
     "visuallyhidden", "screen-reader-text", "screen-reader-only", "d-none"}
)  # fmt: skip
# Class words of cards shown on hover ("rollover-people-block"): the innermost such element is
# the card; the outer ones also hold the link the card belongs to.
_HOVER_CARD = re.compile(r"tooltip|popover|popup|rollover|hovercard|hover-card", re.IGNORECASE)
_UNSEEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
#: Class names that show an element from some screen width on, whatever hides it below
#: (Tailwind's ``hidden lg:flex``, Bootstrap's ``d-none d-md-block``): a desktop menu, or what a
#: page that left its menu's tags open holds inside it (libxml2 then nests the article there).
_SHOWN_FROM_A_WIDTH = re.compile(
    r"^(?:(?:sm|md|lg|xl|2xl):|d-(?:sm|md|lg|xl|xxl)-)"
    r"(?:block|flex|grid|inline|inline-block|inline-flex|inline-grid|table|contents|flow-root)$"
)
# Words every class that _is_hidden or _is_hover_card accepts holds, once lowered (a hidden
# class holds "hid", "invisible", "sr-only", ...): a class without one is not tested further.
# Case-sensitive on a lowered ASCII string: re.IGNORECASE would also fold letters that lower()
# does not (dotless i, U+0131, matches "i"), so a class that is not ASCII is always tested.
# (One XPath with translate() and contains() was slower than testing every element: libxml2
# copies the attribute for each contains.)
_MAYBE_UNSEEN_CLASS = re.compile(
    r"hid|invisible|sr-only|screen-reader|d-none|tooltip|pop(?:over|up)|rollover|hover-?card"
)

# Whole blocks that are the site talking about itself, not the article.
_PROMOS = (
    re.compile(r"^(?:advertisement|ad|sponsored|share|share this( article| story)?|tweet|email)$", re.I),
    re.compile(r"^(?:don'?t miss|see more|read more|related|more from|recommended|trending)\b.{0,60}$", re.I),
    re.compile(r"\b(?:sign up|subscribe)\b.{0,80}\b(?:newsletters?|inbox|e-?mails?)\b", re.I),
    re.compile(r"\bnewsletters?\b.{0,80}\b(?:sign up|subscribe)\b", re.I),
    re.compile(
        r"^(?:tell us what you think|leave a (?:comment|reply)|\d* ?comments?|join the conversation)\b", re.I
    ),
    re.compile(r"^(?:click here|follow us|follow (?:him|her|them) on)\b", re.I),
    re.compile(r"^(?:have a (?:news )?tip\??)", re.I),
    re.compile(r"^(?:photo|image|picture|credit|source)s?\s*(?::|©|by\b)", re.I),
    re.compile(r"^(?:©|copyright\b)", re.I),
)
_HAS_WORD = re.compile(r"\w")
#: Characters from which a fast extraction is taken without asking readability and justext.
_SURE_LENGTH = 1000
_BLOCK_TYPES = {"head": "heading", "list": "list", "quote": "quote"}


def generic_blocks(page: Page, titles: Iterable[str] = (), stated_article: bool = False) -> list[Block]:
    """The article's blocks, in page order; empty when no article body is found.

    ``titles`` are the page's headline in its several forms (JSON-LD, OpenGraph, ``<title>``,
    ``<h1>``): a first block that repeats one of them is the page's title, not its text.
    ``stated_article``: the page's metadata says it is an article (see ``_article``).
    """
    tree = deepcopy(page.xml_safe.root)  # trafilatura edits the tree's texts, which lxml may refuse
    # Comments inside a paragraph cut trafilatura's text there (it parses its own input without them).
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    _drop_unseen(tree)
    body = _article(tree, page.url, stated_article)
    if body is None:
        return []
    link_texts = {_key("".join(link.itertext())) for link in tree.iter("a")} - {""}
    blocks = [block for block in _blocks(body, link_texts) if not _is_promo(block["text"])]
    return _without_trailing_headings(_without_repeated_title(blocks, titles))


def _article(tree: Element, url: str, stated_article: bool) -> Element | None:
    """trafilatura's article body (its own XML: p, head, list, quote...), or None.

    trafilatura runs fast first: without ``fast`` it also asks readability and justext for
    a second opinion on every page, which costs nearly half the generic path and on the
    development sets changed almost only pages where the fast extraction found little or
    nothing. So the second opinion is asked only where the fast one looks doubtful.

    When that finds nothing at all on a page that says it is an article, the one element the
    page marks as its article (``_marked_article``) is read alone, the same way: trafilatura
    prunes menus whole, and a menu whose tags the page left open holds everything after it
    (libxml2 nests the rest of the page in it, where a browser closes the menu), article and
    all. A page that does not say it is an article (a section front, an index) gets no second
    look: its one featured story would pass for its body.
    """
    import trafilatura  # loaded on first use: it is slow to import, and site parsers never need it

    options: dict[str, Any] = {
        "url": url,
        "favor_precision": True,
        "include_comments": False,
        "include_images": False,
        "include_tables": True,
        "with_metadata": False,
    }
    body: Element | None = getattr(trafilatura.bare_extraction(tree, fast=True, **options), "body", None)
    if body is None or _doubtful(body):
        body = getattr(trafilatura.bare_extraction(tree, **options), "body", None)
    marked = _marked_article(tree) if body is None and stated_article else None
    if marked is not None:
        body = getattr(trafilatura.bare_extraction(marked, **options), "body", None)
    return body


def _marked_article(tree: Element) -> Element | None:
    """The page's one ``<article>`` (else its one ``itemprop=articleBody``) as a page of its own;
    None when it marks none, or several (the cards of a list of stories)."""
    found = tree.xpath("//article") or tree.xpath("//*[@itemprop='articleBody']")
    if len(found) != 1:
        return None
    page, body = new_element("html"), new_element("body")
    page.append(body)
    body.append(deepcopy(found[0]))  # a copy: the page's links still tell link lists (see _block)
    return page


def _doubtful(body: Element) -> bool:
    """Whether an extraction is one readability or justext may well do better on: short (under
    _SURE_LENGTH characters), with no paragraph, or more tables than paragraphs (what trafilatura's
    own comparison looks at). On the development sets this asks again for one page in seven."""
    paragraphs = len(body.findall(".//p"))
    if not paragraphs or len(body.findall(".//table")) > paragraphs:
        return True
    return len(" ".join("".join(body.itertext()).split())) < _SURE_LENGTH


def _drop_unseen(tree: Element) -> None:
    unseen = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag not in {"html", "body"}
        and _may_be_unseen(element)
        and (_is_hidden(element) or _is_hover_card(element))
    ]
    for element in unseen:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail: the text after the element stays in its paragraph


def _may_be_unseen(element: Element) -> bool:
    """A cheap test every element that _is_hidden or _is_hover_card accepts passes (most fail it).

    Testing every element of a page with those two cost a tenth of the generic path.
    """
    get = element.get
    if get("style") is not None or get("hidden") is not None or get("aria-hidden") == "true":
        return True
    names = get("class")
    return names is not None and (
        not names.isascii() or _MAYBE_UNSEEN_CLASS.search(names.lower()) is not None
    )


def _is_hidden(element: Element) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    if _UNSEEN_STYLE.search(element.get("style") or ""):
        return True
    names = (element.get("class") or "").lower().split()
    return not _HIDDEN_CLASSES.isdisjoint(names) and not any(map(_SHOWN_FROM_A_WIDTH.match, names))


def _is_hover_card(element: Element) -> bool:
    if not _HOVER_CARD.search(element.get("class") or ""):
        return False
    return not any(
        isinstance(inner.tag, str) and _HOVER_CARD.search(inner.get("class") or "")
        for inner in element.iterdescendants()
    )


def _blocks(body: Element, link_texts: set[str]) -> Iterator[Block]:
    # Text outside any element (before the first, or after one) is a paragraph of its own.
    loose = collapse_whitespace(body.text or "")
    if _HAS_WORD.search(loose):
        yield {"type": "paragraph", "text": loose}
    for child in body:
        yield from _block(child, link_texts)
        loose = collapse_whitespace(child.tail or "")
        if _HAS_WORD.search(loose):
            yield {"type": "paragraph", "text": loose}


def _block(child: Element, link_texts: set[str]) -> Iterator[Block]:
    """One block; a block (or list item) that is the whole text of a link on the page is another
    story's headline ("Related: ..." lists, "read more" links), not the article's words."""
    kind = _BLOCK_TYPES.get(child.tag, "paragraph")
    if kind == "list":
        items = [
            text for item in child.iter("item") if (text := _text(item)) and _key(text) not in link_texts
        ]
        if items:
            yield {"type": "list", "text": "\n".join(items), "items": items}
        return
    text = _text(child)
    if text and (kind == "quote" or _key(text) not in link_texts):
        yield {"type": kind, "text": text}  # type: ignore[typeddict-item]


def _text(element: Element) -> str:
    for line_break in element.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    for cell in element.iter("cell"):
        cell.tail = " " + (cell.tail or "")
    text = collapse_whitespace(
        " ".join(element.itertext()) if element.tag == "table" else "".join(element.itertext())
    )
    return text if _HAS_WORD.search(text) else ""


def _is_promo(text: str) -> bool:
    return any(pattern.search(text) for pattern in _PROMOS)


def _without_repeated_title(blocks: list[Block], titles: Iterable[str]) -> list[Block]:
    keys = {_key(title) for title in titles} - {""}
    start = 0
    while start < min(len(blocks), 2) and _key(blocks[start]["text"]) in keys:
        start += 1
    return blocks[start:]


def _without_trailing_headings(blocks: list[Block]) -> list[Block]:
    """An article never ends on a sub-head: headings after the last paragraph are other stories."""
    end = len(blocks)
    while end > 1 and blocks[end - 1]["type"] == "heading":
        end -= 1
    return blocks[:end]


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
