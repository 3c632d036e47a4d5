"""What ``crawler ingest`` costs against the WARC reader alone, and how it scales with cores and a cluster.

Run by hand: ``python bench/ingest.py`` (``--records 20000 --files 8 --share 0.03 --rounds 2``).

It builds an archive shaped like CC-NEWS: ``--records`` response records over ``--files`` WARC
files (one gzip member per record, level 6, the payload decoded as Common Crawl stores it), of
which ``--share`` are pages of supported sites and the rest pages of other sites. The pages are
bench/parse.py's (every fixture, and the reference pages when ../shared is there); the other
sites' pages are the same pages under other hosts, so the bytes to inflate are alike. Then, in
the same run, best of ``--rounds`` (wall clock):

1. the floor: FastWARC alone iterating every record of the archive, reading each one's WARC
   headers (and warcio doing the same, once, beside it);
2. ``crawler ingest`` with 1 process: target at least 0.5x the floor's rate;
3. ``crawler ingest`` with all cores: target at least 1.7x the 1-process rate on 2 cores;
4. ``crawler ingest --dask`` on a 2-worker ``LocalCluster`` (worker processes);
5. parser-bound: an archive of supported sites' pages only, ingested with 1 process, beside a
   plain parse of the same pages (bench/parse.py's work) in the same run.

Every ingest includes its merge into the corpus. The machine is shared: the ratios, measured
within a few seconds of each other and interleaved by round, are what to read.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import shutil
import sys
import tempfile
import time
import uuid
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from random import Random

REPO = Path(__file__).resolve().parents[1]
# bench/distributed.py (the distributed crawl's benchmark) would hide Dask's own package.
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != REPO / "bench"]
sys.path.insert(0, str(REPO))

from crawler.cpus import usable_cpus  # noqa: E402
from crawler.errors import CrawlerError  # noqa: E402
from crawler.extract.page import Page  # noqa: E402
from crawler.ingest import Selection, ingest, warc_sources  # noqa: E402
from crawler.sites.parse import parse  # noqa: E402


def load_pages() -> list[tuple[str, bytes]]:
    """bench/parse.py's pages: every fixture, and the reference pages when ../shared is there."""
    spec = importlib.util.spec_from_file_location("bench_parse", REPO / "bench" / "parse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pages: list[tuple[str, bytes]] = module.load_pages()
    return pages


LEVEL = 6
WHEN = "2024-05-01T00:00:00Z"


def record(url: str, html: bytes) -> bytes:
    """One response record as Common Crawl writes it, as a gzip member of its own."""
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        b"X-Crawler-Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(html)
    ) + html
    head = (
        f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Date: {WHEN}\r\n"
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>\r\nContent-Length: {len(http)}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nWARC-Target-URI: {url}\r\n\r\n"
    ).encode()
    packer = zlib.compressobj(LEVEL, zlib.DEFLATED, 31)
    return packer.compress(head + http + b"\r\n\r\n") + packer.flush()


def write_file(path: Path, pages: list[tuple[str, bytes]]) -> int:
    with path.open("wb") as out:
        for url, html in pages:
            out.write(record(url, html))
    return len(pages)


def elsewhere(url: str, number: int) -> str:
    """The URL on another site's host: the same path, a host no module claims."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://www.news{number % 997}.example/{rest.partition('/')[2]}"


def build(root: Path, records: int, files: int, share: float, seed: int = 7) -> list[Path]:
    """``records`` response records over ``files`` files, ``share`` of them supported sites' pages."""
    pages, chance = load_pages(), Random(seed)
    mix = []
    for number in range(records):
        url, html = chance.choice(pages)
        mix.append((url, html) if chance.random() < share else (elsewhere(url, number), html))
    paths = [root / f"CC-NEWS-bench-{number:05d}.warc.gz" for number in range(files)]
    with ProcessPoolExecutor(usable_cpus()) as pool:
        list(pool.map(write_file, paths, [mix[number::files] for number in range(files)]))
    return paths


def floor_fastwarc(paths: list[Path]) -> int:
    from fastwarc.warc import ArchiveIterator

    count = 0
    for path in paths:
        for item in ArchiveIterator(str(path), parse_http=False, fsspec_args=False):
            count += item.headers.get("WARC-Target-URI") is not None
    return count


def floor_warcio(paths: list[Path]) -> int:
    from warcio.archiveiterator import ArchiveIterator

    count = 0
    for path in paths:
        with path.open("rb") as handle:
            for item in ArchiveIterator(handle):
                count += item.rec_headers.get_header("WARC-Target-URI") is not None
    return count


