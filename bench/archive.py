"""What the web archive costs: crawl speed with and without --warc, disk per 1,000 articles, reparse speed.

Run by hand: ``python bench/archive.py`` (``--articles 2000 --rounds 2`` by default).

1. The crawl benchmark's synthetic site (bench/crawl.py: the CTV News seed page, varied, on
   loopback) crawled with and without archiving, in turns, so that a slow spell of the shared
   machine falls on both; the best round of each counts. Target: archiving costs at most 10%
   of articles/s. Then the disk the archive and the corpus take per 1,000 articles. With
   ``--gzip-pages`` the site sends its articles gzip-encoded, as most servers do (the archive
   keeps them so); without it, plain (the archive then compresses them itself: its worst case).
2. ``crawler reparse`` over an archive of bench/parse.py's pages (every fixture, and the
   reference pages when ../shared is there; plain, or gzip-encoded with ``--gzip-pages``),
   beside a plain parse of the same pages (those a re-parse reads: the pages their site calls
   articles) in the same run, best of ``--rounds``. Target: at least 0.8x of the parse rate.
3. ``--libraries``: FastWARC (which crawler uses) and warcio writing and reading the same
   records: the benchmark behind the choice (docs/archive.md).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import io
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import crawl as crawl_bench  # noqa: E402  (bench/crawl.py)
from parse import load_pages  # noqa: E402  (bench/parse.py)

from crawler.archive import ArchiveWriter, Exchange, read_heads, read_responses  # noqa: E402
from crawler.archive.writer import exchange_records  # noqa: E402
from crawler.crawl.reparse import is_article_page, reparse  # noqa: E402
from crawler.errors import CrawlerError  # noqa: E402
from crawler.extract.page import Page  # noqa: E402
from crawler.sites import site_for_url  # noqa: E402
from crawler.sites.parse import parse  # noqa: E402

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def folder_size(root: Path, pattern: str) -> int:
    return sum(path.stat().st_size for path in root.glob(pattern))


def crawl_cost(articles: int, rounds: int, gzip_pages: bool) -> None:
    """Articles/s with and without --warc (best round of each), CPU per article, disk per 1,000 articles.

    The machine is shared: articles/s of one configuration varied by half between rounds on it,
    while the CPU time the crawl's processes spent per article held within a few percent. Both
    are printed; the CPU time is the steadier measure of what archiving adds.
    """
    best: dict[str, float] = {}
    cpu: dict[str, float] = {}
    sizes: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as temporary:
        for round_number in range(rounds):
            for name in ("plain", "archived"):
                corpus = Path(temporary) / f"{name}-{round_number}"
                extra = ["-s", f"WARC_DIR={corpus / 'warc'}"] if name == "archived" else []
                seconds, peak_mb, stored, cpu_seconds = crawl_bench.crawl(articles, extra, corpus, gzip_pages)
                rate, per_article = stored / seconds, cpu_seconds / stored * 1000
                print(f"  round {round_number + 1} {name:>8}: {stored} articles, {rate:6.1f} articles/s, "
                      f"{per_article:.2f} CPU ms per article, {peak_mb:.0f} MB")  # fmt: skip
                best[name] = max(best.get(name, 0.0), rate)
                cpu[name] = min(cpu.get(name, float("inf")), per_article)
                if name == "archived":
                    per_thousand = 1000 / stored / 1024 / 1024
                    sizes["archive"] = folder_size(corpus / "warc", "*/*.warc.gz") * per_thousand
                    sizes["corpus"] = folder_size(corpus, "*/*.jsonl") * per_thousand
                shutil.rmtree(corpus)
    cost, cpu_cost = 1 - best["archived"] / best["plain"], cpu["archived"] / cpu["plain"] - 1
    print(f"crawl ({'gzip-encoded' if gzip_pages else 'plain'} pages): {best['plain']:.1f} articles/s plain, "
          f"{best['archived']:.1f} archived: archiving costs {cost:.1%} of articles/s "
          f"(target at most 10%: {'met' if cost <= 0.10 else 'MISSED'}), "
          f"{cpu_cost:+.1%} CPU per article")  # fmt: skip
    print(f"disk per 1,000 articles: archive {sizes['archive']:.1f} MB, corpus {sizes['corpus']:.1f} MB")


def archived_pages(root: Path, captures: int, gzip_pages: bool) -> list[tuple[str, bytes]]:
    """bench/parse.py's pages, each fetched ``captures`` times a second apart, archived under ``root``.

    A re-parse finds every capture after the first unchanged, as the daily crawls of a site
    give. With ``gzip_pages`` the bodies are gzip-encoded, as servers send them (a re-parse then
    inflates them first). Returns the pages, as often as archived.
    """
    pages = load_pages() * captures
    writer = ArchiveWriter(root, "bench", {"software": "bench/archive.py"})
    for number, (url, html) in enumerate(pages):
        try:
            folder = site_for_url(url).id
        except CrawlerError:
            folder = "generic"
        headers = [(b"Content-Type", b"text/html")]
        if gzip_pages:
            headers.append((b"Content-Encoding", b"gzip"))
            html = gzip.compress(html, compresslevel=6)
        writer.write(folder, Exchange(url, WHEN + timedelta(seconds=number), 200, headers, html))
    writer.close()
    return pages


def parse_all(pages: list[tuple[str, bytes]]) -> None:
    for url, html in pages:
        with contextlib.suppress(
            CrawlerError
        ):  # the pages no parser takes cost their parse, as in a re-parse
            parse(Page.from_bytes(html, url, "text/html", WHEN, 200))


def reparse_speed(rounds: int, gzip_pages: bool, captures: int = 5) -> None:
    """Reparse pages/s (steady state: nothing changed) beside a plain parse of the same pages.

    Re-parsing in this process (``processes=0``) costs what reading, decoding and comparing
    add to the parse; its rate is given by the CPU time of this process, as the parse's is, since
    on the shared benchmark machine wall-clock rounds of either varied by half. With the default
    parser process it also gains a second core when the machine has one free: that rate is
    wall-clock time.
    """
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        pages = archived_pages(root / "corpus" / "warc", captures, gzip_pages)
        # The parse it is set beside reads the same pages: those a re-parse reads (the pages their
        # site calls articles), not the few section fronts of bench/parse.py's, which parse faster.
        read = {
            head.url
            for path in (root / "corpus" / "warc").glob("*/*.warc.gz")
            for head in read_heads(path)
            if is_article_page(head)
        }
        pages = [(url, html) for url, html in pages if url in read]
        started = time.perf_counter()
        first = reparse(root / "corpus", root / "corpus" / "warc")
        first_rate = sum(s.pages for s in first.sites) / (time.perf_counter() - started)
        best = {"in this process (CPU time)": 0.0, "with a parser process (wall clock)": 0.0, "parse": 0.0}
        for _ in range(rounds):
            started = time.process_time()
            report = reparse(root / "corpus", root / "corpus" / "warc", processes=0)
            rate = sum(s.pages for s in report.sites) / (time.process_time() - started)
            best["in this process (CPU time)"] = max(best["in this process (CPU time)"], rate)
            started = time.perf_counter()
            report = reparse(root / "corpus", root / "corpus" / "warc", processes="auto")
            rate = sum(s.pages for s in report.sites) / (time.perf_counter() - started)
            best["with a parser process (wall clock)"] = max(best["with a parser process (wall clock)"], rate)
            started = time.process_time()
            parse_all(pages)
            best["parse"] = max(best["parse"], len(pages) / (time.process_time() - started))
    print(f"reparse over {len(pages)} archived pages ({'gzip-encoded' if gzip_pages else 'plain'}; "
          f"first run, storing every record: {first_rate:.1f} pages/s); "
          f"parse alone: {best['parse']:.1f} pages/s (CPU time)")  # fmt: skip
    for name in ("in this process (CPU time)", "with a parser process (wall clock)"):
        ratio = best[name] / best["parse"]
        print(f"  reparse {name}: {best[name]:.1f} pages/s, x{ratio:.2f} "
              f"(target at least 0.8x: {'met' if ratio >= 0.8 else 'MISSED'})")  # fmt: skip


def libraries(records: int, rounds: int) -> None:
    """FastWARC (which crawler uses) against warcio: the same exchanges written and read back.

    Both write a response and a request record per exchange, with block and payload digests, a
    gzip member each; the bodies came gzip-encoded, as servers send them, so both store them at
    level 0. Reading yields each response's body with its payload digest checked.
    """
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.statusandheaders import StatusAndHeaders
        from warcio.warcwriter import WARCWriter
    except ImportError:
        print("(warcio not installed: pip install -e '.[bench]')")
        return
    pages = load_pages()
    exchanges = [
        Exchange(url, WHEN, 200, [(b"Content-Type", b"text/html"), (b"Content-Encoding", b"gzip")],
                 gzip.compress(html, compresslevel=6))
        for url, html in (pages * (records // len(pages) + 1))[:records]
    ]  # fmt: skip

    def fastwarc_write(path: Path) -> None:
        with path.open("wb") as out:
            for exchange in exchanges:
                response, request, _ = exchange_records(exchange)
                out.write(response + request)

    def warcio_write(path: Path) -> None:
        with path.open("wb") as out:
            for exchange in exchanges:
                buffer = io.BytesIO()
                writer = WARCWriter(buffer, gzip=False, warc_version="1.1")
                headers = [
                    (name.decode("latin-1"), value.decode("latin-1"))
                    for name, value in exchange.response_headers
                ]
                http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
                response = writer.create_warc_record(
                    exchange.url, "response", payload=io.BytesIO(exchange.body), http_headers=http
                )
                sent = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.com")], is_http_request=True)
                request = writer.create_warc_record(exchange.url, "request", http_headers=sent)
                for record, level in ((response, 0), (request, 1)):
                    buffer.seek(0)
                    buffer.truncate()
                    writer.write_record(record)
                    out.write(gzip.compress(buffer.getvalue(), compresslevel=level))

    def fastwarc_read(path: Path) -> Iterator[bytes]:
        return (response.body for response in read_responses(path))

    def warcio_read(path: Path) -> Iterator[bytes]:
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle, check_digests=True):
                if record.rec_type == "response":
                    yield record.raw_stream.read()

    contenders: dict[str, tuple[Callable[[Path], None], Callable[[Path], Iterator[bytes]]]] = {
        "FastWARC": (fastwarc_write, fastwarc_read),
        "warcio": (warcio_write, warcio_read),
    }
    best = {name: [0.0, 0.0] for name in contenders}
    with tempfile.TemporaryDirectory() as temporary:
        for _ in range(rounds):
            for name, (write, read) in contenders.items():
                path = Path(temporary) / f"{name}.warc.gz"
                started = time.perf_counter()
                write(path)
                best[name][0] = max(best[name][0], records / (time.perf_counter() - started))
                started = time.perf_counter()
                assert sum(1 for _ in read(path)) == records
                best[name][1] = max(best[name][1], records / (time.perf_counter() - started))
    for name, (write_rate, read_rate) in best.items():
        print(f"{name:<9} write {write_rate:7.0f} exchanges/s   read, digests checked: {read_rate:7.0f}/s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000, help="articles of the crawled site")
    parser.add_argument("--rounds", type=int, default=2, help="turns of each measurement; the best counts")
    parser.add_argument(
        "--gzip-pages",
        action="store_true",
        help="pages come gzip-encoded (the crawled site, the re-parsed archive)",
    )
    parser.add_argument("--skip-crawl", action="store_true", help="measure reparse (and --libraries) only")
    parser.add_argument("--libraries", action="store_true", help="also warcio against FastWARC")
    arguments = parser.parse_args()
    if not arguments.skip_crawl:
        crawl_cost(arguments.articles, arguments.rounds, arguments.gzip_pages)
    reparse_speed(max(arguments.rounds, 5), arguments.gzip_pages)
    if arguments.libraries:
        libraries(2000, max(arguments.rounds, 3))


if __name__ == "__main__":
    main()
