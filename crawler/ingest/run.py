"""Running an ingest: each WARC file a task, on this machine's cores or a Dask cluster, then one merge.

Tasks (crawler/ingest/task.py) are handed to an executor: in this process when there is one
process, a pool of processes (one per usable CPU by default), or a Dask distributed cluster
(``--dask tcp://scheduler:8786``), whose workers may be on other machines. Each task writes its
file's records to a folder of its own under ``OUT/workers/``, as the workers of a distributed
crawl do, and the run ends with the same merge as ``crawler corpus merge`` (crawler/store/merge.py):
oldest capture first, deduplicated, revisions where an article changed.

Which files are done is what ``OUT/workers/`` holds: a run leaves out every file an earlier
run finished with the same selection, reads the others (a file cut off by a kill is read again
from its start), and merges the folders of all. The merge is idempotent and puts records in
capture order, so a run killed at any point and started again ends with the corpus of a run
never killed. A file that cannot be read to its end (a download that kept breaking off) is not
done: it is reported, the run exits 1, and the next run reads it again.
"""

from __future__ import annotations

import shutil
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.cpus import usable_cpus
from crawler.errors import CrawlerError
from crawler.forkserver import forkserver_context
from crawler.ingest.report import FileReport, IngestReport
from crawler.ingest.selection import Selection
from crawler.ingest.sources import WarcSource
from crawler.ingest.task import PARTIAL, REPORT_FILE, FileTask, done_report, ingest_file
from crawler.progress import Progress
from crawler.store.lock import corpus_lock
from crawler.store.merge import merge_corpora, worker_folder

__all__ = ["ingest"]


def ingest(
    sources: Sequence[WarcSource],
    out: Path,
    selection: Selection,
    *,
    processes: int | None = None,
    dask: str | None = None,
    compress: bool = False,
    max_articles: int | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest the WARC files into the corpus at ``out``; what was done, file by file and in all.

    ``processes``: tasks at once on this machine (default: one per usable CPU). ``dask``: the
    address of a Dask scheduler to run the tasks on instead. ``max_articles``: stop starting
    files once this many articles are kept (files already reading stop at what was left).
    """
    with corpus_lock(out):  # the corpus's one writer, from the first task to the merge
        return _ingest(sources, out, selection, processes, dask, compress, max_articles, progress)


def _ingest(
    sources: Sequence[WarcSource],
    out: Path,
    selection: Selection,
    processes: int | None,
    dask: str | None,
    compress: bool,
    max_articles: int | None,
    progress: Progress | None,
) -> IngestReport:
    run = _Run(out.resolve(), selection, compress, max_articles, progress or Progress("ingest", quiet=True))
    pending = run.pending(sources)
    shutil.rmtree(run.out / PARTIAL, ignore_errors=True)  # tasks a kill cut short: read again
    run.progress.total = len(sources)
    run.show_progress()
    # No more processes than files: a single file is read in this process.
    with _executor(min(processes or usable_cpus(), max(len(pending), 1)), dask) as (executor, slots):
        run.read(pending, executor, slots)
    run.progress.clear()
    folders = [worker_folder(run.out, source.key) for source in sources]
    read = [folder for folder in folders if (folder / REPORT_FILE).is_file()]
    if read:
        run.report.merge = merge_corpora(read, run.out, compress)
    return run.report


@dataclass
class _Run:
    """One run's settings and what it has done so far."""

    out: Path
    selection: Selection
    compress: bool
    max_articles: int | None
    progress: Progress
    report: IngestReport = field(default_factory=lambda: IngestReport(0))

    def pending(self, sources: Sequence[WarcSource]) -> deque[WarcSource]:
        """The files to read; those an earlier run finished are counted from their reports."""
        self.report.files = len(sources)
        pending: deque[WarcSource] = deque()
        for source in sources:
            earlier = done_report(self.out, source, self.selection)
            if earlier is not None:
                self.report.add(earlier, earlier=True)
            else:
                pending.append(source)
        return pending

    def read(self, pending: deque[WarcSource], executor: Executor, slots: int) -> None:
        """Keep tasks running (all at once, or ``slots`` while articles are counted) until every
        file is read or the articles wanted are kept."""
        window = slots if self.max_articles is not None or slots == 1 else len(pending)
        running: dict[Future[FileReport], WarcSource] = {}
        while pending or running:
            while pending and len(running) < window and not self._enough():
                source = pending.popleft()
                running[executor.submit(ingest_file, self._task(source))] = source
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                self._finished(running.pop(future), future)

    def _task(self, source: WarcSource) -> FileTask:
        most = None if self.max_articles is None else self.max_articles - self.report.kept
        return FileTask(source, self.out, self.selection, self.compress, most)

    def _enough(self) -> bool:
        return self.max_articles is not None and self.report.kept >= self.max_articles

    def _finished(self, source: WarcSource, future: Future[FileReport]) -> None:
        """Count a file's report, or say why it could not be read (it is then not done)."""
        try:
            report = future.result()
        except CrawlerError as error:
            self._failed(str(error))
            return
        except Exception as error:  # a task lost with its worker, a bug: the file is not done
            self._failed(f"{source.location}: {type(error).__name__}: {error}")
            return
        self.report.add(report)
        for warning in report.warnings:
            self.progress.echo(f"crawler: warning: {warning}", file=sys.stderr)
        self.show_progress()

    def show_progress(self) -> None:
        """``ingest: 3/12 files (25%), 45210 records, 310 kept, 1 failed, 0.2 files/s, 0:13``."""
        report = self.report
        self.progress.update(
            report.earlier + report.done, records=report.records, kept=report.kept, failed=len(report.failed)
        )

    def _failed(self, line: str) -> None:
        self.report.failed.append(line)
        self.progress.echo(f"crawler: error: {line}", file=sys.stderr)
        self.show_progress()


@contextmanager
def _executor(processes: int, dask: str | None) -> Iterator[tuple[Executor, int]]:
    """Where tasks run, and how many at once."""
    if dask:
        client = _dask_client(dask)
        try:
            yield client.get_executor(pure=False), max(1, sum(client.nthreads().values()))
        finally:
            client.close()
    elif processes == 1:
        yield _InThisProcess(), 1
    else:
        # forkserver: no pool process inherits this one's threads (a Dask client's, a test's server)
        context = forkserver_context(["crawler.ingest.task"])  # each process starts with the parsers
        with ProcessPoolExecutor(processes, mp_context=context) as pool:
            yield pool, processes


def _dask_client(address: str) -> Any:
    """A client of the Dask scheduler at ``address``, or one clear error."""
    from distributed import Client  # only a run on a cluster pays for importing Dask

    try:
        return Client(address, timeout=10, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise CrawlerError(f"--dask {address}: cannot reach the Dask scheduler: {error}") from None


class _InThisProcess(Executor):
    """Runs each task when it is submitted, here: one process has nothing to hand work to."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:
            future.set_exception(error)
        return future
