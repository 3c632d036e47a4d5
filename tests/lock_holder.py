"""Another process holding a corpus folder's lock, for tests of a second writer being refused."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_HOLD = """
import sys
from pathlib import Path
from crawler.store.lock import corpus_lock
with corpus_lock(Path(sys.argv[1])):
    print("locked", flush=True)
    sys.stdin.read()
"""


@contextmanager
def lock_held_elsewhere(folder: Path) -> Iterator[None]:
    """Hold ``folder``'s corpus lock in another process for the block (locks are per process)."""
    pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE}
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(folder)], text=True, **pipes)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.communicate("")
