"""Article body blocks from a small HTML fragment: paragraphs, sub-heads, lists and quotes.

Parsers select the article's elements with lxml (fast, over the whole page); this module
cleans only that fragment with BeautifulSoup: it drops the nodes a site declares as
boilerplate, classifies each remaining top-level element, and drops lines that are
boilerplate by their text ("Story continues below advertisement") or carry no words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal, TypedDict

from bs4 import BeautifulSoup
from bs4.element import Comment, NavigableString, Tag

from crawler.extract.page import collapse_whitespace

BlockType = Literal["paragraph", "heading", "list", "quote"]


class _BlockRequired(TypedDict):
    type: BlockType
    text: str


class Block(_BlockRequired, total=False):
    """One block of the article body; a list also carries its items."""

    items: list[str]


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
_HAS_WORD = re.compile(r"\w")


def extract_blocks(
    fragments: Iterable[str],
    drop: Sequence[str] = (),
    boilerplate: Sequence[re.Pattern[str]] = (),
) -> list[Block]:
    """Turn the article's top-level elements (as HTML strings, in page order) into blocks.

    ``drop`` lists CSS selectors of nodes to remove first; ``boilerplate`` lists patterns of
    whole block texts that are not the article's own words.
    """
    soup = BeautifulSoup("<div>" + "".join(fragments) + "</div>", "lxml")
    root = soup.find("div")
    if not isinstance(root, Tag):
        return []
    for node in root.select(", ".join((*COMMON_DROP, *drop))):
        node.decompose()
    patterns = (*COMMON_BOILERPLATE, *boilerplate)
    return [block for block in _blocks(root) if not _is_boilerplate(block, patterns)]


def _blocks(root: Tag) -> list[Block]:
    blocks: list[Block] = []
    pending_prefix = ""
    for child in root.children:
        if isinstance(child, Comment):
            continue
        if isinstance(child, Tag) and child.name in {"div", "section"} and _holds_blocks(child):
            blocks.extend(_blocks(child))  # a wrapper: its children are the blocks
            continue
        if isinstance(child, NavigableString) or (isinstance(child, Tag) and child.name in _INLINE):
            # A loose inline piece (a dateline such as CTV's span.placeline) opens the next block.
            pending_prefix = collapse_whitespace(pending_prefix + " " + _text(child))
            continue
        if not isinstance(child, Tag):
            continue
        block = _classify(child)
        if block is None:
            continue
        if pending_prefix and block["type"] == "paragraph":
            block["text"] = collapse_whitespace(f"{pending_prefix} {block['text']}")
            pending_prefix = ""
        blocks.append(block)
    return blocks


def _holds_blocks(element: Tag) -> bool:
    return any(isinstance(child, Tag) and child.name in _BLOCK_LEVEL for child in element.children)


def _classify(element: Tag) -> Block | None:
    name = element.name
    if name in _LISTS:
        # Items that are only a link are promos ("Capital Dispatch: Sign up..."), not list content.
        items = [text for li in element.find_all("li") if not _is_link_only(li) and (text := _text(li))]
        return {"type": "list", "text": "\n".join(items), "items": items} if items else None
    if name == "p" and _is_link_only(element):
        return None  # an inline related-story link, e.g. "(<a>What we know so far</a>)"
    text = _text(element)
    if not text:
        return None
    if name in _HEADINGS:
        return {"type": "heading", "text": text}
    if name == "blockquote":
        return {"type": "quote", "text": text}
    return {"type": "paragraph", "text": text}


def _is_link_only(element: Tag) -> bool:
    links = element.find_all("a")
    if len(links) != 1:
        return False
    outside = "".join(str(s) for s in element.find_all(string=True) if s.find_parent("a") is None)
    return not _HAS_WORD.search(outside)


def _text(node: Tag | NavigableString) -> str:
    if isinstance(node, NavigableString):
        return collapse_whitespace(str(node))
    for line_break in node.find_all("br"):
        line_break.replace_with(" ")
    return collapse_whitespace(node.get_text())


def _is_boilerplate(block: Block, patterns: Sequence[re.Pattern[str]]) -> bool:
    text = block["text"]
    if not _HAS_WORD.search(text):
        return True  # separators such as "------"
    return any(pattern.search(text) for pattern in patterns)


def article_body(blocks: Sequence[Block]) -> str:
    """The plain-text body: blocks separated by a blank line."""
    return "\n\n".join(block["text"] for block in blocks)
