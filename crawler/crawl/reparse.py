"""Re-parsing from the archive: today's parsers over every archived article page, revisions where changed.

``crawler reparse`` walks the WARC files of an archive (``OUT/warc/<site>/``), parses each
archived article page with the parsers as they are now, and compares the record with the one
the corpus holds for that page. Where any field differs (the body, the headline, the parser
version...), the new record is stored as the article's next revision, its ``metadata.source``
the same archived page; an article the corpus did not hold (a page an older parser refused) is
added, with the corpus's usual dedup. What says where and when the page was fetched
(``revision``, ``metadata.dateDownloaded``, ``metadata.source``) is not compared.

A page is compared with its article's newest revision among those whose page was fetched no
later than it (a record's ``dateDownloaded`` is its page's ``WARC-Date``). Pages are read in
the order they were fetched, so an article fetched several times keeps its revisions in that
order, and a second run finds each page's record as the first run left it: it adds nothing. A
page the parsers now refuse keeps its old record and is reported.

With ``dry_run`` nothing is written: the report counts, per site and per field, the records
that would change, and shows a few as diffs. What the corpus holds is read once, in brief: per
revision, when its page was fetched and a hash of what is compared; the revisions pages differ
from are read again at the end, to count the fields that changed.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import logging
import re
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from crawler.archive import ArchivedResponse, Location, ResponseHead, archive_files, read_responses
from crawler.crawl.parse_workers import FetchedPage, PageParser
from crawler.errors import CrawlerError, UnknownSiteError
from crawler.extract.page import MAX_PAGE_SIZE
from crawler.extract.window import DateWindow
from crawler.progress import Progress
from crawler.record import Record, article_schema
from crawler.sites import site_for_url
from crawler.sites.fixtures import field_differences
from crawler.store.corpus import Corpus, read_records
from crawler.store.lock import lock_corpus, release

__all__ = ["ReparseReport", "SiteReparse", "reparse"]

logger = logging.getLogger(__name__)

#: Fields that say where and when the page was fetched, not what the parser read in it.
_FETCH_FIELDS = frozenset({"revision", "metadata.dateDownloaded", "metadata.source"})
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")
#: Pages parsed ahead of the one being compared: enough to keep the parser processes busy.
_IN_FLIGHT = 8


@cache
def compared_fields() -> tuple[str, ...]:
    """The fields compared, from the record's schema: top-level ones, and ``metadata.<name>``."""
    properties = article_schema()["properties"]
    names = [name for name in properties if name != "metadata"]
    names += [f"metadata.{name}" for name in properties["metadata"]["properties"]]
    return tuple(name for name in names if name not in _FETCH_FIELDS)


def fingerprint(record: Record) -> int:
    """A hash of everything compared in a record: one JSON dump, so that an unchanged page costs little."""
    return hash(json.dumps(_compared(record), sort_keys=True, ensure_ascii=False))


def field_hashes(record: Record) -> array[int]:
    """A hash of each compared field's value, in :func:`compared_fields` order."""
    metadata = record.get("metadata") or {}
    values = (
        metadata.get(name.removeprefix("metadata.")) if name.startswith("metadata.") else record.get(name)
        for name in compared_fields()
    )
    return array("q", (hash(json.dumps(value, sort_keys=True, ensure_ascii=False)) for value in values))


@dataclass(frozen=True)
class _Revision:
    """A stored revision in brief: when its page was fetched, its fingerprint, and (for a revision
    this re-parse made) its fields' hashes; those of a revision read from the corpus are computed
    only if a page turns out to differ from it."""

    revision: int
    fetched: float
    fingerprint: int
    fields: array[int] | None = None


