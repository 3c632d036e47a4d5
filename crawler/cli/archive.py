"""``crawler reparse``: the corpus re-parsed from its web archive, after the parsers improved."""

from __future__ import annotations

import argparse
import time
from typing import Any

from crawler.cli.common import DEFAULT_CORPUS, count, existing_corpus, path_argument


def add_commands(commands: Any) -> None:
    """Add ``reparse`` to the command line."""
    reparse = commands.add_parser(
        "reparse",
        help="re-parse the archived article pages with today's parsers; store what changed as new revisions",
    )
    reparse.add_argument(
        "sites", nargs="*", metavar="SITE", help="site folders of the archive (default: every one)"
    )
    reparse.add_argument(
        "--dir", type=path_argument, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)"
    )
    reparse.add_argument(
        "--archive",
        type=path_argument,
        metavar="DIR",
        help="the WARC archive (default: the corpus folder's warc/)",
    )
    reparse.add_argument("--since", help="only pages fetched since: 2d, 12h, 2024-05-01, or an ISO date-time")
    reparse.add_argument("--until", help="only pages fetched until (same forms)")
    reparse.add_argument(
        "--dry-run",
        action="store_true",
        help="write nothing: count per site and field what would change, with a few diffs",
    )
    reparse.add_argument(
        "--examples", type=count, default=3, metavar="N", help="changes shown as diffs per site (default: 3)"
    )
    reparse.add_argument("--gzip", action="store_true", help="write new corpus files gzip-compressed")
    reparse.add_argument(
        "--processes",
        type=_processes,
        default="auto",
        metavar="N",
        help="parse in N processes beside this one (0: in this one), or auto: one if a second CPU (default)",
    )
    reparse.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    reparse.set_defaults(run=_run_reparse)


def _processes(value: str) -> str:
    """--processes as PARSE_PROCESSES takes it: a number, 0 or more, or "auto"."""
    if value.strip().lower() == "auto":
        return value
    try:
        count(value)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{value}: give a number of processes, 0 or more, or auto") from None
    return value


def _run_reparse(arguments: argparse.Namespace) -> int:
    from crawler.crawl.reparse import reparse
    from crawler.extract.window import DateWindow
    from crawler.progress import Progress

    corpus = existing_corpus(arguments.dir)
    window = DateWindow.of(arguments.since, arguments.until)
    started = time.monotonic()
    with Progress("reparse", unit="pages", quiet=arguments.quiet) as progress:
        report = reparse(
            corpus,
            arguments.archive or corpus / "warc",
            arguments.sites,
            window,
            dry_run=arguments.dry_run,
            examples=arguments.examples,
            compress=arguments.gzip,
            processes=arguments.processes,
            progress=progress,
        )
    print(report.summary())
    pages = sum(site.pages for site in report.sites)
    written = " (dry run: nothing written)" if arguments.dry_run else ""
    print(f"{pages} pages in {time.monotonic() - started:.1f} s{written}")
    return 0
