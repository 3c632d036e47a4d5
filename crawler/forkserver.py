"""The fork server every worker process starts from: a crawl's parsers, an ingest's file readers.

A fork server that has imported the work's modules once starts each worker warm, and no worker
inherits the starting process's threads, sockets or event loop. multiprocessing starts the server
as ``python -c ...``, which puts the current folder first on ``sys.path``: run from a folder
holding a ``crawler/`` folder (the parent of a clone), the server would import that instead of
the installed package, and every task would fail in the workers with an ImportError. So the
server is started here, with PYTHONSAFEPATH (Python 3.11+), which leaves the folder off.
Any room may import this module.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from multiprocessing.context import ForkServerContext

__all__ = ["forkserver_context"]


def forkserver_context(preload: Sequence[str]) -> ForkServerContext:
    """multiprocessing's fork server context, its server running with ``preload`` imported.

    The server is one per process: the first caller's ``preload`` is the one it keeps.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    with _current_folder_off_the_path():
        multiprocessing.forkserver.ensure_running()
    return context


@contextmanager
def _current_folder_off_the_path() -> Iterator[None]:
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before
