"""``crawler crawl`` and ``crawler schedule``: crawls into the corpus, once or at intervals."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.cli.common import (
    ALARM_STATUS,
    DEFAULT_CONFIG,
    DEFAULT_CORPUS,
    DEFAULT_STATE,
    DONE_STATUS,
    ERROR_STATUS,
    count,
    path_argument,
    setting,
    web_url,
    web_urls,
)
from crawler.errors import CrawlerError
from crawler.extract.window import DateWindow
from crawler.sites import all_sites, get_site

if TYPE_CHECKING:
    from crawler.config import ScheduleConfig
    from crawler.crawl.runner import CrawlReport, SiteReport

_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def add_commands(commands: Any) -> None:
    """Add ``crawl`` and ``schedule`` to the command line."""
    crawl = commands.add_parser("crawl", help="crawl sites' feeds, sitemaps and sections into the corpus")
    crawl.add_argument(
        "sites", nargs="*", metavar="SITE", help="site ids (default: every site, unless --url)"
    )
    crawl.add_argument(
        "--url",
        dest="urls",
        action="append",
        default=[],
        type=web_url,
        metavar="FEED",
        help="a feed or sitemap of a site with no module: crawl what it lists with the generic parser",
    )
    crawl.add_argument(
        "--out", type=path_argument, default=DEFAULT_CORPUS, help="corpus folder (default: corpus)"
    )
    replay = crawl.add_mutually_exclusive_group()
    replay.add_argument(
        "--replay",
        type=path_argument,
        metavar="DIR",
        help="answer every request from this fixtures folder, offline",
    )
    replay.add_argument(
        "--replay-warc",
        type=path_argument,
        metavar="DIR",
        help="answer every request from the WARC files of this archive (e.g. OUT/warc), offline",
    )
    crawl.add_argument(
        "--warc",
        action=argparse.BooleanOptionalAction,
        help="archive every HTTP exchange as WARC files in OUT/warc/ (default: the config's warc, else no)",
    )
    crawl.add_argument("--gzip", action="store_true", help="write the corpus files gzip-compressed")
    crawl.add_argument(
        "--since", help="only articles published since: 2d, 12h, 2024-05-01, or an ISO date-time"
    )
    crawl.add_argument("--until", help="only articles published until (same forms)")
    crawl.add_argument(
        "--max-articles", type=count, metavar="N", help="stop each site after N articles (0: no limit)"
    )
    crawl.add_argument(
        "--sources",
        type=web_urls,
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
        type=path_argument,
        metavar="PATH",
        help=f"crawl state file (SQLite) to keep (default with --incremental: {DEFAULT_STATE})",
    )
    crawl.add_argument(
        "--config",
        type=path_argument,
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
    crawl.add_argument(
        "--log-level",
        default="WARNING",
        type=str.upper,
        choices=_LOG_LEVELS,
        help="Scrapy log level (default: WARNING; DEBUG adds the tracebacks of parser errors)",
    )
    crawl.add_argument(
        "--quiet", action="store_true", help="no progress line on stderr (the summary is still printed)"
    )
    crawl.add_argument(
        "-s", dest="settings", action="append", default=[], metavar="NAME=VALUE", help="a Scrapy setting"
    )
    crawl.set_defaults(run=_run_crawl)

    schedule = commands.add_parser(
        "schedule", help="crawl incrementally at intervals, as crawler.toml says, until SIGINT/SIGTERM"
    )
    schedule.add_argument(
        "--config",
        type=path_argument,
        default=DEFAULT_CONFIG,
        help=f"configuration file (default: {DEFAULT_CONFIG})",
    )
    schedule.set_defaults(run=_run_schedule)


def _run_crawl(arguments: argparse.Namespace) -> int:
    from crawler.config import load_config
    from crawler.crawl.coverage import Alarm
    from crawler.crawl.runner import crawl  # Scrapy loads only for the commands that crawl
    from crawler.crawl.spiders.generic_spider import feed_site

    site_ids = arguments.sites or ([] if arguments.urls else [site.id for site in all_sites()])
    for site_id in site_ids:
        try:
            get_site(site_id)
        except KeyError as error:
            raise CrawlerError(str(error.args[0])) from None
    for url in arguments.urls:
        feed_site(url)  # checked by web_url: a URL with a host
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
    loaded = load_config(config) if config else None
    archive = arguments.out / "warc" if _archives(arguments.warc, loaded) else None
    overrides = dict(setting(item) for item in arguments.settings)
    settings = {
        **(loaded.alarm if loaded else Alarm()).settings(),
        "LOG_LEVEL": arguments.log_level,
        "PROGRESS_LINE": not arguments.quiet,
        "CORPUS_GZIP": arguments.gzip,
        "CRAWL_STATE": str(state or ""),
        "INCREMENTAL": arguments.incremental,
        "WARC_DIR": str(archive or ""),
        **_distributed(arguments, overrides.get("CRAWL_WORKER")),
        **overrides,
    }
    report = crawl(
        site_ids,
        arguments.out,
        arguments.replay,
        settings,
        spider_arguments,
        arguments.urls,
        arguments.replay_warc,
    )
    print(report.summary())
    written = arguments.out
    if arguments.redis:
        from crawler.distributed import worker_folder

        written = worker_folder(arguments.out, settings["CRAWL_WORKER"])
    archived = f", archive {archive}/" if archive else ""
    print(f"corpus {written}/{archived}, in {time.monotonic() - started:.1f} s")
    status = _status(report)
    if arguments.redis and not report.interrupted:
        _after_distributed(arguments, report.sites, written)
    return status


def _status(report: CrawlReport) -> int:
    """Say on stderr what went wrong, one line each, and the exit status that says the same."""
    for message in report.stopped:
        print(f"crawler: error: the crawl stopped: {message}", file=sys.stderr)
    if report.interrupted:
        name = signal.Signals(report.interrupted).name
        print(f"crawler: interrupted by {name}: every record stored so far is kept", file=sys.stderr)
        return 128 + report.interrupted
    nothing = report.got_nothing()
    if nothing:
        print(f"crawler: error: {nothing}", file=sys.stderr)
    breaches = report.breaches()
    for breach in breaches:
        print(f"crawler: alarm: {breach.message()}", file=sys.stderr)
    if report.stopped or nothing:
        return ERROR_STATUS
    return ALARM_STATUS if breaches else DONE_STATUS


def _archives(flag: bool | None, config: ScheduleConfig | None) -> bool:
    """Whether the crawl archives its exchanges: --warc or --no-warc, else the config's ``warc``, else no."""
    if flag is not None:
        return flag
    return bool(config is not None and config.warc)


def _distributed(arguments: argparse.Namespace, worker_setting: str | None) -> dict[str, str]:
    """The settings of a distributed crawl (--redis), checked before anything starts.

    ``worker_setting`` is ``-s CRAWL_WORKER=...``, which names the worker as ``--worker`` does.
    """
    if not arguments.redis:
        if arguments.worker:
            raise CrawlerError("--worker names a worker of a distributed crawl: give --redis too")
        return {}
    from crawler.distributed import check_redis, check_worker_name, worker_name

    if arguments.state:
        raise CrawlerError("--state: with --redis the crawl state is kept in Redis, shared by the workers")
    worker = check_worker_name(worker_setting or arguments.worker or worker_name())
    check_redis(arguments.redis)
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
