"""The breakage alarm: per-site field coverage of a crawl, judged against what the site's pages carry.

A site's redesign rarely crashes anything: its pages stop matching a template (every page is
then "not an article"), or one field's markup moves (every record then lacks its date). Either
way the share of the crawl's article pages that gave the field drops, so that share is what is
watched. An article page is a page the site's URLs call an article and that reached a parser:
a record, or a page no template recognised, or a parser failure. Pages that failed to download,
were not HTML or were empty say nothing about the parser, so they are not counted.

What a field's share should be depends on the site: every article has a headline and a body
(``CERTAIN_FIELDS``), but a site may put bylines on 86% of its pages and dates on all. So
each site's coverage is kept from crawl to crawl as its baseline, beside its corpus
(crawler/store/baseline.py), and a watched field raises the alarm when its share falls below
``threshold`` times the baseline's, by more than chance explains for the pages crawled (two
standard errors). A site's first crawl has no baseline: it records one, and raises the alarm
only on what is certainly broken: headline or body missing, or most pages read by a fallback.

The threshold (default 90%) and the watched fields are Scrapy settings (``COVERAGE_THRESHOLD``,
``COVERAGE_FIELDS``, ``COVERAGE_MIN_PAGES``), set from the ``[alarm]`` table of crawler.toml
by ``crawler crawl`` and ``crawler schedule``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy import signals

from crawler.errors import CorpusError
from crawler.record import COVERED_FIELDS, Record, coverage_line, has_field
from crawler.store.baseline import Baselines, FieldCounts

__all__ = [
    "BASELINE_STAT",
    "CERTAIN_FIELDS",
    "DOUBT_STAT",
    "FALLBACK_STAT",
    "REQUIRED_FIELDS",
    "Alarm",
    "Breach",
    "FallbackBreach",
    "FieldCoverage",
    "SiteCoverage",
    "check_watched",
]

logger = logging.getLogger(__name__)

#: The fields a redesign must not lose, watched by default.
REQUIRED_FIELDS = ("headline", "datePublished", "authors", "body")
#: Stats that count article pages no record came from, because of the parser.
_UNPARSED = (
    "crawler/skipped/not-an-article",
    "crawler/failed/parser-error",
    "crawler/failed/parser-crash",
    "crawler/failed/invalid-record",
)
_PRESENT = "coverage/present/"
#: Records no template of their site read (the fallback parsers did: crawler/sites/parse.py).
FALLBACK_STAT = "coverage/fallback"
#: Records kept with a doubt (``metadata.doubts``), counted by the doubt's kind: ``coverage/doubt/encoding``.
DOUBT_STAT = "coverage/doubt/"
#: A site whose pages mostly fall back is broken, whatever its fields say.
_MOSTLY = 0.5
#: Fields every article has: a page without one is broken, whatever the site's history.
CERTAIN_FIELDS = frozenset({"headline", "body"})
#: The site's baseline as the crawl found it when it opened (a FieldCounts, or absent).
BASELINE_STAT = "coverage/baseline"
#: Standard errors of the crawl's sample a share may fall below the expected before the alarm.
_CHANCE = 2.0
#: How a crawl that was stopped by a signal, or by a write that failed, closes (Scrapy's close
#: reason): part of a crawl says nothing of the site's pages, so it is judged on nothing.
_CUT_SHORT = frozenset({"shutdown", "write-failed"})


@dataclass(frozen=True)
class Alarm:
    """When to raise the alarm: a watched field below ``threshold`` times its usual share of a site's
    article pages (see the module's docstring).

    Sites with fewer than ``min_pages`` article pages in the crawl are not judged, nor baselines
    of fewer pages used.
    """

    threshold: float = 0.9
    fields: tuple[str, ...] = REQUIRED_FIELDS
    min_pages: int = 5

    def settings(self) -> dict[str, Any]:
        """The Scrapy settings that say the same."""
        return {
            "COVERAGE_THRESHOLD": self.threshold,
            "COVERAGE_FIELDS": list(self.fields),
            "COVERAGE_MIN_PAGES": self.min_pages,
        }

    @classmethod
    def from_settings(cls, settings: Any) -> Alarm:
        return cls(
            threshold=settings.getfloat("COVERAGE_THRESHOLD", 0.9),
            fields=tuple(settings.getlist("COVERAGE_FIELDS", list(REQUIRED_FIELDS))),
            min_pages=settings.getint("COVERAGE_MIN_PAGES", 5),
        )


@dataclass(frozen=True)
class Breach:
    """One watched field of one site below the threshold."""

    site_id: str
    field: str
    coverage: float
    pages: int
    threshold: float
    #: The share the site's pages usually have (its baseline), None for a field every article has.
    usual: float | None = None

    def message(self) -> str:
        below = (
            f"below the {self.threshold:.0%} threshold"
            if self.usual is None
            else f"down from the {self.usual:.0%} its pages usually have"
        )
        return (
            f"{self.site_id}: {self.field} in {self.coverage:.0%} of {self.pages} article pages, "
            f"{below}: has the site changed its pages?"
        )


@dataclass(frozen=True)
class FallbackBreach:
    """Most of a site's article pages were read by a fallback: no template of its recognised them."""

    site_id: str
    fallbacks: int
    pages: int

    def message(self) -> str:
        return (
            f"{self.site_id}: {self.fallbacks} of {self.pages} article pages read by a fallback, "
            "no template of the site recognised them: has the site changed its pages?"
        )


@dataclass(frozen=True)
class SiteCoverage:
    """How many of a site's article pages gave each field, from its crawl's stats."""

    site_id: str
    pages: int
    present: Mapping[str, int]
    #: Records a fallback made (no template of the site read the page).
    fallbacks: int = 0
    #: Records kept with a doubt, by the doubt's kind (``{"encoding": 2, "truncated": 1}``).
    doubts: Mapping[str, int] = field(default_factory=dict)
    #: What the site's pages carried in earlier crawls; None before its first.
    baseline: FieldCounts | None = None

    @classmethod
    def from_stats(cls, site_id: str, stats: Mapping[str, Any]) -> SiteCoverage:
        records = int(stats.get("item_scraped_count", 0))
        unparsed = sum(int(stats.get(key, 0)) for key in _UNPARSED)
        present = {name: int(stats.get(_PRESENT + name, 0)) for name in COVERED_FIELDS}
        fallbacks = int(stats.get(FALLBACK_STAT, 0))
        doubts = {
            key.removeprefix(DOUBT_STAT): int(count)
            for key, count in sorted(stats.items())
            if key.startswith(DOUBT_STAT)
        }
        return cls(site_id, records + unparsed, present, fallbacks, doubts, stats.get(BASELINE_STAT))

    def share(self, name: str) -> float:
        """The share of article pages whose record has the field (0 when there were none)."""
        return self.present.get(name, 0) / self.pages if self.pages else 0.0

    def line(self) -> str:
        """``ctvnews field coverage (6 article pages): headline 100%  authors 83% ...``."""
        return coverage_line(self.site_id, self.present, self.pages)

    def breaches(self, alarm: Alarm) -> list[Breach | FallbackBreach]:
        """The watched fields fallen below what the site's pages carry, and most pages read by a
        fallback; none when too few pages were crawled to judge."""
        if self.pages < max(alarm.min_pages, 1):
            return []
        found: list[Breach | FallbackBreach] = []
        for name in alarm.fields:
            usual = self.usual_share(name, alarm.min_pages)
            if usual is not None and self.share(name) < self.lowest(usual, alarm.threshold):
                certain = name in CERTAIN_FIELDS
                found.append(
                    Breach(
                        self.site_id,
                        name,
                        self.share(name),
                        self.pages,
                        alarm.threshold,
                        None if certain else usual,
                    )
                )
        if self.fallbacks > self.pages * _MOSTLY:
            found.append(FallbackBreach(self.site_id, self.fallbacks, self.pages))
        return found

    def usual_share(self, name: str, min_pages: int) -> float | None:
        """The share of pages that should have the field: all for a certain field, else the
        baseline's; None without a baseline of at least ``min_pages`` pages (not judged)."""
        if name in CERTAIN_FIELDS:
            return 1.0
        if self.baseline is None or self.baseline.pages < max(min_pages, 1):
            return None
        return self.baseline.share(name)

    def lowest(self, usual: float, threshold: float) -> float:
        """The lowest share that is no alarm: ``threshold`` of the usual, less what chance explains."""
        chance = _CHANCE * math.sqrt(usual * (1 - usual) / self.pages) if self.pages else 0.0
        return threshold * usual - chance


class FieldCoverage:
    """Scrapy extension: counts the fields of every scraped record, and logs the alarm at the end.

    With a corpus folder (``CORPUS_DIR``) it reads the site's baseline when the crawl opens, and
    adds the crawl's coverage to it when the crawl ends, unless it raised the alarm or was stopped.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.alarm = Alarm.from_settings(crawler.settings)
        corpus = crawler.settings.get("CORPUS_DIR")
        self.baselines = Baselines(Path(corpus)) if corpus else None
        try:
            check_watched(self.alarm.fields)
        except ValueError as error:
            raise ValueError(f"COVERAGE_FIELDS: {error}") from None

    @classmethod
    def from_crawler(cls, crawler: Any) -> FieldCoverage:
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        baseline = self.baselines.of(_site_id(spider)) if self.baselines else None
        if baseline is not None:
            self.crawler.stats.set_value(BASELINE_STAT, baseline)

    def item_scraped(self, item: Record) -> None:
        for name in COVERED_FIELDS:
            if has_field(item, name):
                self.crawler.stats.inc_value(_PRESENT + name)
        if item["metadata"].get("fallback"):
            self.crawler.stats.inc_value(FALLBACK_STAT)
        for kind in {doubt.split(":", 1)[0] for doubt in item["metadata"].get("doubts", [])}:
            self.crawler.stats.inc_value(DOUBT_STAT + kind)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if reason in _CUT_SHORT:
            return
        coverage = SiteCoverage.from_stats(_site_id(spider), self.crawler.stats.get_stats())
        breaches = coverage.breaches(self.alarm)
        for breach in breaches:
            # INFO: `crawler crawl` prints the alarm itself; `scrapy crawl` logs at INFO by default.
            logger.info("alarm: %s", breach.message())
        if self.baselines is not None and not breaches:
            try:
                self.baselines.add(coverage.site_id, coverage.pages, coverage.present)
            except CorpusError as error:  # the records are safe; the next crawl records the baseline
                logger.warning("the coverage baseline was not kept: %s", error)


def check_watched(fields: Iterable[str]) -> None:
    """Refuse fields the alarm cannot watch (ValueError naming them): coverage counts only COVERED_FIELDS."""
    unknown = [name for name in fields if name not in COVERED_FIELDS]
    if unknown:
        raise ValueError(f"unknown fields {', '.join(unknown)} (known: {', '.join(COVERED_FIELDS)})")


def _site_id(spider: Any) -> str:
    """The id a crawl's reports give the spider's site (a generic crawl's is its feed's domain)."""
    site = getattr(spider, "site", None)
    return str(site.id) if site is not None else str(spider.name)
