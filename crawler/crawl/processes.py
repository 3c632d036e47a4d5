"""Helper processes at the end of a socket the crawl's event loop reads: parser workers, the archive writer.

A process's work must not share the crawl process's interpreter lock with Scrapy's engine, nor
wait on a thread the engine starves; a socket pair read and written as asyncio streams avoids
both (see crawler/crawl/parse_workers.py).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["start_process"]

#: Room in the kernel for several pages on their way: the process then finds its next one there
#: even while the crawl's event loop is busy (with the default ~200 KB, one page filled it and a
#: parser worker waited for the loop about a third of the time).
_SOCKET_BUFFER = 4 * 1024 * 1024


async def start_process(
    target: Callable[..., None], args: tuple[Any, ...], name: str, preload: str
) -> tuple[Any, asyncio.StreamReader, asyncio.StreamWriter]:
    """Start ``target(their_socket, *args)`` in a process; the process, and the crawl's end as streams.

    A fork server that has imported ``preload`` once starts each process warm, and no process
    inherits the crawl process's reactor, sockets or threads.
    """
    ours, theirs = socket.socketpair()
    for end in (ours, theirs):
        end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SOCKET_BUFFER)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([preload])
    process = context.Process(target=target, args=(theirs, *args), name=name, daemon=True)
    with _current_folder_off_the_path():
        process.start()
    theirs.close()
    reader, writer = await asyncio.open_connection(sock=ours)
    return process, reader, writer


@contextmanager
def _current_folder_off_the_path() -> Iterator[None]:
    """Start the fork server (with the first process) without the current folder on its path.

    multiprocessing starts it as ``python -c ...``, which puts the current folder first on
    ``sys.path``: run from a folder holding a ``crawler/`` folder (the parent of a clone), the
    server would import that instead of the installed package, and every page would fail in
    the workers with an ImportError. PYTHONSAFEPATH (Python 3.11+) leaves the folder off.
    """
    before = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = before
