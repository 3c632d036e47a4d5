"""The ``crawler`` command: the user's words, mapped to the calls that do the work.

Each command lives in its own module (``pages``, ``sites``, ``corpus``, ``crawl``, ``archive``,
``ingest``), which adds its sub-command to the parser and runs it; this module parses,
dispatches, and turns a typed error into one line and an exit status (``EXIT_STATUSES`` in
``common``).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from crawler._version import __version__
from crawler.cli import archive, corpus, crawl, ingest, pages, sites
from crawler.cli.common import (
    ERROR_STATUS,
    EXIT_STATUSES,
    INTERRUPTED_STATUS,
    TERMINATED_STATUS,
    USAGE_STATUS,
    CommandParser,
    UsageError,
)
from crawler.errors import CrawlerError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = _parser().parse_args(argv)
    try:
        with _terminated_as_interrupted():
            status: int = arguments.run(arguments)
        sys.stdout.flush()  # a reader that went away (| head) is found here, not at exit
        return status
    except UsageError as error:
        print(f"crawler: error: {error}", file=sys.stderr)
        return USAGE_STATUS
    except CrawlerError as error:
        print(f"crawler: error: {error}", file=sys.stderr)
        return ERROR_STATUS
    except _Terminated:
        print("crawler: interrupted by SIGTERM", file=sys.stderr)
        return TERMINATED_STATUS
    except KeyboardInterrupt:
        print("crawler: interrupted by SIGINT", file=sys.stderr)
        return INTERRUPTED_STATUS
    except BrokenPipeError:
        return _reader_went_away()


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the command is, as Ctrl-C raises KeyboardInterrupt."""


@contextmanager
def _terminated_as_interrupted() -> Iterator[None]:
    """Stop on SIGTERM (``kill``, ``systemctl stop``) as on Ctrl-C: the command's ``with`` and
    ``finally`` blocks run (files finished or removed, locks and worker processes let go) and it
    exits 143 with one line, where the signal's default would end it on the spot.

    A crawl and the scheduler install their own handlers while they run (they stop more gently).
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may handle signals
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_terminated(number: int, frame: FrameType | None) -> None:
    raise _Terminated


def _reader_went_away() -> int:
    """The reader of stdout closed it (``crawler sites | head -1``): stop quietly, as ``cat`` does.

    What is left in stdout's buffer can never be written: stdout is pointed at /dev/null so that
    Python's own flush at exit does not fail a second time.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return ERROR_STATUS


def _parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="crawler",
        description="A clean, normalised JSON corpus from news sites.",
        epilog=EXIT_STATUSES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"crawler {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for module in (pages, sites, corpus, crawl, archive, ingest):
        module.add_commands(commands)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
