"""The peak memory of a command, measured from a small process of its own.

Linux keeps a process's peak resident size across ``fork`` and ``exec``: a command started by
the test process itself (hundreds of megabytes once many tests have run) reports at least the
test process's size as its own peak. Started from a freshly spawned Python that imports nothing
else, the command's peak is its own.
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
from pathlib import Path


def peak_memory_kb(command: list[str], cwd: Path, environment: dict[str, str], log: Path) -> tuple[int, int]:
    """Run ``command`` to its end, its output in ``log``; (its wait status, its peak RSS in KB)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        result: tuple[int, int] = pool.apply(_run, (command, str(cwd), environment, str(log)))
    return result


def _run(command: list[str], cwd: str, environment: dict[str, str], log: str) -> tuple[int, int]:
    with open(log, "wb") as output:
        child = subprocess.Popen(command, cwd=cwd, env=environment, stdout=output, stderr=output)
        _, status, usage = os.wait4(child.pid, 0)
    return status, usage.ru_maxrss
