"""Run site spiders in one Scrapy process and report what they did.

The CLI's ``crawl`` command calls this; ``scrapy crawl SITE`` remains the plain Scrapy way.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from twisted.python.failure import Failure

from crawler.crawl.coverage import Alarm, Breach, FallbackBreach, SiteCoverage
from crawler.crawl.outcomes import failed_requests
from crawler.crawl.pipelines import STOPPED_STAT
from crawler.crawl.spiders.generic_spider import GenericSpider, feed_site
from crawler.crawl.spiders.site_spiders import SOURCES_READ, SOURCES_REQUESTED, spider_for
from crawler.errors import CrawlerError
from crawler.sites import get_site
from crawler.state import SqliteCrawlState

#: Outcomes the summary line names on its own (the others are listed after it).
_IN_THE_LINE = frozenset(
    {"crawler/skipped/not-an-article", "crawler/skipped/outside-window", "crawler/failed/invalid-record"}
)


#: The outcomes of a crawl with no network at all.
_NETWORK_DOWN = frozenset({"dns", "connection", "timeout"})


@dataclass
class SiteReport:
    """What one site's crawl did, from its Scrapy stats."""

    site_id: str
    articles: int = 0
    skipped: int = 0
    outside: int = 0
    misses: int = 0
    dropped: int = 0
    errors: int = 0
    #: Incremental crawls: articles not fetched (stored, unchanged) and revisits answered 304.
    unchanged: int = 0
    not_modified: int = 0
    #: Every other page outcome with its count, e.g. ``{"failed/timeout": 2, "skipped/not-html": 1}``.
    outcomes: dict[str, int] = field(default_factory=dict)
    coverage: SiteCoverage | None = None
    #: Distributed crawls: articles another worker had stored, requests taken over from dead
    #: workers, and whether Redis went away (the crawl then stopped early).
    duplicates: int = 0
    reclaimed: int = 0
    redis_lost: bool = False
    #: The site's sources (feeds, sitemaps, sections) requested and read; requests made and
    #: responses received, robots.txt's included.
    sources_requested: int = 0
    sources_read: int = 0
    requests: int = 0
    responses: int = 0

    @property
    def got_nothing(self) -> bool:
        """Whether the site's crawl could not start: no source of it read, or no response at all."""
        return bool(self.sources_requested and not self.sources_read) or bool(
            self.requests and not self.responses
        )

    @classmethod
    def from_stats(cls, site_id: str, stats: dict[str, Any]) -> SiteReport:
        return cls(
            site_id=site_id,
            articles=stats.get("item_scraped_count", 0),
            skipped=stats.get("crawler/skipped/not-an-article", 0),
            outside=stats.get("crawler/skipped/outside-window", 0),
            misses=stats.get("replay/miss", 0),
            dropped=stats.get("crawler/failed/invalid-record", 0),
            errors=failed_requests(stats),
            unchanged=stats.get("incremental/unchanged", 0),
            not_modified=stats.get("incremental/not-modified", 0),
            outcomes={
                key.removeprefix("crawler/"): count
                for key, count in sorted(stats.items())
                if key.startswith(("crawler/skipped/", "crawler/failed/")) and key not in _IN_THE_LINE
            },
            coverage=SiteCoverage.from_stats(site_id, stats),
            duplicates=stats.get("corpus/duplicate", 0),
            reclaimed=stats.get("redis/reclaimed", 0),
            redis_lost=bool(stats.get("redis/lost")),
            sources_requested=stats.get(SOURCES_REQUESTED, 0),
            sources_read=stats.get(SOURCES_READ, 0),
            requests=stats.get("downloader/request_count", 0),
            responses=stats.get("response_received_count", 0),
        )

    def line(self) -> str:
        """The site's line of the summary; incremental counts only when there are some."""
        line = (
            f"{self.site_id}: {self.articles} articles, {self.skipped} skipped (not an article), "
            f"{self.outside} outside the date window, "
            f"{self.dropped} invalid, {self.misses} replay misses, {self.errors} errors"
        )
        fallbacks = self.coverage.fallbacks if self.coverage is not None else 0
        if fallbacks:
            line += f"; {fallbacks} read by a fallback (no template recognised them)"
        doubts = self.coverage.doubts if self.coverage is not None else {}
        if doubts:
            line += "; kept with a doubt: " + ", ".join(f"{kind} {count}" for kind, count in doubts.items())
        if self.unchanged or self.not_modified:
            line += f"; {self.unchanged} unchanged (not fetched), {self.not_modified} not modified (304)"
        for kind in ("skipped", "failed"):
            counts = [f"{o.split('/', 1)[1]} {n}" for o, n in self.outcomes.items() if o.startswith(kind)]
            if counts:
                line += f"; {kind}: {', '.join(counts)}"
        if self.duplicates:
            line += f"; {self.duplicates} already stored (skipped)"
        if self.reclaimed:
            line += f"; {self.reclaimed} requests taken over from dead workers"
        if self.redis_lost:
            line += "; stopped early: Redis went away"
        if self.got_nothing:
            line += "; got nothing: no source could be read"
        return line


