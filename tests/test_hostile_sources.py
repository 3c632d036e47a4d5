"""Hostile sources: feeds, sitemaps, redirects and pages written to attack the crawler.

Each test serves its attack from a loopback server (tests/loopback.py), mostly as the crawl's
HTTP proxy, so the crawler requests a public-looking site's URLs while every byte stays on
127.0.0.1. The crawl must fetch only http(s) URLs on the source's own domains, never a
private address, bound its work, and count every refusal in its summary.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from crawler.sites.fixtures import Fixture, discover
from tests.conftest import FIXTURES, REPO
from tests.loopback import LoopbackSite, Route, serve
from tests.peak_memory import peak_memory_kb
from tests.test_hostile_servers import ALLOW_ALL
from tests.test_hostile_servers import FAST as SERVER_FAST

HOST = "http://www.harbour.example"
CTV = "http://www.ctvnews.ca"
#: tests/test_hostile_servers.py's quick, unpaced crawls through a proxy on 127.0.0.1, quiet.
FAST = {**SERVER_FAST, "PROGRESS_LINE": False}
CASES: list[Fixture] = sorted(discover(FIXTURES, "ctvnews"), key=lambda case: case.path.name)


def article(number: int, canonical: str | None = None) -> Route:
    """A news page of a site with no module, with a body of its own (``number``)."""
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(
        f"<p>Story {number}, paragraph {n}: the harbour authority said on Thursday that the ferry "
        f"would run every twenty minutes from June, after a year of complaints from commuters.</p>"
        for n in range(5)
    )
    ld = {
        "@type": "NewsArticle",
        "headline": f"Ferry story {number}",
        "datePublished": "2024-05-02T07:30:00-03:00",
    }
    page = (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">{head}'
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        f"<title>Ferry story {number}</title></head>"
        f"<body><main><article><h1>Ferry story {number}</h1>{paragraphs}</article></main></body></html>"
    )
    return Route(body=page.encode())


def urlset(*urls: str) -> Route:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    body = (
        f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'
    )
    return Route(body=body.encode(), content_type="application/xml")


def index(*urls: str) -> Route:
    entries = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    body = f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'
    return Route(body=body.encode(), content_type="application/xml")


def through(site: LoopbackSite | None) -> dict[str, str]:
    """This process's environment, with the loopback server as the only HTTP proxy (or none)."""
    proxies = {"http_proxy", "https_proxy", "no_proxy"}
    environment = {k: v for k, v in os.environ.items() if k.lower() not in proxies}
    return environment | ({"http_proxy": site.proxy} if site is not None else {})


def crawl(
    site: LoopbackSite, out: Path, *arguments: str, proxy: bool = True, allow: bool = True
) -> subprocess.CompletedProcess[str]:
    """``crawler crawl ARGUMENTS`` in its own process, through the loopback server as proxy."""
    settings = {**FAST, "ALLOW_PRIVATE_ADDRESSES": allow}
    command = [sys.executable, "-m", "crawler.cli", "crawl", "--out", str(out), "--log-level", "INFO"]
    command += [item for name, value in settings.items() for item in ("-s", f"{name}={value}")]
    return subprocess.run(
        [*command, *arguments],
        cwd=REPO,
        env=through(site if proxy else None),
        capture_output=True,
        text=True,
        timeout=300,
    )


def run(*arguments: str) -> subprocess.CompletedProcess[str]:
    """``python -m ARGUMENTS`` (``crawler.cli ...``, ``scrapy ...``) in the repository, offline."""
    return subprocess.run(
        [sys.executable, "-m", *arguments], cwd=REPO, capture_output=True, text=True, timeout=120
    )


def summary(done: subprocess.CompletedProcess[str], site_id: str) -> str:
    """The site's summary line of a crawl that ended well (exit 0, no traceback)."""
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    (line,) = [line for line in done.stdout.splitlines() if line.startswith(f"{site_id}: ")]
    return line


