"""The generic path's unseen elements: the cheap preselection drops exactly what testing every element did."""

from __future__ import annotations

from copy import deepcopy

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from crawler.extract import generic_body
from crawler.extract.blocks import Element

# Words that hide, or nearly do, in every case, with the letters Python's case rules fold to
# ASCII ones (dotless i, capital dotted I, long s, Kelvin sign).
_CLASS_WORDS = st.sampled_from(
    ["hidden", "HIDDEN", "hidden-xs", "hide", "H\u0131de", "h\u0130dden", "sr-only", "SR-ONLY", "d-none",
     "D-None", "invisible", "visually-hidden", "screen-reader-text", "element-invisible", "tooltip",
     "TOOLT\u0131P", "popup", "pop-up", "rollover-card", "hovercard", "Hover-Card", "card", "story",
     "\u017fr-only", "hid"]
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
