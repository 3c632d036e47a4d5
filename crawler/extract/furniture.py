"""What sites put in and around every article that is not the article: their furniture.

Two kinds, removed from a page's tree before the generic extractor reads it
(``crawler.extract.generic_body``), since trafilatura lets much of them through:

* boxes, named so in their classes: share buttons, newsletter forms, author boxes,
  disclaimers, link boxes ("sd-sharing-enabled", "saboxplugin-wrap", "aawp-disclaimer");
* lists of other stories: three or more sibling cards of one kind, each a headline linked to
  another page with a line or two of summary ("Top stories", "More from ..."), and the other
  posts a blog shows after its own, each an ``<article>`` whose headline links to its page.

No rule names a site.
"""

from __future__ import annotations

import re

from crawler.extract.page import Element, collapse_whitespace

__all__ = ["drop_furniture", "links_elsewhere", "sibling_kind"]

# Class words of the boxes sites put in every article , whole words of a
# class name ("sd-sharing-enabled", "newsletter-promo", "TestReport__AuthorBox").
_SITE_BOX = re.compile(
    r"(?:^|[-_])(?:share|sharing|sharedaddy|social|newsletter|author-?(?:box|bio|info)|about-?(?:the-)?author|"
    r"saboxplugin|disclaimer|disclosure|affiliate|related|linklist|linkbox)(?:$|[-_])"
)
#: The fewest paragraphs of an article: a box holds fewer.
_ARTICLE_PARAGRAPHS = 3
#: The most text a site's box holds (an author box, a disclaimer): more is the article's.
_LARGEST_BOX = 2000
# A cheap test every lowered class list that _SITE_BOX accepts passes (most fail it); on a
# lowered string, as re.IGNORECASE made it two times slower.
_MAYBE_SITE_BOX = re.compile(r"shar|social|newsletter|author|sabox|discl|affiliate|related|link")
#: The elements that may be story cards.
_CARD_TAGS = frozenset({"article", "div", "li", "section"})
#: Sibling cards of one kind from which they are a list of other stories.
_CARDS = 3
#: The most text of a story card: a headline and a line or two of summary.
_LONGEST_CARD = 400
#: The most text left of a list of cards once they are gone: the list's title ("Top stories").
_LONGEST_LIST_TITLE = 60
#: The fewest words of a headline.
_HEADLINE_WORDS = 4
#: Link targets that are not another page: the page itself, an address, a script.
_NOT_ANOTHER_PAGE = ("#", "mailto:", "tel:", "javascript:")


def links_elsewhere(href: str) -> bool:
    """Whether a link's ``href`` leads to another page (not a place on this one, an address or a
    script)."""
    href = href.strip()
    return bool(href) and not href.lower().startswith(_NOT_ANOTHER_PAGE)


def drop_furniture(tree: Element) -> None:
    """Remove the boxes sites put in or around every article, and lists of other stories.

    Boxes are named so in their classes: share buttons, newsletter forms, author boxes,
    disclaimers, link lists. A box that holds the headline, or paragraphs of text, is the
    article itself, whatever its classes say ("post has-related-posts"). A list of other
    stories is three or more sibling cards of one kind (the same tag and class), each a
    headline linked to another page with a line or two of summary. (One pass over the page
    finds both: each pass over every element costs a tenth of the rules' time.)
    """
    boxes: list[Element] = []
    groups: dict[tuple[Element | None, str, str | None], list[Element]] = {}
    for element in tree.iter():
        names = element.get("class")
        if not names:
            continue
        lowered = names.lower()
        if _MAYBE_SITE_BOX.search(lowered) and any(map(_SITE_BOX.search, lowered.split())):
            boxes.append(element)
        if element.tag in _CARD_TAGS:
            groups.setdefault(sibling_kind(element), []).append(element)
    for element in boxes:
        if element.getparent() is not None and _is_small_box(element):
            element.drop_tree()
    for (parent, _, _), cards in groups.items():
        if len(cards) >= _CARDS and all(_is_story_card(card) for card in cards):
            for card in cards:
                if card.getparent() is not None:  # not in a box already gone
                    card.drop_tree()
            _drop_emptied(parent)
    _drop_other_posts(tree)


def _drop_other_posts(tree: Element) -> None:
    """Remove the other posts a page shows after its own: ``<article>`` elements whose headline
    links to another page, on a page whose own article (the one with its ``<h1>``) is another."""
    articles = tree.findall(".//article")
    if len(articles) < 2 or not any(article.find(".//h1") is not None for article in articles):
        return
    for article in articles:
        if article.getparent() is not None and article.find(".//h1") is None and _is_linked_post(article):
            article.drop_tree()


def _is_linked_post(article: Element) -> bool:
    heading = next(article.iter("h2", "h3", "h4"), None)  # the post's own headline
    return heading is not None and any(links_elsewhere(link.get("href") or "") for link in heading.iter("a"))


def sibling_kind(element: Element) -> tuple[Element | None, str, str | None]:
    """What makes siblings of one kind (slides, story cards): the same parent, tag and class."""
    return element.getparent(), element.tag, element.get("class")


def _is_small_box(element: Element) -> bool:
    return (
        element.find(".//h1") is None
        and len(element.findall(".//p")) < _ARTICLE_PARAGRAPHS
        and _text_length(element) <= _LARGEST_BOX
    )


def _drop_emptied(element: Element) -> None:
    """Remove what a list of cards leaves: its emptied containers, with the list's own title."""
    emptied = None
    while element.tag not in {"body", "html"} and len(_text_of(element)) <= _LONGEST_LIST_TITLE:
        emptied, element = element, element.getparent()
        if element is None:
            break
    if emptied is not None and emptied.getparent() is not None:
        emptied.drop_tree()


def _text_length(element: Element) -> int:
    """How many characters of text an element holds, white space included (cheaper to tell)."""
    return sum(map(len, element.itertext()))


def _text_of(element: Element) -> str:
    return collapse_whitespace("".join(element.itertext()))


def _is_story_card(element: Element) -> bool:
    text = _text_of(element)
    if not text or len(text) > _LONGEST_CARD:
        return False
    for link in element.iter("a"):
        headline = collapse_whitespace("".join(link.itertext()))
        if links_elsewhere(link.get("href") or "") and len(headline.split()) >= _HEADLINE_WORDS:
            return True
    return False
