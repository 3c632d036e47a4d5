"""Progress of long work on stderr: a live line on a terminal, a plain line now and then elsewhere.

A crawl, a merge or a re-parse can run for minutes; a person at a terminal wants to see it
move, and a log read after the fact (cron, systemd's journal) wants a line every so often
saying how far it got. Both are this one object::

    with Progress("merge", total=len(files), unit="files") as progress:
        for path in files:
            ...
            progress.advance(1, records=count)

On a terminal the line is redrawn in place (at most ten times a second) and wiped at the end;
otherwise a line is written every ``interval`` seconds. ``quiet`` shows nothing. Log records
written to the same stream while the live line is up clear it first, so the two never mix.
Any room may import this module: it knows nothing but a stream and a clock.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import TextIO

__all__ = ["DEFAULT_INTERVAL", "Progress"]

#: Seconds between two plain progress lines when the stream is not a terminal.
DEFAULT_INTERVAL = 30.0
#: Seconds between two redraws of the live line.
_REDRAW = 0.1
_CLEAR = "\r\x1b[K"
_WIDTH = 100


class Progress:
    """How far a piece of work got: a count of ``unit`` (out of ``total`` when known) and named counts.

    ``advance(n, **counts)`` adds to them, ``update(done, **counts)`` sets them (for work that
    keeps its own totals, as a crawl's stats do). The line shows the rate of ``unit`` per second
    and the time elapsed.
    """

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        unit: str = "done",
        quiet: bool = False,
        stream: TextIO | None = None,
        interval: float = DEFAULT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.unit = unit
        self.done = 0
        self.counts: dict[str, int] = {}
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.live = not quiet and _is_terminal(self.stream)
        self.interval = _REDRAW if self.live else interval
        self._clock = clock
        self._started = clock()
        # On a terminal the first update is drawn at once; a log gets its first line after an interval.
        self._shown_at = self._started - self.interval if self.live else self._started
        self._drawn = False
        self._log_filter = _ClearBeforeLog(self)

    def __enter__(self) -> Progress:
        if self.live:
            for handler in logging.getLogger().handlers:
                if getattr(handler, "stream", None) is self.stream:
                    handler.addFilter(self._log_filter)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.clear()
        for handler in logging.getLogger().handlers:
            handler.removeFilter(self._log_filter)

    def advance(self, n: int = 1, **counts: int) -> None:
        """``n`` more of the unit done, and more of each named count (``errors=1``)."""
        self.done += n
        for name, value in counts.items():
            self.counts[name] = self.counts.get(name, 0) + value
        self._show_if_due()

    def update(self, done: int | None = None, **counts: int) -> None:
        """Set how many of the unit are done, and the named counts, to these totals."""
        if done is not None:
            self.done = done
        self.counts.update(counts)
        self._show_if_due()

    def echo(self, text: str, file: TextIO | None = None) -> None:
        """Print a line of the work's own output (stdout by default) without tearing the live line."""
        self.clear()
        print(text, file=file or sys.stdout, flush=self.live)

    def line(self) -> str:
        """``merge: 40/90 files (44%), 1200 records, 3.1 files/s, 0:13``."""
        elapsed = self._clock() - self._started
        done = f"{self.done}/{self.total}" if self.total is not None else str(self.done)
        parts = [f"{done} {self.unit}" + (f" ({self.done / self.total:.0%})" if self.total else "")]
        parts += [f"{value} {name}" for name, value in self.counts.items()]
        parts.append(f"{self.done / elapsed if elapsed > 0 else 0.0:.1f} {self.unit}/s")
        minutes, secs = divmod(int(elapsed), 60)
        parts.append(f"{minutes}:{secs:02d}")
        return f"{self.label}: {', '.join(parts)}"

    def clear(self) -> None:
        """Wipe the live line (the next update draws it again)."""
        if self._drawn:
            self.stream.write(_CLEAR)
            self.stream.flush()
            self._drawn = False

    def _show_if_due(self) -> None:
        if self.quiet:
            return
        now = self._clock()
        if now - self._shown_at < self.interval:
            return
        self._shown_at = now
        if self.live:
            self.stream.write(_CLEAR + self.line()[:_WIDTH])
            self._drawn = True
        else:
            self.stream.write(f"{datetime.now():%Y-%m-%d %H:%M:%S} {self.line()}\n")
        self.stream.flush()


class _ClearBeforeLog(logging.Filter):
    """A log handler's filter that wipes the live line before the handler writes a record."""

    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress

    def filter(self, record: logging.LogRecord) -> bool:
        self.progress.clear()
        return True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # a closed stream
        return False
