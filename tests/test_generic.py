"""The generic path: pages of sites with no module, through parse_page, the CLI, fetch and a crawl."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from crawler import parse_page
from crawler.crawl.spiders.generic_spider import feed_site, registered_domain
from crawler.errors import NotAnArticleError
from tests.conftest import FIXTURES, REPO
from tests.loopback import LoopbackSite, Route, serve

URL = "https://www.harbourtimes.example/news/2024/05/02/ferry-schedule-changes"

PARAGRAPHS = [
    "The harbour ferry will run every twenty minutes from June, the transit authority said on Thursday, "
    "after a year of complaints from commuters about crowded morning crossings.",
    "The change adds two boats to the fleet and extends service until midnight on weekends, when the "
    "island's restaurants and the summer market draw visitors from across the region.",
    "Commuters welcomed the plan but said the fares, which rise by ten cents in July, were still too high "
    "for families who cross the harbour twice a day for work and school.",
    "The authority said the new boats were built at the local shipyard and would use less fuel than the "
    "two vessels they replace, which entered service more than thirty years ago.",
    "A public meeting on the schedule will be held at the community hall next Tuesday evening, and the "
    "authority will publish the final timetable on its website before the end of the month.",
]

JSON_LD_GRAPH = {
    "@context": "https://schema.org",
    "@graph": [
        {"@type": "WebSite", "name": "Harbour Times", "url": "https://www.harbourtimes.example/"},
        {
            "@type": "NewsArticle",
            "headline": "Ferry to run every 20 minutes from June",
            "description": "Two new boats and late weekend service.",
            "author": [{"@type": "Person", "name": "Mara Quinn"}, {"@type": "Person", "name": "Staff"}],
            "datePublished": "2024-05-02T07:30:00-03:00",
            "dateModified": "2024-05-02T09:00:00-03:00",
            "articleSection": "Local",
            "isAccessibleForFree": False,
            "image": {"@type": "ImageObject", "url": "https://www.harbourtimes.example/img/ferry.jpg"},
        },
    ],
}


def article_page(head: str, paragraphs: list[str] = PARAGRAPHS) -> str:
    """A news page of an unknown site: the article between navigation, promos and comments."""
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs[:2])
    body += '\n<div class="ad-label">Advertisement</div>'
    body += "\n<figure><img src='/img/ferry.jpg'>"
    body += "<figcaption>The ferry at dawn. Photo: J. Doe</figcaption></figure>"
    body += "\n".join(f"<p>{text}</p>" for text in paragraphs[2:])
    return f"""<!doctype html>
