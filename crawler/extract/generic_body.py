"""The article body of a page no site module knows: trafilatura finds it, our rules clean it.

trafilatura is the best main-content finder on the evaluation sets (``bench/extraction.py``), so
it picks the article's paragraphs: in its balanced mode (its ``favor_precision`` mode threw away
whole articles, such as a blog post kept in a ``noscript`` copy, for little precision the rules
below do not also give), fast, with its readability/justext comparison only where the fast
result looks doubtful; and, where it finds nothing on a page that says it is an article, from
the page's own article element alone. What it still lets through, or leaves out, is the same on
most sites, so general rules run around it:

* before: elements a reader never sees are removed (``hidden``, ``display:none``, hover cards
  and tooltips; but not the slides of a slideshow), and so is what sites put in every article
  (``crawler.extract.furniture``: share and author boxes, lists of other stories);
* after: blocks that are the whole text of a link to another page, promo, cookie and date lines
  (``crawler.extract.boilerplate``), the title repeated at the top (or the page's address) and a
  sub-head repeating the description (a "dek") are dropped; a lead paragraph the extraction
  left out is put back (see ``_with_lead``);
* the blocks keep their kind (paragraph, heading, list, quote), as site parsers give them, and
  their letters are in composed form (NFC).

No rule names a site or a page; each one pays on the development sets together
(``bench/extraction.py`` on both main-text sets, and the site parsers' bodies of the reference
pages).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from copy import deepcopy
from typing import Any

from lxml import etree

from crawler.extract._fast import new_element
from crawler.extract.boilerplate import is_date_line, is_promo
from crawler.extract.furniture import drop_furniture, links_elsewhere, sibling_kind
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

#: Hidden siblings of one kind from which they are slides shown in turn, not boilerplate.
_SLIDES = 5
_HAS_WORD = re.compile(r"\w")
#: The names a link's fragment may point to on the page.
_ANCHORS = etree.XPath("//@id | //@name")
#: Characters from which a fast extraction is taken without asking readability and justext.
_SURE_LENGTH = 1000
#: How many blocks at the top may repeat the title (the headline, the page's address, the title again).
_TITLE_BLOCKS = 3
#: The fewest characters of a description taken for the article's lead.
_SHORTEST_LEAD = 40
#: The texts of the page's body that hold some words (a description's first ones).
_TEXTS_HOLDING = etree.XPath("//body//text()[contains(., $start)]")
#: How many elements up from such a text the lead may be (its text may sit in a <strong>).
_LEAD_DEPTH = 4
#: How much longer than the description an element may be and still be looked at.
_LONGEST_LEAD_FACTOR = 2
#: How many of the description's first words find the texts it may start (few: an inline
#: element, a <strong>, may cut the lead's text after its first words).
_LEAD_START_WORDS = 2
#: The end of a sentence: a lead holds two or more.
_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
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
    drop_furniture(tree)
    body = _article(tree, page.url, stated_article)
    if body is None:
        return []
    link_texts = _other_pages_link_texts(tree)
    blocks = [
        block
        for block in _blocks(body, link_texts)
        if not is_promo(block["text"]) and not is_date_line(block["text"])
    ]
    # The page's own address, printed above the article, opens the body like its title.
    blocks = _without_trailing_headings(_without_repeated_title(blocks, (*titles, page.url)))
    descriptions = _descriptions(page)
    return _with_lead(_without_dek(blocks, descriptions), tree, descriptions)


def _without_dek(blocks: list[Block], descriptions: list[str]) -> list[Block]:
    """The blocks without a sub-head that repeats the page's description: the summary set under
    the headline (a "dek"), not the article's text."""
    keys = {_key(description) for description in descriptions}
    if blocks and blocks[0]["type"] == "heading" and _key(blocks[0]["text"]) in keys:
        return blocks[1:]
    return blocks


def _with_lead(blocks: list[Block], tree: Element, descriptions: list[str]) -> list[Block]:
    """The blocks, opened by the article's lead when the extraction left it out.

    Many sites set the lead paragraph apart (a "teaser" or "intro" box above the text), where
    trafilatura takes it for a teaser of another story; the page's description states that same
    text. So an element of the page whose text is a description the body lacks is the lead:
    when it is a paragraph of two sentences or more, since a one-line summary under the
    headline (a "dek") is not the article's text.
    """
    leads = {
        _key(description): description
        for description in descriptions
        if len(_SENTENCE_END.findall(description)) >= 2 and len(description) >= _SHORTEST_LEAD
    }
    if not leads:
        return blocks
    body_key = _key(" ".join(block["text"] for block in blocks))
    for key, description in leads.items():
        shown = None if key in body_key else _shown_as(tree, description, key)
        if shown is not None:
            return [{"type": "paragraph", "text": shown}, *blocks]
    return blocks


def _descriptions(page: Page) -> list[str]:
    stated = page.article_json_ld.get("description")
    found = [page.meta("og:description"), page.meta("description"), page.meta("twitter:description")]
    return [text for text in (stated if isinstance(stated, str) else None, *found) if text]


