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
    for element in generic_body._without_slides(unseen):
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


def test_an_extraction_of_one_paragraph_asks_readability_and_justext_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sentence = "The council voted on Tuesday to widen the road past the school, after a long debate. "
    page = _page([sentence * 15])
    assert _fast_flags(monkeypatch, page) == [True, False]


def test_a_short_extraction_asks_readability_and_justext_too(monkeypatch: pytest.MonkeyPatch) -> None:
    page = _page(["The council voted on Tuesday to widen the road past the school, after a long debate."] * 2)
    assert _fast_flags(monkeypatch, page) == [True, False]


# -- the article's own words, and nothing of the site's --------------------------

URL = "https://www.valleyledger.example/2024/03/library-reopens"
TITLE = "Valley library reopens after two years"
STORY = [
    "The valley library reopened its doors on Saturday morning after two years of repairs to the roof "
    "and the reading rooms, and more than four hundred people queued in the rain to get inside.",
    "The old building had been closed since a storm tore away part of the roof, flooding the archive "
    "in the basement and ruining several thousand books that were never digitised.",
    "Volunteers spent months drying maps and parish records page by page in the school gymnasium, "
    "and most of the town's nineteenth-century newspapers were saved in the end.",
    "The new reading rooms have wider windows, a ramp at the main entrance and a children's corner "
    "with a small stage, where the first story hour was held on Saturday afternoon.",
    "The librarian said the library would open late on Thursdays from April, and that the archive "
    "would take requests again once the catalogue of the rescued records is finished.",
]


def _story_page(inside: str = "", head: str = "", before: str = "", after: str = "", url: str = URL) -> Page:
    """A news page of a site with no module: ``inside`` sits between the article's second and
    third paragraphs, ``before`` between the headline and the first, ``after`` after the article."""
    paragraphs = [f"<p>{text}</p>" for text in STORY]
    return Page.from_bytes(
        f"""<!doctype html><html lang="en"><head><title>{TITLE}</title>{head}</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<main><article><h1>{TITLE}</h1>{before}
{"".join(paragraphs[:2])}{inside}{"".join(paragraphs[2:])}
</article>{after}</main><footer><p>Valley Ledger, 1 Main Street</p></footer></body></html>""".encode(),
        url,
    )


def _texts(page: Page) -> list[str]:
    return [block["text"] for block in generic_blocks(page, [TITLE])]


def test_a_story_page_gives_its_paragraphs_and_nothing_else() -> None:
    assert _texts(_story_page()) == STORY


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Council votes to sell the old fire station",
        "Lea también: El Congreso aprueba el presupuesto",
        "LE PUEDE INTERESAR: La ficha del expresidente en Nueva York",
        "Lesen Sie auch: Die neue Brücke ist fertig",
        "Thanks for signing up!",
        "By signing up you consent to receive the above newsletter from Valley Media Inc.",
        "Get the day's top headlines delivered to your inbox every morning by subscribing to our newsletter.",
        "The Ledger will soon launch Valley Weekend, a weekly newsletter about what to do in the valley.",
        "Follow the Ledger on Twitter and Instagram @ValleyLedger",
        "¡Mira lo que tiene nuestro canal de YouTube!",
        "For the latest stories download the Ledger apps for iOS and Android.",
        "Sie sind aktuell nicht eingeloggt.",
        "View Comments",
        "Reading time: 3 minutes",
        "Filed under: Libraries | Valley",
        "Photo: Jane Doe/Valley Ledger",
        "This copy is for your personal, non-commercial use only. To order presentation-ready copies "
        "for distribution to your colleagues, clients or customers visit https://www.djreprints.com.",
    ],
)
def test_promo_lines_inside_the_article_go(line: str) -> None:
    assert _texts(_story_page(inside=f"<p>{line}</p>")) == STORY


