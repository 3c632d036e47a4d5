"""The generic path's dates and authors, on pages we write: what the page states, and never more."""

from __future__ import annotations

import json
import re

import pytest

from crawler import parse_page
from crawler.extract.generic import GenericParser, UnknownSite
from crawler.extract.page import Page
from crawler.sites.site import Site
from tests.test_generic import URL, article_page

#: The same article at a URL that states no date.
UNDATED_URL = "https://www.harbourtimes.example/news/ferry-schedule-changes"


def json_ld(**fields: object) -> str:
    article = {"@type": "NewsArticle", "headline": "Ferry to run every 20 minutes from June", **fields}
    return f'<script type="application/ld+json">{json.dumps(article)}</script>'


def with_body(head: str, body: str = "", byline: str = "By Mara Quinn") -> str:
    """The harbour story with ``head``, ``body`` opening the article and ``byline`` as its byline."""
    page = article_page(head).replace('<div class="byline">By Mara Quinn</div>', byline)
    return page.replace("<main><article>", f"<main><article>{body}") if body else page


def published(head: str, url: str = UNDATED_URL, body: str = "") -> str | None:
    value: str | None = parse_page(with_body(head, body), url)["datePublished"]
    return value


def authors(head: str, byline: str = "", url: str = UNDATED_URL) -> list[str]:
    return [entry["name"] for entry in parse_page(with_body(head, byline=byline), url)["authors"]]


# -- what the metadata states ------------------------------------------------------------------


def test_a_meta_tag_with_several_names_is_read_by_each() -> None:
    head = (
        '<meta property="article:published" itemprop="datePublished dateCreated"'
        ' content="2024-05-02T07:30:00+02:00">'
    )
    assert published(head) == "2024-05-02T07:30:00+02:00"


def test_a_placeholder_date_gives_way_to_the_next_statement() -> None:
    head = json_ld(datePublished="0001-01-01T00:00:00") + (
        '<meta property="article:published_time" content="2024-05-02T07:30:00-03:00">'
    )
    assert published(head) == "2024-05-02T07:30:00-03:00"


def test_a_time_without_an_offset_is_kept_without_one() -> None:
    assert published(json_ld(datePublished="2019-11-20T06:37:00")) == "2019-11-20T06:37:00"
    assert published(json_ld(datePublished="2019-11-20")) == "2019-11-20"


def test_the_same_moment_in_utc_and_in_local_time_gives_the_page_s_offset() -> None:
    head = json_ld(datePublished="2023-11-09T01:49:09Z")
    body = '<time datetime="2023-11-08 17:49:09">November 8, 2023 at 5:49 p.m.</time>'
    assert published(head, body=body) == "2023-11-08T17:49:09-08:00"


def test_a_site_s_known_zone_places_a_time_stated_without_an_offset() -> None:
    """A supported site's page its templates do not know falls back to the generic parser, which
    places the page's local times in the site's zone."""
    page = Page(article_page(json_ld(datePublished="2019-11-20T06:37:00")), UNDATED_URL)
    site = UnknownSite(id="harbourtimes.example", name="Harbour Times", timezone="America/Halifax")
    assert GenericParser(page, site).date_published() == "2019-11-20T06:37:00-04:00"


def test_a_site_s_zone_is_checked_when_it_is_declared() -> None:
    with pytest.raises(ValueError, match="no IANA time zone"):
        Site(
            id="harbour",
            name="Harbour Times",
            domains=("harbourtimes.example",),
            parsers=(GenericParser,),
            article_url=re.compile("/news/"),
            timezone="Atlantic/Harbour",
        )


# -- what the page shows, where the metadata states nothing -------------------------------------


def test_the_date_in_the_url() -> None:
    assert published("", url=URL) == "2024-05-02"


def test_the_visible_dateline() -> None:
    body = '<p class="dateline">Published May 2, 2024, 7:30 a.m.</p>'
    assert published("", body=body) == "2024-05-02"


