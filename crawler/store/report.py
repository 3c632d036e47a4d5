"""Reading a corpus back: records per site and publication day, and field coverage.

It streams the records (crawler/store/jsonl.py): its memory does not grow with the corpus.
Exports are crawler/store/export.py's.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from crawler.record import COVERED_FIELDS, Record, coverage_shares, has_field
from crawler.store.corpus import read_records


@dataclass
class CorpusStats:
    """Counts per site and publication day, and per-site field coverage."""

    per_day: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    present: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    records: Counter[str] = field(default_factory=Counter)
    #: Records whose article and revision were already counted in their file: the corpus never
    #: writes one twice, so they come from writers that ran at once (both append to the files of
    #: the same site and day), or from files copied in by hand. Looked for file by file (records
    #: come a file at a time), so memory stays that of one file's ids.
    duplicates: int = 0
    _seen: set[tuple[str, int]] = field(default_factory=set, repr=False)
    _file: tuple[str, str] = ("", "")

    def add(self, record: Record) -> None:
        file = (record["site"]["id"], _day(record))
        if file != self._file:
            self._seen.clear()
            self._file = file
        version = (record["id"], record.get("revision", 1))
        if version in self._seen:
            self.duplicates += 1
        self._seen.add(version)
        site = record["site"]["id"]
        self.records[site] += 1
        self.per_day[site][_day(record)] += 1
        self.present[site].update(name for name in COVERED_FIELDS if has_field(record, name))

    def coverage(self, site: str, name: str) -> float:
        """The share of the site's records that have the field."""
        return self.present[site][name] / self.records[site] if self.records[site] else 0.0

    def coverage_line(self, site: str) -> str:
        """Each covered field's share, e.g. ``headline 100%  authors 80%``."""
        return coverage_shares(self.present[site], self.records[site])

    def table(self) -> str:
        """A readable report: records per day, then field coverage, per site."""
        lines: list[str] = []
        for site in sorted(self.records):
            lines.append(f"{site}: {self.records[site]} records")
            lines.extend(f"  {day}  {count}" for day, count in sorted(self.per_day[site].items()))
            lines.append(f"  coverage: {self.coverage_line(site)}")
        lines.append(f"total: {sum(self.records.values())} records in {len(self.records)} sites")
        if self.duplicates:
            lines.append(
                f"duplicates: {self.duplicates} records repeat an article's revision already counted "
                "(written by two runs at once?)"
            )
        return "\n".join(lines)


def corpus_stats(root: Path) -> CorpusStats:
    """Statistics of every record in a corpus folder."""
    stats = CorpusStats()
    for record in read_records(root):
        stats.add(record)
    return stats


def _day(record: Record) -> str:
    """The record's publication day, or ``undated``: the day it was downloaded is not the article's."""
    published: str | None = record.get("datePublished")
    return published[:10] if published else "undated"
