"""Article body blocks from the article's elements: paragraphs, sub-heads, lists and quotes.

Parsers select the article's top-level elements on the page's lxml tree; this module
cleans copies of just those elements: it drops the nodes a site declares as boilerplate and
those no site's article text is in (hidden sections, captions, newsletter sign-ups),
classifies each remaining element, and drops lines that are boilerplate by their text ("Story
continues below advertisement"), a promo in capitals and a link, or lines that carry no words.

It works on the lxml tree the page was already parsed into. BeautifulSoup was the first
choice here, but building a soup of each fragment again put the 300 pages/s target out of
reach (see bench/parse.py).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from functools import cache

from lxml import etree

from crawler.extract._fast import html_fragments, new_element
from crawler.extract._query import css_to_xpath
from crawler.extract.charset import xml_safe_text
from crawler.extract.page import Element, collapse_whitespace
from crawler.record import Block

# Labels and prompts that never belong to an article, on any site.
COMMON_BOILERPLATE = (
    re.compile(r"^(story continues below advertisement|advertisement|ad)$", re.IGNORECASE),
    re.compile(r"^(share|share this article|report an? (editorial )?error)$", re.IGNORECASE),
)
# Elements that are never body text wherever they sit: media, forms, hidden sections ("Thanks for
# signing up!" until one does), captions, newsletter sign-ups.
COMMON_DROP = (
    "script", "style", "noscript", "template", "iframe", "figure", "figcaption",
    "aside", "button", "form", "svg", "video", "audio", "picture", "img",
    "[hidden]", "[style*='display:none']", "[style*='display: none']",
    "[class*='caption']", "[class*='newsletter']",
)  # fmt: skip

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_INLINE = frozenset({"span", "em", "strong", "b", "i", "a", "small", "time", "u", "sup", "sub"})
_BLOCK_LEVEL = frozenset({"p", "blockquote", "div", "section", *_HEADINGS, *_LISTS})
_WRAPPERS = frozenset({"div", "section"})
_HAS_WORD = re.compile(r"\w")
# A tag no drop selector names: the wrapper itself never matches one.
_WRAPPER_TAG = "crawler-fragment"


def extract_blocks(
    elements: Iterable[Element | str],
    drop: Sequence[str] = (),
    boilerplate: Sequence[re.Pattern[str]] = (),
) -> list[Block]:
    """Turn the article's top-level elements, in page order, into blocks.

    ``elements`` are lxml elements of the page (they are copied, never changed) or loose
    text; ``drop`` lists CSS selectors of nodes to remove first; ``boilerplate`` lists
    patterns of whole block texts that are not the article's own words.
    """
    # Copies of the elements go under one wrapper, so the drop query runs once, not per element.
    wrapper = new_element(_WRAPPER_TAG)
    pieces: list[Element | str] = []
    for element in elements:
        if not isinstance(element, str):
            element = copy.deepcopy(element)
            element.tail = None
            wrapper.append(element)
        pieces.append(element)
    for node in _drop_query((*COMMON_DROP, *drop))(wrapper):
        if node is not wrapper and node.getparent() is not None:
            node.drop_tree()
    for line_break in wrapper.iter("br"):  # "one<br>two" reads "one two"
        line_break.tail = " " + (line_break.tail or "")
    cleaned = [piece for piece in pieces if isinstance(piece, str) or piece.getparent() is wrapper]
    patterns = (*COMMON_BOILERPLATE, *boilerplate)
    return [block for block in _blocks(cleaned) if not _is_boilerplate(block, patterns)]


def blocks_from_html(fragments: Iterable[str], drop: Sequence[str] = ()) -> list[Block]:
    """Blocks from HTML strings (e.g. the paragraphs of an embedded JSON story)."""
    elements: list[Element | str] = []
    for fragment in fragments:
        elements.extend(html_fragments(xml_safe_text(fragment)))
    return extract_blocks(elements, drop)


@cache
def _drop_query(selectors: tuple[str, ...]) -> etree.XPath:
    """One query for the nodes any of the CSS selectors matches."""
    return etree.XPath(" | ".join(css_to_xpath(selector) for selector in selectors))


def _blocks(elements: Iterable[Element | str]) -> list[Block]:
    blocks: list[Block] = []
    pending_prefix = ""
    for element in elements:
        tag = element.tag if not isinstance(element, str) else None
        if isinstance(tag, str) and tag in _WRAPPERS and _holds_blocks(element):
            blocks.extend(_blocks(_children_and_text(element)))  # a wrapper: its children are the blocks
            continue
        if tag is None or tag in _INLINE:
            # A loose inline piece (a dateline such as CTV's span.placeline) opens the next block.
            pending_prefix = collapse_whitespace(f"{pending_prefix} {_text(element)}")
            continue
        if not isinstance(tag, str):
            continue  # comments, processing instructions
        block = _classify(element, tag)
        if block is None:
            continue
        if pending_prefix and block["type"] == "paragraph":
            block["text"] = collapse_whitespace(f"{pending_prefix} {block['text']}")
            pending_prefix = ""
        blocks.append(block)
    return blocks


def _children_and_text(element: Element) -> list[Element | str]:
    pieces: list[Element | str] = [element.text] if element.text and element.text.strip() else []
    for child in element:
        pieces.append(child)
        if child.tail and child.tail.strip():
            pieces.append(child.tail)
    return pieces


def _holds_blocks(element: Element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in _BLOCK_LEVEL for child in element)


def _classify(element: Element, tag: str) -> Block | None:
    if tag in _LISTS:
        # Items that are only a link are promos ("Capital Dispatch: Sign up..."), not list content.
        items = [text for li in element.iter("li") if (text := _text(li)) and not _is_link_only(li, text)]
        return {"type": "list", "text": "\n".join(items), "items": items} if items else None
    text = _text(element)
    if not text:
        return None
    if tag == "p" and (_is_link_only(element, text) or _is_labelled_link(element, text)):
        return None  # an inline related-story link, e.g. "(<a>What we know so far</a>)"
    if tag in _HEADINGS:
        return {"type": "heading", "text": text}
    if tag == "blockquote":
        return {"type": "quote", "text": text}
    return {"type": "paragraph", "text": text}


def _is_link_only(element: Element, text: str) -> bool:
    """Whether the element's ``text`` is one link's text and nothing else worded."""
    links = list(element.iter("a"))
    if len(links) != 1:
        return False
    inside = _text(links[0])
    return bool(inside) and not _HAS_WORD.search(text.replace(inside, "", 1))


def _is_labelled_link(element: Element, text: str) -> bool:
    """Whether the element's ``text`` is a label in capitals and one link: a promo ("A SIMPLE
    GUIDE: <a>How to ...</a>", "WATCH: <a>...</a>")."""
    label, colon, rest = text.partition(":")
    links = list(element.iter("a"))
    return bool(colon) and label.isupper() and len(links) == 1 and _text(links[0]) == rest.strip()


def _text(node: Element | str) -> str:
    """A node's words, white space collapsed (its ``<br>`` tails start with a space: extract_blocks)."""
    if isinstance(node, str):
        return collapse_whitespace(node)
    return collapse_whitespace("".join(node.itertext()))


def _is_boilerplate(block: Block, patterns: Sequence[re.Pattern[str]]) -> bool:
    text = block["text"]
    if not _HAS_WORD.search(text):
        return True  # separators such as "------"
    return any(pattern.search(text) for pattern in patterns)
