"""Replay a crawl offline: every request is answered from fixture folders, by URL, never from the network.

Any folder under the replay root with a ``meta.json`` (url, status, headers, fetchedAt) and a
body file (``page.html`` or ``body.xml``) answers for its URL, tracking parameters ignored.
A URL with no fixture is a counted miss with one log line; robots.txt is answered 404 (allow all).
A conditional request (``If-None-Match``, ``If-Modified-Since``) that matches the fixture's
``ETag`` or ``Last-Modified`` header is answered 304 with no body, as a server would.
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

from crawler.crawl.meta import FETCHED_AT_META
from crawler.errors import FixtureError
from crawler.extract.urls import clean_url

logger = logging.getLogger(__name__)

BODY_FILES = ("page.html", "body.xml")


@dataclass(frozen=True)
class SavedResponse:
    """One saved response: where its body is and the facts of its fetch."""

    body_path: Path
    status: int
    headers: dict[str, str]
    fetched_at: datetime


def index_fixtures(root: Path) -> dict[str, SavedResponse]:
    """Every saved response under ``root``, keyed by its clean URL."""
    if not root.is_dir():
        raise FixtureError(str(root), "replay folder not found")
    saved: dict[str, SavedResponse] = {}
    for meta_path in sorted(root.rglob("meta.json")):
        body = next(
            (meta_path.parent / name for name in BODY_FILES if (meta_path.parent / name).is_file()), None
        )
        if body is None:
            continue
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            saved[clean_url(meta["url"])] = SavedResponse(
                body_path=body,
                status=int(meta.get("status", 200)),
                headers=dict(meta.get("headers", {})),
                fetched_at=datetime.fromisoformat(meta["fetchedAt"]),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise FixtureError(str(meta_path), f"unreadable fetch facts: {error}") from None
    return saved


class ReplayMiddleware:
    """Downloader middleware that answers from fixtures when the ``REPLAY_DIR`` setting is set."""

    def __init__(self, saved: dict[str, SavedResponse], stats: Any) -> None:
        self.saved = saved
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Any) -> ReplayMiddleware:
        root = crawler.settings.get("REPLAY_DIR")
        if not root:
            raise NotConfigured
        return cls(index_fixtures(Path(root)), crawler.stats)

    def process_request(self, request: Request, spider: Any = None) -> Response:
        if request.url.endswith("/robots.txt"):
            return Response(request.url, status=404, request=request)
        saved = self.saved.get(clean_url(request.url))
        if saved is None:
            self.stats.inc_value("replay/miss")
            logger.warning("replay miss: no fixture for %s", request.url)
            raise IgnoreRequest(f"no fixture for {request.url}")
        self.stats.inc_value("replay/hit")
        request.meta[FETCHED_AT_META] = saved.fetched_at
        headers = Headers(saved.headers)
        if not_modified(request.headers, headers):
            self.stats.inc_value("replay/not-modified")
            return Response(request.url, status=304, headers=_validators(headers), request=request)
        body = saved.body_path.read_bytes()
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(
            url=request.url, status=saved.status, headers=headers, body=body, request=request
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