def test_a_day_is_never_filled_in() -> None:
    """A URL that gives the month (and a footer's copyright year) is no day: htmldate's first of the
    month, or of the year, is not taken; a page that states the first of the month gives it."""
    month_url = "https://www.harbourtimes.example/news/2024/05/ferry-schedule-changes"
    assert published("", url=month_url) is None
    assert published("", url=month_url, body="<p class='dateline'>1 May 2024</p>") == "2024-05-01"


def test_time_elements_that_disagree_are_left_to_htmldate() -> None:
    """The first ``<time>`` of a page is often a related story's or a comment's: when the page's
    time elements state several days, htmldate, which reads their classes, picks."""
    body = (
        '<aside><time datetime="2021-01-06T10:00:00+00:00">6 January 2021</time></aside>'
        '<p><time class="entry-date published" datetime="2024-05-02T07:30:00+00:00">2 May 2024</time></p>'
        '<aside><time datetime="2022-03-09T10:00:00+00:00">9 March 2022</time></aside>'
    )
    assert published("", body=body) == "2024-05-02"
    assert published(
        "",
        body=body.replace("2021-01-06", "2024-05-02")
        .replace("6 January 2021", "2 May 2024")
        .replace("2022-03-09", "2024-05-02")
        .replace("9 March 2022", "2 May 2024"),
    ) == (
        "2024-05-02T10:00:00+00:00"  # one day on every time element: the first is the page's
    )


# -- the readers' day ----------------------------------------------------------------------------


def shown_beside(head: str, dateline: str, url: str = UNDATED_URL) -> str | None:
    """The publication date of the harbour story with ``dateline`` in its header, under the byline."""
    byline = f'<div class="byline">By Mara Quinn</div>{dateline}'
    value: str | None = parse_page(with_body(head, byline=byline), url)["datePublished"]
    return value


def test_a_moment_in_utc_is_given_in_the_one_zone_of_the_site_s_country() -> None:
    head = json_ld(datePublished="2023-11-01T23:01:00Z")
    assert published(head, url="https://www.porto.it/esteri/traghetto") == "2023-11-02T00:01:00+01:00"
    assert published(head, url="https://www.porto.de/traghetto") == "2023-11-02T00:01:00+01:00"
    # A country of several zones, or a domain of no country, says nothing: the moment stays in UTC.
    assert published(head, url="https://www.harbour.ca/news/ferry") == "2023-11-01T23:01:00+00:00"
    assert published(head) == "2023-11-01T23:01:00+00:00"


def test_a_script_stating_the_moment_in_local_time_gives_its_offset() -> None:
    moment = json_ld(datePublished="2020-02-25T02:25:54Z")
    with_offset = '<script>var page = {"date": "2020-02-24T21:25:54-05:00"};</script>'
    assert published(moment + with_offset) == "2020-02-24T21:25:54-05:00"
    local = '<script>var page = {"published": "2020-02-24 18:25:54"};</script>'
    assert published(moment + local) == "2020-02-24T18:25:54-08:00"
    # A local time on the minute may be any other moment of the page (a related story's): no offset.
    on_the_minute = json_ld(datePublished="2020-02-25T02:25:00Z")
    other = '<script>var page = {"related": "2020-02-24 18:25:00"};</script>'
    assert published(on_the_minute + other) == "2020-02-25T02:25:00+00:00"


def test_the_day_the_header_shows_beats_a_metadata_day_it_contradicts() -> None:
    """A CMS states the day a draft was made; the header under the headline, when it appeared."""
    head = json_ld(datePublished="2023-11-03T10:25:56+01:00")
    assert shown_beside(head, '<p class="date">6. November 2023, 15:25 Uhr</p>') == "2023-11-06"
    # Where another statement gives a moment on the day shown, the record keeps that moment.
    also = '<meta property="article:published_time" content="2023-11-06T14:25:00+00:00">'
    assert shown_beside(head + also, '<p class="date">6. November 2023</p>') == "2023-11-06T14:25:00+00:00"


