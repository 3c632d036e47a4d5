"""Article body blocks from the article's elements: paragraphs, sub-heads, lists and quotes.

Parsers select the article's top-level elements on the page's lxml tree; this module
cleans copies of just those elements: it drops the nodes a site declares as boilerplate,
classifies each remaining element, and drops lines that are boilerplate by their text
("Story continues below advertisement") or carry no words.

It works on the lxml tree the page was already parsed into. BeautifulSoup was the first
choice here, but building a soup costs about 2 ms even for a 3 KB fragment, which alone
puts the 300 pages/s target out of reach (see bench/parse.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import cssselect
from lxml import etree

from crawler.extract._query import css_to_xpath
from crawler.extract.page import Element, collapse_whitespace, html_fragments, new_element
from crawler.record import Block

# Labels and prompts that never belong to an article, on any site.
COMMON_BOILERPLATE = (
    re.compile(r"^(story continues below advertisement|advertisement|ad)$", re.IGNORECASE),
    re.compile(r"^(share|share this article|report an? (editorial )?error)$", re.IGNORECASE),
)
# Elements that are never body text wherever they sit.
COMMON_DROP = (
    "script", "style", "noscript", "template", "iframe", "figure", "figcaption",
    "aside", "button", "form", "svg", "video", "audio", "picture", "img",
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
            element = element.__copy__()  # lxml copies the whole subtree; copy.deepcopy's memo costs more
            element.tail = None
            wrapper.append(element)
        pieces.append(element)
    for node in _dropper((*COMMON_DROP, *drop)).doomed(wrapper):
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
        elements.extend(html_fragments(fragment))
    return extract_blocks(elements, drop)


@dataclass(frozen=True)
class _Dropper:
    """The nodes of a fragment that a site's drop selectors match, found testing few nodes in XPath.

    libxml2 evaluates a predicate at about 0.35 µs per node: eight class selectors over a
    100-node body cost a quarter of a millisecond. A simple selector (``div.ad``, ``.promo``,
    ``#gate``, ``[data-x]``) cannot match a node that lacks a certain class or id substring or
    attribute, so only nodes that have one of those are tested against the selectors' XPath.
    Bare tags are matched in C; selectors with combinators keep a path of their own.
    """

    tags: tuple[str, ...]
    #: a search for any of the class (id) substrings; None when no selector needs one
    classes: re.Pattern[str] | None
    ids: re.Pattern[str] | None
    #: (attribute, a substring its value must hold, lower-cased; "" for any value)
    attributes: tuple[tuple[str, str], ...]
    test: etree.XPath | None  # whether a node matches one of the simple selectors
    paths: etree.XPath | None  # the other selectors, run on the fragment

    def doomed(self, fragment: Element) -> list[Element]:
        """Every node of the fragment (the fragment included) that a selector matches."""
        found = list(fragment.iter(*self.tags)) if self.tags else []
        if self.test is not None:
            test = self.test
            found += [node for node in fragment.iter(etree.Element) if self._may_match(node) and test(node)]
        if self.paths is not None:
            found += self.paths(fragment)
        return found

    def _may_match(self, node: Element) -> bool:
        if self.classes and (names := node.get("class")) and self.classes.search(names):
            return True
        if self.ids and (ident := node.get("id")) and self.ids.search(ident):
            return True
        for name, part in self.attributes:
            value = node.get(name)
            if value is not None and part in value.lower():
                return True
        return False


@cache
def _dropper(selectors: tuple[str, ...]) -> _Dropper:
    tags: list[str] = []
    hints: dict[str, list[Any]] = {"class": [], "id": [], "attribute": []}
    tests: list[str] = []
    paths: list[str] = []
    for group in selectors:
        for selector in cssselect.parse(group):
            tree = selector.parsed_tree
            xpath = css_to_xpath(selector.canonical())
            hint = _hint(tree)
            if isinstance(tree, cssselect.parser.Element) and tree.element:
                tags.append(tree.element.lower())
            elif hint is not None:
                hints[hint[0]].append(hint[1])
                tests.append("self::" + xpath.removeprefix("descendant-or-self::"))
            else:
                paths.append(xpath)
    return _Dropper(
        tags=tuple(tags),
        classes=_any_of(hints["class"]),
        ids=_any_of(hints["id"]),
        attributes=tuple(hints["attribute"]),
        test=etree.XPath(f"boolean({' or '.join(tests)})") if tests else None,
        paths=etree.XPath(" | ".join(paths)) if paths else None,
    )


def _any_of(substrings: list[str]) -> re.Pattern[str] | None:
    """A search for any of the substrings: one C call for a node, where ``any(...)`` made ten."""
    return re.compile("|".join(map(re.escape, substrings))) if substrings else None


def _hint(tree: Any) -> tuple[str, Any] | None:
    """What a node needs to match a simple selector: a class or id substring, or an attribute.

    None for a combinator, or a selector with nothing of the kind (``*``, ``:not(...)``).
    """
    while tree is not None:
        if isinstance(tree, cssselect.parser.Class):
            return ("class", tree.class_name)
        if isinstance(tree, cssselect.parser.Hash):
            return ("id", tree.id)
        if isinstance(tree, cssselect.parser.Attrib) and tree.namespace is None and tree.operator != "!=":
            # Every operator but "exists" needs its value within the attribute's ("!=" needs none).
            value = (tree.value.value or "") if tree.value is not None else ""
            return ("attribute", (tree.attrib.lower(), value.lower()))
        if isinstance(tree, (cssselect.parser.Element, cssselect.parser.CombinedSelector)):
            return None
        tree = getattr(tree, "selector", None)  # a pseudo-class or :not() on a simpler selector
    return None


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
    if tag == "p" and _is_link_only(element, text):
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


def _text(node: Element | str) -> str:
    """A node's words, white space collapsed (its ``<br>`` tails start with a space: extract_blocks).

    libxml2 gathers the text in C, seven times as fast as joining ``itertext()``'s pieces.
    """
    if isinstance(node, str):
        return collapse_whitespace(node)
    return collapse_whitespace(etree.tostring(node, method="text", encoding=str, with_tail=False))


def _is_boilerplate(block: Block, patterns: Sequence[re.Pattern[str]]) -> bool:
    text = block["text"]
    if not _HAS_WORD.search(text):
        return True  # separators such as "------"
    return any(pattern.search(text) for pattern in patterns)
