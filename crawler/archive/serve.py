"""An archive writer in a process of its own: exchanges in through a socket, their locations out.

A crawl's event loop must not wait for the archive, nor share its interpreter lock with it (the
records are built, digested, compressed and synced here). It writes each exchange to the
socket, framed as an 8-byte length and a pickle of ``(folder, exchange)``, and reads back, in
the same order, ``(True, source)`` once the record is on disk, or ``(False, ArchiveError)``.
Whatever has arrived is written, then synced once, then answered: one fsync for many records
when the crawl is fast. After a failure every later exchange is answered with the same error.
When the socket closes, the writer syncs and closes its files, and the process ends.
"""

from __future__ import annotations

import contextlib
import pickle
import socket
import struct
from typing import Any

from crawler.archive.writer import ArchiveWriter
from crawler.errors import ArchiveError

__all__ = ["FRAME", "frame", "serve"]

#: The length that heads each message.
FRAME = struct.Struct("!Q")
_RECEIVE = 1 << 20


def frame(message: Any) -> bytes:
    """A message as it goes through the socket."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return FRAME.pack(len(data)) + data


def serve(connection: socket.socket, writer: ArchiveWriter) -> None:
    """Write what comes through the connection until it closes; answer each exchange in order."""
    failed: ArchiveError | None = None
    waiting = bytearray()
    while chunk := connection.recv(_RECEIVE):
        waiting += chunk
        exchanges = []
        while len(waiting) >= FRAME.size and len(waiting) >= FRAME.size + FRAME.unpack_from(waiting)[0]:
            end = FRAME.size + FRAME.unpack_from(waiting)[0]
            exchanges.append(pickle.loads(waiting[FRAME.size : end]))
            del waiting[:end]
        answers, failed = _write(writer, exchanges, failed)
        connection.sendall(b"".join(frame(answer) for answer in answers))
    with contextlib.suppress(ArchiveError):  # no one waits for an answer now; the files hold whole records
        writer.close()


def _write(
    writer: ArchiveWriter, exchanges: list[Any], failed: ArchiveError | None
) -> tuple[list[tuple[bool, Any]], ArchiveError | None]:
    """Write the exchanges, then sync once; an answer for each, and the failure, if any."""
    sources: list[Any] = []
    for folder, exchange in exchanges:
        if failed is None:
            try:
                sources.append(writer.write(folder, exchange).source())
                continue
            except ArchiveError as error:
                failed = error
        sources.append(None)
    if failed is None and exchanges:
        try:
            writer.sync()
        except ArchiveError as error:
            failed = error
    return [(True, source) if failed is None else (False, failed) for source in sources], failed