def _shown_as(tree: Element, description: str, key: str) -> str | None:
    """The text of the element of the page's body whose words are the description's (``key``).

    Only the elements around a text that holds the description's first words are read
    (libxml2 finds those texts, in far less time than reading every element's text here).
    """
    start = " ".join(description.split()[:_LEAD_START_WORDS])
    for found in _TEXTS_HOLDING(tree, start=start):
        element = found.getparent()
        for _ in range(_LEAD_DEPTH):
            if element is None:
                break
            text = _clean("".join(element.itertext()))
            if len(text) > _LONGEST_LEAD_FACTOR * len(description):
                break
            if _key(text) == key:
                return text
            element = element.getparent()
    return None


def _article(tree: Element, url: str, stated_article: bool) -> Element | None:
    """trafilatura's article body (its own XML: p, head, list, quote...), or None.

    trafilatura runs fast first: without ``fast`` it also asks readability and justext for
    a second opinion on every page, which costs nearly half the generic path and on the
    development sets changed almost only pages where the fast extraction found little or
    nothing. So the second opinion is asked only where the fast one looks doubtful.

    When that finds nothing, or one block only (trafilatura's last resort: the page's whole text
    as one paragraph), on a page that says it is an article, the one element the page marks as
    its article (``_marked_article``) is read alone, the same way, and kept when it gives more
    blocks: trafilatura prunes menus whole, and a menu whose tags the page left open holds
    everything after it (libxml2 nests the rest of the page in it, where a browser closes the
    menu), article and all. A page that does not say it is an article (a section front, an
    index) gets no second look: its one featured story would pass for its body.
    """
    import trafilatura  # loaded on first use: it is slow to import, and site parsers never need it

    options: dict[str, Any] = {
        "url": url,
        "favor_precision": False,
        "include_comments": False,
        "include_images": False,
        "include_tables": True,
        "with_metadata": False,
    }
    body: Element | None = getattr(trafilatura.bare_extraction(tree, fast=True, **options), "body", None)
    if body is None or _doubtful(body):
        body = getattr(trafilatura.bare_extraction(tree, **options), "body", None)
    last_resort = body is None or len(body) < 2
    marked = _marked_article(tree) if stated_article and last_resort else None
    if marked is not None:
        found = getattr(trafilatura.bare_extraction(marked, **options), "body", None)
        if found is not None and (body is None or len(found) > len(body)):
            body = found
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
    _SURE_LENGTH characters), with fewer than two paragraphs (a page's text run together is
    trafilatura's last resort), or more tables than paragraphs (what trafilatura's own comparison
    looks at). On the development sets this asks again for one page in seven."""
    paragraphs = len(body.findall(".//p"))
    if paragraphs < 2 or len(body.findall(".//table")) > paragraphs:
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
    for element in _without_slides(unseen):
        if element.getparent() is not None:
            element.drop_tree()  # keeps the tail: the text after the element stays in its paragraph


def _without_slides(unseen: list[Element]) -> list[Element]:
    """The unseen elements but the slides: a run of hidden siblings of one kind (the same tag and
    class) is a slideshow or paged list whose script shows one slide at a time, and every slide is
    the article's (a "30 things" list); one hidden section or a pair of tabs is not."""
    kinds = Counter(map(sibling_kind, unseen))
    return [element for element in unseen if kinds[sibling_kind(element)] < _SLIDES]


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


def _other_pages_link_texts(tree: Element) -> set[str]:
    """The texts of the page's links to other pages.

    A link within the page (a table of contents' entry, whose fragment names a heading of the
    article, or a heading's own anchor), an anchor with no ``href`` and a link to an address
    (``mailto:``) name the article's own words, not another story.
    """
    anchors: set[str] | None = None
    texts = set()
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not links_elsewhere(href):
            continue
        fragment = href.partition("#")[2]
        if fragment:
            anchors = set(_ANCHORS(tree)) if anchors is None else anchors
            if fragment in anchors:
                continue
        texts.add(_key("".join(link.itertext())))
    return texts - {""}


def _blocks(body: Element, link_texts: set[str]) -> Iterator[Block]:
    # Text outside any element (before the first, or after one) is a paragraph of its own.
    loose = _clean(body.text or "")
    if _HAS_WORD.search(loose):
        yield {"type": "paragraph", "text": loose}
    for child in body:
        yield from _block(child, link_texts)
        loose = _clean(child.tail or "")
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
    text = _clean(" ".join(element.itertext()) if element.tag == "table" else "".join(element.itertext()))
    return text if _HAS_WORD.search(text) else ""


def _clean(text: str) -> str:
    """White space collapsed, and characters in their composed form (NFC): a page may spell one
    letter in two ways (Bengali "য়" as one code point or two), and a search for the words must
    find both."""
    return unicodedata.normalize("NFC", collapse_whitespace(text))


def _without_repeated_title(blocks: list[Block], titles: Iterable[str]) -> list[Block]:
    """The blocks without the title repeated among the first few (under a cookie notice, or the
    page's address)."""
    keys = {_key(title) for title in titles} - {""}
    top = [block for block in blocks[:_TITLE_BLOCKS] if _key(block["text"]) not in keys]
    return top + blocks[_TITLE_BLOCKS:]


def _without_trailing_headings(blocks: list[Block]) -> list[Block]:
    """An article never ends on a sub-head: headings after the last paragraph are other stories."""
    end = len(blocks)
    while end > 1 and blocks[end - 1]["type"] == "heading":
        end -= 1
    return blocks[:end]


def _key(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))
