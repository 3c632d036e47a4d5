"""The generic body: unseen elements dropped as before, a second opinion only where in doubt."""

from __future__ import annotations

from copy import deepcopy

import lxml.html
import pytest
import trafilatura
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from crawler.extract import generic_body
from crawler.extract.blocks import Element
from crawler.extract.generic_body import generic_blocks
from crawler.extract.page import Page

# Words that hide, or nearly do, in every case, with the letters Python's case rules fold to
# ASCII ones (dotless i, capital dotted I, long s, Kelvin sign).
_CLASS_WORDS = st.sampled_from(
    ["hidden", "HIDDEN", "hidden-xs", "hide", "H\u0131de", "h\u0130dden", "sr-only", "SR-ONLY", "d-none",
     "D-None", "invisible", "visually-hidden", "screen-reader-text", "element-invisible", "tooltip",
     "TOOLT\u0131P", "popup", "pop-up", "rollover-card", "hovercard", "Hover-Card", "card", "story",
     "\u017fr-only", "hid", "lg:flex", "md:block", "d-md-block", "lg:hidden", "flex"]
)  # fmt: skip
_STYLES = st.sampled_from(
    ["display:none", "DISPLAY : NONE", "display: block", "visibility:hidden", "VISIBILITY:\tHIDDEN",
     "vis\u0131bility: h\u0131dden", "color: none", "overflow: hidden", "display:\u2003none", "displaynone"]
)  # fmt: skip
_ATTRIBUTES = st.fixed_dictionaries(
    {},
    optional={
        "class": st.lists(_CLASS_WORDS, max_size=3).map(" ".join),
        "style": _STYLES,
        "hidden": st.sampled_from(["", "hidden"]),
        "aria-hidden": st.sampled_from(["true", "TRUE", "false"]),
    },
)


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f' {name}="{value}"' for name, value in attributes.items())


def _tree(depth: int = 3) -> st.SearchStrategy[str]:
    """HTML of nested elements with attributes that hide them, or look as if they might."""
    leaf = st.sampled_from(["words", "more words", ""])
    if depth == 0:
        return leaf
    child = _tree(depth - 1)
    return st.builds(
        lambda tag, attributes, children, tail: (
            f"<{tag}{_attributes(attributes)}>{''.join(children)}</{tag}>{tail}"
        ),
        st.sampled_from(["div", "p", "span", "a", "section"]),
        _ATTRIBUTES,
        st.lists(child, max_size=3),
        leaf,
    )


def _drop_unseen_testing_every_element(tree: Element) -> None:
    """The plain twin: every element tested in Python."""
    unseen = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        and element.tag not in {"html", "body"}
        and (generic_body._is_hidden(element) or generic_body._is_hover_card(element))
    ]
    for element in unseen:
        if element.getparent() is not None:
            element.drop_tree()


@settings(max_examples=300, deadline=None)
@given(body=st.lists(_tree(), min_size=1, max_size=4).map("".join), body_attributes=_ATTRIBUTES)
def test_preselected_drop_unseen_drops_what_testing_every_element_drops(
    body: str, body_attributes: dict[str, str]
) -> None:
    html = f"<html><body{_attributes(body_attributes)}><main>{body}</main></body></html>"
    tree = lxml.html.document_fromstring(html)
    plain = deepcopy(tree)
    generic_body._drop_unseen(tree)
    _drop_unseen_testing_every_element(plain)
    assert etree.tostring(tree) == etree.tostring(plain)


def test_hidden_elements_and_innermost_hover_cards_go_and_their_tails_stay() -> None:
    tree = lxml.html.document_fromstring(
        '<html><body><p>Kept <span style="Display: None">gone</span>text.</p>'
        '<p hidden>gone</p><p class="x SR-only">gone</p><p class="hidden-xs">kept</p>'
        '<div class="rollover-block"><a>Name</a><div class="rollover-card">gone</div></div></body></html>'
    )
    generic_body._drop_unseen(tree)
    assert [" ".join(p.itertext()) for p in tree.iter("p", "div")] == [
        "Kept text.", "kept", "Name",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("names", "seen"),
    [
        ("hidden", False),
        ("d-none", False),
        ("hidden lg:flex", True),  # Tailwind: hidden on phones, a flex box from large screens on
        ("menu hidden md:block", True),
        ("d-none d-md-block", True),  # Bootstrap's way of saying it
        ("hidden lg:hidden", False),
        ("hidden flex", False),  # no width at which it shows
        ("d-none d-print-block", False),  # only on paper
    ],
)
def test_an_element_shown_from_some_screen_width_on_is_seen(names: str, seen: bool) -> None:
    """A desktop menu hidden on phones is shown to most readers; what a page's markup nests in
    it (see test_generic.py) must not go with it."""
    tree = lxml.html.document_fromstring(f'<html><body><nav class="{names}"><p>text</p></nav></body></html>')
    generic_body._drop_unseen(tree)
    assert bool(tree.findall(".//p")) is seen


def _page(paragraphs: list[str]) -> Page:
    html = "<html><body><nav><a href='/'>Home</a></nav><article><h1>A headline</h1>"
    html += "".join(f"<p>{text}</p>" for text in paragraphs) + "</article></body></html>"
    return Page.from_bytes(html.encode(), "https://news.example/2024/05/story")


def _fast_flags(monkeypatch: pytest.MonkeyPatch, page: Page) -> list[bool]:
    """The ``fast`` argument of each trafilatura call the generic body makes for a page."""
    calls: list[bool] = []
    extract = trafilatura.bare_extraction

    def spy(*arguments: object, **options: object) -> object:
        calls.append(bool(options.get("fast")))
        return extract(*arguments, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(trafilatura, "bare_extraction", spy)
    assert generic_blocks(page)
    return calls


def test_a_long_article_of_paragraphs_is_taken_from_the_fast_extraction(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sentence = "The council voted on Tuesday to widen the road past the school, after a long debate. "
    page = _page([f"Paragraph {n}. " + sentence * 3 for n in range(6)])
    assert _fast_flags(monkeypatch, page) == [True]


def test_a_short_extraction_asks_readability_and_justext_too(monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page(["The council voted on Tuesday to widen the road past the school, after a long debate."] * 2)
    assert _fast_flags(monkeypatch, page) == [True, False]