class StoredRecords:
    """What the corpus holds, in brief: each article's revisions, and the archived pages they came from."""

    def __init__(self) -> None:
        self._revisions: dict[str, list[_Revision]] = {}
        self._pages: set[str] = set()

    @classmethod
    def read(cls, root: Path) -> StoredRecords:
        stored = cls()
        for record in read_records(root) if root.is_dir() else ():
            stored.note(
                _Revision(record.get("revision", 1), _fetched(record), fingerprint(record)), record["id"]
            )
            source = record["metadata"].get("source") or {}
            if "warcRecordId" in source:
                stored._pages.add(source["warcRecordId"])
        return stored

    def compared_with(self, article_id: str, fetched: float) -> _Revision | None:
        """The newest revision of the article whose page was fetched no later than ``fetched``."""
        earlier = [known for known in self._revisions.get(article_id, ()) if known.fetched <= fetched]
        return max(earlier, key=lambda known: known.revision, default=None)

    def holds(self, article_id: str) -> bool:
        return article_id in self._revisions

    def came_from(self, record_id: str) -> bool:
        """Whether a stored record was parsed from this archived page."""
        return record_id in self._pages

    def next_revision(self, article_id: str) -> int:
        return max((known.revision for known in self._revisions.get(article_id, ())), default=0) + 1

    def note(self, revision: _Revision, article_id: str) -> None:
        self._revisions.setdefault(article_id, []).append(revision)


@dataclass
class Change:
    """A record that changed: its page, the revision it was compared with, and (examples) both records."""

    url: str
    article_id: str
    old_revision: int
    new_revision: int
    new: Record | None = None
    old: Record | None = None


@dataclass
class SiteReparse:
    """What a re-parse found in one site's archive."""

    site: str
    pages: int = 0
    unchanged: int = 0
    revised: int = 0
    added: int = 0
    duplicates: int = 0
    #: Fields that changed, with how many records they changed in.
    fields: Counter[str] = field(default_factory=Counter)
    #: Pages no record came from that the parsers refuse, by outcome (section fronts, video pages,
    #: pages the transfer cut short...).
    skipped: Counter[str] = field(default_factory=Counter)
    #: "URL: reason" of pages a stored record came from that the parsers now refuse (the record is kept).
    refused: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def lines(self, dry_run: bool) -> list[str]:
        """The site's part of the report: counts, changed fields, refused pages, example diffs."""
        would = "would be " if dry_run else ""
        lines = [
            f"{self.site}: {self.pages} archived article pages: {self.revised} {would}new revisions, "
            f"{self.added} {would}new articles, {self.unchanged} unchanged"
            + (f", {self.duplicates} the same body as another article's" if self.duplicates else "")
            + (f"; refused: {_counts(self.skipped)}" if self.skipped else "")
        ]
        if self.fields:
            lines.append(f"  fields {'that would change' if dry_run else 'changed'}: {_counts(self.fields)}")
        if self.refused:
            lines.append(f"  refused by today's parsers, the stored record kept: {len(self.refused)}")
            lines += [f"    {refusal}" for refusal in self.refused]
        for change in self.changes:
            if change.old is not None and change.new is not None:
                lines.append(f"  {change.url} (revision {change.old_revision} -> {change.new_revision}):")
                differences = field_differences(_compared(change.old), _compared(change.new))
                for name, diff in differences.items():
                    if name != "articleBody":  # the body's blocks, joined: its diff says it block by block
                        lines += [f"    {name}:", *(f"      {line}" for line in diff.splitlines()[2:])]
        return lines


@dataclass
class ReparseReport:
    """A re-parse, site by site."""

    dry_run: bool
    sites: list[SiteReparse] = field(default_factory=list)

    def summary(self) -> str:
        lines = [line for site in self.sites for line in site.lines(self.dry_run)]
        would = "would be " if self.dry_run else ""
        revised, added = sum(s.revised for s in self.sites), sum(s.added for s in self.sites)
        lines.append(f"total: {revised} {would}new revisions, {added} {would}new articles")
        return "\n".join(lines)


