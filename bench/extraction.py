"""Article-body extraction quality: crawler's generic extractor beside trafilatura and readability-lxml.

Run by hand::

    python bench/extraction.py --data ../shared/bench/article-extraction
    python bench/extraction.py --data ../shared/bench/trafilatura-eval   # body, and authors
    python bench/extraction.py --data ../shared/bench/dates              # publication dates
    python bench/extraction.py --metadata   # headline, authors, datePublished on the reference pages

``--data DIR`` has the layout of Scrapinghub's article-extraction-benchmark: ``html/<id>.html.gz``
and ``ground-truth.json`` (``{id: {url, articleBody}}``). Every extractor reads the same pages
in the same run and is scored with the benchmark's own metric (``score_page``), one line each::

    NAME F1 x.xxx P x.xxx R x.xxx accuracy x.xxx pages N pages per CPU-second x

A ``--data DIR`` with ``gold.json`` and ``pages/<n>.html.gz`` is trafilatura's evaluation
corpus instead, scored with trafilatura's own metric (``score_segments``): each page names
text segments that must be in the extracted text and segments that must not; found or not,
counted over all pages, give precision, recall and F1. The same run scores authors on the pages
whose gold names one (each read at its own URL), as trafilatura's ``tests/eval_authors.py`` does:
the author string, several authors joined by "; ", must equal the gold one (white space
normalised on both sides), one line per contender (crawler's generic path, trafilatura's
metadata extraction)::

    NAME authors exact x.xxx (right/pages)

A ``--data DIR`` whose ``gold.json`` gives a ``date`` per page is htmldate's evaluation set:
crawler's ``datePublished`` and htmldate (extensive search, original date, as htmldate's own
evaluation runs it) are scored by publication day, as htmldate scores itself: accuracy = right
days over all pages (no date counts as wrong; a page whose gold has no date is right with none),
precision = right days over pages given a date::

    NAME dates accuracy x.xxx precision x.xxx pages N undated N pages per CPU-second x

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
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.errors import CrawlerError  # noqa: E402
from crawler.extract.page import Page  # noqa: E402
from crawler.record import Record  # noqa: E402
from crawler.record.dates import moment_of  # noqa: E402
from crawler.sites.parse import parse_generic, parse_page  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "bench" / "article-extraction"
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference" / "pages"
EXPECTATIONS = REPO / "tests" / "reference_expectations"

_TOKEN = re.compile(r"\w+")
SHINGLE = 4

Extractor = Callable[[bytes, str], str]
T = TypeVar("T")
R = TypeVar("R")


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
    record = generic_record(html, url)
    return str(record["articleBody"]) if record else ""


def generic_record(html: bytes, url: str) -> Record | None:
    """The generic path's record of a page; None when it refuses the page."""
    try:
        return parse_generic(Page.from_bytes(html, url))
    except CrawlerError:
        return None


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


# -- metadata: publication days and authors ----------------------------------------------

MetadataExtractor = Callable[[bytes, str], "str | None"]


@dataclass(frozen=True)
class DateScore:
    """htmldate's evaluation counts: right day, wrong day, no date where the gold has none, no date."""

    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def pages(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def undated(self) -> int:
        return self.tn + self.fn

    @property
    def accuracy(self) -> float:
        return (self.tp + self.tn) / self.pages if self.pages else 0.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0


def score_dates(cases: Iterable[tuple[str | None, str | None]]) -> DateScore:
    """(gold day or None, stated date or None) pairs: right when the stated date's day is the gold day."""
    counts = Counter[str]()
    for gold, found in cases:
        day = found[:10] if found else None
        if day is None:
            counts["fn" if gold else "tn"] += 1
        else:
            counts["tp" if day == gold else "fp"] += 1
    return DateScore(counts["tp"], counts["fp"], counts["tn"], counts["fn"])


@dataclass(frozen=True)
class AuthorScore:
    """Pages whose author string equals the gold one, out of the pages whose gold names an author."""

    right: int
    pages: int

    @property
    def accuracy(self) -> float:
        return self.right / self.pages if self.pages else 0.0


def score_authors(cases: Iterable[tuple[str | list[str], str | None]]) -> AuthorScore:
    """(gold author, found author string) pairs; a gold list of names is joined by "; "."""
    right = pages = 0
    for gold, found in cases:
        expected = "; ".join(gold) if isinstance(gold, list) else gold
        right += found is not None and found.split() == expected.split()
        pages += 1
    return AuthorScore(right, pages)


def crawler_date(html: bytes, url: str) -> str | None:
    """The generic path's ``datePublished`` (None when it gives none, or refuses the page)."""
    record = generic_record(html, url)
    return record["datePublished"] if record else None


def htmldate_date(html: bytes, url: str) -> str | None:
    from htmldate import find_date

    return find_date(html, extensive_search=True, original_date=True, url=url)


def crawler_authors(html: bytes, url: str) -> str | None:
    """The generic path's authors, joined as trafilatura joins several."""
    record = generic_record(html, url)
    if record is None:
        return None
    return "; ".join(entry["name"] for entry in record["authors"]) or None


def trafilatura_authors(html: bytes, url: str) -> str | None:
    from trafilatura import extract_metadata

    return extract_metadata(html, default_url=url).author  # type: ignore[arg-type]


def date_extractors() -> dict[str, MetadataExtractor]:
    """Publication-date contenders: crawler's generic path, and htmldate (installed with trafilatura)."""
    return {"crawler-generic": crawler_date, "htmldate": htmldate_date}


def author_extractors() -> dict[str, MetadataExtractor]:
    """Author contenders: crawler's generic path, and trafilatura's metadata extraction."""
    return {"crawler-generic": crawler_authors, "trafilatura": trafilatura_authors}


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
    pages: Sequence[tuple[str, bytes, T]], contenders: dict[str, Callable[[bytes, str], R]]
) -> Iterator[tuple[str, list[R], float]]:
    """Each contender's answer for every page, and its pages per CPU-second."""
    for name, work in contenders.items():
        started = time.process_time()
        answers = [work(html, url) for url, html, _ in pages]
        yield name, answers, len(pages) / max(time.process_time() - started, 1e-9)