@pytest.mark.parametrize(
    "line",
    [
        "Follow-up work on the archive will take another year, the librarian said on Saturday.",
        "Comments from readers poured in after the library posted photos of the flooded archive.",
        "You are not alone if you missed the old building, the mayor told the crowd at the door.",
        # A paragraph of the article may mention a newsletter; a promo is a line or two.
        "The library will also sign up readers for its newsletter at the desk, the librarian said, "
        "and the newsletter will list the archive's opening hours, the dates of story hours and "
        "the talks planned for the spring, starting with a history of the valley's mills and "
        "the families who ran them for more than a century before the flood of 1952 closed them.",
    ],
)
def test_article_paragraphs_that_look_like_promos_stay(line: str) -> None:
    assert line in _texts(_story_page(inside=f"<p>{line}</p>"))


@pytest.mark.parametrize(
    "line",
    [
        "Updated: Tue., Nov. 19, 2019 at 3:05 p.m. EST",
        "Aktualisiert am 23.10.2018, 14:30 Uhr",
        "2023-11-03",
        "Last modified:",
    ],
)
def test_date_lines_go(line: str) -> None:
    assert _texts(_story_page(inside=f"<p>{line}</p>")) == STORY


def test_numbers_alone_are_no_date_line() -> None:
    table = "<table><tr><th>Year</th><th>Loans</th></tr><tr><td>2019</td><td>5.000</td></tr></table>"
    assert any("5.000" in text for text in _texts(_story_page(inside=table)))


def test_story_cards_that_are_boxes_too_go() -> None:
    cards = "".join(
        f'<div class="related-story"><a href="/news/{n}">Another story from the valley, number {n}</a></div>'
        for n in range(3)
    )
    assert _texts(_story_page(inside=f"<div>{cards}</div>")) == STORY


def test_a_cookie_notice_goes() -> None:
    notice = "<p>We use cookies to improve your experience of our website.</p>"
    assert _texts(_story_page(before=notice)) == STORY


def test_an_article_a_script_renders_is_read_from_its_noscript_copy() -> None:
    """Blog platforms ship the post in a script template, and again in ``noscript`` for readers
    without scripts: that copy is the article (a precision-first extraction threw it away)."""
    post = "".join(f"<p>{text}</p>" for text in STORY)
    page = Page.from_bytes(
        f"""<html><head><title>{TITLE}</title></head><body><div class="post">
<h3 class="post-title">{TITLE}</h3><div class="post-header"><span>May 19, 2020</span></div>
<div class="post-body"><script type="text/template">{post}</script><noscript>{post}</noscript></div>
</div></body></html>""".encode(),
        URL,
    )
    assert _texts(page) == STORY


def test_sub_heads_a_table_of_contents_links_to_stay() -> None:
    """A sub-head that is also a link's text is another story's headline, unless the link leads
    to the sub-head itself: the article's own table of contents."""
    contents = (
        '<ul class="toc"><li><a href="#rooms">The new rooms</a></li>'
        '<li><a href="#archive">The archive</a></li></ul>'
    )
    sections = '<h2 id="rooms">The new rooms</h2>'
    page = _story_page(inside=sections, before=contents)
    assert "The new rooms" in _texts(page)


def _described(description: str) -> str:
    return f'<meta property="og:description" content="{description}">'


def test_a_lead_set_apart_from_the_text_is_the_articles_first_paragraph() -> None:
    lead = (
        "Four hundred people queued in the rain. After two years of repairs, the valley's library "
        "is open again, with a rescued archive and rooms built for children."
    )
    page = _story_page(head=_described(lead), before=f'<div class="teaser">{lead}</div>')
    assert _texts(page) == [lead, *STORY]


def test_a_one_line_summary_under_the_headline_is_no_lead() -> None:
    dek = "The building was closed for two years after a storm tore off its roof"
    page = _story_page(head=_described(dek), before=f'<h2 class="dek">{dek}</h2>')
    assert dek not in _texts(page)


def test_a_one_line_summary_set_apart_is_left_out() -> None:
    summary = "The building was closed for two years after a storm tore off its roof."
    page = _story_page(head=_described(summary), before=f'<div class="teaser">{summary}</div>')
    assert _texts(page) == STORY


def test_the_pages_own_address_over_the_article_is_no_paragraph() -> None:
    assert _texts(_story_page(before=f"<p>{URL}</p><p>{TITLE}</p>")) == STORY