def stored(corpus: Path) -> list[dict]:
    return [
        json.loads(line) for path in sorted(corpus.rglob("*.jsonl")) for line in path.read_text().splitlines()
    ]


def paths(site: LoopbackSite) -> list[str]:
    return [path for path, _ in site.hits]


# -- 1. only http(s), only the source's domains, never a private address -----------------------


def test_a_sitemap_index_cannot_make_the_crawl_read_local_files_or_internal_addresses(tmp_path: Path) -> None:
    local = tmp_path / "local-sitemap.xml"
    local.write_bytes(urlset(f"{HOST}/from-a-local-file").body)
    site = LoopbackSite()
    with serve(site):
        internal = f"http://127.0.0.1:{site.port}/internal-sitemap.xml"
        site.routes.update(
            {
                "/robots.txt": ALLOW_ALL,
                "/sitemap-index.xml": index(
                    internal,
                    "http://169.254.169.254/latest/meta-data/iam/",
                    "file:///etc/passwd",
                    local.as_uri(),
                    f"{HOST}/sitemap-news.xml",
                    f"{HOST}/moved-sitemap.xml",
                ),
                "/internal-sitemap.xml": urlset(f"{HOST}/stolen-1"),
                "/latest/meta-data/iam/": urlset(f"{HOST}/stolen-2"),
                "/moved-sitemap.xml": Route(status=302, headers={"Location": internal}),
                "/sitemap-news.xml": urlset(f"{HOST}/news/story-1"),
                "/news/story-1": article(1),
            }
        )
        done = crawl(site, tmp_path / "corpus", "--url", f"{HOST}/sitemap-index.xml")
    line = summary(done, "harbour.example")
    assert line.startswith("harbour.example: 1 articles")
    assert "non-web-link 2" in line and "offsite 2" in line and "offsite-redirect 1" in line
    assert not {"/internal-sitemap.xml", "/latest/meta-data/iam/", "/from-a-local-file"} & set(paths(site))
    assert [record["url"] for record in stored(tmp_path / "corpus")] == [f"{HOST}/news/story-1"]


def test_a_host_that_resolves_to_a_private_address_is_refused_unless_allowed(tmp_path: Path) -> None:
    """``localhost`` is a name, looked up as any other: it resolves to 127.0.0.1, which is refused."""
    site = LoopbackSite(routes={"/robots.txt": ALLOW_ALL})
    with serve(site):
        feed = f"http://localhost:{site.port}/sitemap.xml"
        site.routes["/sitemap.xml"] = urlset(f"http://localhost:{site.port}/news/story-1")
        site.routes["/news/story-1"] = article(1)
        refused = crawl(site, tmp_path / "refused", "--url", feed, proxy=False, allow=False)
        assert paths(site) == []
        allowed = crawl(site, tmp_path / "allowed", "--url", feed, proxy=False, allow=True)
    assert refused.returncode == 1  # its one source refused: the crawl got nothing
    (line,) = [line for line in refused.stdout.splitlines() if line.startswith("localhost: ")]
    assert line.endswith("; skipped: private-address 1; got nothing: no source could be read")
    assert (
        f"skipped: private-address: {feed}: localhost is at 127.0.0.1, not a public address" in refused.stderr
    )
    assert summary(allowed, "localhost").startswith("localhost: 1 articles")


# -- 4. one link that is no web URL costs that link only ---------------------------------------


def test_links_that_are_no_web_urls_are_skipped_and_counted_and_the_rest_of_the_feed_is_read(
    tmp_path: Path,
) -> None:
    items = "".join(
        f"<item><title>t</title>{link}</item>"
        for link in (
            f"<link>{HOST}/news/story-1</link>",
            "<guid>tag:harbour.example,2024:12</guid>",
            "<link>javascript:alert(1)</link>",
            "<link>mailto:desk@harbour.example</link>",
            "<link>tel:+15555550100</link>",
            f"<link>{HOST}/news/story-2</link>",
        )
    )
    feed = Route(body=f"<rss><channel>{items}</channel></rss>".encode(), content_type="application/rss+xml")
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/feed.xml": feed,
            "/news/story-1": article(1),
            "/news/story-2": article(2),
        }
    )
    with serve(site):
        done = crawl(site, tmp_path / "corpus", "--url", f"{HOST}/feed.xml")
    line = summary(done, "harbour.example")
    assert line.startswith("harbour.example: 2 articles")
    assert line.endswith("; skipped: non-web-link 4")


