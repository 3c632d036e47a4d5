"""What an ingest did: per WARC file, then for the whole run, as a progress line and a summary.

A file's report is written beside its records (``OUT/workers/<key>/ingest.json``), so a run
that resumes counts the files an earlier run finished as if it had read them itself; only the
rate (MB/s) is of this run's reading alone.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from crawler.ingest.selection import GENERIC
from crawler.record import COVERED_FIELDS, Record, coverage_line, has_field
from crawler.store.merge import MergeReport

__all__ = ["FileReport", "IngestReport", "SiteCounts"]

#: Why responses were skipped before their pages were read, in the words of the summary.
_SKIPPED = {
    "other-site": "other sites",
    "not-an-article-url": "not article URLs",
    "before-window": "captured before the window",
    "not-200": "status not 200",
    "not-html": "not HTML",
    "other-language": "another Content-Language",
    "not-http": "not http(s)",
    "no-record-id": "no WARC-Record-ID",
}
#: Warnings of a file kept in its report; the first ones say what went wrong.
_MOST_WARNINGS = 20


@dataclass
class SiteCounts:
    """What one site's pages came to: parsed, kept, and why the others were not."""

    #: Pages read and parsed (the field coverage's article pages).
    pages: int = 0
    kept: int = 0
    #: Records the corpus already held (the same article and body, or the same body elsewhere).
    duplicates: int = 0
    #: Records a fallback made: no template of the site recognised the page.
    fallbacks: int = 0
    #: Pages parsed but not kept, by why: ``skipped/not-an-article``, ``failed/truncated``,
    #: ``outside-window``, ``other-language``...
    dropped: Counter[str] = field(default_factory=Counter)
    #: How many of the records each covered field was in.
    present: Counter[str] = field(default_factory=Counter)

    def parsed(self, record: Record) -> None:
        """Count a record the parsers gave (kept or not): its fields."""
        self.present.update(name for name in COVERED_FIELDS if has_field(record, name))
        self.fallbacks += bool(record["metadata"].get("fallback"))

    def add(self, other: SiteCounts) -> None:
        self.pages += other.pages
        self.kept += other.kept
        self.duplicates += other.duplicates
        self.fallbacks += other.fallbacks
        self.dropped.update(other.dropped)
        self.present.update(other.present)

    def line(self, site: str) -> str:
        """``ctvnews: 12 articles of 15 pages parsed, 1 already stored; not kept: outside-window 2``."""
        name = "generic (sites with no module)" if site == GENERIC else site
        line = f"{name}: {self.kept} articles of {self.pages} pages parsed, {self.duplicates} already stored"
        if self.fallbacks:
            line += f", {self.fallbacks} read by a fallback (no template recognised them)"
        if self.dropped:
            line += "; not kept: " + ", ".join(f"{why} {n}" for why, n in sorted(self.dropped.items()))
        return line

    def to_json(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "kept": self.kept,
            "duplicates": self.duplicates,
            "fallbacks": self.fallbacks,
            "dropped": dict(self.dropped),
            "present": dict(self.present),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SiteCounts:
        return cls(
            data["pages"],
            data["kept"],
            data["duplicates"],
            data["fallbacks"],
            Counter(data["dropped"]),
            Counter(data["present"]),
        )


@dataclass
class FileReport:
    """What one WARC file gave."""

    source: str
    #: WARC records read (of every type), and the file's bytes read.
    records: int = 0
    bytes: int = 0
    #: Responses skipped before their page was read, by why (``other-site``, ``not-html``...).
    skipped: Counter[str] = field(default_factory=Counter)
    sites: dict[str, SiteCounts] = field(default_factory=dict)
    #: What went wrong in the file (a damaged part, a torn record, a parser error), one line each.
    warnings: list[str] = field(default_factory=list)
    #: False when the run's --max-articles stopped the file before its end.
    complete: bool = True

    def site(self, site: str) -> SiteCounts:
        return self.sites.setdefault(site, SiteCounts())

    def warn(self, message: str) -> None:
        if len(self.warnings) < _MOST_WARNINGS:
            self.warnings.append(message)

    @property
    def kept(self) -> int:
        return sum(counts.kept for counts in self.sites.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "records": self.records,
            "bytes": self.bytes,
            "skipped": dict(self.skipped),
            "sites": {site: counts.to_json() for site, counts in self.sites.items()},
            "warnings": self.warnings,
            "complete": self.complete,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FileReport:
        return cls(
            data["source"],
            data["records"],
            data["bytes"],
            Counter(data["skipped"]),
            {site: SiteCounts.from_json(counts) for site, counts in data["sites"].items()},
            list(data["warnings"]),
            data["complete"],
        )


@dataclass
class IngestReport:
    """A run over many WARC files: their reports summed, the files that failed, and the merge."""

    files: int
    #: Files an earlier run had finished (counted here from their reports, not read again).
    earlier: int = 0
    #: Files this run finished.
    done: int = 0
    records: int = 0
    bytes: int = 0
    #: Bytes this run read itself (its rate).
    bytes_read: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    sites: dict[str, SiteCounts] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: One line for each file that could not be read to its end (a download that broke off):
    #: it is not done, and the next run reads it again.
    failed: list[str] = field(default_factory=list)
    merge: MergeReport | None = None

    def add(self, report: FileReport, earlier: bool = False) -> None:
        """Count a file's report: one this run made, or one an earlier run left."""
        if earlier:
            self.earlier += 1
        else:
            self.done += 1
            self.bytes_read += report.bytes
            self.warnings += report.warnings
        self.records += report.records
        self.bytes += report.bytes
        self.skipped.update(report.skipped)
        for site, counts in report.sites.items():
            self.sites.setdefault(site, SiteCounts()).add(counts)

    @property
    def kept(self) -> int:
        return sum(counts.kept for counts in self.sites.values())

    def summary(self, seconds: float) -> str:
        """Per site what was kept and why the rest was not, the totals, then each site's field coverage."""
        lines = [counts.line(site) for site, counts in sorted(self.sites.items())]
        earlier = f" ({self.earlier} done by an earlier run)" if self.earlier else ""
        files = f"{self.earlier + self.done} of {self.files} WARC files{earlier}"
        lines.append(
            f"total: {self.kept} articles from {files}, "
            f"{self.records:,} records, {self.bytes / 1e6:,.1f} MB; this run read "
            f"{self.bytes_read / 1e6:,.1f} MB in {seconds:.1f} s ({_rate(self.bytes_read, seconds)})"
        )
        if self.skipped:
            skipped = ", ".join(f"{_SKIPPED.get(why, why)} {n:,}" for why, n in self.skipped.most_common())
            lines.append(f"responses skipped before their page was read: {skipped}")
        lines += [
            coverage_line(site, counts.present, counts.pages)
            for site, counts in sorted(self.sites.items())
            if counts.pages
        ]
        return "\n".join(lines)


def _rate(count: int, seconds: float) -> str:
    return f"{count / 1e6 / seconds:,.1f} MB/s" if seconds > 0 else "- MB/s"