<html lang="en-CA"><head><meta charset="utf-8">{head}</head>
<body>
<nav><ul><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li>
<li><a href="/opinion">Opinion</a></li></ul></nav>
<header><a href="/" class="logo">Harbour Times</a></header>
<main><article>
<h1>Ferry to run every 20 minutes from June</h1>
<div class="byline">By Mara Quinn</div>
{body}
<p>Sign up for our morning newsletter to get the news in your inbox.</p>
</article>
<aside class="related"><h2>More news</h2><ul>
<li><a href="/news/a">Council approves new bike lanes on the waterfront road</a></li>
<li><a href="/news/b">Lighthouse museum reopens after two years of repairs</a></li></ul></aside>
<section id="comments" class="comments"><h3>3 comments</h3>
<div class="comment"><p>Finally! I have waited years for a ferry that comes on time in the morning.</p></div>
<div class="comment"><p>Ten cents more is a lot when you cross twice a day, every day of the week.</p></div>
</section></main>
<footer><p>Copyright 2024 Harbour Times. All rights reserved.</p></footer>
</body></html>"""


def graph_page() -> str:
    return article_page(
        f'<script type="application/ld+json">{json.dumps(JSON_LD_GRAPH)}</script>'
        '<meta property="og:site_name" content="Harbour Times">'
        "<title>Ferry to run every 20 minutes from June | Harbour Times</title>"
    )


def test_an_unknown_site_is_parsed_by_the_generic_parser() -> None:
    record = parse_page(graph_page(), URL)
    assert record["metadata"]["parser"] == "generic"
    assert record["metadata"]["parserVersion"].startswith("generic-1/")
    assert record["site"] == {"id": "harbourtimes.example", "name": "Harbour Times"}


def test_metadata_from_json_ld_graph() -> None:
    record = parse_page(graph_page(), URL)
    assert record["headline"] == "Ferry to run every 20 minutes from June"
    assert record["description"] == "Two new boats and late weekend service."
    assert [a["name"] for a in record["authors"]] == ["Mara Quinn"]  # "Staff" names no one
    assert record["datePublished"] == "2024-05-02T07:30:00-03:00"
    assert record["dateModified"] == "2024-05-02T09:00:00-03:00"
    assert record["articleSection"] == "Local"
    assert record["inLanguage"] == "en"
    assert record["isAccessibleForFree"] is False
    assert record["mainImage"]["url"] == "https://www.harbourtimes.example/img/ferry.jpg"


def test_metadata_from_a_json_ld_list_with_an_agency_byline() -> None:
    article = {
        "@type": "ReportageNewsArticle",
        "headline": "Ferry to run every 20 minutes from June",
        "author": [{"@type": "Organization", "name": "The Canadian Press"}, {"name": "Mara Quinn"}],
        "datePublished": "2024-05-02T10:30:00Z",
    }
    head = f'<script type="application/ld+json">{json.dumps([{"@type": "WebPage"}, article])}</script>'
    record = parse_page(article_page(head), URL)
    assert [a["name"] for a in record["authors"]] == ["Mara Quinn", "The Canadian Press"]  # people first
    assert record["datePublished"] == "2024-05-02T10:30:00+00:00"
    assert record["isAccessibleForFree"] is None  # the page does not say


def test_metadata_from_opengraph_and_meta_tags() -> None:
    head = (
        '<meta property="og:title" content="Ferry to run every 20 minutes from June | Harbour Times">'
        '<meta property="og:site_name" content="Harbour Times">'
        '<meta name="author" content="Mara Quinn and Leo Park">'
        '<meta property="article:published_time" content="2024-05-02T07:30:00-0300">'
        '<meta property="article:section" content="Local">'
        '<meta property="og:image" content="https://www.harbourtimes.example/img/ferry.jpg">'
    )
    record = parse_page(article_page(head), URL)
    assert record["headline"] == "Ferry to run every 20 minutes from June"  # site name dropped
    assert [a["name"] for a in record["authors"]] == ["Mara Quinn", "Leo Park"]
    assert record["datePublished"] == "2024-05-02T07:30:00-03:00"
    assert record["articleSection"] == "Local"
    assert record["site"]["name"] == "Harbour Times"
    assert record["mainImage"]["url"] == "https://www.harbourtimes.example/img/ferry.jpg"


def test_body_is_the_article_without_navigation_promos_captions_or_comments() -> None:
    record = parse_page(graph_page(), URL)
    assert [block["text"] for block in record["body"]] == PARAGRAPHS
    for stray in (
        "Advertisement",
        "newsletter",
        "Photo: J. Doe",
        "Finally!",
        "bike lanes",
        "Sports",
        "Copyright",
    ):
        assert stray not in record["articleBody"]


def test_hover_cards_and_hidden_text_stay_out_of_the_paragraph() -> None:
    card = (
        'the <span class="person-rollover"><a href="/p/ann">Mayor Ann Lee</a>'
        '<span class="rollover-card">Ann Lee: all her stories, and more</span></span> said'
        '<span style="display:none">tracking text</span>'
    )
    paragraphs = [*PARAGRAPHS[:1], f"The plan is overdue, {card} on Thursday evening.", *PARAGRAPHS[1:]]
    record = parse_page(
        article_page("<title>Ferry to run every 20 minutes from June</title>", paragraphs), URL
    )
    assert "The plan is overdue, the Mayor Ann Lee said on Thursday evening." in record["articleBody"]
    assert "all her stories" not in record["articleBody"] and "tracking" not in record["articleBody"]


def test_control_characters_cost_the_generic_body_nothing() -> None:
    """trafilatura edits the tree's texts, which lxml refuses when they hold a control character:
    it reads the page without them (Page.xml_safe)."""
    paragraphs = [text.replace(" ", " \x01", 1) for text in PARAGRAPHS]
    page = article_page("<title>Ferry to run every 20 minutes from June</title>", paragraphs)
    record = parse_page(page, URL)
    assert [block["text"] for block in record["body"]] == PARAGRAPHS


#: article_page's menu, as the function writes it.
_MENU = (
    '<nav><ul><li><a href="/news">News</a></li><li><a href="/sports">Sports</a></li>\n'
    '<li><a href="/opinion">Opinion</a></li></ul></nav>'
)


def _behind_a_menu_left_open(head: str) -> str:
    """article_page behind a desktop menu (hidden on phones) whose sub-menus' ``<div>``s are never
    closed: a browser closes them at the next ``<li>``, libxml2 nests the rest of the page in them,
    article and all."""
    items = "".join(
        f"<li><a href='/{name}'>{name.title()}</a><div class='sub-menu'><div class='sub-menu-inner'>"
        f"<ul><li><a href='/{name}/latest'>Latest in {name}</a></li></ul>\n"
        for name in ("news", "sports", "opinion", "life", "arts")
    )
    page = article_page(head)
    assert _MENU in page
    return page.replace(_MENU, f'<nav class="hidden lg:flex"><ul>{items}</ul></nav>')


def test_an_article_a_menu_left_open_swallowed_is_read_from_its_article_element() -> None:
    record = parse_page(_behind_a_menu_left_open('<meta property="og:type" content="article">'), URL)
    assert [block["text"] for block in record["body"]] == PARAGRAPHS
    assert "Latest in" not in record["articleBody"]


def test_a_page_that_does_not_say_it_is_an_article_gets_no_second_look() -> None:
    """Its one ``<article>`` may be a section front's featured story: it is not read alone, and
    the body is trafilatura's last resort, the page's text in one block (a real article whose
    page states nothing is kept so, rather than lost)."""
    record = parse_page(_behind_a_menu_left_open(""), URL)
    assert len(record["body"]) == 1 and PARAGRAPHS[0] in record["articleBody"]


def test_a_page_without_an_article_is_refused() -> None:
    with pytest.raises(NotAnArticleError):
        parse_page("<html><body><nav><a href='/a'>A story</a></nav></body></html>", URL)


def test_a_site_with_a_module_keeps_its_own_parser() -> None:
    case = next(case for case in (FIXTURES / "ctvnews").iterdir() if "seed" in case.name)
    meta = json.loads((case / "meta.json").read_text())
    record = parse_page((case / "page.html").read_bytes(), meta["url"])
    assert record["metadata"]["parser"] == "ctvnews"


def test_feed_sites_span_their_registered_domain() -> None:
    assert registered_domain("feeds.harbourtimes.example") == "harbourtimes.example"
    assert registered_domain("news.bbc.co.uk") == "bbc.co.uk"
    site = feed_site("https://feeds.harbourtimes.example/rss")
    assert site.claims("https://www.harbourtimes.example/news/x")
    assert not site.claims("https://elsewhere.example/news/x")


# -- the command line --------------------------------------------------------------------


def _cli(*arguments: str, proxy: str | None = None) -> subprocess.CompletedProcess[str]:
    environment = {"PATH": "/usr/bin:/bin"} | ({"http_proxy": proxy} if proxy else {})
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", *arguments],
        cwd=REPO, env=environment, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_crawler_parse_of_an_unknown_site(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(graph_page(), encoding="utf-8")
    done = _cli("parse", str(page), "--url", URL)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["metadata"]["parser"] == "generic"
    assert record["headline"] == "Ferry to run every 20 minutes from June"


def test_crawler_fetch_of_an_unknown_site() -> None:
    url = URL.replace("https://", "http://")
    site = LoopbackSite(
        routes={
            "/robots.txt": Route(body=b"User-agent: *\nAllow: /\n", content_type="text/plain"),
            "/news/2024/05/02/ferry-schedule-changes": Route(body=graph_page().encode()),
        }
    )
    with serve(site):
        done = _cli("fetch", url, "-s", "ALLOW_PRIVATE_ADDRESSES=True", proxy=site.proxy)
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["metadata"]["parser"] == "generic"
    assert record["url"] == url


def _save(root: Path, name: str, url: str, body: str, kind: str) -> None:
    folder = root / name
    folder.mkdir(parents=True)
    content_type = "application/rss+xml" if kind == "body.xml" else "text/html; charset=utf-8"
    meta = {"url": url, "status": 200, "headers": {"Content-Type": content_type}}
    (folder / "meta.json").write_text(json.dumps(meta | {"fetchedAt": "2024-05-02T12:00:00+00:00"}))
    (folder / kind).write_text(body, encoding="utf-8")


def test_a_crawl_from_the_feed_of_an_unknown_site(tmp_path: Path) -> None:
    replay = tmp_path / "replay"
    second = URL.replace("ferry-schedule", "harbour-fares")
    items = "".join(
        f"<item><title>t</title><link>{link}</link></item>"
        for link in (URL, second, "https://elsewhere.example/story")  # the last is off-site: not fetched
    )
    _save(
        replay,
        "feed",
        "https://feeds.harbourtimes.example/rss",
        f"<rss><channel>{items}</channel></rss>",
        "body.xml",
    )
    _save(replay, "one", URL, graph_page(), "page.html")
    _save(replay, "two", second, article_page("<title>Fares rise</title>", PARAGRAPHS[::-1]), "page.html")
    out = tmp_path / "corpus"
    done = _cli(
        "crawl", "--url", "https://feeds.harbourtimes.example/rss", "--replay", str(replay), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    assert "harbourtimes.example: 2 articles" in done.stdout
    assert "0 replay misses" in done.stdout
    records = [json.loads(line) for path in out.rglob("*.jsonl") for line in path.read_text().splitlines()]
    assert sorted(r["url"] for r in records) == sorted([URL, second])
    assert {r["metadata"]["parser"] for r in records} == {"generic"}


# -- the benchmark's metric ------------------------------------------------------------------


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_extraction", REPO / "bench" / "extraction.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


def test_metric_counts_shared_extra_and_missing_shingles() -> None:
    bench: Any = _bench()
    # truth: 6 tokens -> 3 shingles; prediction drops the last token and adds two -> 4 shingles.
    score = bench.score_page("one two three four five six", "one two three four five seven eight")
    tp, fp, fn = 2, 2, 1  # shared: "one..four", "two..five"; extra: 2; missing: "three..six"
    assert (score.tp, score.fp, score.fn) == pytest.approx((tp / 5, fp / 5, fn / 5))
    assert score.precision == pytest.approx(0.5) and score.recall == pytest.approx(2 / 3)


def test_metric_edge_cases_and_summary() -> None:
    bench: Any = _bench()
    assert bench.score_page("", "").precision == 1.0  # nothing to find, nothing found
    assert bench.score_page("a b c d", "").recall == 0.0
    assert bench.shingles("a b") == {"a b": 1}  # shorter than a shingle: one shingle
    summary = bench.summarise(
        [("one two three four five", "one two three four five"), ("a b c d", "w x y z")]
    )
    assert (summary.precision, summary.recall, summary.accuracy) == (0.5, 0.5, 0.5)
    assert summary.f1 == pytest.approx(0.5)


def test_dates_are_scored_by_publication_day() -> None:
    bench: Any = _bench()
    score = bench.score_dates(
        [
            ("2019-11-20", "2019-11-20T06:37:00"),  # the day is what counts, offset or none
            ("2019-11-20", "2019-11-21T01:00:00+09:00"),  # another day
            ("2019-11-20", None),  # no date: wrong
            (None, None),  # a page with no date, given none: right
        ]
    )
    assert (score.tp, score.fp, score.tn, score.fn) == (1, 1, 1, 1)
    assert (score.accuracy, score.precision, score.undated) == (0.5, 0.5, 2)


def test_authors_are_scored_by_exact_match_several_joined() -> None:
    bench: Any = _bench()
    score = bench.score_authors(
        [
            ("Jane Doe", "Jane Doe"),
            ("T. V. Raman ", "T. V. Raman"),  # white space is not a difference
            (["Ann Lee", "Bo Chan"], "Ann Lee; Bo Chan"),
            ("Jane Doe", "JANE DOE"),
            ("Jane Doe", None),
        ]
    )
    assert (score.right, score.pages) == (3, 5)


@pytest.mark.parametrize("parser", ["site", "generic"])
def test_links_urljoin_refuses_cost_their_field_not_the_record(parser: str) -> None:
    """A lead image or canonical link with an unbalanced "[" in its host (urljoin raises) is left out."""
    from crawler.extract.page import Page
    from crawler.sites.parse import parse, parse_generic

    case = FIXTURES / "globalnews" / "2024-02-08-wordpress-staff-subheads"
    url = json.loads((case / "meta.json").read_text(encoding="utf-8"))["url"]
    html = (case / "page.html").read_text(encoding="utf-8")
    broken = html.replace(
        "https:\\/\\/globalnews.ca\\/wp-content", "https:\\/\\/<![CDATA[globalnews.ca\\/wp-content"
    )
    broken = broken.replace('<link rel="canonical" href="https://', '<link rel="canonical" href="https://[')
    assert broken.count("<![CDATA[") >= 2 and 'href="https://[' in broken
    page = Page(broken, url)
    record = parse(page) if parser == "site" else parse_generic(page)
    assert record["canonicalUrl"] == url
    assert record["mainImage"] is None or "[" not in record["mainImage"]["url"]
