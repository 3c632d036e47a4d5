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

import multiprocessing
import shutil
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crawler.cpus import usable_cpus
from crawler.errors import CrawlerError
from crawler.ingest.report import FileReport, IngestReport
from crawler.ingest.selection import Selection
from crawler.ingest.sources import WarcSource
from crawler.ingest.task import PARTIAL, REPORT_FILE, FileTask, done_report, ingest_file
from crawler.progress import Progress
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
    out.mkdir(parents=True, exist_ok=True)
    out = out.resolve()
    progress = progress or Progress(quiet=True)
    report = IngestReport(len(sources))
    pending: deque[WarcSource] = deque()
    for source in sources:
        earlier = done_report(out, source, selection)
        if earlier is not None:
            report.add(earlier, earlier=True)
        else:
            pending.append(source)
    shutil.rmtree(out / PARTIAL, ignore_errors=True)  # tasks a kill cut short: their files are read again
    started = time.monotonic()
    progress.show(report.progress_line(0.0), now=True)
    with _executor(processes or usable_cpus(), dask) as (executor, slots):
        window = slots if max_articles is not None or slots == 1 else len(pending)

        def task(source: WarcSource) -> FileTask:
            most = None if max_articles is None else max_articles - report.kept
            return FileTask(source, out, selection, compress, most)

        def finished(report_of_file: FileReport) -> None:
            report.add(report_of_file)
            for warning in report_of_file.warnings:
                progress.note(f"crawler: warning: {warning}")
            progress.show(report.progress_line(time.monotonic() - started))

        _run(executor, window, pending, task, finished, report, max_articles, progress)
    progress.close()
    folders = [worker_folder(out, source.key) for source in sources]
    read = [folder for folder in folders if (folder / REPORT_FILE).is_file()]
    if read:
        report.merge = merge_corpora(read, out, compress)
    return report


def _run(
    executor: Executor,
    window: int,
    pending: deque[WarcSource],
    task: Callable[[WarcSource], FileTask],
    finished: Callable[[FileReport], None],
    report: IngestReport,
    max_articles: int | None,
    progress: Progress,
) -> None:
    """Keep ``window`` tasks running until every file is read or the articles wanted are kept."""
    running: dict[Future[FileReport], WarcSource] = {}
    while pending or running:
        while pending and len(running) < window and (max_articles is None or report.kept < max_articles):
            source = pending.popleft()
            running[executor.submit(ingest_file, task(source))] = source
        if not running:
            return
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            source = running.pop(future)
            try:
                finished(future.result())
            except CrawlerError as error:
                report.failed.append(str(error))
                progress.note(f"crawler: error: {error}")
            except Exception as error:  # a task lost with its worker, a bug: the file is not done
                report.failed.append(f"{source.location}: {type(error).__name__}: {error}")
                progress.note(f"crawler: error: {report.failed[-1]}")


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
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["crawler.ingest.task"])  # each process starts with the parsers
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
