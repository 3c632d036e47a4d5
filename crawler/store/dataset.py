"""The corpus as data: its records, filtered, for a notebook, a script or an export.

``crawler.corpus.open("corpus")`` gives a :class:`Dataset`: iterate it for records (plain
dicts, as the corpus files hold them), narrow it with :meth:`Dataset.filter`, or turn it into a
table with :meth:`Dataset.to_arrow` or :meth:`Dataset.to_pandas` (pyarrow and pandas are the
optional ``data`` extra)::

    import crawler.corpus

    corpus = crawler.corpus.open("corpus", sites=["cbc", "ctvnews"], since="2024-05-01")
    for record in corpus:
        print(record["datePublished"], record["headline"])
    frame = corpus.filter(fields=["headline", "authors", "datePublished"]).to_pandas()

Records stream from the files a site and a day at a time, so iterating takes the same memory
whatever the corpus's size; only the tables hold every record. By default each article is
there once, as its newest revision; ``revisions=True`` gives every revision stored.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.errors import CorpusError, CrawlerError
from crawler.record import Record, article_schema
from crawler.record.dates import moment_of
from crawler.store.index import revised_articles
from crawler.store.jsonl import UNDATED, corpus_files, records_after

if TYPE_CHECKING:
    import pandas
    import pyarrow

__all__ = ["FIELDS", "Dataset", "Row", "open_dataset"]

#: A record, or the part of it a dataset's ``fields`` name.
Row = Mapping[str, Any]

#: The fields a record has, in the schema's order, and the corpus's ``revision``.
FIELDS: tuple[str, ...] = tuple(dict.fromkeys([*article_schema()["properties"], "revision"]))
#: A date bound: a date (a whole day), a moment with its offset, or either in ISO 8601.
Bound = date | datetime | str | None
_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$")
#: A file's day is the publication day in the page's own offset, up to 14 hours from UTC.
_OFFSETS = timedelta(days=1)


@dataclass(frozen=True)
class Dataset:
    """The records of a corpus folder, filtered by site, publication date and fields.

    ``since`` and ``until`` bound ``datePublished`` (inclusive; a date as the bound is its
    whole day, in UTC); with either, records with no publication date are left out. ``fields``
    keeps only those fields of each record, in that order.
    """

    root: Path
    sites: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    fields: tuple[str, ...] = ()
    revisions: bool = False

    def filter(
        self,
        *,
        sites: str | Iterable[str] | None = None,
        since: Bound = None,
        until: Bound = None,
        fields: Iterable[str] | None = None,
        revisions: bool | None = None,
    ) -> Dataset:
        """The same corpus narrowed further: each argument given replaces this dataset's."""
        changes: dict[str, Any] = {}
        if sites is not None:
            changes["sites"] = _sites(self.root, sites)
        if since is not None:
            changes["since"] = _moment(since, end_of_day=False)
        if until is not None:
            changes["until"] = _moment(until, end_of_day=True)
        if fields is not None:
            changes["fields"] = _fields(fields)
        if revisions is not None:
            changes["revisions"] = revisions
        return dataclasses.replace(self, **changes)

    def __iter__(self) -> Iterator[Row]:
        files = self.files()
        newest = {} if self.revisions else self._revised()
        for path in files:
            for record in records_after(path, 0):
                if not self.revisions and record.get("revision", 1) != newest.get(record["id"], 1):
                    continue  # an older revision
                if self._dated_within(record):
                    yield {name: record.get(name) for name in self.fields} if self.fields else record

    def files(self) -> list[Path]:
        """The corpus files that may hold the dataset's records (by site, and by day when bounded)."""
        return [path for path in self._site_files() if self._may_hold(path)]

    def _site_files(self) -> list[Path]:
        return [path for site in self.sites or ("*",) for path in corpus_files(self.root, site)]

    def _revised(self) -> dict[str, int]:
        """The newest revision of each article of the sites stored more than once.

        A later revision may be filed under another day than the one it revises (its
        ``datePublished`` was corrected), outside the dates asked for: so every file of the sites
        counts, from the corpus's index when it covers them, else read.
        """
        files = self._site_files()
        indexed = revised_articles(self.root, files)
        return indexed if indexed is not None else _newest_revisions(files)

    def to_arrow(self) -> pyarrow.Table:
        """The records as an Arrow table of a fixed schema (crawler/store/export.py); needs pyarrow."""
        from crawler.store.export import arrow_table

        return arrow_table(self, self.fields or FIELDS)

    def to_pandas(self) -> pandas.DataFrame:
        """The records as a pandas DataFrame (nested fields as lists and dicts); needs pyarrow and pandas."""
        _need("pandas")
        return self.to_arrow().to_pandas()

    def _may_hold(self, path: Path) -> bool:
        if self.since is None and self.until is None:
            return True
        if path.parent.name == UNDATED:
            return False
        day = _DAY_FILE.match(path.name)
        if day is None:
            return True
        start = datetime.combine(date.fromisoformat(day[1]), time(), UTC)
        after_since = self.since is None or start + _OFFSETS * 2 > self.since
        before_until = self.until is None or start - _OFFSETS <= self.until
        return after_since and before_until

    def _dated_within(self, record: Record) -> bool:
        if self.since is None and self.until is None:
            return True
        stated = record.get("datePublished")
        if not stated:
            return False
        moment = moment_of(stated)
        return (self.since is None or moment >= self.since) and (self.until is None or moment <= self.until)


