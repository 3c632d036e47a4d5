"""Article-body extraction quality: crawler's generic extractor beside trafilatura and readability-lxml.

Run by hand::

    python bench/extraction.py --data ../shared/bench/article-extraction
    python bench/extraction.py --data ../shared/bench/trafilatura-eval
    python bench/extraction.py --metadata   # headline, first author, datePublished on the reference pages

``--data DIR`` has the layout of Scrapinghub's article-extraction-benchmark: ``html/<id>.html.gz``
and ``ground-truth.json`` (``{id: {url, articleBody}}``). Every extractor reads the same pages
in the same run and is scored with the benchmark's own metric (``score_page``), one line each::

    NAME F1 x.xxx P x.xxx R x.xxx accuracy x.xxx pages N pages per CPU-second x

A ``--data DIR`` with ``gold.json`` and ``pages/<n>.html.gz`` is trafilatura's evaluation
corpus instead, scored with trafilatura's own metric (``score_segments``): each page names
text segments that must be in the extracted text and segments that must not; found or not,
counted over all pages, give precision, recall and F1.

Speed is pages per CPU-second of the benchmark's process (the machine's other tenants
then count for little; wall-clock rates swung two times between runs).
trafilatura runs the way the benchmark runs it (comments excluded); readability-lxml's
summary is reduced to its text. Both are in the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.errors import CrawlerError  # noqa: E402
from crawler.extract.page import Page  # noqa: E402
from crawler.sites.parse import parse_generic  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "bench" / "article-extraction"
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference" / "pages"
EXPECTATIONS = REPO / "tests" / "reference_expectations"

_TOKEN = re.compile(r"\w+")
SHINGLE = 4

Extractor = Callable[[bytes, str], str]
T = TypeVar("T")


# -- the benchmark's metric ---------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """The benchmark's tokens: runs of Unicode word characters."""
    return _TOKEN.findall(text or "")


def shingles(text: str) -> Counter[str]:
    """The multiset of 4-token shingles (a text shorter than 4 tokens is one shingle)."""
    words = tokens(text)
    return Counter(" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1)) if words)


@dataclass(frozen=True)
class PageScore:
    """One page's shared, extra and missing shingles, normalised to sum to 1."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fp) if self.tp else 0.0

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return self.tp / (self.tp + self.fn) if self.tp else 0.0


def score_page(truth: str, predicted: str) -> PageScore:
    """Shingle matching of one page, as the benchmark defines it."""
    true, pred = shingles(truth), shingles(predicted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if not total:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(frozen=True)
class Summary:
    """Scores over all pages: mean precision and recall, F1 from those means, exact-match accuracy."""

    precision: float
    recall: float
    accuracy: float
    pages: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def summarise(pairs: Iterable[tuple[str, str]]) -> Summary:
    """The benchmark's summary of (truth, predicted) pairs."""
    scores, exact = [], 0
    for truth, predicted in pairs:
        scores.append(score_page(truth, predicted))
        exact += tokens(truth) == tokens(predicted)
    count = len(scores) or 1
    return Summary(
        precision=sum(s.precision for s in scores) / count,
        recall=sum(s.recall for s in scores) / count,
        accuracy=exact / count,
        pages=len(scores),
    )


@dataclass(frozen=True)
class SegmentScore:
    """trafilatura's evaluation counts: segments expected and found, missed, unwanted and found."""

    tp: int
    fn: int
    fp: int
    pages: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score_segments(cases: Iterable[tuple[dict[str, list[str]], str]]) -> SegmentScore:
    """trafilatura's metric over (gold, extracted text) pairs: whitespace-normalised substring tests."""
    tp = fn = fp = pages = 0
    for gold, text in cases:
        found = " ".join(text.split())
        expected = [" ".join(segment.split()) for segment in gold.get("with", [])]
        unwanted = [" ".join(segment.split()) for segment in gold.get("without", [])]
        tp += sum(segment in found for segment in expected)
        fn += sum(segment not in found for segment in expected)
        fp += sum(segment in found for segment in unwanted)
        pages += 1
    return SegmentScore(tp, fn, fp, pages)


# -- the extractors -----------------------------------------------------------------------


def crawler_generic(html: bytes, url: str) -> str:
    """crawler's generic path, forced even on pages of sites that have a module."""
    try:
        record = parse_generic(Page.from_bytes(html, url))
    except CrawlerError:
        return ""
    return str(record["articleBody"])


def trafilatura_text(html: bytes, url: str) -> str:
    import trafilatura

    return trafilatura.extract(html, url=url, include_comments=False, include_tables=True) or ""


def readability_text(html: bytes, url: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html, url=url).summary(html_partial=True)
    # Text nodes joined by a line break: text_content() would glue "end</p><p>Start" into one token.
    return "\n".join(lxml.html.fromstring(summary).itertext()) if summary.strip() else ""


def extractors() -> dict[str, Extractor]:
    """The contenders that are installed, crawler's first."""
    found: dict[str, Extractor] = {"crawler-generic": crawler_generic}
    for name, module, work in (
        ("trafilatura", "trafilatura", trafilatura_text),
        ("readability-lxml", "readability", readability_text),
    ):
        try:
            __import__(module)
        except ImportError:
            print(f"({name} not installed: pip install -e '.[bench]')", file=sys.stderr)
            continue
        found[name] = work
    return found


# -- the two modes --------------------------------------------------------------------------


def load_benchmark(data: Path) -> list[tuple[str, bytes, str]]:
    """(url, page bytes, true body) of every page of a benchmark folder."""
    if not (data / "ground-truth.json").is_file() or not (data / "html").is_dir():
        raise SystemExit(f"{data}: not a benchmark folder (expected html/<id>.html.gz and ground-truth.json)")
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    return [
        (item["url"], gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()), item["articleBody"])
        for key, item in sorted(truth.items())
    ]