def test_a_date_the_page_labels_its_publication_s_is_the_dateline_wherever_it_is() -> None:
    head = json_ld(datePublished="2023-11-03T10:25:56+01:00")
    footer = "<p>Letzte Änderung: 03.11.2023 - 10:25:56<br>Erschienen am: 06.11.2023<br>Gelesen: 61</p>"
    page = with_body(head).replace("</article>", f"{footer}</article>")
    assert parse_page(page, UNDATED_URL)["datePublished"] == "2023-11-06"


def test_the_line_right_under_the_headline_is_its_header_whatever_its_class() -> None:
    head = json_ld(datePublished="2022-01-21T09:00:00+01:00")
    assert shown_beside(head, '<p class="tw-text-14">1. Februar 2022, Daniel Dillenburg</p>') == "2022-02-01"


def test_the_headline_is_the_h1_the_title_holds_not_the_logo() -> None:
    """A dated banner beside the logo's ``<h1>`` (today's date) is not the article's header."""
    head = json_ld(datePublished="2023-11-03T10:25:56+01:00")
    head += '<meta property="og:title" content="Ferry to run every 20 minutes from June">'
    banner = '<header><h1>Harbour Times</h1><p class="date">Tuesday, 5 December 2023</p></header>'
    page = with_body(head).replace('<header><a href="/" class="logo">Harbour Times</a></header>', banner)
    assert parse_page(page, UNDATED_URL)["datePublished"] == "2023-11-03T10:25:56+01:00"


def test_the_same_moment_shown_in_the_newsroom_s_zone_agrees() -> None:
    """New York's 11:15 PM on the 8th is 04:15 on the 9th in UTC: the metadata is not contradicted."""
    head = json_ld(datePublished="2023-11-09T04:15:00Z")
    assert shown_beside(head, '<p class="date">November 8, 2023, 11:15 PM</p>') == "2023-11-09T04:15:00+00:00"
    # Shown at another time of that day, it is another moment: the day shown is the readers'.
    assert shown_beside(head, '<p class="date">November 8, 2023, 11:20 PM</p>') == "2023-11-08"


@pytest.mark.parametrize(
    "dateline",
    [
        '<p class="date">Aktualisiert: 6. November 2023, 15:25 Uhr</p>',  # an update
        '<p class="date">Stand - 06.11.2023 (gültig seit: 03.11.2023)</p>',  # as it stands: an update
        '<time itemprop="dateModified">2023-11-06 15:25:00</time>',  # a modification
        '<p class="date hidden">6. November 2023</p>',  # not shown
        '<p class="date">11/03/23 10:25am</p>',  # 3 November, read month first
        '<p class="date">2023</p>',  # no day
    ],
)
def test_a_header_date_that_is_no_other_publication_day_leaves_the_metadata(dateline: str) -> None:
    head = json_ld(datePublished="2023-11-03T10:25:56+01:00")
    assert shown_beside(head, dateline) == "2023-11-03T10:25:56+01:00"


# -- authors --------------------------------------------------------------------------------------


def test_a_json_ld_author_given_by_reference_is_the_person_it_names() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {
                "@type": "NewsArticle",
                "headline": "Ferry to run every 20 minutes from June",
                "author": {"@id": "https://www.harbourtimes.example/#/person/mq"},
            },
            {"@type": "Person", "@id": "https://www.harbourtimes.example/#/person/mq", "name": "Mara Quinn"},
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    assert authors(head) == ["Mara Quinn"]


def test_names_in_capitals_are_given_their_written_case() -> None:
    byline = '<p class="byline">By AMANDA SEITZ and JOHN MCDONALD</p>'
    assert authors("", byline) == ["Amanda Seitz", "John McDonald"]
    assert authors('<meta name="author" content="CONOR O\'BRIEN, LOTTE VAN DER BERG">') == [
        "Conor O'Brien",
        "Lotte van der Berg",
    ]


