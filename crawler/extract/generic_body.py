"""The article body of a page no site module knows: trafilatura finds it, our rules clean it.

trafilatura is the best main-content finder on the evaluation sets (``bench/extraction.py``), so
it picks the article's paragraphs: in its balanced mode (its ``favor_precision`` mode threw away
whole articles, such as a blog post kept in a ``noscript`` copy, for little precision the rules
below do not also give), fast, with its readability/justext comparison only where the fast
result looks doubtful. What it still lets through, or leaves out, is the same on most sites, so
general rules run around it:

* before: elements a reader never sees are removed (``hidden``, ``display:none``, hover cards
  and tooltips; but not the slides of a slideshow), and so are the boxes sites put in every
  article (share buttons, author boxes, disclaimers, by their class names) and lists of other
  stories (sibling cards, each a linked headline and a summary);
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

from crawler.extract.boilerplate import is_date_line, is_promo
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
# Words every class that _is_hidden or _is_hover_card accepts holds, once lowered (a hidden
# class holds "hid", "invisible", "sr-only", ...): a class without one is not tested further.
# Case-sensitive on a lowered ASCII string: re.IGNORECASE would also fold letters that lower()
# does not (dotless i, U+0131, matches "i"), so a class that is not ASCII is always tested.
# (One XPath with translate() and contains() was slower than testing every element: libxml2
# copies the attribute for each contains.)
_MAYBE_UNSEEN_CLASS = re.compile(
    r"hid|invisible|sr-only|screen-reader|d-none|tooltip|pop(?:over|up)|rollover|hover-?card"
)

# Class words of the boxes sites put in every article (see _drop_site_boxes), whole words of a
# class name ("sd-sharing-enabled", "newsletter-promo", "TestReport__AuthorBox").
_SITE_BOX = re.compile(
    r"(?:^|[-_])(?:share|sharing|sharedaddy|social|newsletter|author-?(?:box|bio|info)|about-?(?:the-)?author|"
    r"saboxplugin|disclaimer|disclosure|affiliate|related|linklist|linkbox)(?:$|[-_])"
)
#: The most text a site's box holds (an author box, a disclaimer): more is the article's.
_LARGEST_BOX = 2000
_CARD_TAGS = frozenset({"article", "div", "li", "section"})
#: Sibling cards of one kind from which they are a list of other stories.
_CARDS = 3
#: The most text of a story card: a headline and a line or two of summary.
_LONGEST_CARD = 400
#: The most text left of a list of cards once they are gone: the list's title ("Top stories").
_LONGEST_LIST_TITLE = 60
#: The fewest words of a headline.
_HEADLINE_WORDS = 4
#: Hidden siblings of one kind from which they are slides shown in turn, not boilerplate.
_SLIDES = 5
_HAS_WORD = re.compile(r"\w")
#: Link targets that are not another page: the page itself, an address, a script.
_NOT_ANOTHER_PAGE = ("#", "mailto:", "tel:", "javascript:")
#: Characters from which a fast extraction is taken without asking readability and justext.
_SURE_LENGTH = 1000
#: How many blocks at the top may repeat the title (the headline, the page's address, the title again).
_TITLE_BLOCKS = 3
#: The fewest characters of a description taken for the article's lead.
_SHORTEST_LEAD = 40
_LEAD_TAGS = ("p", "div", "h2", "h3", "span", "strong", "section")
_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")
_BLOCK_TYPES = {"head": "heading", "list": "list", "quote": "quote"}


def generic_blocks(page: Page, titles: Iterable[str] = ()) -> list[Block]:
    """The article's blocks, in page order; empty when no article body is found.

    ``titles`` are the page's headline in its several forms (JSON-LD, OpenGraph, ``<title>``,
    ``<h1>``): a first block that repeats one of them is the page's title, not its text.
    """
    tree = deepcopy(page.root)
    # Comments inside a paragraph cut trafilatura's text there (it parses its own input without them).
    etree.strip_tags(tree, etree.Comment, etree.ProcessingInstruction)
    _drop_unseen(tree)
    _drop_site_boxes(tree)
    _drop_story_cards(tree)
    body = _article(tree, page.url)
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
    body_key = _key(" ".join(block["text"] for block in blocks))
    for description in descriptions:
        key = _key(description)
        if len(key) < _SHORTEST_LEAD or key in body_key or len(_SENTENCE_END.findall(description)) < 2:
            continue
        shown = _shown_as(tree, key)
        if shown is not None:
            return [{"type": "paragraph", "text": shown}, *blocks]
    return blocks


def _descriptions(page: Page) -> list[str]:
    stated = page.article_json_ld.get("description")
    found = [page.meta("og:description"), page.meta("description"), page.meta("twitter:description")]
    return [text for text in (stated if isinstance(stated, str) else None, *found) if text]


def _shown_as(tree: Element, key: str) -> str | None:
    """The text of the element of the page's body whose words are ``key``'s, if one is."""
    body = tree.find("body")
    for element in (body if body is not None else tree).iter(_LEAD_TAGS):
        text = _clean("".join(element.itertext()))
        if len(text) >= len(key) // 2 and _key(text) == key:
            return text
    return None


def _article(tree: Element, url: str) -> Element | None:
    """trafilatura's article body (its own XML: p, head, list, quote...), or None.

    trafilatura runs fast first: without ``fast`` it also asks readability and justext for
    a second opinion on every page, which costs nearly half the generic path and on the
    development sets changed almost only pages where the fast extraction found little or
    nothing. So the second opinion is asked only where the fast one looks doubtful.
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
    return body