def _extractions(
    pages: Sequence[tuple[str, bytes, T]], only: str | None
) -> Iterator[tuple[str, list[str], float]]:
    """Each installed extractor's text of every page, and its pages per CPU-second."""
    for name, work in extractors().items():
        if only and name != only:
            continue
        started = time.process_time()
        texts = [work(html, url) for url, html, _ in pages]
        yield name, texts, len(pages) / (time.process_time() - started)


def run_segments(data: Path, only: str | None) -> None:
    """Score the extractors on trafilatura's evaluation corpus (gold.json, pages/)."""
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    # The corpus names pages, not URLs: each gets one on a domain no site module claims.
    pages = [
        (
            f"https://pages.example/{item['file']}",
            gzip.decompress((data / "pages" / item["file"]).read_bytes()),
            item,
        )
        for _, item in sorted(gold.items())
    ]
    for name, texts, rate in _extractions(pages, only):
        result = score_segments((item, text) for (_, _, item), text in zip(pages, texts, strict=True))
        print(
            f"{name} F1 {result.f1:.3f} P {result.precision:.3f} R {result.recall:.3f} "
            f"pages {result.pages} pages per CPU-second {rate:.1f}"
        )


def run_extraction(data: Path, only: str | None) -> None:
    if (data / "gold.json").is_file():
        run_segments(data, only)
        return
    pages = load_benchmark(data)
    for name, predicted, rate in _extractions(pages, only):
        result = summarise((truth, text) for (_, _, truth), text in zip(pages, predicted, strict=True))
        print(
            f"{name} F1 {result.f1:.3f} P {result.precision:.3f} R {result.recall:.3f} "
            f"accuracy {result.accuracy:.3f} pages {result.pages} pages per CPU-second {rate:.1f}"
        )


def run_metadata(reference: Path) -> None:
    """Match rates of the generic path's headline, first author and datePublished on the reference pages."""
    fields = ("headline", "author", "datePublished")
    matched, total = Counter[str](), 0
    for path in sorted(EXPECTATIONS.glob("*.json")):
        for name, expected in json.loads(path.read_text(encoding="utf-8")).items():
            page_file = reference / name
            if "notAnArticle" in expected or not page_file.is_file():
                continue
            total += 1
            got = _generic_metadata(page_file.read_bytes(), expected["url"])
            wanted = {
                "headline": expected["headline"],
                "author": (expected["authors"] or [None])[0],
                "datePublished": expected["datePublished"],
            }
            for field in fields:
                matched[field] += got.get(field) == wanted[field]
    for field in fields:
        print(
            f"crawler-generic {field} {matched[field] / max(total, 1):.3f} ({matched[field]}/{total} pages)"
        )


def _generic_metadata(html: bytes, url: str) -> dict[str, object]:
    try:
        record = parse_generic(Page.from_bytes(html, url))
    except CrawlerError:
        return {}
    first = record["authors"][0]["name"] if record["authors"] else None
    return {"headline": record["headline"], "author": first, "datePublished": record["datePublished"]}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="benchmark folder (html/, ground-truth.json)"
    )
    parser.add_argument(
        "--metadata", action="store_true", help="score metadata on the reference pages instead"
    )
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="reference pages folder")
    parser.add_argument("--only", help="run one extractor (crawler-generic, trafilatura, readability-lxml)")
    arguments = parser.parse_args()
    if arguments.metadata:
        run_metadata(arguments.reference)
    else:
        run_extraction(arguments.data, arguments.only)


if __name__ == "__main__":
    main()
