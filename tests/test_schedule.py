"""``crawler schedule``: its configuration file, and real scheduler processes stopped by signals."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crawler.cli import main
from crawler.config import ScheduleConfig, load_config, parse_duration
from crawler.errors import ConfigError
from crawler.sites import all_sites
from tests.conftest import REPO
from tests.replay_site import by_file, copy_site, crawl, generated_site, lines_written, stored

DEADLINE = 90.0


def _config(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "crawler.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_config_file_is_read_with_paths_from_its_folder(tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        'sites = ["ctvnews"]\ninterval = "15m"\njitter = 0.2\nsince = "2d"\n'
        'out = "corpus"\nstate = "state/crawl.sqlite"\ngzip = true\n',
    )
    assert load_config(path) == ScheduleConfig(
        sites=("ctvnews",),
        interval=900.0,
        jitter=0.2,
        since="2d",
        out=tmp_path / "corpus",
        state=tmp_path / "state" / "crawl.sqlite",
        gzip=True,
    )
    assert load_config(_config(tmp_path / "empty", "")).sites == tuple(site.id for site in all_sites())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('sites = ["ctvnews"]\ninterval = "soon"\n', "line 2: interval: 'soon' is not a duration"),
        (
            'interval = "5m"\n\nsites = ["ctvnews", "nosuchsite"]\n',
            "line 3: sites: unknown site 'nosuchsite'",
        ),
        ("jitter = 1.5\n", "line 1: jitter: 1.5: expected a fraction"),
        ('out = "corpus"\ninteval = "5m"\n', "line 2: inteval: unknown key"),
        ('since = "last tuesday"\n', "line 1: since: 'last tuesday': not a date window bound"),
        ('gzip = "yes"\n', "line 1: gzip: 'yes': expected a boolean"),
        ('[schedule]\ninterval = "5m"\n', "line 1: schedule: unknown key"),
        ('sites = ["ctvnews"\ninterval = 5\n', "line 2"),  # a TOML syntax error: the parser's line
    ],
)
def test_a_bad_config_names_the_file_line_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    path = _config(tmp_path, text)
    with pytest.raises(ConfigError, match=message):
        load_config(path)
    assert main(["schedule", "--config", str(path)]) == 1
    assert f"crawler: error: {path}, " in capsys.readouterr().err


def test_durations() -> None:
    assert [parse_duration(v) for v in (90, 1.5, "90s", "15m", "2h", "1d")] == [90, 1.5, 90, 900, 7200, 86400]
    for bad in ("0s", "-5", "5 minutes", True):
        with pytest.raises(ValueError):
            parse_duration(bad)


class _Scheduler:
    """``crawler schedule`` in its own process, its output read line by line as it comes."""

    def __init__(self, config: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "schedule", "--config", str(config)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, times: int = 1) -> None:
        """Read output until ``text`` has appeared ``times`` times in all, within the deadline."""
        deadline = time.monotonic() + DEADLINE
        while sum(text in line for line in self.seen) < times:
            self.seen.append(self.lines.get(timeout=max(0.0, deadline - time.monotonic())))

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        status = self.process.wait(timeout=DEADLINE)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return status


def test_the_scheduler_crawls_again_at_its_interval_and_stops_on_sigterm(tmp_path: Path) -> None:
    copy_site("ctvnews", tmp_path / "fixtures")
    config = _config(
        tmp_path, 'sites = ["ctvnews"]\ninterval = 0.5\njitter = 0.2\nreplay = "fixtures"\nout = "corpus"\n'
        'state = "state/crawl.sqlite"\n',
    )  # fmt: skip
    scheduler = _Scheduler(config)
    try:
        scheduler.wait_for("ctvnews: crawl finished", times=3)
    finally:
        status = scheduler.stop()
    output = "".join(scheduler.seen)
    assert status == 0, output
    assert output.count("ctvnews: next crawl at ") >= 3
    assert "ctvnews: 6 articles" in output  # the first run
    assert output.count("ctvnews: 0 articles") >= 2 and "10 unchanged (not fetched)" in output
    assert "SIGTERM received" in output and output.rstrip().endswith("schedule: stopped")
    assert len(stored(tmp_path / "corpus")) == 6
    assert (tmp_path / "state" / "crawl.sqlite").is_file()


def test_a_stop_mid_crawl_lets_articles_in_flight_finish_and_the_next_run_completes(tmp_path: Path) -> None:
    replay = generated_site(tmp_path / "fixtures", 150)
    reference = tmp_path / "reference"
    crawl(replay, reference, "ctvnews")
    config = _config(
        tmp_path, 'sites = ["ctvnews"]\ninterval = "1h"\nreplay = "fixtures"\nout = "corpus"\n'
        'state = "state.sqlite"\n',
    )  # fmt: skip
    corpus = tmp_path / "corpus"
    scheduler = _Scheduler(config)
    deadline = time.monotonic() + DEADLINE
    while lines_written(corpus) < 5:  # a bounded poll of the corpus files
        assert time.monotonic() < deadline and scheduler.process.poll() is None, "no progress"
        time.sleep(0.005)
    status = scheduler.stop()
    output = "".join(scheduler.seen)
    assert status == 0, output
    assert "stopping: the running crawl finishes" in output and "ctvnews: crawl stopped" in output
    stopped_at = lines_written(corpus)
    assert by_file(corpus)  # every line whole
    assert stopped_at < 156, "the crawl ended before the signal: nothing was in flight"

    resumed = crawl(replay, corpus, "ctvnews", "--incremental", "--state", str(tmp_path / "state.sqlite"))
    assert by_file(corpus) == by_file(reference)
    assert f"ctvnews: {156 - stopped_at} articles" in resumed.stdout