def _doubtful(body: Element) -> bool:
    """Whether an extraction is one readability or justext may well do better on: short (under
    _SURE_LENGTH characters), with no paragraph, or more tables than paragraphs (what trafilatura's
    own comparison looks at). On the development sets this asks again for one page in seven."""
    paragraphs = len(body.findall(".//p"))
    if not paragraphs or len(body.findall(".//table")) > paragraphs:
        return True
    return len(" ".join("".join(body.itertext()).split())) < _SURE_LENGTH


def _drop_site_boxes(tree: Element) -> None:
    """Remove the boxes sites put in or around every article, named so in their classes: share
    buttons, newsletter forms, author boxes, disclaimers, comments, tag and link lists. A box
    holding much of the page's text is the article itself, whatever its classes say."""
    body = tree.find("body")
    if body is None:
        return
    most = min(_LARGEST_BOX, len("".join(body.itertext())) // 2)
    boxes = [
        element
        for element in body.iter()
        if isinstance(element.tag, str)
        and any(_SITE_BOX.search(name) for name in (element.get("class") or "").lower().split())
    ]
    for element in boxes:
        if element.getparent() is not None and len("".join(element.itertext())) <= most:
            element.drop_tree()


def _drop_story_cards(tree: Element) -> None:
    """Remove lists of other stories: three or more sibling cards of one kind (the same tag and
    class), each a headline linked to another page with a line or two of summary."""
    groups: dict[tuple[Any, str, str], list[Element]] = {}
    for element in tree.iter():
        parent = element.getparent()
        if element.tag in _CARD_TAGS and parent is not None and element.get("class"):
            groups.setdefault((parent, element.tag, element.get("class")), []).append(element)
    for (parent, _, _), cards in groups.items():
        if len(cards) >= _CARDS and all(_is_story_card(card) for card in cards):
            for card in cards:
                card.drop_tree()
            _drop_emptied(parent)


def _drop_emptied(element: Element) -> None:
    """Remove what a list of cards leaves: its emptied containers, with the list's own title."""
    emptied = None
    while element.tag not in {"body", "html"} and len(_text_of(element)) <= _LONGEST_LIST_TITLE:
        emptied, element = element, element.getparent()
        if element is None:
            break
    if emptied is not None and emptied.getparent() is not None:
        emptied.drop_tree()


def _text_of(element: Element) -> str:
    return collapse_whitespace("".join(element.itertext()))


def _is_story_card(element: Element) -> bool:
    text = _text_of(element)
    if not text or len(text) > _LONGEST_CARD:
        return False
    for link in element.iter("a"):
        href = (link.get("href") or "").strip()
        headline = collapse_whitespace("".join(link.itertext()))
        if href and not href.startswith(_NOT_ANOTHER_PAGE) and len(headline.split()) >= _HEADLINE_WORDS:
            return True
    return False


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
    kinds = Counter((element.getparent(), element.tag, element.get("class")) for element in unseen)
    return [
        element
        for element in unseen
        if kinds[(element.getparent(), element.tag, element.get("class"))] < _SLIDES
    ]


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
    return not _HIDDEN_CLASSES.isdisjoint((element.get("class") or "").lower().split())


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
    anchors = {name for element in tree.iter() for name in (element.get("id"), element.get("name")) if name}
    texts = set()
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href or href.lower().startswith(_NOT_ANOTHER_PAGE) or href.partition("#")[2] in anchors:
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