def test_people_come_before_the_agency() -> None:
    head = '<meta name="author" content="By Karen Freifeld and Rich McKay Reuters">'
    assert authors(head) == ["Karen Freifeld", "Rich McKay", "Reuters"]
    head = json_ld(author=[{"@type": "Organization", "name": "The Canadian Press"}, {"name": "Mara Quinn"}])
    assert authors(head) == ["Mara Quinn", "The Canadian Press"]


@pytest.mark.parametrize(
    ("credit", "url"),
    [
        ("AP Technology Writer", UNDATED_URL),
        ("Staff Reporter", UNDATED_URL),
        ("News Nation Bureau", UNDATED_URL),
        ("Redaktion", UNDATED_URL),
        ("Harbour Times Newsroom", UNDATED_URL),
        ("Telegraph Sport", "https://www.telegraph.co.uk/sport/2024/05/02/ferry-schedule-changes/"),
        ("Sky", "https://news.sky.com/story/ferry-schedule-changes-13124321"),
        ("RT", "https://www.rt.com/news/596312-ferry-schedule-changes/"),
        ("Harbour Times", UNDATED_URL),  # the site's own name (og:site_name)
        ("newsdesk@harbourtimes.example", UNDATED_URL),
        ("Guest", UNDATED_URL),
        ("Invitado", UNDATED_URL),
    ],
)
def test_desks_brands_addresses_and_guests_are_no_authors(credit: str, url: str) -> None:
    """Whatever credits no person gives way to the next place the page names its author."""
    head = (
        json_ld(author={"@type": "Person", "name": credit})
        + '<meta property="og:site_name" content="Harbour Times">'
    )
    assert authors(head, '<p class="byline">By Mara Quinn</p>', url) == ["Mara Quinn"]
    assert authors(head, "", url) == []


def test_a_wire_agency_is_the_credit_of_its_copy_even_on_its_own_site() -> None:
    head = json_ld(author={"@type": "Organization", "name": "Bloomberg"}) + (
        '<meta property="og:site_name" content="Bloomberg">'
    )
    assert authors(head, "", "https://www.bloomberg.com/news/articles/2024-05-02/ferry") == ["Bloomberg"]


def test_the_publisher_credited_as_author_is_no_author() -> None:
    head = json_ld(
        author={"@type": "Organization", "name": "Harbour Media Group"},
        publisher={"@type": "Organization", "name": "Harbour Media Group"},
    )
    assert authors(head, '<span class="author">Mara Quinn</span>') == ["Mara Quinn"]


def test_readers_who_comment_are_no_authors() -> None:
    comments = (
        '<section id="comments"><div class="comment"><span class="author">Leo Park</span>'
        "<p>Finally a ferry that comes on time.</p></div></section>"
    )
    page = with_body("", byline="").replace("</article>", f"</article>{comments}")
    assert parse_page(page, UNDATED_URL)["authors"] == []


def test_a_canonical_link_on_a_malformed_host_names_no_site() -> None:
    """Found by the fuzz test: one stray byte made ``<www.harbourtimes.example`` the site's id."""
    for host in ("<www.harbourtimes.example", "www.harbourtimes.example%3E"):
        head = f'<link rel="canonical" href="https://{host}/news/ferry-schedule-changes">'
        record = parse_page(with_body(head), UNDATED_URL)
        assert (record["site"]["id"], record["canonicalUrl"]) == ("harbourtimes.example", UNDATED_URL)


def test_the_site_s_name_is_never_a_url() -> None:
    head = '<meta property="og:site_name" content="https://www.harbourtimes.example/">' + json_ld(
        publisher={"@type": "Organization", "name": "Harbour Times"}
    )
    assert parse_page(with_body(head), UNDATED_URL)["site"]["name"] == "Harbour Times"
    head = '<meta property="og:site_name" content="www.harbourtimes.example">'
    assert parse_page(with_body(head), UNDATED_URL)["site"]["name"] == "harbourtimes.example"