def reparse(
    corpus_dir: Path,
    archive_dir: Path,
    sites: Sequence[str] = (),
    window: DateWindow | None = None,
    dry_run: bool = False,
    examples: int = 3,
    compress: bool = False,
    processes: int | str = "auto",
    progress: Progress | None = None,
) -> ReparseReport:
    """Re-parse the archived article pages of ``sites`` (default: all) fetched in ``window``.

    ``examples``: changes per site shown as diffs. ``compress``: new corpus files as .jsonl.gz.
    ``processes``: parser processes, as the crawl's ``PARSE_PROCESSES`` (crawler/crawl/parse_workers.py):
    pages are read, compared and stored here while the next ones are parsed beside: by default
    ("auto") one where the machine has a second CPU, which on the 2-core benchmark machine made
    a re-parse 2 to 14% quicker than parsing in this process (bench/archive.py). ``progress``
    counts the pages re-parsed.
    """
    folders = site_folders(archive_dir, sites)
    # A dry run only reads; a real one is the corpus's one writer while it runs.
    lock = lock_corpus(corpus_dir) if not dry_run else None
    corpus = None
    try:
        stored = StoredRecords.read(corpus_dir)
        report = ReparseReport(dry_run)
        corpus = None if dry_run else Corpus(corpus_dir, compress)
        for folder in folders:
            report.sites.append(SiteReparse(folder))
        against_stored: dict[tuple[str, int], list[tuple[SiteReparse, array[int]]]] = {}
        comparings = [
            _Comparing(archive_dir, stored, corpus, site, examples, against_stored) for site in report.sites
        ]
        wanted = _wanted(window or DateWindow())
        pages = [_in_fetch_order(files, wanted) for files in folders.values()]
        sites_pages = list(zip(pages, comparings, strict=True))
        asyncio.run(_reparse_sites(sites_pages, processes, progress or Progress("reparse", quiet=True)))
    finally:
        if corpus is not None:
            corpus.close()
        if lock is not None:
            release(lock)
    _compare_with_stored(corpus_dir, report, against_stored)
    return report


def site_folders(archive_dir: Path, sites: Sequence[str] = ()) -> dict[str, list[Path]]:
    """The WARC files of each site folder of an archive (those of ``sites``, default all)."""
    if not archive_dir.is_dir():
        raise CrawlerError(f"{archive_dir}: no archive here (crawl with --warc to keep one)")
    folders = {path.name: archive_files(path) for path in sorted(archive_dir.iterdir()) if path.is_dir()}
    for site in sites:
        if site not in folders:
            known = ", ".join(folders) or "none"
            raise CrawlerError(f"{archive_dir}/{site}: no archive of this site (archived: {known})")
    return {name: files for name, files in folders.items() if not sites or name in sites}


def is_article_page(head: ResponseHead) -> bool:
    """A page the crawl would have parsed: a 2xx HTML page its site calls an article (any, with no module)."""
    if not 200 <= head.status < 300 or not head.is_html:
        return False
    try:
        return site_for_url(head.url).is_article_url(head.url)
    except UnknownSiteError:
        return True  # the generic spider follows every page its feed lists


def _wanted(window: DateWindow) -> Callable[[ResponseHead], bool]:
    def wanted(head: ResponseHead) -> bool:
        return window.admits(head.date.isoformat()) and is_article_page(head)

    return wanted


def _in_fetch_order(
    files: Iterable[Path], wanted: Callable[[ResponseHead], bool]
) -> Iterator[ArchivedResponse]:
    """The wanted responses of a site's files, oldest first.

    A file holds one worker's captures in order, of one UTC day (its name starts with it), so
    the files of a day are merged by date, one day after another.
    """
    for _, day in itertools.groupby(files, key=lambda path: _DAY.match(path.name) and path.name[:10]):
        yield from heapq.merge(*(read_responses(path, wanted) for path in day), key=lambda page: page.date)


async def _reparse_sites(
    sites: list[tuple[Iterator[ArchivedResponse], _Comparing]], processes: int | str, progress: Progress
) -> None:
    """Parse each site's pages (a few at a time in flight), and compare and store them in their order."""
    parser = PageParser(processes)
    try:
        for pages, comparing in sites:
            waiting: deque[tuple[ArchivedResponse, asyncio.Task[Record]]] = deque()
            for response in pages:
                waiting.append((response, asyncio.ensure_future(_parse(parser, response))))
                if len(waiting) >= _IN_FLIGHT:
                    await comparing.settle(*waiting.popleft())
                    progress.advance()
            while waiting:
                await comparing.settle(*waiting.popleft())
                progress.advance()
    finally:
        parser.close()


async def _parse(parser: PageParser, response: ArchivedResponse) -> Record:
    """The page's record by today's parsers, as the crawl parsed it (its body decoded, its fetch time)."""
    content = response.decoded_body(MAX_PAGE_SIZE)
    cut = response.cut_short(content)
    return await parser.parse(
        FetchedPage(
            content, response.url, response.content_type, response.date, response.status, incomplete=cut
        )
    )