def test_the_title_repeated_under_a_tagline_is_no_paragraph() -> None:
    tagline = "News of the valley since 1887"
    assert _texts(_story_page(before=f"<p>{tagline}</p><p>{TITLE}</p>")) == [tagline, *STORY]


@pytest.mark.parametrize(
    "box",
    [
        '<p class="linkbox">The Ledger is digital too: read the whole edition on your tablet.</p>',
        '<div class="saboxplugin-wrap"><p>Jane Doe writes about the valley and likes long walks.</p></div>',
        '<p class="aawp-disclaimer">Prices are updated daily; we earn a commission on purchases.</p>',
    ],
)
def test_boxes_sites_put_in_every_article_go(box: str) -> None:
    assert _texts(_story_page(inside=box)) == STORY


def test_an_article_whose_classes_name_a_box_stays() -> None:
    """Blog posts carry classes such as "has-related-posts": a box that holds most of the page's
    text is the article."""
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY)
    page = Page.from_bytes(
        f"""<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>
<div class="post has-related-posts share-enabled">{paragraphs}</div></body></html>""".encode(),
        URL,
    )
    assert _texts(page) == STORY


def test_a_list_of_other_stories_goes_with_its_title() -> None:
    cards = "".join(
        f'<article class="card"><h3><a href="/news/{n}">Another story from the valley, number {n}</a>'
        f'</h3><p class="card__summary">The summary of story number {n} tells what happened in a '
        "line or two, as every card on the page does, under its headline.</p></article>"
        for n in range(4)
    )
    stories = f'<div class="more"><h2>Top stories</h2><div class="list">{cards}</div></div>'
    assert _texts(_story_page(inside=stories)) == STORY


def test_hidden_slides_of_a_list_article_are_its_text() -> None:
    """A list article's script shows one slide at a time: all its slides are its text, where
    one hidden element is not."""
    things = [f"Thing {n}: {STORY[n % len(STORY)]}" for n in range(8)]
    slides = '<div class="section">' + f"<p>{things[0]}</p></div>"
    slides += "".join(
        f'<div class="section hidden" style="display: none"><p>{text}</p></div>' for text in things[1:]
    )
    page = Page.from_bytes(
        f"""<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1>
<div class="gallery">{slides}</div><p style="display:none">Tracking text</p></body></html>""".encode(),
        URL,
    )
    assert _texts(page) == things


def test_letters_spelt_in_two_ways_come_out_composed() -> None:
    decomposed = STORY[0].replace("queued", "quéued")
    texts = _texts(Page.from_bytes(_story_page().html.replace(STORY[0], decomposed).encode(), URL))
    assert texts[0] == STORY[0].replace("queued", "quéued")


def test_a_blogs_other_posts_after_its_own_go() -> None:
    posts = "".join(
        f'<article class="post"><h2><a href="/post/{n}">Another post from the blog, number {n}</a></h2>'
        + "".join(f"<p>Post {n}: {text}</p>" for text in STORY[:3])
        + "</article>"
        for n in range(6)
    )
    assert _texts(_story_page(after=f'<div class="more-posts">{posts}</div>')) == STORY


def test_an_ad_block_in_the_middle_does_not_end_the_article() -> None:
    ad = (
        '<div class="ad-container"><div class="ad-label">Advertisement</div>'
        '<div id="div-gpt-ad-1" class="ad-slot"><iframe src="https://ads.example/x"></iframe></div></div>'
    )
    more = [f"Later, {text[0].lower()}{text[1:]}" for text in STORY]
    page = _story_page(inside=ad)
    html = page.html.replace("</article>", "".join(f"<p>{text}</p>" for text in more) + "</article>")
    assert _texts(Page.from_bytes(html.encode(), URL)) == [*STORY, *more]


def test_a_trailing_tag_list_goes() -> None:
    tags = (
        '<div class="tags"><span>Tags:</span><ul><li><a href="/tag/a">Libraries</a></li>'
        '<li><a href="/tag/b">Valley</a></li><li><a href="/tag/c">Storms</a></li></ul></div>'
    )
    html = _story_page().html.replace("</article>", f"{tags}</article>")
    assert _texts(Page.from_bytes(html.encode(), URL)) == STORY