# -- 7. bounded work ----------------------------------------------------------------------------


def test_a_chain_of_indexes_ends_at_the_depth_limit_and_a_fan_out_at_the_pending_limit(
    tmp_path: Path,
) -> None:
    routes = {"/robots.txt": ALLOW_ALL, "/news/story-1": article(1)}
    # A chain: each index lists the next, for ever (here 10 deep), and the article at the end.
    for depth in range(10):
        routes[f"/chain-{depth}.xml"] = index(f"{HOST}/chain-{depth + 1}.xml", f"{HOST}/leaf-{depth}.xml")
        routes[f"/leaf-{depth}.xml"] = urlset(f"{HOST}/news/story-1")
    # A fan-out: an index of 50 indexes of 50 sitemaps each.
    routes["/fan.xml"] = index(*(f"{HOST}/fan-{a}.xml" for a in range(50)))
    for a in range(50):
        routes[f"/fan-{a}.xml"] = index(*(f"{HOST}/fan-{a}-{b}.xml" for b in range(50)))
    site = LoopbackSite(routes=routes)
    with serve(site):
        chain = crawl(site, tmp_path / "chain", "--url", f"{HOST}/chain-0.xml")
        fan = crawl(site, tmp_path / "fan", "--url", f"{HOST}/fan.xml", "-s", "SITEMAP_PENDING_MAX=30")
    # The source is 0 deep: chain-1 to chain-3 are walked, with leaves 0 to 2; chain-4, leaf-3 are too deep.
    assert "sitemap-too-deep 2" in summary(chain, "harbour.example")
    requested = set(paths(site))
    assert {f"/chain-{n}.xml" for n in range(4)} <= requested and "/chain-4.xml" not in requested
    assert "/leaf-3.xml" not in requested
    # At most 30 sitemaps wait at any time: each index read drops what it lists beyond that, counted.
    assert "too-many-sitemaps" in summary(fan, "harbour.example")
    assert len([path for path in paths(site) if path.startswith("/fan-")]) < 50 * 30


def test_a_gzipped_sitemap_is_read_and_one_that_inflates_past_the_limit_is_too_large(tmp_path: Path) -> None:
    listed = urlset(f"{HOST}/news/story-1").body
    bomb = gzip.compress(listed.replace(b"</urlset>", b"<!--" + b" " * 3_000_000 + b"--></urlset>"))
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/sitemap.xml.gz": Route(body=gzip.compress(listed), content_type="application/x-gzip"),
            "/bomb.xml.gz": Route(body=bomb, content_type="application/x-gzip"),
            "/news/story-1": article(1),
        }
    )
    with serve(site):
        done = crawl(site, tmp_path / "corpus", "--url", f"{HOST}/sitemap.xml.gz")
        bombed = crawl(
            site, tmp_path / "bombed", "--url", f"{HOST}/bomb.xml.gz", "-s", "DOWNLOAD_MAXSIZE=1000000"
        )
    assert summary(done, "harbour.example").startswith("harbour.example: 1 articles")
    assert summary(bombed, "harbour.example").endswith("; failed: too-large 1")


def test_over_long_urls_are_counted(tmp_path: Path) -> None:
    long = f"{HOST}/news/{'x' * 3000}"
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/sitemap.xml": urlset(long, f"{HOST}/news/story-1"),
            "/news/story-1": article(1),
        }
    )
    with serve(site):
        done = crawl(site, tmp_path / "corpus", "--url", f"{HOST}/sitemap.xml")
    assert summary(done, "harbour.example").endswith("; skipped: url-too-long 1")


