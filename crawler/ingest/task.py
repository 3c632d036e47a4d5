"""One WARC file ingested: its wanted pages parsed into a folder of records of its own, moved in whole.

A task runs wherever it is sent: in this process, in a process of the machine's pool, or on a
Dask worker of another machine (which must see the corpus folder at the same path). It reads
the file once, skipping each record as early as the selection can tell (crawler/ingest/selection.py),
parses the pages it keeps with their site's parser (the generic one for a site with no module),
and appends the records to a corpus of its own under ``OUT/.ingest/partial/``, deduplicated as
any corpus is. Only once the file is read to its end (or to the damage that ends it) is that
folder moved, in one rename, to ``OUT/workers/<key>/`` with the file's report in it
(``ingest.json``): a folder there always holds a whole file's records, and says the file is
done. A task killed at any point leaves a partial folder only; the next run removes it and
reads the file again from its start, so no record is stored twice or missed.
"""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from crawler.archive import ArchivedResponse, Location, ResponseHead, Responses
from crawler.errors import CorpusError, CrawlerError
from crawler.extract.page import MAX_PAGE_SIZE, Page
from crawler.files import write_json
from crawler.ingest.report import FileReport
from crawler.ingest.selection import Selection, site_key
from crawler.ingest.sources import WarcSource
from crawler.record import Record
from crawler.sites.parse import parse
from crawler.store.corpus import Corpus
from crawler.store.merge import worker_folder

__all__ = ["PARTIAL", "REPORT_FILE", "FileTask", "done_report", "ingest_file"]

#: A finished file's report, in its folder of records.
REPORT_FILE = "ingest.json"
#: Where tasks write until their file is done, under the corpus folder.
PARTIAL = Path(".ingest") / "partial"


@dataclass(frozen=True)
class FileTask:
    """One WARC file to ingest into the corpus folder ``out`` (an absolute path).

    ``most``: stop once this many articles are kept (what is left of the run's --max-articles).
    """

    source: WarcSource
    out: Path
    selection: Selection
    compress: bool = False
    most: int | None = None


def ingest_file(task: FileTask) -> FileReport:
    """Read the file, store what the selection keeps, and move the records in as the file's folder."""
    if not task.out.is_dir():
        raise CorpusError(
            str(task.out), "no such folder here (with --dask, every worker must see it at the same path)"
        )
    partial = task.out / PARTIAL / f"{task.source.key}-{uuid.uuid4().hex[:8]}"
    partial.mkdir(parents=True)
    report = FileReport(task.source.location)
    with Corpus(partial, task.compress) as corpus:
        _read(task, corpus, report)
    write_json(partial / REPORT_FILE, {"selection": task.selection.describe(), **report.to_json()})
    _move_in(partial, worker_folder(task.out, task.source.key))
    return report


def done_report(out: Path, source: WarcSource, selection: Selection) -> FileReport | None:
    """The report of a file an earlier run read to its end with the same selection, or None.

    A file is known by its key (its URL's path): the same file from a mirror (another
    ``--cc-news-base``) is the file already read."""
    path = worker_folder(out, source.key) / REPORT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        report = FileReport.from_json(data)
    except (OSError, ValueError, KeyError, TypeError):
        return None
    same = data.get("selection") == selection.describe()
    return report if same and report.complete else None


def _read(task: FileTask, corpus: Corpus, report: FileReport) -> None:
    """Each record of the file, skipped as early as it can be, or parsed and stored."""
    selection = task.selection

    def target(url: str, captured: datetime) -> bool:
        why = selection.skip_target(url, captured)
        if why is not None:
            report.skipped[why] += 1
        return why is None

    def wanted(head: ResponseHead) -> bool:
        is_record_id = head.record_id.startswith("<") and head.record_id.endswith(">")
        why = selection.skip_head(head) if is_record_id else "no-record-id"
        if why is not None:
            report.skipped[why] += 1
        return why is None

    responses = Responses(task.source.readable, wanted, target, warn=report.warn)
    pages = iter(responses)
    try:
        for response in pages:
            _store(response, task, corpus, report)
            if task.most is not None and report.kept >= task.most:
                report.complete = False
                break
    finally:
        pages.close()  # a stop before the end (--max-articles) closes the file now
    report.records, report.bytes = responses.records, responses.position


def _store(response: ArchivedResponse, task: FileTask, corpus: Corpus, report: FileReport) -> None:
    """Parse one page and store its record, or count why not."""
    site = report.site(site_key(response.url))
    site.pages += 1
    try:
        record = _parsed(response)
    except CrawlerError as error:
        site.dropped[error.outcome] += 1
        return
    except Exception as error:  # a parser bug costs its page, never the file
        site.dropped["failed/parser-error"] += 1
        report.warn(f"{response.url}: parser error: {error!r}")
        return
    site.parsed(record)
    why = task.selection.skip_record(record)
    if why is not None:
        site.dropped[why] += 1
        return
    where = Location(task.source.location, response.offset, response.record_id)
    record["metadata"]["source"] = where.source()
    if corpus.add(record, validated=True):
        site.kept += 1
    else:
        site.duplicates += 1


def _parsed(response: ArchivedResponse) -> Record:
    """The page's record, as a crawl that had fetched it then would have made it."""
    body = response.decoded_body(MAX_PAGE_SIZE)
    page = Page.from_bytes(
        body, response.url, response.content_type, response.date, response.status, response.cut_short(body)
    )
    return parse(page)


def _move_in(partial: Path, folder: Path) -> None:
    """Make ``partial`` the file's folder in one rename (an older run's folder of it is replaced)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists():
        replaced = partial.with_name(f"{partial.name}-replaced")
        folder.rename(replaced)
        shutil.rmtree(replaced)
    partial.rename(folder)
