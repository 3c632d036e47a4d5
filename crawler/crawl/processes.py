"""Helper processes at the end of a socket the crawl's event loop reads: parser workers, the archive writer.

A process's work must not share the crawl process's interpreter lock with Scrapy's engine, nor
wait on a thread the engine starves; a socket pair read and written as asyncio streams avoids
both (see crawler/crawl/parse_workers.py).
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

from crawler.forkserver import forkserver_context

__all__ = ["start_process"]

#: Room in the kernel for several pages on their way: the process then finds its next one there
#: even while the crawl's event loop is busy (with the default ~200 KB, one page filled it and a
#: parser worker waited for the loop about a third of the time).
_SOCKET_BUFFER = 4 * 1024 * 1024
#: What the crawl's helper processes run, imported once by the fork server they all start from.
#: The server is one per process and keeps what its first caller named: with ``--warc`` the
#: archive's writer came first (robots.txt is archived before any page is parsed), and each
#: parser process then imported the whole parsing stack itself.
_HELPER_MODULES = ("crawler.sites.parse", "crawler.archive.serve")


async def start_process(
    target: Callable[..., None], args: tuple[Any, ...], name: str
) -> tuple[Any, asyncio.StreamReader, asyncio.StreamWriter]:
    """Start ``target(their_socket, *args)`` in a process; the process, and the crawl's end as streams.

    The fork server (crawler/forkserver.py) has imported _HELPER_MODULES once, and no process
    inherits the crawl process's reactor, sockets or threads.
    """
    ours, theirs = socket.socketpair()
    for end in (ours, theirs):
        end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, _SOCKET_BUFFER)
    context = forkserver_context(_HELPER_MODULES)
    process = context.Process(target=target, args=(theirs, *args), name=name, daemon=True)
    process.start()
    theirs.close()
    reader, writer = await asyncio.open_connection(sock=ours)
    return process, reader, writer
