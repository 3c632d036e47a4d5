"""WARC files over http(s): streamed as they are read, never stored, resumed where a connection broke.

A Common Crawl file is about a gigabyte; reading it from its URL costs no disk, and FastWARC
reads it through :class:`RemoteFile` as it would a local file. A download that breaks off (a
reset connection, a read that times out, a body that ends before its ``Content-Length``) is
taken up again at the byte it stopped at with an HTTP ``Range`` request, a few times with a
growing pause, before the file fails with one :class:`~crawler.errors.ArchiveError` naming the
URL. That error is not an ``OSError``: the reader must not take a lost network for a damaged
file.
"""

from __future__ import annotations

import http.client
import io
import time
import urllib.error
import urllib.request
from typing import Any

from crawler._version import __version__
from crawler.errors import ArchiveError

__all__ = ["USER_AGENT", "RemoteFile", "fetch", "is_url"]

USER_AGENT = f"crawler/{__version__} (news research corpus; WARC reader)"
#: Tries to take a broken download up again; the first is at once, then after 1, 2, 4... seconds.
RETRIES = 4
BACKOFF = 1.0
TIMEOUT = 60.0


def is_url(source: str) -> bool:
    """Whether a source names an http(s) URL rather than a path."""
    return source.startswith(("http://", "https://"))


def fetch(url: str, max_size: int) -> bytes:
    """A small file (a listing) whole; an ArchiveError naming the URL when it cannot be had."""
    with RemoteFile(url) as remote:
        data = remote.read(max_size + 1)
    if len(data) > max_size:
        raise ArchiveError(url, f"larger than {max_size} bytes: not the file expected")
    return data


class RemoteFile(io.RawIOBase):
    """A read-only stream of the body at an http(s) URL, taken up again where it broke off.

    ``tell`` says how many bytes were read; ``seek`` goes nowhere but where the stream is
    (FastWARC asks for the position that way). Opening fails at once with an ArchiveError when
    the server cannot be reached or answers anything but 200.
    """

    def __init__(self, url: str, timeout: float = TIMEOUT, retries: int = RETRIES) -> None:
        super().__init__()
        self.url = url
        self.timeout = timeout
        self.retries = retries
        self.position = 0
        #: The body's length, when the server says it (a cut is then told from the end).
        self.size: int | None = None
        self._response = self._connect()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Read into ``buffer``; a broken download is taken up again where it stopped."""
        failures = 0
        while True:
            try:
                count = self._response.readinto(buffer)
                if count or not len(buffer) or self.size is None or self.position >= self.size:
                    self.position += count
                    return count
                problem = f"the body ended at byte {self.position} of {self.size}"
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}"
            failures += 1
            self._reconnect(failures, problem)

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (whence, offset) in {(io.SEEK_CUR, 0), (io.SEEK_SET, self.position)}:
            return self.position
        raise io.UnsupportedOperation(f"{self.url}: a download only goes forward")

    def close(self) -> None:
        if not self.closed:
            self._response.close()
        super().close()

    def _reconnect(self, failures: int, problem: str) -> None:
        """Ask again from the byte reached, after a pause; give up with an ArchiveError after RETRIES."""
        self._response.close()
        while True:
            if failures > self.retries:
                broke = f"the download broke off {failures} times, the last at byte {self.position}"
                raise ArchiveError(self.url, f"{broke}: {problem}")
            time.sleep(BACKOFF * 2 ** (failures - 2) if failures > 1 else 0.0)
            try:
                self._response = self._connect()
                return
            except ArchiveError as error:
                problem = error.reason
                failures += 1

    def _connect(self) -> http.client.HTTPResponse:
        """A response from ``position`` on (Range), or the whole body from the start."""
        headers = {"User-Agent": USER_AGENT}
        if self.position:
            headers["Range"] = f"bytes={self.position}-"
        request = urllib.request.Request(self.url, headers=headers)
        try:
            response: http.client.HTTPResponse = urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as error:
            error.close()
            raise ArchiveError(self.url, f"HTTP {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            reason = getattr(error, "reason", None) or error
            raise ArchiveError(self.url, f"cannot download: {reason}") from None
        if not self.position:
            length = response.headers.get("Content-Length")
            self.size = int(length) if length and length.isdigit() else None
        elif response.status != 206:  # the server sends the whole body again: skip what was read
            _skip(response, self.position, self.url)
        return response


def _skip(response: http.client.HTTPResponse, count: int, url: str) -> None:
    left = count
    while left:
        chunk = response.read(min(left, 1 << 20))
        if not chunk:
            raise ArchiveError(url, f"the body is shorter than the {count} bytes already read")
        left -= len(chunk)
