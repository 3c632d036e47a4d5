"""What each site's pages normally carry: per field, the share of its article pages that had it.

The breakage alarm (crawler/crawl/coverage.py) judges a crawl against this rather than against
one fixed share for every site: a site without bylines on a seventh of its pages is not broken,
but the same site with bylines on none is. It is kept beside the corpus it describes, in
``<corpus>/.coverage.json``: ``{"<site>": {"pages": 240.0, "present": {"authors": 206.0, ...}}}``,
the counts of earlier crawls added up, older ones weighing less once a site has more than
``HISTORY`` pages (so that the baseline follows a site's slow drift, not its whole life).

A crawl adds its counts once it is over and raised no alarm (crawler/crawl/coverage.py): a
broken crawl must not teach the baseline that broken is normal. Removing the file, or a site's
entry, starts that site's baseline again with its next crawl.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crawler.errors import CorpusError
from crawler.files import write_text_atomically

__all__ = ["BASELINE_FILE", "HISTORY", "Baselines", "FieldCounts"]

BASELINE_FILE = ".coverage.json"
#: Article pages of history a site's baseline stands for at most.
HISTORY = 1000.0
_DAMAGED = "not a coverage baseline; remove it and the next crawls record a new one"


@dataclass(frozen=True)
class FieldCounts:
    """Article pages, and how many of them had each field (fractions once older crawls fade)."""

    pages: float
    present: Mapping[str, float]

    def share(self, name: str) -> float:
        return self.present.get(name, 0.0) / self.pages if self.pages else 0.0

    def plus(self, pages: int, present: Mapping[str, int]) -> FieldCounts:
        """These counts with a crawl's added, the older scaled down to keep ``HISTORY`` pages in all."""
        keep = min(1.0, max(0.0, HISTORY - pages) / self.pages) if self.pages else 0.0
        names = set(self.present) | set(present)
        return FieldCounts(
            self.pages * keep + pages,
            {name: self.present.get(name, 0.0) * keep + present.get(name, 0) for name in sorted(names)},
        )


class Baselines:
    """The baselines file of a corpus folder, read when opened, written whole on each change."""

    def __init__(self, corpus_dir: Path) -> None:
        self.path = corpus_dir / BASELINE_FILE
        self.sites = _read(self.path)

    def of(self, site_id: str) -> FieldCounts | None:
        """The site's baseline, or None before its first crawl."""
        return self.sites.get(site_id)

    def add(self, site_id: str, pages: int, present: Mapping[str, int]) -> None:
        """Add a crawl's counts to the site's baseline and write the file (atomically)."""
        if not pages:
            return
        self.sites = {
            **_read(self.path),
            site_id: (self.of(site_id) or FieldCounts(0, {})).plus(pages, present),
        }
        text = json.dumps(
            {site: {"pages": c.pages, "present": dict(c.present)} for site, c in sorted(self.sites.items())},
            indent=1,
        )
        try:
            write_text_atomically(self.path, text + "\n")
        except OSError as error:
            raise CorpusError(str(self.path), f"cannot write: {error.strerror}") from None


def _read(path: Path) -> dict[str, FieldCounts]:
    """The file's baselines; none when there is no file yet. A damaged file is an error naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CorpusError(str(path), f"{_DAMAGED} ({error})") from None
    try:
        return {
            str(site): FieldCounts(
                float(entry["pages"]), {str(k): float(v) for k, v in entry["present"].items()}
            )
            for site, entry in data.items()
        }
    except (AttributeError, KeyError, TypeError, ValueError) as error:
        raise CorpusError(str(path), f"{_DAMAGED} ({error!r})") from None
