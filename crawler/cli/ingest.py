"""``crawler ingest``: WARC files, or Common Crawl's CC-NEWS months, through the parsers into the corpus."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from crawler.cli.common import (
    DEFAULT_CORPUS,
    DONE_STATUS,
    ERROR_STATUS,
    UsageError,
    count,
    path_argument,
    positive,
)


def add_commands(commands: Any) -> None:
    """Add ``ingest`` to the command line."""
    ingest = commands.add_parser(
        "ingest",
        help="read WARC files (or Common Crawl's CC-NEWS) and store their article pages in the corpus",
    )
    ingest.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="a WARC file (.warc, .warc.gz), a folder or glob of them, or an http(s) URL of one (streamed)",
    )
    ingest.add_argument(
        "--cc-news",
        metavar="YYYY/MM[-YYYY/MM]",
        help="the CC-NEWS files Common Crawl lists for these months",
    )
    ingest.add_argument(
        "--cc-news-base",
        metavar="URL",
        help="where the crawl-data/CC-NEWS/ tree is: a URL or a local folder "
        "(default: https://data.commoncrawl.org/)",
    )
    ingest.add_argument(
        "--out", type=path_argument, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)"
    )
    ingest.add_argument(
        "--sites", metavar="SITE[,SITE...]", help="only these sites' pages (default: all sites with a module)"
    )
    ingest.add_argument(
        "--generic",
        action="store_true",
        help="also the pages of sites with no module, with the generic parser (off: CC-NEWS is mostly those)",
    )
    ingest.add_argument(
        "--since", help="only articles published since: 2d, 12h, 2024-05-01, or an ISO date-time"
    )
    ingest.add_argument("--until", help="only articles published until (same forms)")
    ingest.add_argument(
        "--language", metavar="LANG[,LANG...]", help="only articles in these languages (ISO 639-1: en, fr)"
    )
    ingest.add_argument(
        "--max-articles", type=count, metavar="N", help="stop once N articles are kept (0: no limit)"
    )
    where = ingest.add_mutually_exclusive_group()
    where.add_argument(
        "--processes",
        type=positive,
        metavar="N",
        help="files read at once on this machine (default: one per CPU)",
    )
    where.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run the files as tasks on this Dask scheduler (tcp://HOST:8786); OUT must be a folder "
        "every worker sees at the same path",
    )
    ingest.add_argument("--gzip", action="store_true", help="write new corpus files gzip-compressed")
    ingest.add_argument("--quiet", action="store_true", help="no progress line (warnings, summary only)")
    ingest.set_defaults(run=_run_ingest)


def _run_ingest(arguments: argparse.Namespace) -> int:
    from crawler.ingest import CC_NEWS_BASE, Selection, cc_news_months, cc_news_sources, ingest, warc_sources
    from crawler.progress import Progress

    if not arguments.sources and not arguments.cc_news:
        raise UsageError("ingest: give a WARC file, folder, glob or URL, or --cc-news")
    selection = Selection.of(
        _listed(arguments.sites),
        arguments.generic,
        arguments.since,
        arguments.until,
        _listed(arguments.language),
    )
    sources = warc_sources(arguments.sources)
    if arguments.cc_news:
        months = cc_news_months(arguments.cc_news)
        sources += cc_news_sources(months, arguments.cc_news_base or CC_NEWS_BASE)
    started = time.monotonic()
    with Progress("ingest", unit="files", quiet=arguments.quiet) as progress:
        report = ingest(
            sources,
            arguments.out,
            selection,
            processes=arguments.processes,
            dask=arguments.dask,
            compress=arguments.gzip,
            max_articles=arguments.max_articles or None,
            progress=progress,
        )
    print(report.summary(time.monotonic() - started))
    if report.merge is not None:
        print(report.merge.line(arguments.out))
    if report.failed:
        print(
            f"crawler: error: {len(report.failed)} of {report.files} WARC files could not be read to their "
            "end (above); run the same command again to read them",
            file=sys.stderr,
        )
        return ERROR_STATUS
    return DONE_STATUS


def _listed(text: str | None) -> tuple[str, ...]:
    """``a,b`` as ("a", "b")."""
    return tuple(item.strip() for item in (text or "").split(",") if item.strip())
