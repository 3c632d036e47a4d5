"""Every real page crawler refuses, and why: the pages of ../shared parsed as a crawl would parse them.

Run by hand::

    python bench/refusals.py                 # every set
    python bench/refusals.py --set dates     # one set: article-extraction, trafilatura-eval, dates, reference

Each page is parsed at its own URL with crawler's real routing (``crawler.sites.parse.parse``):
a page of a supported site by its site's parser, with its fallbacks; any other by the generic
parser. Nobody here wrote these pages, so a refusal among them is either a real non-article
(a section front, a gallery, a video page) or a rule that loses real articles. Prints one line
per refusal (set, file, outcome, the error's message) and per doubt of a record kept anyway
(``metadata.doubts``), then per set the count of refusals and of doubts by kind.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from crawler.errors import CrawlerError  # noqa: E402
from crawler.extract.page import Page  # noqa: E402
from crawler.sites.parse import parse  # noqa: E402

SHARED = REPO.parent / "shared"
SETS = ("article-extraction", "trafilatura-eval", "dates", "reference")


def pages_of(shared: Path, name: str) -> Iterator[tuple[str, str, bytes]]:
    """(file, URL, page bytes) of every page of one set, as saved."""
    if name == "reference":
        yield from _reference_pages(shared / "reference")
        return
    data = shared / "bench" / name
    if name == "article-extraction":
        truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
        for key, item in sorted(truth.items()):
            yield (
                f"{key}.html.gz",
                item["url"],
                gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes()),
            )
        return
    gold = json.loads((data / "gold.json").read_text(encoding="utf-8"))
    for key, item in sorted(gold.items(), key=lambda pair: pair[1]["file"]):
        # trafilatura's corpus names some pages by a label ("hard::blog.python.org.html"), not
        # a URL: they get one on a domain no site module claims, as bench/extraction.py gives them.
        url = key if key.startswith(("http://", "https://")) else f"https://pages.example/{item['file']}"
        yield item["file"], url, gzip.decompress((data / "pages" / item["file"]).read_bytes())


def _reference_pages(reference: Path) -> Iterator[tuple[str, str, bytes]]:
    """Every page under ``reference/pages``, at the URL INDEX.md gives it. A page INDEX.md does not
    list is still parsed, at a URL on a domain no site module claims, so no page goes unseen."""
    urls = {}
    for line in (reference / "INDEX.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.split("|")]
        if len(cells) > 4 and cells[2].endswith(".html"):
            urls[cells[2]] = cells[3]
    for path in sorted((reference / "pages").rglob("*.html")):
        file = path.relative_to(reference / "pages").as_posix()
        yield file, urls.get(file, f"https://pages.example/{file}"), path.read_bytes()


def survey(shared: Path, name: str) -> tuple[int, int, Counter[str]]:
    """Parse every page of a set, print each refusal and doubt; (pages, refusals, doubts by kind)."""
    pages = refused = 0
    doubts: Counter[str] = Counter()
    for file, url, body in pages_of(shared, name):
        pages += 1
        try:
            record = parse(Page.from_bytes(body, url))
        except CrawlerError as error:
            refused += 1
            print(f"{name}\t{file}\t{error.outcome}\t{error}")
            continue
        for doubt in record["metadata"].get("doubts", []):
            doubts[doubt.split(":", 1)[0]] += 1
            print(f"{name}\t{file}\tkept with a doubt\t{doubt}")
    return pages, refused, doubts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=SHARED, help="the shared data folder (bench/, reference/)"
    )
    parser.add_argument("--set", choices=SETS, action="append", help="a set to survey (default: all)")
    arguments = parser.parse_args()
    totals = []
    for name in arguments.set or SETS:
        totals.append((name, *survey(arguments.shared, name)))
    for name, pages, refused, doubts in totals:
        kept = ", ".join(f"{kind} {count}" for kind, count in sorted(doubts.items())) or "none"
        print(f"{name}: {refused} of {pages} pages refused; kept with a doubt: {kept}")


if __name__ == "__main__":
    main()