def open_dataset(
    path: str | os.PathLike[str],
    *,
    sites: str | Iterable[str] | None = None,
    since: Bound = None,
    until: Bound = None,
    fields: Iterable[str] | None = None,
    revisions: bool = False,
) -> Dataset:
    """The corpus folder at ``path`` as a :class:`Dataset` (``crawler.corpus.open``).

    Raises CorpusError when the folder is no corpus, CrawlerError for an unknown site or
    field, or a date bound that is not one.
    """
    root = Path(path)
    if not root.is_dir():
        raise CorpusError(str(root), "no corpus folder here")
    return Dataset(root).filter(sites=sites, since=since, until=until, fields=fields, revisions=revisions)


def _newest_revisions(files: Iterable[Path]) -> dict[str, int]:
    """The newest revision of each article of the files that has more than one (most have one)."""
    newest: dict[str, int] = {}
    for path in files:
        for record in records_after(path, 0):
            if record.get("revision", 1) > 1:
                newest[record["id"]] = max(record["revision"], newest.get(record["id"], 1))
    return newest


def _sites(root: Path, sites: str | Iterable[str]) -> tuple[str, ...]:
    chosen = (sites,) if isinstance(sites, str) else tuple(sites)
    missing = [site for site in chosen if not (root / site).is_dir()]
    if missing:
        there = ", ".join(sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")))
        raise CrawlerError(f"{root}: no records of {', '.join(missing)} (sites there: {there or 'none'})")
    return chosen


def _moment(bound: date | datetime | str, end_of_day: bool) -> datetime:
    """A bound as a moment: a date is its first moment, or with ``end_of_day`` its last."""
    if isinstance(bound, str):
        try:
            bound = date.fromisoformat(bound) if len(bound.strip()) == 10 else datetime.fromisoformat(bound)
        except ValueError:
            raise CrawlerError(
                f"{bound!r}: not a date (try 2024-05-01 or 2024-05-01T08:00:00-04:00)"
            ) from None
    if isinstance(bound, datetime):
        if bound.tzinfo is None:
            raise CrawlerError(f"{bound.isoformat()}: give the moment's UTC offset (e.g. +00:00)")
        return bound
    start = datetime.combine(bound, time(), UTC)
    return start + timedelta(days=1, microseconds=-1) if end_of_day else start


def _fields(fields: Iterable[str]) -> tuple[str, ...]:
    chosen = tuple(fields)
    unknown = [name for name in chosen if name not in FIELDS]
    if unknown:
        raise CrawlerError(f"no field {', '.join(unknown)} in the record (fields: {', '.join(FIELDS)})")
    return chosen


def _need(module: str) -> None:
    """Import an optional library, or say in one line how to install it."""
    try:
        __import__(module)
    except ImportError:
        raise CrawlerError(f"this needs {module}: pip install 'crawler[data]'") from None