def load_gold(data: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    """(url, page bytes, gold entry) of every page of a folder with ``gold.json`` and ``pages/``."""
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    return [
        (url, gzip.decompress((data / "pages" / item["file"]).read_bytes()), item)
        for url, item in sorted(gold.items())
    ]


def is_date_set(data: Path) -> bool:
    """Whether a folder is htmldate's evaluation set: its gold gives each page a date and no text segments."""
    gold = data / "gold.json"
    if not gold.is_file():
        return False
    entries = json.loads(gold.read_text(encoding="utf-8")).values()
    return all("date" in item and "with" not in item for item in entries)


def segment_pages(data: Path) -> list[tuple[str, bytes, dict[str, Any]]]:
    """trafilatura's evaluation corpus, each page under a URL on a domain no site module claims.

    The corpus's URLs are of real sites; the generic path is forced on every page anyway, and a
    made-up URL keeps anything from being read off the real one.
    """
    return [(f"https://pages.example/{item['file']}", html, item) for _, html, item in load_gold(data)]


def date_pages(data: Path) -> list[tuple[str, bytes, str | None]]:
    """htmldate's evaluation set: (url, page bytes, gold day); a gold that is no day (NaN) is None."""
    return [
        (url, html, item["date"] if isinstance(item["date"], str) else None)
        for url, html, item in load_gold(data)
    ]


def body_scores(
    data: Path, contenders: dict[str, Extractor]
) -> Iterator[tuple[str, Summary | SegmentScore, float]]:
    """Each contender's body score on a main-text set (either layout), and its pages per CPU-second."""
    if (data / "gold.json").is_file():
        pages = segment_pages(data)
        for name, texts, rate in _extractions(pages, contenders):
            yield (
                name,
                score_segments((item, text) for (_, _, item), text in zip(pages, texts, strict=True)),
                rate,
            )
        return
    truths = load_benchmark(data)
    for name, texts, rate in _extractions(truths, contenders):
        yield name, summarise((truth, text) for (_, _, truth), text in zip(truths, texts, strict=True)), rate


def author_scores(data: Path, contenders: dict[str, MetadataExtractor]) -> Iterator[tuple[str, AuthorScore]]:
    """Each contender's author exact match on the pages of trafilatura's corpus whose gold names one.

    Each page is read at its own URL: which site a page is on (its name, its brand) is part of
    telling its authors from its desks and its publisher.
    """
    pages = [page for page in load_gold(data) if page[2].get("author")]
    for name, found, _ in _extractions(pages, contenders):
        yield (
            name,
            score_authors((item["author"], text) for (_, _, item), text in zip(pages, found, strict=True)),
        )


def date_scores(
    data: Path, contenders: dict[str, MetadataExtractor]
) -> Iterator[tuple[str, DateScore, float]]:
    """Each contender's publication-day score on htmldate's evaluation set, and its pages per CPU-second."""
    pages = date_pages(data)
    for name, found, rate in _extractions(pages, contenders):
        yield name, score_dates((gold, date) for (_, _, gold), date in zip(pages, found, strict=True)), rate


def _chosen(contenders: dict[str, T], only: str | None) -> dict[str, T]:
    return {name: work for name, work in contenders.items() if not only or name == only}


def format_body(name: str, result: Summary | SegmentScore, rate: float) -> str:
    """One extractor's body line; the article-extraction benchmark's also gives its exact-match accuracy."""
    line = f"{name} F1 {result.f1:.3f} P {result.precision:.3f} R {result.recall:.3f} "
    if isinstance(result, Summary):
        line += f"accuracy {result.accuracy:.3f} "
    return line + f"pages {result.pages} pages per CPU-second {rate:.1f}"


def run_extraction(data: Path, only: str | None) -> None:
    """Score the contenders on one set: main text (and authors), or publication dates."""
    if is_date_set(data):
        for name, dates, rate in date_scores(data, _chosen(date_extractors(), only)):
            print(
                f"{name} dates accuracy {dates.accuracy:.3f} precision {dates.precision:.3f} "
                f"pages {dates.pages} undated {dates.undated} pages per CPU-second {rate:.1f}"
            )
        return
    for name, result, rate in body_scores(data, _chosen(extractors(), only)):
        print(format_body(name, result, rate))
    if (data / "gold.json").is_file():
        for name, authors in author_scores(data, _chosen(author_extractors(), only)):
            print(f"{name} authors exact {authors.accuracy:.3f} ({authors.right}/{authors.pages} pages)")


#: The fields of a record held to the reference pages' expectations (tests/reference_expectations).
REFERENCE_FIELDS = ("headline", "authors", "datePublished", "body")


@dataclass(frozen=True)
class ReferenceScore:
    """Article pages whose record gives each field as expected, and non-articles refused as such."""

    matched: Counter[str]
    articles: int
    refused: int
    non_articles: int

    def rate(self, field: str) -> float:
        """The share of article pages whose record gives ``field`` as expected."""
        return self.matched[field] / self.articles if self.articles else 0.0

    @property
    def refusal_rate(self) -> float:
        """The share of non-article pages (live blogs, videos) refused as none."""
        return self.refused / self.non_articles if self.non_articles else 1.0


def reference_scores(reference: Path, parse: Callable[[bytes, str], Record]) -> ReferenceScore:
    """How ``parse`` reads the reference pages: each field against the expectations written by
    reading them (a date is right when it is the same moment, in whatever offset it is given)."""
    matched, articles, refused, non_articles = Counter[str](), 0, 0, 0
    for path in sorted(EXPECTATIONS.glob("*.json")):
        for name, expected in json.loads(path.read_text(encoding="utf-8")).items():
            page_file = reference / name
            if not page_file.is_file():
                continue
            try:
                record: Record | None = parse(page_file.read_bytes(), expected["url"])
            except CrawlerError:
                record = None
            if "notAnArticle" in expected:
                non_articles += 1
                refused += record is None
                continue
            articles += 1
            if record is not None:
                matched.update(field for field in REFERENCE_FIELDS if _as_expected(field, record, expected))
    return ReferenceScore(matched, articles, refused, non_articles)


def _as_expected(field: str, record: Record, expected: dict[str, Any]) -> bool:
    if field == "authors":
        return [entry["name"] for entry in record["authors"]] == expected["authors"]
    if field == "datePublished":
        stated, wanted = record["datePublished"], expected["datePublished"]
        return stated == wanted or bool(stated and wanted and moment_of(stated) == moment_of(wanted))
    if field == "body":
        paragraphs = [" ".join(block["text"].split()) for block in record["body"]]
        return (
            paragraphs[0] == " ".join(expected["firstParagraph"].split())
            and paragraphs[-1] == " ".join(expected["lastParagraph"].split())
            and len(paragraphs) == expected["paragraphCount"]
        )
    return bool(record[field] == expected[field])


def reference_parsers() -> dict[str, Callable[[bytes, str], Record]]:
    """The site parsers (each page's own), and the generic path forced on the same pages."""
    return {
        "site-parsers": parse_page,
        "crawler-generic": lambda html, url: parse_generic(Page.from_bytes(html, url)),
    }


def run_metadata(reference: Path) -> None:
    """The site parsers and the generic path on the reference pages, one line per field."""
    for name, parse in reference_parsers().items():
        score = reference_scores(reference, parse)
        for field in REFERENCE_FIELDS:
            print(f"{name} {field} {score.rate(field):.3f} ({score.matched[field]}/{score.articles} pages)")
        refusals = f"{score.refused}/{score.non_articles} pages"
        print(f"{name} non-articles refused {score.refusal_rate:.3f} ({refusals})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="evaluation folder (html/ and ground-truth.json, or pages/ and gold.json)",
    )
    parser.add_argument(
        "--metadata", action="store_true", help="score metadata on the reference pages instead"
    )
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE, help="reference pages folder")
    parser.add_argument(
        "--only", help="run one contender (crawler-generic, trafilatura, readability-lxml, htmldate)"
    )
    arguments = parser.parse_args()
    if arguments.metadata:
        run_metadata(arguments.reference)
    else:
        run_extraction(arguments.data, arguments.only)


if __name__ == "__main__":
    main()