def test_a_large_sitemap_gives_its_first_articles_at_once_and_in_bounded_memory(tmp_path: Path) -> None:
    """100,000 URLs: read as a stream into a backlog, handed to the scheduler a batch at a time."""
    page = (CASES[0].path / "page.html").read_bytes()
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/big.xml": urlset(*(f"{CTV}/world/story-{n}-1.{n}" for n in range(100_000))),
        }
    )
    site.otherwise = Route(body=page)
    command = [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--sources", f"{CTV}/big.xml",
               "--max-articles", "3", "--out", str(tmp_path / "corpus"),
               "-s", "ALLOW_PRIVATE_ADDRESSES=True"]  # fmt: skip
    command += [item for name, value in FAST.items() for item in ("-s", f"{name}={value}")]
    with serve(site):
        status, peak = peak_memory_kb(command, REPO, through(site), tmp_path / "log")
    assert status == 0, (tmp_path / "log").read_text()[-3000:]
    assert peak < 200_000, peak  # KB: 100,000 requests at once took 390 MB


# -- 2. a canonical link cannot take another site's article -------------------------------------


def test_a_canonical_link_to_another_sites_article_does_not_take_its_identity(tmp_path: Path) -> None:
    ctv = CASES[0]
    ctv_path = "/" + ctv.meta()["url"].split("/", 3)[3]
    genuine = ctv.expected()
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/ctv-sitemap.xml": urlset(f"{CTV}{ctv_path}"),
            ctv_path: Route(body=(ctv.path / "page.html").read_bytes()),
            "/feed-sitemap.xml": urlset(f"{HOST}/news/impostor"),
            "/news/impostor": article(7, canonical=genuine["canonicalUrl"]),
        }
    )
    with serve(site):
        done = crawl(
            site, tmp_path / "corpus", "ctvnews", "--sources", f"{CTV}/ctv-sitemap.xml",
            "--url", f"{HOST}/feed-sitemap.xml",
        )  # fmt: skip
    assert summary(done, "ctvnews").startswith("ctvnews: 1 articles")
    assert summary(done, "harbour.example").startswith("harbour.example: 1 articles")
    records = {record["site"]["id"]: record for record in stored(tmp_path / "corpus")}
    assert records["ctvnews"]["id"] == genuine["id"] and records["ctvnews"]["revision"] == 1
    impostor = records["harbour.example"]
    assert impostor["id"] != genuine["id"] and impostor["revision"] == 1
    assert (
        impostor["canonicalUrl"] == f"{HOST}/news/impostor"
    )  # its own URL: the stated one is another site's
    exported = run(
        "crawler.cli", "corpus", "export", "--dir", str(tmp_path / "corpus"), "--to", str(tmp_path / "text")
    )
    assert exported.stdout.startswith("2 articles written")


# -- 7, 8, 9. pages and answers that used to crash, mislead or cost without bound ----------------


def test_bad_retry_after_bad_locations_and_too_complex_pages_are_our_words_and_the_crawl_goes_on(
    tmp_path: Path,
) -> None:
    good = Route(body=(CASES[0].path / "page.html").read_bytes())
    second = Route(body=(CASES[1].path / "page.html").read_bytes())
    paragraphs = "".join(
        f"<p>Paragraph {n} of a page built to keep a parser busy.</p>" for n in range(40_000)
    )
    complex_page = f"<html><head><title>x</title></head><body><h1>x</h1>{paragraphs}</body></html>".encode()
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/sitemap.xml": urlset(*(f"{CTV}/world/{name}" for name in ("a-1.1", "b-1.2", "c-1.3", "d-1.4"))),
            "/world/a-1.1": Route(status=503, headers={"Retry-After": "\u00b2"}, then=good),
            "/world/b-1.2": Route(
                status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00"}, then=second
            ),
            "/world/c-1.3": Route(status=301, headers={"Location": "http://[abc/x"}),
            "/world/d-1.4": Route(body=complex_page),
        }
    )
    with serve(site):
        done = crawl(
            site,
            tmp_path / "corpus",
            "ctvnews",
            "--sources",
            f"{CTV}/sitemap.xml",
            "-s",
            "PARSE_MAX_TAGS=50000",
        )
    line = summary(done, "ctvnews")
    assert line.startswith("ctvnews: 2 articles")  # each bad Retry-After retried after our backoff
    assert line.endswith("; failed: bad-redirect 1, too-complex 1")
    assert "bad-retry-after: " in done.stderr
    assert (
        f"failed: bad-redirect: {CTV}/world/c-1.3: redirected to 'http://[abc/x', which is not a URL"
        in done.stderr
    )
    assert (
        f"failed: too-complex: {CTV}/world/d-1.4: too-complex: 80010 tags, over the budget of 50000"
        in done.stderr
    )


