"""ArticleParser's declared selectors: a template states where its fields are, and the defaults read them."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.extract.page import Page
from crawler.extract.parser import ArticleParser


@dataclass(frozen=True)
class _Site:
    id: str = "example"
    name: str = "Example"
    language: str = "en"
    paywall: bool = False


_PAGE = """<html><head>
<meta property="og:title" content="SEO headline | Example">
<meta property="og:image" content="https://example.com/og.jpg">
</head><body>
<h1 class="display">The display headline</h1>
<p class="byline">By Ann Lee and Bo Chan</p>
<p class="byline">Staff</p>
<figure class="lead">
  <img src="https://example.com/placeholder.gif" data-src="/lead.jpg">
  <figcaption><span class="caption">Harbour at dawn.</span>
  <span class="credit">Jo Doe/Example</span></figcaption>
</figure>
<figure class="other"><figcaption>A storm. (AP Photo/Sam Roe)</figcaption><img src="/storm.jpg"></figure>
</body></html>"""


def _parser(**declared: object) -> ArticleParser:
    template = type("Template", (ArticleParser,), declared)
    parser: ArticleParser = template(Page(_PAGE, "https://example.com/news/a"), _Site())
    return parser


def test_a_declared_headline_is_preferred_to_the_metadatas() -> None:
    assert _parser().headline() == "SEO headline | Example"
    assert _parser(headline_css="h1.display").headline() == "The display headline"
    assert _parser(headline_css="h1.missing").headline() == "SEO headline | Example"


def test_the_byline_names_the_authors_when_the_metadata_names_none() -> None:
    assert _parser().authors() == []
    assert _parser(byline_css="p.byline").authors() == [{"name": "Ann Lee"}, {"name": "Bo Chan"}]


def test_the_byline_does_not_replace_authors_the_metadata_names() -> None:
    page = _PAGE.replace("</head>", '<meta name="author" content="Kim Park"></head>')
    template = type("Template", (ArticleParser,), {"byline_css": "p.byline"})
    assert template(Page(page, "https://example.com/news/a"), _Site()).authors() == [{"name": "Kim Park"}]


def test_a_declared_lead_figure_gives_its_image_caption_and_credit() -> None:
    lead = _parser(
        lead_figure_css="figure.lead",
        lead_image_css=("img::attr(data-src)", "img::attr(src)"),
        caption_css=".caption",
        credit_css=".credit",
    ).main_image()
    assert lead == {
        "url": "https://example.com/lead.jpg",  # the lazy-loading data-src, tried first, made absolute
        "caption": "Harbour at dawn.",
        "credit": "Jo Doe/Example",
    }


def test_without_a_credit_selector_the_credit_is_split_from_the_captions_end() -> None:
    lead = _parser(lead_figure_css="figure.other").main_image()
    expected = {"url": "https://example.com/storm.jpg", "caption": "A storm.", "credit": "AP Photo/Sam Roe"}
    assert lead == expected


def test_a_figure_without_an_image_falls_back_to_the_metadatas_image() -> None:
    assert _parser().main_image() == {"url": "https://example.com/og.jpg", "caption": None, "credit": None}
    missing = _parser(lead_figure_css="figure.lead", lead_image_css=("video::attr(poster)",))
    assert missing.main_image() == {"url": "https://example.com/og.jpg", "caption": None, "credit": None}


def test_queries_within_an_element_see_that_element_and_its_descendants_only() -> None:
    page = Page(_PAGE, "https://example.com/news/a")
    other = page.first("figure.other")
    assert page.css_text("figcaption", within=other) == "A storm. (AP Photo/Sam Roe)"
    assert page.nodes("img::attr(src)", within=other) == ["/storm.jpg"]
    assert page.has("figure.other", within=other)  # the element itself
    assert not page.has(".caption", within=other)
    assert page.all_text("p.byline") == "By Ann Lee and Bo Chan Staff"
    assert page.css_text("p.byline") == "By Ann Lee and Bo Chan"
