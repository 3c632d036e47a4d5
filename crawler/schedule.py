"""``crawler schedule``: incremental crawls again and again, at jittered intervals, until told to stop.

Each run is ``crawler crawl SITE... --incremental`` in a child process (Twisted's reactor runs
once per process), covering every site that is due. One crawl process runs at a time: a site is
never crawled twice at once, and no two processes append to the corpus folder together. After a
run starts, each of its sites is due again one interval later (stretched or shrunk by the jitter,
so that many schedulers do not knock at the same second); a run that outlasts the interval is
followed at once by the next.

SIGINT or SIGTERM stops the scheduler: the running crawl gets one SIGTERM, on which Scrapy stops
scheduling, lets the articles in flight finish, and closes the corpus and the crawl state; the
scheduler then exits 0. (A crawl still starting up, before Scrapy listens, simply ends: it has
opened no file yet.) A second signal is passed on too, and Scrapy then stops at once.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import FrameType

from crawler.config import ScheduleConfig

__all__ = ["Scheduler", "crawl_command"]


def crawl_command(config: ScheduleConfig, sites: list[str]) -> list[str]:
    """The ``crawler crawl`` command line of one run."""
    command = [sys.executable, "-m", "crawler.cli", "crawl", *sites, "--incremental"]
    # With Redis the state is there, shared with the other machines' workers.
    command += ["--redis", config.redis] if config.redis else ["--state", str(config.state)]
    command += ["--out", str(config.out), "--log-level", config.log_level]
    if config.replay is not None:
        command += ["--replay", str(config.replay)]
    if config.since:
        command += ["--since", config.since]
    if config.until:
        command += ["--until", config.until]
    if config.gzip:
        command.append("--gzip")
    # The archive is what lets a later parser fix reach old pages: on unless the file says no.
    command.append("--no-warc" if config.warc is False else "--warc")
    for name, value in config.alarm.settings().items():
        command += ["-s", f"{name}={','.join(value) if isinstance(value, list) else value}"]
    return command


@dataclass
class _Run:
    """One crawl process and the sites it crawls."""

    process: subprocess.Popen[bytes]
    sites: list[str]
    started: float = field(default_factory=time.monotonic)


class Scheduler:
    """Runs the configured crawls until a stop signal; ``rng`` draws the jitter."""

    def __init__(self, config: ScheduleConfig, rng: random.Random | None = None) -> None:
        self.config = config
        self.rng = rng or random.Random()
        self.child: _Run | None = None
        self.stopping = False
        self._wake = threading.Event()

    def run(self) -> int:
        """Crawl until SIGINT or SIGTERM; 0 once the running crawl has closed its files."""
        previous = {
            number: signal.signal(number, self._on_signal) for number in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self._loop()
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        _log("stopped")
        return 0

    def _loop(self) -> None:
        now = time.monotonic()
        due_at = dict.fromkeys(self.config.sites, now)
        while not self.stopping:
            if self.child is not None and self.child.process.poll() is not None:
                self._finished(self.child)
            if self.child is None:
                due = [site for site, moment in due_at.items() if moment <= time.monotonic()]
                if due:
                    self._start(due)
                    for site in due:
                        due_at[site] = time.monotonic() + self._interval()
                        _log(f"{site}: next crawl at {_clock(due_at[site])}")
            wait = None if self.child is not None else max(0.0, min(due_at.values()) - time.monotonic())
            self._wake.wait(wait)
            self._wake.clear()
        if self.child is not None:
            _log("stopping: the running crawl finishes its articles in flight and closes its files")
            self.child.process.wait()
            self._finished(self.child)

    def _start(self, sites: list[str]) -> None:
        _log(f"{', '.join(sites)}: crawl started")
        # Its own session: a Ctrl-C on the terminal reaches the scheduler only, which passes it on once.
        process = subprocess.Popen(crawl_command(self.config, sites), start_new_session=True)
        self.child = _Run(process, sites)
        threading.Thread(target=self._wake_when_done, args=(process,), daemon=True).start()

    def _wake_when_done(self, child: subprocess.Popen[bytes]) -> None:
        child.wait()
        self._wake.set()

    def _finished(self, run: _Run) -> None:
        status = run.process.returncode
        if status == 0:
            outcome = "crawl finished"
        elif self.stopping and status == 128 + signal.SIGTERM:  # the crawl's own status for SIGTERM
            outcome = "crawl stopped, every record stored so far kept"
        elif self.stopping and status == -signal.SIGTERM:
            outcome = "crawl stopped while starting up"
        else:
            outcome = f"crawl failed (exit status {status})"
        _log(f"{', '.join(run.sites)}: {outcome} in {time.monotonic() - run.started:.1f} s")
        self.child = None

    def _interval(self) -> float:
        jitter = self.config.jitter
        return self.config.interval * self.rng.uniform(1 - jitter, 1 + jitter)

    def _on_signal(self, number: int, _frame: FrameType | None) -> None:
        if self.child is not None and self.child.process.poll() is None:
            self.child.process.send_signal(signal.SIGTERM)
        if not self.stopping:
            _log(f"{signal.Signals(number).name} received")
        self.stopping = True
        self._wake.set()


def _clock(monotonic: float) -> str:
    """A monotonic moment as the wall-clock time it will be."""
    return (datetime.now() + timedelta(seconds=monotonic - time.monotonic())).strftime("%Y-%m-%d %H:%M:%S")


def _log(message: str) -> None:
    print(f"{datetime.now():%Y-%m-%d %H:%M:%S} schedule: {message}", file=sys.stderr, flush=True)