def test_a_page_over_its_time_budget_is_too_complex(tmp_path: Path) -> None:
    """The slow page keeps the generic parser busy for about 20 s; an ordinary one, even a parser
    process's first (imports and all, on a loaded machine), takes a fraction of the 3 s budget."""
    paragraphs = "".join(
        f"<p>Paragraph {n}: words that a generic parser must weigh one by one.</p>" for n in range(60_000)
    )
    slow = f"<html><head><title>Slow</title></head><body><article><h1>Slow</h1>{paragraphs}</article></body>"
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/sitemap.xml": urlset(f"{HOST}/news/slow", f"{HOST}/news/story-1"),
            "/news/slow": Route(body=slow.encode()),
            "/news/story-1": article(1),
        }
    )
    with serve(site):
        done = crawl(site, tmp_path / "corpus", "--url", f"{HOST}/sitemap.xml", "-s", "PARSE_TIME_LIMIT=3")
    assert summary(done, "harbour.example") == (
        "harbour.example: 1 articles, 0 skipped (not an article), 0 outside the date window, 0 invalid, "
        "0 replay misses, 1 errors; failed: too-complex 1"
    )
    assert f"failed: too-complex: {HOST}/news/slow: too-complex: its parse took more than 3 s" in done.stderr


def test_crawler_parse_ignores_json_ld_that_python_cannot_read(tmp_path: Path) -> None:
    for name, json_ld in {
        "digits": '{"@type": "NewsArticle", "wordCount": ' + "9" * 5000 + "}",
        "nested": "[" * 100_000 + "]" * 100_000,
    }.items():
        page = tmp_path / f"{name}.html"
        page.write_bytes(
            article(3).body.replace(
                b"</head>", f'<script type="application/ld+json">{json_ld}</script></head>'.encode()
            )
        )
        done = run("crawler.cli", "parse", str(page), "--url", f"{HOST}/news/story-3")
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-2000:]
        assert json.loads(done.stdout)["headline"] == "Ferry story 3"


def test_a_negative_year_keeps_no_false_date_and_stray_nul_bytes_do_not_make_a_page_binary() -> None:
    from crawler import parse_page

    bc = article(4).body.replace(b"2024-05-02T07:30:00-03:00", b"-0044-03-15T10:00:00+00:00")
    assert parse_page(bc, f"{HOST}/news/story-4")["datePublished"] is None  # not 0044-03-15
    seed = CASES[0]
    with_nul = (seed.path / "page.html").read_bytes().replace(b"<head>", b"<head>\x00\x00", 1)
    assert with_nul.count(b"\x00") == 2
    assert parse_page(with_nul, seed.meta()["url"])["id"] == seed.expected()["id"]


def test_fetch_follows_a_redirect_within_the_site_and_names_one_off_it(tmp_path: Path) -> None:
    seed = CASES[0]
    path = "/" + seed.meta()["url"].split("/", 3)[3]
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/world/old-1.1": Route(status=301, headers={"Location": f"{CTV}{path}"}),
            "/world/gone-1.2": Route(status=301, headers={"Location": "http://elsewhere.example/x"}),
            path: Route(body=(seed.path / "page.html").read_bytes()),
        }
    )

    def fetch(url: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "crawler.cli", "fetch", url, "-s", "ALLOW_PRIVATE_ADDRESSES=True"],
            cwd=REPO, env=through(site), capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip

    with serve(site):
        moved, off = fetch(f"{CTV}/world/old-1.1"), fetch(f"{CTV}/world/gone-1.2")
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["id"] == seed.expected()["id"]
    assert off.returncode == 1 and "offsite-redirect" in off.stderr and "Traceback" not in off.stderr


