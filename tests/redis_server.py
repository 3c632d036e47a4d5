"""A real redis-server for tests, on a free loopback port, started and stopped by the test.

The tests skip, naming the reason, where the ``redis-server`` binary is absent; CI (``.ci/run``)
installs it, and there a missing binary fails instead.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

DEADLINE = 20.0


@dataclass
class RedisServer:
    """A running server: its URL, and its process (to kill it mid-crawl)."""

    url: str
    process: subprocess.Popen[bytes]

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def redis_binary() -> str:
    """The redis-server path; skips the test (fails under CI) when it is not installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed (apt-get install redis-server; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return binary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def redis_server(folder: Path, appendonly: bool = False, port: int = 0) -> Iterator[RedisServer]:
    """A redis-server on 127.0.0.1 until the block ends; with ``appendonly``, its writes persist in
    ``folder`` (Redis's append-only file), and a server started again there on the same ``port``
    resumes from them."""
    binary = redis_binary()
    folder.mkdir(parents=True, exist_ok=True)
    port = port or _free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    command += ["--appendonly", "yes" if appendonly else "no"]
    command += ["--dir", str(folder), "--logfile", str(folder / "redis.log")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = RedisServer(f"redis://127.0.0.1:{port}/0", process)
    client = redis.Redis(port=port, socket_connect_timeout=1, retry=None)
    deadline = time.monotonic() + DEADLINE
    try:
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                assert process.poll() is None, f"redis-server exited: {(folder / 'redis.log').read_text()}"
                assert time.monotonic() < deadline, "redis-server did not answer in time"
                time.sleep(0.02)  # a bounded poll for the server to listen
        yield server
    finally:
        client.close()
        if process.poll() is None:
            process.kill()
        process.wait(timeout=DEADLINE)