def run_ingest(paths: list[Path], **options: object) -> int:
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as out:
        report = ingest(warc_sources([str(path) for path in paths]), Path(out), Selection.of(), **options)  # type: ignore[arg-type]
        if report.failed:
            raise SystemExit(f"ingest failed: {report.failed}")
        return report.records


def timed(work: Callable[[], int]) -> tuple[float, int]:
    started = time.perf_counter()
    count = work()
    return time.perf_counter() - started, count


def parse_pages(pages: list[tuple[str, bytes]]) -> int:
    for url, html in pages:
        with contextlib.suppress(CrawlerError):
            parse(Page.from_bytes(html, url, "text/html"))
    return len(pages)


def mixed(arguments: argparse.Namespace, root: Path) -> None:
    started = time.perf_counter()
    paths = build(root, arguments.records, arguments.files, arguments.share)
    size = sum(path.stat().st_size for path in paths) / 1e6
    built = time.perf_counter() - started
    print(f"archive: {arguments.records:,} records in {len(paths)} files, {size:,.0f} MB, "
          f"{arguments.share:.0%} supported sites' pages (built in {built:.0f} s)")  # fmt: skip
    cores = usable_cpus()
    contenders: dict[str, Callable[[], int]] = {
        "FastWARC alone (floor)": lambda: floor_fastwarc(paths),
        "ingest, 1 process": lambda: run_ingest(paths, processes=1),
        f"ingest, {cores} processes": lambda: run_ingest(paths, processes=cores),
    }
    cluster = None
    with contextlib.suppress(ImportError):
        from distributed import LocalCluster  # a dependency; the cluster starts before the timings

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        address = cluster.scheduler_address
        contenders["ingest, Dask 2 workers"] = lambda: run_ingest(paths, dask=address)
    best: dict[str, float] = {}
    try:
        for _ in range(arguments.rounds):
            for name, work in contenders.items():
                seconds, _ = timed(work)
                best[name] = min(best.get(name, float("inf")), seconds)
        if arguments.warcio:
            best["warcio alone"], _ = timed(lambda: floor_warcio(paths))
    finally:
        if cluster is not None:
            cluster.close()
    floor = best["FastWARC alone (floor)"]
    for name, seconds in best.items():
        print(f"  {name:<24} {size / seconds:7.1f} MB/s {arguments.records / seconds:9,.0f} records/s "
              f"x{floor / seconds:.2f} of the floor")  # fmt: skip
    one = floor / best["ingest, 1 process"]
    scale = best["ingest, 1 process"] / best[f"ingest, {cores} processes"]
    print(f"judged: 1 process at >= 0.5x the reader's rate: {_verdict(one, 0.5)}; "
          f"{cores} processes at >= 1.7x 1 process: {_verdict(scale, 1.7)}")  # fmt: skip
    if "ingest, Dask 2 workers" in best:
        dask = best["ingest, 1 process"] / best["ingest, Dask 2 workers"]
        print(f"  Dask, 2 workers: x{dask:.2f} of 1 process")


def _verdict(ratio: float, target: float) -> str:
    return f"{'met' if ratio >= target else 'MISSED'} ({ratio:.2f}x)"


def parser_bound(arguments: argparse.Namespace, root: Path) -> None:
    pages = load_pages()
    records = (pages * (arguments.supported // len(pages) + 1))[: arguments.supported]
    path = root / "supported.warc.gz"
    write_file(path, records)
    best = {"ingest": float("inf"), "parse": float("inf")}
    for _ in range(arguments.rounds):
        best["ingest"] = min(best["ingest"], timed(lambda: run_ingest([path], processes=1))[0])
        best["parse"] = min(best["parse"], timed(lambda: parse_pages(records))[0])
    rate, parse_rate = len(records) / best["ingest"], len(records) / best["parse"]
    print(f"parser-bound: {len(records):,} records, all supported sites' pages: ingest {rate:.1f} pages/s "
          f"(1 process), parse alone {parse_rate:.1f} pages/s (bench/parse.py's work): "
          f"x{rate / parse_rate:.2f}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=20_000, help="response records in the mixed archive")
    parser.add_argument("--files", type=int, default=8, help="WARC files they are spread over")
    parser.add_argument("--share", type=float, default=0.03, help="share of supported sites' pages")
    parser.add_argument("--supported", type=int, default=1_000, help="records of the parser-bound archive")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each contender; the best counts")
    parser.add_argument("--no-warcio", dest="warcio", action="store_false", help="skip warcio's floor")
    arguments = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        mixed(arguments, root)
        parser_bound(arguments, root)
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