def test_a_damaged_corpus_index_is_named_with_the_safe_way_out(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    replay = ("crawler.cli", "crawl", "ctvnews", "--replay", str(FIXTURES), "--out", str(corpus))
    assert run(*replay).returncode == 0
    index = corpus / ".index.sqlite"
    damaged = bytearray(index.read_bytes())
    damaged[-4000:] = b"\x55" * 4000  # the last page: the header still reads, a table does not
    index.write_bytes(bytes(damaged))
    again = run(*replay)
    assert again.returncode == 1
    assert (
        f"{index}: the corpus index is damaged (database disk image is malformed); deleting it is safe"
        in again.stderr
    )


# -- 3, 5. distributed crawls: restarts that cannot stall, names that cannot escape ----------------


def test_workers_restarted_under_their_names_after_redis_restarts_store_every_article(tmp_path: Path) -> None:
    from crawler.store.merge import merge_corpora
    from tests.redis_server import redis_server
    from tests.replay_site import lines_written
    from tests.test_distributed import ARTICLES, finish, ids, loopback_site, start_worker, worker_records

    corpus, names = tmp_path / "corpus", ("w1", "w2", "w3")
    with loopback_site(ARTICLES) as port:
        with redis_server(tmp_path / "redis", appendonly=True) as first:
            workers = [start_worker(name, corpus, first.url, port) for name in names]
            deadline = time.monotonic() + 120
            while not (corpus / "workers").is_dir() or lines_written(corpus / "workers") < 300:
                assert time.monotonic() < deadline, "the workers made no progress"
                time.sleep(0.01)  # a bounded poll of the workers' files
            first.process.kill()  # Redis crashes; its append-only file keeps the frontier
            for worker in workers:
                finish(worker)  # each stops cleanly, its requests in flight left in Redis
        redis_port = int(first.url.rsplit(":", 1)[1].split("/")[0])
        with redis_server(tmp_path / "redis", appendonly=True, port=redis_port) as second:
            client = second.client()
            deadline = time.monotonic() + 60
            while client.keys("crawler:ctvnews:worker:*"):  # the old names' keys expire (TTL 2 s)
                assert time.monotonic() < deadline, "the old workers' keys did not expire"
                time.sleep(0.05)
            assert client.zcard("crawler:ctvnews:requests") + sum(
                client.zcard(f"crawler:ctvnews:inflight:{name}") for name in names
            ), "nothing left to crawl: Redis was killed too late for this test"
            again = [start_worker(name, corpus, second.url, port, log=f"{name}-again") for name in names]
            assert [worker.wait(timeout=180) for worker in again] == [0, 0, 0]
    assert len(ids(worker_records(corpus))) == ARTICLES
    assert merge_corpora(sorted((corpus / "workers").iterdir()), corpus).added == ARTICLES


def test_a_worker_name_already_alive_is_refused_with_exit_1(tmp_path: Path) -> None:
    from tests.redis_server import redis_server

    with redis_server(tmp_path / "redis") as server:
        server.client().set("crawler:ctvnews:worker:box2-a", 1, px=60_000)  # a live worker's key
        replay = ("ctvnews", "--replay", str(FIXTURES), "--out", str(tmp_path / "corpus"))
        done = run("crawler.cli", "crawl", *replay, "--redis", server.url, "--worker", "box2-a")
    assert done.returncode == 1
    assert (
        done.stderr.strip()
        .splitlines()[-1]
        .startswith("crawler: error: worker box2-a is already running for ctvnews")
    )
    assert "Traceback" not in done.stderr


def test_a_worker_name_that_leads_out_of_the_corpus_is_refused_however_it_is_given(tmp_path: Path) -> None:
    from tests.redis_server import redis_server

    out = tmp_path / "a" / "b" / "corpus"
    with redis_server(tmp_path / "redis") as server:
        replay = ("ctvnews", "--replay", str(FIXTURES), "--out", str(out), "--redis", server.url)
        done = [
            run("crawler.cli", "crawl", *replay, "-s", "CRAWL_WORKER=../../x"),
            run("crawler.cli", "crawl", *replay, "-s", f"CRAWL_WORKER={tmp_path / 'absolute'}"),
            run("scrapy", "crawl", "ctvnews", "-s", f"REPLAY_DIR={FIXTURES}", "-s", f"CORPUS_DIR={out}",
                "-s", f"REDIS_URL={server.url}", "-s", "CRAWL_WORKER=../../y"),
        ]  # fmt: skip
        assert server.client().keys("crawler:ctvnews:*") == []  # nothing stored, nothing marked stored
    assert [run.returncode for run in done] == [1, 1, 1]
    assert (
        done[0].stderr.strip()
        == "crawler: error: worker name '../../x': use letters, digits, '-', '_' and '.' only"
    )
    assert not [path for path in tmp_path.rglob("*.jsonl")]


# -- 6. one writer at a time --------------------------------------------------------------------


def test_a_second_writer_of_a_corpus_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    site = LoopbackSite(
        routes={
            "/robots.txt": ALLOW_ALL,
            "/sitemap.xml": urlset(f"{CTV}/world/stall-1.1"),
            "/world/stall-1.1": Route(stall=True),
        }
    )
    with serve(site):
        command = [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", "--sources", f"{CTV}/sitemap.xml"]
        command += ["--out", str(corpus), "-s", "ALLOW_PRIVATE_ADDRESSES=True", "-s", "DOWNLOAD_TIMEOUT=60"]
        first = subprocess.Popen(
            command,
            cwd=REPO,
            env=through(site),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while "/world/stall-1.1" not in paths(site):  # the first crawl holds the corpus
            assert first.poll() is None and time.monotonic() < deadline
            time.sleep(0.01)  # a bounded poll of the server's log
        second = run("crawler.cli", "crawl", "ctvnews", "--replay", str(FIXTURES), "--out", str(corpus))
        scrapy = run(
            "scrapy", "crawl", "ctvnews", "-s", f"REPLAY_DIR={FIXTURES}", "-s", f"CORPUS_DIR={corpus}"
        )
        (corpus / "workers" / "w1").mkdir(parents=True)
        merge = run("crawler.cli", "corpus", "merge", "--dir", str(corpus))
        site.release.set()
        first.communicate(timeout=120)
    refusal = (
        f"crawler: error: {corpus}: another crawl, merge, reparse or ingest is writing here; "
        "wait for it to end, or write elsewhere"
    )
    assert (second.returncode, second.stderr.strip()) == (1, refusal)
    assert (merge.returncode, merge.stderr.strip()) == (1, refusal)
    assert scrapy.returncode == 1
    assert not list(corpus.rglob("*.jsonl"))


def test_corpus_stats_reports_duplicate_records(tmp_path: Path) -> None:
    line = json.dumps({**CASES[0].expected(), "revision": 1}) + "\n"
    path = tmp_path / "corpus" / "ctvnews" / "2023-06-18.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text(line * 3, encoding="utf-8")
    done = run("crawler.cli", "corpus", "stats", "--dir", str(tmp_path / "corpus"))
    assert "duplicates: 2 records repeat an article's revision already counted" in done.stdout


def test_a_revision_never_changes_site() -> None:
    """A page of a site with no module names the site by its canonical URL, as its id does."""
    from crawler import parse_page

    canonical = "https://www.harbour.example/news/story-5"
    amp = parse_page(article(5, canonical=canonical).body, "https://amp.harbour.example/news/story-5")
    www = parse_page(article(5).body, canonical)
    assert (amp["id"], amp["site"]["id"]) == (www["id"], www["site"]["id"]) == (www["id"], "harbour.example")