@dataclass
class _Comparing:
    """Compares each page's new record with the stored one, and stores it where it changed."""

    archive_dir: Path
    stored: StoredRecords
    corpus: Corpus | None
    site: SiteReparse
    examples: int
    #: Changes found against revisions read from the corpus: (article, revision) -> (site, new fields).
    against_stored: dict[tuple[str, int], list[tuple[SiteReparse, array[int]]]]

    async def settle(self, response: ArchivedResponse, parsing: asyncio.Task[Record]) -> None:
        self.site.pages += 1
        try:
            record = await parsing
        except CrawlerError as error:
            self._refused(response, str(error), error.outcome)
            return
        except (
            Exception
        ) as error:  # a parser bug (or a parser process lost) costs its page, never the re-parse
            logger.error("parser error: %s: %r", response.url, error)
            self._refused(response, f"{response.url}: parser error: {error!r}", "failed/parser-error")
            return
        name = Path(response.file).relative_to(self.archive_dir).as_posix()
        record["metadata"]["source"] = Location(name, response.offset, response.record_id).source()
        self._compare(response, record)

    def _compare(self, response: ArchivedResponse, record: Record) -> None:
        stored, site = self.stored, self.site
        fetched, printed = _fetched(record), fingerprint(record)
        old = stored.compared_with(record["id"], fetched)
        if old is not None and old.fingerprint == printed:
            site.unchanged += 1
            return
        if not stored.holds(record["id"]):
            if self.corpus is not None and not self.corpus.add(record, validated=True):
                site.duplicates += 1
                return
            site.added += 1
            stored.note(_Revision(1, fetched, printed), record["id"])
            return
        revision = (
            self.corpus.revise(record, validated=True)
            if self.corpus is not None
            else stored.next_revision(record["id"])
        )
        hashes = field_hashes(record)
        stored.note(_Revision(revision, fetched, printed, hashes), record["id"])
        site.revised += 1
        old_revision = old.revision if old is not None else revision - 1
        if old is not None and old.fields is not None:
            site.fields.update(_differing(old.fields, hashes))
        elif old is not None:  # read from the corpus: its fields are compared once the pass is over
            self.against_stored.setdefault((record["id"], old.revision), []).append((site, hashes))
        if len(site.changes) < self.examples:
            site.changes.append(Change(response.url, record["id"], old_revision, revision, new=record))

    def _refused(self, response: ArchivedResponse, reason: str, outcome: str) -> None:
        """A page today's parsers refuse: reported when a stored record came from it, else counted."""
        if self.stored.came_from(response.record_id):
            self.site.refused.append(reason)
        else:
            self.site.skipped[outcome] += 1


def _compare_with_stored(
    corpus_dir: Path,
    report: ReparseReport,
    against_stored: dict[tuple[str, int], list[tuple[SiteReparse, array[int]]]],
) -> None:
    """Read the stored revisions that changes were found against: count their changed fields, and
    keep those the examples' diffs need."""
    examples = {(c.article_id, c.old_revision): c for s in report.sites for c in s.changes}
    wanted = set(examples) | set(against_stored)
    for record in read_records(corpus_dir) if wanted else ():
        key = (record["id"], record.get("revision", 1))
        if key in examples:
            examples[key].old = record
        for site, hashes in against_stored.get(key, ()):
            site.fields.update(_differing(field_hashes(record), hashes))
        wanted.discard(key)
        if not wanted:
            return


def _differing(old: array[int], new: array[int]) -> Iterator[str]:
    return (name for name, a, b in zip(compared_fields(), old, new, strict=True) if a != b)


def _compared(record: Record) -> dict[str, Any]:
    """The record without the fields that say where and when its page was fetched."""
    metadata = {k: v for k, v in record["metadata"].items() if f"metadata.{k}" not in _FETCH_FIELDS}
    return {k: v for k, v in record.items() if k not in _FETCH_FIELDS} | {"metadata": metadata}


def _fetched(record: Record) -> float:
    return datetime.fromisoformat(record["metadata"]["dateDownloaded"]).timestamp()


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{name} {count}" for name, count in counter.most_common())