@dataclass
class CrawlReport:
    """Per-site reports of one crawl run."""

    sites: list[SiteReport] = field(default_factory=list)
    alarm: Alarm = field(default_factory=Alarm)
    #: Why the crawl stopped before its end, one message per site that stopped (a write that failed).
    stopped: list[str] = field(default_factory=list)
    #: The signal that stopped the crawl before its end (SIGINT, SIGTERM), if one did.
    interrupted: int | None = None

    def summary(self) -> str:
        """One line per site, then the totals, then each site's field coverage in this crawl."""
        lines = [report.line() for report in self.sites]
        total = sum(r.articles for r in self.sites)
        stop = f" (interrupted by {signal.Signals(self.interrupted).name})" if self.interrupted else ""
        lines.append(f"total: {total} articles from {len(self.sites)} sites{stop}")
        lines.extend(r.coverage.line() for r in self.sites if r.coverage is not None and r.coverage.pages)
        return "\n".join(lines)

    def breaches(self) -> list[Breach | FallbackBreach]:
        """The watched fields whose coverage fell below what the site's pages carry, site by site.

        None for an interrupted crawl: part of a crawl says nothing of the sites' pages.
        """
        if self.interrupted:
            return []
        return [b for r in self.sites if r.coverage is not None for b in r.coverage.breaches(self.alarm)]

    def got_nothing(self) -> str | None:
        """One line saying which sites' crawls got nothing (no source read, no response), or None."""
        empty = [report for report in self.sites if report.got_nothing]
        if not empty or self.interrupted:
            return None
        reasons: Counter[str] = Counter()
        for report in empty:
            reasons.update({outcome.split("/", 1)[1]: n for outcome, n in report.outcomes.items()})
        why = f" ({', '.join(f'{reason} {n}' for reason, n in reasons.most_common())})" if reasons else ""
        if len(empty) == len(self.sites):
            offline = "; is the network down?" if reasons and set(reasons) <= _NETWORK_DOWN else ""
            return f"the crawl got nothing: no source of any site could be read{why}{offline}"
        names = ", ".join(report.site_id for report in empty)
        return f"no source could be read for {names}{why}"


def crawl(
    site_ids: Sequence[str],
    corpus_dir: Path | None,
    replay_dir: Path | None = None,
    overrides: dict[str, Any] | None = None,
    spider_arguments: dict[str, Any] | None = None,
    feed_urls: Sequence[str] = (),
    replay_warc: Path | None = None,
) -> CrawlReport:
    """Crawl the sites (live, from fixtures with ``replay_dir``, from an archive with ``replay_warc``).

    ``feed_urls`` are feeds or sitemaps of sites with no module, each crawled by the generic
    spider; their report is named after the feed's domain.
    """
    sites = [get_site(site_id) for site_id in site_ids]
    settings = Settings()
    settings.setmodule("crawler.crawl.settings", priority="project")
    settings.set("CORPUS_DIR", str(corpus_dir) if corpus_dir else "", priority="cmdline")
    if replay_dir is not None or replay_warc is not None:
        # Offline: no network, so no reason to wait between requests.
        settings.setdict(
            {
                "REPLAY_DIR": str(replay_dir or ""),
                "REPLAY_WARC": str(replay_warc or ""),
                "DOWNLOAD_DELAY": 0,
                "AUTOTHROTTLE_ENABLED": False,
            },
            priority="cmdline",
        )
    settings.setdict(overrides or {}, priority="cmdline")
    if settings.get("CRAWL_STATE") and not settings.get("REDIS_URL") and corpus_dir is not None:
        check_state_belongs(Path(settings.get("CRAWL_STATE")), corpus_dir)
    process = _CrawlerProcess(settings)
    crawlers = {site.id: process.create_crawler(spider_for(site)) for site in sites}
    failures: list[Failure] = []
    for crawler in crawlers.values():
        process.crawl(crawler, **(spider_arguments or {})).addErrback(failures.append)
    for url in feed_urls:
        crawler = process.create_crawler(GenericSpider)
        crawlers[feed_site(url).id] = crawler
        process.crawl(crawler, url=url, **(spider_arguments or {})).addErrback(failures.append)
    process.start()
    for failure in failures:  # a crawl that could not start: a damaged corpus file, a bad setting
        if isinstance(failure.value, CrawlerError):
            raise failure.value
        failure.raiseException()
    return CrawlReport(
        [
            SiteReport.from_stats(site_id, c.stats.get_stats() if c.stats else {})
            for site_id, c in crawlers.items()
        ],
        Alarm.from_settings(settings),
        sorted(
            {
                str(c.stats.get_value(STOPPED_STAT))
                for c in crawlers.values()
                if c.stats and c.stats.get_value(STOPPED_STAT)
            }
        ),
        process.stopped_by,
    )


class _CrawlerProcess(CrawlerProcess):
    """Scrapy's process, remembering the signal that stopped it (Scrapy only logs it)."""

    stopped_by: int | None = None

    def _signal_shutdown(self, signum: int, frame: Any) -> None:
        self.stopped_by = self.stopped_by or signum
        super()._signal_shutdown(signum, frame)


def check_state_belongs(state: Path, corpus_dir: Path) -> None:
    """Refuse a crawl state kept for another corpus folder: its articles are not in this one."""
    with SqliteCrawlState(state) as opened:
        owner = opened.claim("corpus", str(corpus_dir.resolve()))
    if owner != str(corpus_dir.resolve()):
        raise CrawlerError(
            f"{state}: this crawl state belongs to the corpus {owner}, not {corpus_dir}; "
            "give the crawl its own --state"
        )
