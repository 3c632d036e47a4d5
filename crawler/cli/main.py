"""The ``crawler`` command: the user's words, mapped to the calls that do the work.

Each command lives in its own module (``pages``, ``sites``, ``corpus``, ``crawl``, ``archive``,
``ingest``), which adds its sub-command to the parser and runs it; this module parses,
dispatches, and turns a typed error into one line and an exit status.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from crawler._version import __version__
from crawler.cli import archive, corpus, crawl, ingest, pages, sites
from crawler.errors import CrawlerError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    arguments = _parser().parse_args(argv)
    try:
        status: int = arguments.run(arguments)
        return status
    except CrawlerError as error:
        print(f"crawler: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("crawler: interrupted", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crawler", description="A clean, normalised JSON corpus from news sites."
    )
    parser.add_argument("--version", action="version", version=f"crawler {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    for module in (pages, sites, corpus, crawl, archive, ingest):
        module.add_commands(commands)
    return parser


if __name__ == "__main__":
    raise SystemExit(main())
