"""A progress line for long runs: redrawn in place on a terminal, a plain line now and then elsewhere.

On a terminal the line is redrawn at most every half second, so a fast loop costs nothing; in
a log (a pipe, a file, a batch job's output) a plain line is written every ``every`` seconds,
so the log shows the run moving without one line per step. Quiet, nothing is written. Any long
run can use it: it knows lines of text, not what they count.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

__all__ = ["Progress"]

#: The least time between two redraws on a terminal.
_REDRAW = 0.5


class Progress:
    """One line that says how a run is going, written to ``stream`` (stderr by default)."""

    def __init__(
        self,
        stream: TextIO | None = None,
        quiet: bool = False,
        every: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.live = not quiet and self.stream.isatty()
        self.every = _REDRAW if self.live else every
        self.clock = clock
        self._last = clock()
        self._width = 0

    def show(self, line: str, now: bool = False) -> None:
        """Show the line, if the last one was shown long enough ago (or ``now``)."""
        moment = self.clock()
        if self.quiet or (not now and moment - self._last < self.every):
            return
        self._last = moment
        if self.live:
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def note(self, line: str) -> None:
        """Write a line that stays (a warning), above the live line, even when quiet."""
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0
        self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        """Clear the live line, so that what is printed next starts on a clean line."""
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
