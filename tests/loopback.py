"""A loopback HTTP server for tests, used as the crawler's HTTP proxy.

Scrapy sends proxied requests with the absolute URL, so a test can fetch the site's real
URL (which picks the site's parser) while every byte stays on 127.0.0.1.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from twisted.internet.interfaces import IResolverSimple
from zope.interface import implementer


@dataclass
class Route:
    """What the server answers for one path; ``stall`` holds the answer until the test ends."""

    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    body: bytes = b""
    stall: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    #: What to answer once this route has answered ``repeat`` requests (e.g. 429 twice, then the page).
    then: Route | None = None
    repeat: int = 1
    #: Send the headers and this many bytes of the body, then hang until the test ends.
    stall_after: int | None = None
    #: Send the headers (the whole body's Content-Length) and this many bytes of the body, then
    #: close the connection.
    close_after: int | None = None


@dataclass
class LoopbackSite:
    """The routes the server answers, by URL path; anything else is a 404."""

    routes: dict[str, Route] = field(default_factory=dict)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0
    #: (path, time.monotonic()) of every request, for tests of pacing.
    hits: list[tuple[str, float]] = field(default_factory=list)
    #: What paths with no route of their own get.
    otherwise: Route = field(default_factory=lambda: Route(status=404, body=b"not found"))

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@contextmanager
def serve(site: LoopbackSite) -> Iterator[LoopbackSite]:
    """Run the server on a free loopback port for the duration of the block."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            earlier = sum(1 for hit, _ in site.hits if hit == path)
            site.hits.append((path, time.monotonic()))
            route = site.routes.get(path, site.otherwise)
            if earlier >= route.repeat and route.then is not None:
                route = route.then
            if route.stall:
                site.release.wait()
                return
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            for name, value in route.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if route.close_after is not None:
                self.wfile.write(route.body[: route.close_after])
                self.close_connection = True
                return
            if route.stall_after is not None:
                self.wfile.write(route.body[: route.stall_after])
                self.wfile.flush()
                site.release.wait()
                return
            self.wfile.write(route.body)

        def log_message(self, *_: object) -> None:
            pass

    with serving(Handler) as port:
        site.port = port
        try:
            yield site
        finally:
            site.release.set()


@contextmanager
def serving(handler: type[BaseHTTPRequestHandler]) -> Iterator[int]:
    """A threaded HTTP server of ``handler`` on a free loopback port (yielded) for the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@implementer(IResolverSimple)
class FailingResolver:
    """A Scrapy DNS resolver under which no host name resolves (DNS failure, with no network)."""

    @classmethod
    def from_crawler(cls, crawler: object, reactor: object) -> FailingResolver:
        return cls()

    def install_on_reactor(self) -> None:
        from twisted.internet import reactor

        reactor.installResolver(self)  # type: ignore[attr-defined]

    def getHostByName(self, name: str, timeout: object = ()) -> object:
        from twisted.internet import defer
        from twisted.internet.error import DNSLookupError

        return defer.fail(DNSLookupError(name))
