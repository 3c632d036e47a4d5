"""One writer at a time: an exclusive lock on a corpus folder (or a crawl state) for a whole run.

Two crawls appending to one corpus folder at once each skip only what the other had indexed
when it looked, and store the same articles twice (1,200 duplicate lines in one run). A crawl,
merge, reparse or ingest takes :func:`corpus_lock` on the folder it writes for as long as it
runs; a second one is refused at once with a clear error. The lock is ``flock`` on a file in
the folder, so the kernel releases it when its process dies, however it dies: no stale lock to
clean up after a SIGKILL.

Several crawlers of one process (``crawler crawl`` runs one per site) share the process's lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crawler.errors import CorpusError
from crawler.store.index import INDEX_NAME

__all__ = ["LOCK_NAME", "acquire", "corpus_lock", "exclusive_lock", "lock_corpus", "release"]

#: The lock file of a corpus folder.
LOCK_NAME = ".lock"
#: Locks this process holds: the lock file's path, its descriptor, how many holders share it, and
#: whether taking it created the folder (1), which is then removed if it is left empty.
_HELD: dict[Path, list[int]] = {}


@contextmanager
def corpus_lock(folder: Path) -> Iterator[None]:
    """Hold the corpus folder's lock for the block (the folder is created if need be)."""
    key = lock_corpus(folder)
    try:
        yield
    finally:
        release(key)


def lock_corpus(folder: Path) -> Path:
    """Take the corpus folder's lock until :func:`release`; CorpusError if another run holds it."""
    return acquire(folder / LOCK_NAME, str(folder), "another crawl, merge, reparse or ingest is writing here")


@contextmanager
def exclusive_lock(path: Path, name: str, taken: str) -> Iterator[None]:
    """Hold an exclusive lock on the file at ``path``; CorpusError(name, taken...) if it is taken."""
    key = acquire(path, name, taken)
    try:
        yield
    finally:
        release(key)


def acquire(path: Path, name: str, taken: str) -> Path:
    """Take the lock (see :func:`exclusive_lock`); returns what :func:`release` takes back."""
    key = path.resolve() if path.parent.exists() else path.absolute()
    if key in _HELD:
        _HELD[key][1] += 1
        return key
    created = not path.parent.exists()
    descriptor = _open(path)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        raise CorpusError(name, f"{taken}; wait for it to end, or write elsewhere") from None
    _HELD[key] = [descriptor, 1, int(created)]
    return key


def _open(path: Path) -> int:
    """The lock file, opened (and created, with its folder, if need be).

    A read-only folder's existing lock file is opened for reading, which flock allows: the run
    then fails at its first write, as it would without a lock, saying the folder is read-only.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            raise CorpusError(str(path), f"cannot write: {error.strerror}") from None


def release(key: Path) -> None:
    """Give back a lock taken with :func:`acquire` (the last holder unlocks it)."""
    held = _HELD.get(key)
    if held is None:
        return
    held[1] -= 1
    if held[1] == 0:
        del _HELD[key]
        if held[2]:
            _remove_if_unused(key)
        os.close(held[0])  # closing the descriptor releases the flock


def _remove_if_unused(path: Path) -> None:
    """Remove a folder the lock created that no record was written to (a worker that stored
    nothing): it holds only the lock and an empty index, which is always safe to delete.

    Done while the lock is held: a run that opens the lock file meanwhile finds it taken.
    """
    try:
        left = os.listdir(path.parent)
        if all(name == path.name or name.startswith(INDEX_NAME) for name in left):
            for name in left:
                (path.parent / name).unlink()
            path.parent.rmdir()
    except OSError:
        pass  # written to meanwhile, or not ours to remove: it stays
