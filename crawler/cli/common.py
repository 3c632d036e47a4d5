"""What the commands share: default paths, exit statuses, and the small checks of the user's words."""

from __future__ import annotations

import sys
from pathlib import Path

from crawler.errors import CrawlerError

DEFAULT_FIXTURES = Path("fixtures")
DEFAULT_CORPUS = Path("corpus")
DEFAULT_STATE = Path("state/crawl.sqlite")
DEFAULT_CONFIG = Path("crawler.toml")
#: The exit status of a crawl that raised the breakage alarm (a field's coverage below the threshold).
ALARM_STATUS = 3


def setting(item: str) -> tuple[str, str]:
    name, separator, value = item.partition("=")
    if not separator or not name:
        raise CrawlerError(f"-s {item}: expected NAME=VALUE")
    return name, value


def existing_corpus(path: Path) -> Path:
    if not path.is_dir():
        raise CrawlerError(f"{path}: no corpus folder here")
    return path


def confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        print(f"{question} no (not a terminal; use --yes)")
        return False
    return input(f"{question} [y/N] ").strip().lower() in {"y", "yes"}
