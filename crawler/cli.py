"""The ``crawler`` command: the user's words, mapped to the calls that do the work."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from crawler._version import __version__
from crawler.corpus_report import corpus_stats, export_text
from crawler.errors import CrawlerError
from crawler.fixtures import (
    Fixture,
    discover,
    field_differences,
    record_diff,
    save_fixture,
    write_text_atomically,
)
from crawler.parsing import parse_page
from crawler.render import as_json, as_text, sites_table, with_sites_table
from crawler.sites import all_sites, get_site
from crawler.window import DateWindow

if TYPE_CHECKING:
    from crawler.crawl import SiteReport

DEFAULT_FIXTURES = Path("fixtures")
DEFAULT_CORPUS = Path("corpus")
DEFAULT_STATE = Path("state/crawl.sqlite")
DEFAULT_CONFIG = Path("crawler.toml")
#: The exit status of a crawl that raised the breakage alarm (a field's coverage below the threshold).
ALARM_STATUS = 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = _parser().parse_args(argv)
    try:
        status: int = arguments.run(arguments)
        return status
    except CrawlerError as error:
        print(f"crawler: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crawler: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crawler", description="A clean, normalised JSON corpus from news sites."
    )
    parser.add_argument("--version", action="version", version=f"crawler {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    parse = commands.add_parser("parse", help="parse a saved article page and print its record")
    parse.add_argument("file", type=Path, help="the saved HTML page")
    parse.add_argument("--url", required=True, help="the URL the page was fetched from (picks the parser)")
    view = parse.add_mutually_exclusive_group()
    view.add_argument("--json", dest="text", action="store_false", help="print the record as JSON (default)")
    view.add_argument("--text", dest="text", action="store_true", help="print a readable view")
    parse.set_defaults(run=_run_parse, text=False)

    fetch = commands.add_parser("fetch", help="fetch one article URL politely and print its record")
    fetch.add_argument("url", help="the article URL")
    fetch_view = fetch.add_mutually_exclusive_group()
    fetch_view.add_argument("--json", dest="text", action="store_false", help="print JSON (default)")
    fetch_view.add_argument("--text", dest="text", action="store_true", help="print a readable view")
    fetch.add_argument(
        "--save-fixture", type=Path, metavar="ROOT", help="also save it as a fixture under ROOT"
    )
    fetch.add_argument("--timeout", type=float, help="seconds to wait for the server (default: 30)")
    fetch.add_argument(
        "-s", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )
    fetch.set_defaults(run=_run_fetch, text=False)

    sites = commands.add_parser("sites", help="list the supported sites")
    sites.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="fixture folder to count")
    sites.add_argument("--markdown", action="store_true", help="print the README's table of sites")
    sites.add_argument("--readme", type=Path, metavar="FILE", help="rewrite the table of sites in FILE")
    sites.set_defaults(run=_run_sites)

    fixtures = commands.add_parser("fixtures", help="replay or update the saved fixture pages")
    fixture_commands = fixtures.add_subparsers(title="fixture commands", required=True, metavar="ACTION")
    check = fixture_commands.add_parser("check", help="replay every fixture and print a table")
    check.add_argument("site", nargs="?", help="only this site's fixtures")
    check.add_argument("--root", type=Path, default=DEFAULT_FIXTURES)
    check.set_defaults(run=_run_fixtures_check)
    update = fixture_commands.add_parser("update", help="rewrite expected records, showing each diff first")
    update.add_argument("site", nargs="?", help="only this site's fixtures")
    update.add_argument("--root", type=Path, default=DEFAULT_FIXTURES)
    update.add_argument("--yes", action="store_true", help="keep every change without asking")
    update.set_defaults(run=_run_fixtures_update)

    corpus = commands.add_parser("corpus", help="report on or export a corpus folder")
    corpus_commands = corpus.add_subparsers(title="corpus commands", required=True, metavar="ACTION")
    stats = corpus_commands.add_parser("stats", help="records per site and day, and field coverage")
    stats.add_argument("--dir", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)")
    stats.set_defaults(run=_run_corpus_stats)
    export = corpus_commands.add_parser(
        "export", help="plain text, one file per article, in the seed's shape"
    )
    export.add_argument("--dir", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)")
    export.add_argument("--to", type=Path, required=True, help="folder to write the text files to")
    export.set_defaults(run=_run_corpus_export)
    merge = corpus_commands.add_parser(
        "merge", help="join the worker folders of a distributed crawl into the corpus, idempotently"
    )
    merge.add_argument(
        "folders", nargs="*", type=Path, metavar="FOLDER", help="worker folders (default: DIR/workers/*)"
    )
    merge.add_argument("--dir", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)")
    merge.add_argument("--gzip", action="store_true", help="write new corpus files gzip-compressed")
    merge.set_defaults(run=_run_corpus_merge)

    crawl = commands.add_parser("crawl", help="crawl sites' feeds, sitemaps and sections into the corpus")
    crawl.add_argument(
        "sites", nargs="*", metavar="SITE", help="site ids (default: every site, unless --url)"
    )
    crawl.add_argument(
        "--url",
        dest="urls",
        action="append",
        default=[],
        metavar="FEED",
        help="a feed or sitemap of a site with no module: crawl what it lists with the generic parser",
    )
    crawl.add_argument("--out", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)")
    crawl.add_argument(
        "--replay", type=Path, metavar="DIR", help="answer every request from this fixtures folder, offline"
    )
    crawl.add_argument("--gzip", action="store_true", help="write the corpus files gzip-compressed")
    crawl.add_argument(
        "--since", help="only articles published since: 2d, 12h, 2024-05-01, or an ISO date-time"
    )
    crawl.add_argument("--until", help="only articles published until (same forms)")
    crawl.add_argument("--max-articles", type=int, metavar="N", help="stop each site after N articles")
    crawl.add_argument(
        "--sources",
        metavar="URL[,URL...]",
        help="crawl these feeds or sitemaps instead of the sites' own (e.g. one sitemap of a backfill)",
    )
    crawl.add_argument(
        "--incremental",
        action="store_true",
        help="skip articles already stored unless a feed or sitemap says they changed; revisit "
        "those with conditional requests (keeps a crawl state, --state)",
    )
    crawl.add_argument(
        "--state",
        type=Path,
        metavar="PATH",
        help=f"crawl state file (SQLite) to keep (default with --incremental: {DEFAULT_STATE})",
    )
    crawl.add_argument(
        "--config",
        type=Path,
        help=f"read the breakage alarm's [alarm] table from this file (default: {DEFAULT_CONFIG}, if any)",
    )
    crawl.add_argument(
        "--redis",
        metavar="URL",
        help="a distributed crawl: share the request queue, seen set and crawl state with every "
        "worker using this Redis (redis://HOST:PORT/DB); records go to OUT/workers/WORKER/",
    )
    crawl.add_argument(
        "--worker", metavar="NAME", help="this worker's name with --redis (default: HOSTNAME-PID)"
    )
    crawl.add_argument("--log-level", default="WARNING", help="Scrapy log level (default: WARNING)")
    crawl.add_argument(
        "-s", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )
    crawl.set_defaults(run=_run_crawl)

    schedule = commands.add_parser(
        "schedule", help="crawl incrementally at intervals, as crawler.toml says, until SIGINT/SIGTERM"
    )
    schedule.add_argument(
        "--config", type=Path, default=DEFAULT_CONFIG, help=f"configuration file (default: {DEFAULT_CONFIG})"
    )
    schedule.set_defaults(run=_run_schedule)

    return parser


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
    from crawler.fetch import fetch  # Scrapy loads only for the commands that fetch

    overrides = dict(_setting(item) for item in arguments.settings)
    if arguments.timeout is not None:
        overrides["DOWNLOAD_TIMEOUT"] = arguments.timeout
    fetched = fetch(arguments.url, overrides)
    if fetched.error is not None:
        raise fetched.error
    assert fetched.record is not None and fetched.page is not None
    if arguments.save_fixture:
        case = save_fixture(arguments.save_fixture, fetched.page, fetched.record)
        print(f"saved fixture {case.path}", file=sys.stderr)
    print(as_text(fetched.record) if arguments.text else as_json(fetched.record))
    return 0


def _setting(item: str) -> tuple[str, str]:
    name, separator, value = item.partition("=")
    if not separator or not name:
        raise CrawlerError(f"-s {item}: expected NAME=VALUE")
    return name, value


def _run_sites(arguments: argparse.Namespace) -> int:
    counts = {site.id: sum(1 for _ in discover(arguments.fixtures, site.id)) for site in all_sites()}
    if arguments.markdown or arguments.readme:
        table = sites_table(all_sites(), counts)
        if arguments.readme:
            try:
                document = arguments.readme.read_text(encoding="utf-8")
            except OSError as error:
                raise CrawlerError(f"{arguments.readme}: cannot read: {error.strerror}") from None
            write_text_atomically(arguments.readme, with_sites_table(document, table, str(arguments.readme)))
            print(f"{arguments.readme}: table of {len(counts)} sites written")
        else:
            print(table)
        return 0
    for site in all_sites():
        print(f"{site.id}  {site.name}  ({', '.join(site.domains)})")
        print(f"    parsers: {', '.join(site.versions)}   fixtures: {counts[site.id]}")
        for source in site.sources:
            print(f"    {source.kind:<14} {source.url}")
    return 0


def _run_fixtures_check(arguments: argparse.Namespace) -> int:
    failures = 0
    cases = list(discover(arguments.root, arguments.site))
    width = max((len(case.name) for case in cases), default=10)
    print(f"{'fixture':<{width}}  {'result':<8} detail")
    for case in cases:
        result, detail = _check(case)
        failures += result != "ok"
        print(f"{case.name:<{width}}  {result:<8} {detail}")
    print(f"{len(cases)} fixtures, {len(cases) - failures} ok, {failures} failing")
    return 1 if failures or not cases else 0


def _check(case: Fixture) -> tuple[str, str]:
    try:
        record = case.replay()
    except CrawlerError as error:
        return "error", str(error)
    if not case.has_expected():
        return "new", "no expected.json yet (crawler fixtures update)"
    differences = field_differences(case.expected(), record)
    if differences:
        return "differs", "fields: " + ", ".join(differences)
    return "ok", f"{record['metadata']['parserVersion']}, {len(record['body'])} blocks"


def _run_fixtures_update(arguments: argparse.Namespace) -> int:
    changed = kept = 0
    for case in discover(arguments.root, arguments.site):
        record = case.replay()
        old = case.expected() if case.has_expected() else {}
        if old == record:
            continue
        changed += 1
        print(f"== {case.name}")
        print(record_diff(old, record))
        if arguments.yes or _confirm(f"keep the new {case.name}/expected.json?"):
            case.write_expected(record)
            kept += 1
    print(f"{changed} fixtures changed, {kept} updated")
    return 0


def _run_corpus_stats(arguments: argparse.Namespace) -> int:
    print(corpus_stats(_existing_corpus(arguments.dir)).table())
    return 0


def _run_corpus_export(arguments: argparse.Namespace) -> int:
    count = export_text(_existing_corpus(arguments.dir), arguments.to)
    print(f"{count} articles written as text to {arguments.to}/")
    return 0


def _run_corpus_merge(arguments: argparse.Namespace) -> int:
    from crawler.merge import merge_corpora, worker_folders

    folders = arguments.folders or worker_folders(arguments.dir)
    if not folders:
        raise CrawlerError(f"{arguments.dir}/workers: no worker folders to merge (give them as arguments)")
    print(merge_corpora(folders, arguments.dir, arguments.gzip).line(arguments.dir))
    return 0


def _existing_corpus(path: Path) -> Path:
    if not path.is_dir():
        raise CrawlerError(f"{path}: no corpus folder here")
    return path


def _run_crawl(arguments: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.coverage import Alarm
    from crawler.crawl import crawl  # Scrapy loads only for the commands that crawl
    from crawler.spiders.generic_spider import feed_site

    site_ids = arguments.sites or ([] if arguments.urls else [site.id for site in all_sites()])
    for site_id in site_ids:
        try:
            get_site(site_id)
        except KeyError as error:
            raise CrawlerError(str(error.args[0])) from None
    for url in arguments.urls:
        try:
            feed_site(url)
        except ValueError as error:
            raise CrawlerError(str(error)) from None
    DateWindow.of(arguments.since, arguments.until)  # a bad bound fails here, before any crawl
    spider_arguments = {
        "since": arguments.since,
        "until": arguments.until,
        "max_articles": arguments.max_articles,
        "sources": arguments.sources,
    }
    started = time.monotonic()
    state = arguments.state or (DEFAULT_STATE if arguments.incremental else None)
    config = arguments.config or (DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None)
    alarm = load_config(config).alarm if config else Alarm()
    settings = {
        **alarm.settings(),
        "LOG_LEVEL": arguments.log_level,
        "CORPUS_GZIP": arguments.gzip,
        "CRAWL_STATE": str(state or ""),
        "INCREMENTAL": arguments.incremental,
        **_distributed(arguments),
        **dict(_setting(item) for item in arguments.settings),
    }
    report = crawl(site_ids, arguments.out, arguments.replay, settings, spider_arguments, arguments.urls)
    print(report.summary())
    written = arguments.out
    if arguments.redis:
        from crawler.distributed import worker_folder

        written = worker_folder(arguments.out, settings["CRAWL_WORKER"])
    print(f"corpus {written}/, in {time.monotonic() - started:.1f} s")
    for message in report.stopped:
        print(f"crawler: error: the crawl stopped: {message}", file=sys.stderr)
    breaches = report.breaches()
    for breach in breaches:
        print(f"crawler: alarm: {breach.message()}", file=sys.stderr)
    if arguments.redis:
        _after_distributed(arguments, report.sites, written)
    if report.stopped:
        return 1
    return ALARM_STATUS if breaches else 0


def _distributed(arguments: argparse.Namespace) -> dict[str, str]:
    """The settings of a distributed crawl (--redis), checked before anything starts."""
    if not arguments.redis:
        if arguments.worker:
            raise CrawlerError("--worker names a worker of a distributed crawl: give --redis too")
        return {}
    from crawler.distributed import check_redis, worker_name

    if arguments.state:
        raise CrawlerError("--state: with --redis the crawl state is kept in Redis, shared by the workers")
    check_redis(arguments.redis)
    worker = arguments.worker or worker_name()
    if not worker.replace("-", "").replace("_", "").replace(".", "").isalnum():
        raise CrawlerError(f"--worker {worker}: use letters, digits, '-', '_' and '.' only")
    return {"REDIS_URL": arguments.redis, "CRAWL_WORKER": worker, "CRAWL_STATE": ""}


def _after_distributed(arguments: argparse.Namespace, reports: Sequence[SiteReport], written: Path) -> None:
    """Say how to join the workers' folders, or fail if Redis went away mid-crawl."""
    from crawler.distributed import redacted

    if any(report.redis_lost for report in reports):
        raise CrawlerError(
            f"Redis at {redacted(arguments.redis)} went away mid-crawl: this worker stopped cleanly "
            f"and kept every record it wrote in {written}/; start it again once Redis is back"
        )
    print(f"once every worker is done: crawler corpus merge --dir {arguments.out}")


def _run_schedule(arguments: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.schedule import Scheduler

    return Scheduler(load_config(arguments.config)).run()


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        print(f"{question} no (not a terminal; use --yes)")
        return False
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}


def _file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)


if __name__ == "__main__":
    raise SystemExit(main())
