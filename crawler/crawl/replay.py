"""Replay a crawl offline: every request is answered from saved responses, by URL, never from the network.

The saved responses are fixture folders (``REPLAY_DIR``, ``crawler crawl --replay``) or a web
archive (``REPLAY_WARC``, ``--replay-warc``):

- Any folder under the replay root with a ``meta.json`` (url, status, headers, fetchedAt) and a
  body file (``page.html`` or ``body.xml``) answers for its URL.
- Every HTTP response record of the WARC files under the folder answers for its target URI (the
  latest capture, where a URL was fetched more than once), with its headers and its body as the
  server sent them: the crawl's own decompression, redirects and parsers run as they did. The
  page's ``dateDownloaded`` is the capture's date and its ``metadata.source`` the capture's
  record, so a replayed crawl stores the records the archived crawl stored.

Tracking parameters are ignored in URLs. A URL with no saved response is a counted miss with one
log line; robots.txt without one is answered 404 (allow all). A conditional request
(``If-None-Match``, ``If-Modified-Since``) that matches the saved ``ETag`` or ``Last-Modified``
is answered 304 with no body, as a server would. Replayed responses are flagged ``replayed``, so
that an archiving crawl does not archive them again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers, Request, Response
from scrapy.responsetypes import responsetypes

from crawler.archive import archive_files, read_heads, read_response
from crawler.crawl.meta import FETCHED_AT_META, REPLAYED_FLAG, SOURCE_META
from crawler.errors import ArchiveError, FixtureError
from crawler.extract.urls import clean_url

logger = logging.getLogger(__name__)

BODY_FILES = ("page.html", "body.xml")


@dataclass(frozen=True)
class SavedFixture:
    """One fixture's response: where its body is, the facts of its fetch, and its folder."""

    body_path: Path
    status: int
    headers: dict[str, str]
    fetched_at: datetime
    #: The fixture folder, relative to the replay root: the record's ``metadata.source``.
    folder: str

    @property
    def source(self) -> dict[str, Any]:
        return {"fixture": self.folder}

    def read(self) -> tuple[int, Headers, bytes]:
        """The status, headers and body to answer with."""
        return self.status, Headers(self.headers), self.body_path.read_bytes()


@dataclass(frozen=True)
class SavedCapture:
    """One archived response: the WARC file and offset of its record, and when it was fetched."""

    path: Path
    offset: int
    fetched_at: datetime
    source: dict[str, Any]

    def read(self) -> tuple[int, Headers, bytes]:
        """The status, headers (repeated ones repeated) and body, as the archive holds them."""
        response = read_response(self.path, self.offset)
        headers = Headers()
        for name, value in response.headers:
            headers.appendlist(name, value)
        return response.status, headers, response.body


Saved = SavedFixture | SavedCapture


def index_fixtures(root: Path) -> dict[str, SavedFixture]:
    """Every saved response under ``root``, keyed by its clean URL."""
    if not root.is_dir():
        raise FixtureError(str(root), "replay folder not found")
    saved: dict[str, SavedFixture] = {}
    for meta_path in sorted(root.rglob("meta.json")):
        body = next(
            (meta_path.parent / name for name in BODY_FILES if (meta_path.parent / name).is_file()), None
        )
        if body is None:
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            saved[clean_url(meta["url"])] = SavedFixture(
                body_path=body,
                status=int(meta.get("status", 200)),
                headers=dict(meta.get("headers", {})),
                fetched_at=datetime.fromisoformat(meta["fetchedAt"]),
                folder=meta_path.parent.relative_to(root).as_posix(),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise FixtureError(str(meta_path), f"unreadable fetch facts: {error}") from None
    return saved


def index_archive(root: Path) -> dict[str, SavedCapture]:
    """Every archived response under ``root`` (a folder of WARC files, or one), keyed by its clean URL.

    Where a URL was captured more than once, the latest capture answers. Sources name the
    files relative to ``root``, as the archive that wrote them did.
    """
    if not root.exists():
        raise ArchiveError(str(root), "replay archive not found")
    files = archive_files(root)
    if not files:
        raise ArchiveError(str(root), "no WARC files (*.warc.gz) here")
    saved: dict[str, SavedCapture] = {}
    for path in files:
        name = path.name if root.is_file() else path.relative_to(root).as_posix()
        for head in read_heads(path):
            key = clean_url(head.url)
            if key not in saved or saved[key].fetched_at <= head.date:
                source = {"warcFile": name, "warcOffset": head.offset, "warcRecordId": head.record_id}
                saved[key] = SavedCapture(path, head.offset, head.date, source)
    return saved


class ReplayMiddleware:
    """Downloader middleware that answers from fixtures (``REPLAY_DIR``) or an archive (``REPLAY_WARC``)."""

    def __init__(self, saved: dict[str, SavedFixture] | dict[str, SavedCapture], stats: Any) -> None:
        self.saved: dict[str, Saved] = dict(saved)
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReplayMiddleware:
        fixtures, archive = crawler.settings.get("REPLAY_DIR"), crawler.settings.get("REPLAY_WARC")
        if fixtures:
            return cls(index_fixtures(Path(fixtures)), crawler.stats)
        if archive:
            return cls(index_archive(Path(archive)), crawler.stats)
        raise NotConfigured

    def process_request(self, request: Request, spider: Any = None) -> Response:
        saved = self.saved.get(clean_url(request.url))
        if saved is None:
            if request.url.endswith("/robots.txt"):
                return Response(request.url, status=404, request=request, flags=[REPLAYED_FLAG])
            self.stats.inc_value("replay/miss")
            logger.warning("replay miss: no saved response for %s", request.url)
            raise IgnoreRequest(f"no saved response for {request.url}")
        self.stats.inc_value("replay/hit")
        status, headers, body = saved.read()
        request.meta[FETCHED_AT_META] = saved.fetched_at
        request.meta[SOURCE_META] = saved.source
        if not_modified(request.headers, headers):
            self.stats.inc_value("replay/not-modified")
            return Response(
                request.url, status=304, headers=_validators(headers), request=request, flags=[REPLAYED_FLAG]
            )
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(
            url=request.url, status=status, headers=headers, body=body, request=request, flags=[REPLAYED_FLAG]
        )


def not_modified(request: Headers, saved: Headers) -> bool:
    """Whether a conditional request's validators match the saved response (RFC 9110, 13.2.2).

    ``If-None-Match`` decides when present (weak comparison); otherwise ``If-Modified-Since``
    against ``Last-Modified``.
    """
    if_none_match = request.get(b"If-None-Match")
    if if_none_match is not None:
        etag = saved.get(b"ETag")
        wanted = {_weak(tag) for tag in if_none_match.decode("latin-1").split(",")}
        return etag is not None and ("*" in wanted or _weak(etag.decode("latin-1")) in wanted)
    if_modified_since, last_modified = request.get(b"If-Modified-Since"), saved.get(b"Last-Modified")
    if if_modified_since is None or last_modified is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
        modified = parsedate_to_datetime(last_modified.decode("latin-1"))
    except (TypeError, ValueError):
        return False
    return modified <= since


def _weak(tag: str) -> str:
    return tag.strip().removeprefix("W/")


def _validators(saved: Headers) -> Headers:
    return Headers({name: saved[name] for name in (b"ETag", b"Last-Modified") if saved.get(name)})
