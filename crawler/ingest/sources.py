"""What to ingest: WARC files named by path, folder, glob or URL, or the CC-NEWS files of some months.

Common Crawl publishes its news archive, CC-NEWS, as a listing per month,
``crawl-data/CC-NEWS/YYYY/MM/warc.paths.gz``: one WARC file's path a line, under a base URL
(``https://data.commoncrawl.org/``; a mirror, or a local copy of the tree, serves as well).
Every source is checked here, before any work starts, and a bad one is one clear error naming
it: a path that does not exist, a file that is not WARC, a folder or glob with no WARC file, a
malformed month range, a listing that cannot be had.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from crawler.archive import archive_files, is_warc_file
from crawler.archive.remote import fetch, is_url
from crawler.errors import ArchiveError, CrawlerError

__all__ = ["CC_NEWS_BASE", "WarcSource", "cc_news_months", "cc_news_sources", "warc_sources"]

CC_NEWS_BASE = "https://data.commoncrawl.org/"
#: A month's listing is a few hundred lines; anything much larger is not one.
_LISTING_MAX_SIZE = 16 * 1024 * 1024
_MONTHS = re.compile(r"^(\d{4})/(\d{2})(?:-(\d{4})/(\d{2}))?$")
_GLOB = re.compile(r"[*?\[]")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True)
class WarcSource:
    """One WARC file to ingest: an absolute path, or an http(s) URL read as a stream."""

    location: str

    @property
    def readable(self) -> Path | str:
        """What the archive's reader takes: a Path, or the URL."""
        return self.location if is_url(self.location) else Path(self.location)

    @property
    def key(self) -> str:
        """The name of the file's folder of records (``OUT/workers/<key>/``): its name, and a hash
        of what it is (a URL's path, so that a mirror's copy is the same file; a file's path)."""
        identity = urlsplit(self.location).path if is_url(self.location) else self.location
        name = identity.rstrip("/").rsplit("/", 1)[-1]
        for suffix in (".gz", ".warc"):
            name = name.removesuffix(suffix)
        digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:10]
        return f"ingest-{_UNSAFE.sub('_', name)[:80]}-{digest}"


def warc_sources(arguments: Sequence[str]) -> list[WarcSource]:
    """The WARC files that paths, folders, globs and URLs name, in order, each once."""
    found: list[WarcSource] = []
    for argument in arguments:
        found += _sources_of(argument)
    return list(dict.fromkeys(found))


def _sources_of(argument: str) -> list[WarcSource]:
    if is_url(argument):
        return [WarcSource(argument)]
    if argument.startswith(("ftp://", "s3://", "file://")):
        raise CrawlerError(f"{argument}: only http(s) URLs and local paths are read")
    if _GLOB.search(argument):
        matched = sorted(Path(name) for name in glob.glob(argument, recursive=True))
        files = [path for path in matched if path.is_file() and path.name.endswith(_WARC_SUFFIXES)]
        if not files:
            raise CrawlerError(f"{argument}: no WARC files (*.warc, *.warc.gz) match")
        return [WarcSource(str(path.resolve())) for path in files]
    path = Path(argument)
    if path.is_dir():
        files = archive_files(path)
        if not files:
            raise CrawlerError(f"{argument}: no WARC files (*.warc, *.warc.gz) in this folder")
        return [WarcSource(str(file.resolve())) for file in files]
    if not path.exists():
        raise CrawlerError(f"{argument}: no such file or folder")
    if not is_warc_file(path):
        raise CrawlerError(f"{argument}: not a WARC file (it does not start with a WARC record)")
    return [WarcSource(str(path.resolve()))]


def cc_news_months(text: str) -> list[tuple[int, int]]:
    """The months of ``YYYY/MM`` or ``YYYY/MM-YYYY/MM``, in order; a CrawlerError naming a bad range."""
    match = _MONTHS.match(text.strip())
    first = (int(match[1]), int(match[2])) if match else (0, 0)
    last = (int(match[3]), int(match[4])) if match and match[3] else first
    if not match or not all(1 <= month <= 12 for _, month in (first, last)) or first > last:
        raise CrawlerError(
            f"--cc-news {text}: expected YYYY/MM or YYYY/MM-YYYY/MM (months 01 to 12, the first "
            "not after the last), e.g. 2024/01-2024/03"
        )
    months = []
    year, month = first
    while (year, month) <= last:
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def cc_news_sources(months: Iterable[tuple[int, int]], base: str = CC_NEWS_BASE) -> list[WarcSource]:
    """The WARC files CC-NEWS lists for the months, under ``base`` (a URL, or a local copy's folder)."""
    root = base if base.endswith("/") else base + "/"
    sources: list[WarcSource] = []
    for year, month in months:
        listing = f"{root}crawl-data/CC-NEWS/{year:04d}/{month:02d}/warc.paths.gz"
        sources += [WarcSource(_under(root, line)) for line in _listed(listing)]
    return sources


def _listed(listing: str) -> list[str]:
    """The paths a ``warc.paths.gz`` listing gives, one a line."""
    try:
        packed = fetch(listing, _LISTING_MAX_SIZE) if is_url(listing) else Path(listing).read_bytes()
    except ArchiveError as error:
        raise CrawlerError(f"CC-NEWS listing {error}") from None
    except OSError as error:
        raise CrawlerError(f"CC-NEWS listing {listing}: cannot read: {error.strerror or error}") from None
    try:
        text = gzip.decompress(packed).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError):
        raise CrawlerError(f"CC-NEWS listing {listing}: not a gzip-compressed list of paths") from None
    return [line.strip() for line in text.splitlines() if line.strip()]


def _under(root: str, path: str) -> str:
    """A listed path under the base: a URL, or an absolute local path."""
    return root + path.lstrip("/") if is_url(root) else str((Path(root) / path).resolve())
