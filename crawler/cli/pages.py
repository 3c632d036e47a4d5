"""``crawler parse`` and ``crawler fetch``: one page to one record."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.cli.common import path_argument, seconds, setting, web_url
from crawler.cli.views import as_json, as_text
from crawler.errors import CrawlerError
from crawler.sites.fixtures import save_fixture
from crawler.sites.parse import parse_page


def add_commands(commands: Any) -> None:
    """Add ``parse`` and ``fetch`` to the command line."""
    parse = commands.add_parser("parse", help="parse a saved article page and print its record")
    parse.add_argument("file", type=path_argument, help="the saved HTML page")
    parse.add_argument(
        "--url", required=True, type=web_url, help="the URL the page was fetched from (picks the parser)"
    )
    view = parse.add_mutually_exclusive_group()
    view.add_argument("--json", dest="text", action="store_false", help="print the record as JSON (default)")
    view.add_argument("--text", dest="text", action="store_true", help="print a readable view")
    parse.set_defaults(run=_run_parse, text=False)

    fetch = commands.add_parser("fetch", help="fetch one article URL politely and print its record")
    fetch.add_argument("url", type=web_url, help="the article URL (http or https)")
    fetch_view = fetch.add_mutually_exclusive_group()
    fetch_view.add_argument("--json", dest="text", action="store_false", help="print JSON (default)")
    fetch_view.add_argument("--text", dest="text", action="store_true", help="print a readable view")
    fetch.add_argument(
        "--save-fixture", type=path_argument, metavar="ROOT", help="also save it as a fixture under ROOT"
    )
    fetch.add_argument("--timeout", type=seconds, help="seconds to wait for the server (default: 30)")
    fetch.add_argument(
        "--warc",
        type=path_argument,
        metavar="FILE",
        help="archive the exchanges in this WARC file (.warc.gz, appended)",
    )
    fetch.add_argument(
        "-s", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )
    fetch.set_defaults(run=_run_fetch, text=False)


def _run_parse(arguments: argparse.Namespace) -> int:
    path: Path = arguments.file
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CrawlerError(f"{path}: cannot read: {error.strerror}") from None
    if not data.strip():
        raise CrawlerError(f"{path}: the file is empty")
    record = parse_page(data, arguments.url, fetched_at=_file_time(path))
    print(as_text(record) if arguments.text else as_json(record))
    return 0


def _run_fetch(arguments: argparse.Namespace) -> int:
    from crawler.crawl.fetch import fetch  # Scrapy loads only for the commands that fetch

    overrides = dict(setting(item) for item in arguments.settings)
    if arguments.timeout is not None:
        overrides["DOWNLOAD_TIMEOUT"] = arguments.timeout
    if arguments.warc is not None:
        if not arguments.warc.name.endswith(".warc.gz"):
            raise CrawlerError(
                f"--warc {arguments.warc}: name the file *.warc.gz (one gzip member per record)"
            )
        overrides["WARC_FILE"] = str(arguments.warc)
    fetched = fetch(arguments.url, overrides)
    if fetched.error is not None:
        raise fetched.error
    assert fetched.record is not None and fetched.page is not None
    if arguments.save_fixture:
        case = save_fixture(arguments.save_fixture, fetched.page, fetched.record)
        print(f"saved fixture {case.path}", file=sys.stderr)
    print(as_text(fetched.record) if arguments.text else as_json(fetched.record))
    return 0


def _file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
