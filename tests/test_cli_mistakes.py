"""Ordinary mistakes at the command line: one line naming the input and what to do, never a traceback.

Each case is what a new user typed; the table gives the exit status (2: usage, 1: error) and a
part of the one line that must say what is wrong. A hypothesis test then throws random argument
lists at the command (with the crawl and the fetch stubbed: no network) and requires an exit
status, never an exception.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.cli import main
from crawler.cli.main import _parser
from crawler.crawl.runner import CrawlReport
from crawler.store.corpus import Corpus
from tests.conftest import FIXTURES, REPO

CTV = "https://www.ctvnews.ca/world/some-story-1.6445678"
EXPORT = ["corpus", "export", "--dir", "{corpus}"]
SEED = FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed"

MISTAKES = [
    (["fetch", "www.example.com/a"], 2, "www.example.com/a: no scheme; give the whole URL, e.g. https://"),
    (["fetch", "http://[::1"], 2, "http://[::1: not a URL (Invalid IPv6 URL)"),
    (["fetch", "ftp://ftp.example.com/pub/file"], 2, "only http and https URLs, not ftp:"),
    (["fetch", "http://"], 2, "http://: no host name"),
    (["fetch", CTV, "--timeout", "-1"], 2, "--timeout: -1: give a number of seconds above 0"),
    (["fetch", CTV, "--timeout", "nan"], 2, "--timeout: nan: give a number of seconds above 0"),
    (["crawl", "--max-articles", "-5"], 2, "--max-articles: -5: give 0 or more"),
    (["crawl", "--sinc", "2d"], 2, "unrecognized arguments: --sinc"),
    (["crawl", "--url", "example.com/feed"], 2, "example.com/feed: no scheme"),
    (["crawl", "--sources", "https://www.ctvnews.ca/rss,file:///etc/passwd"], 2, "not file:"),
    (["crawl", "--log-level", "LOUD"], 2, "--log-level: invalid choice: 'LOUD'"),
    (["crawl", "-s", "NOEQUALS"], 2, "-s NOEQUALS: expected NAME=VALUE"),
    (["parse", str(SEED / "page.html"), "--url", "www.cbc.ca/news/a-1.2"], 2, "www.cbc.ca/news/a-1.2: no"),
    (["parse", "/etc/passwd", "--url", CTV], 1, "plain text with no HTML markup, not an HTML page"),
    ([*EXPORT, "--to", "/proc/x"], 1, "/proc/x: cannot write"),
    ([*EXPORT, "--to", "{tmp}/x.csv", "--format", "xls"], 2, "invalid choice: 'xls'"),
    ([*EXPORT, "--to", "{tmp}/x", "--site", "bbc"], 1, "no records of bbc"),
    ([*EXPORT, "--to", "{tmp}/x", "--fields", "byline"], 1, "no field byline"),
    (["reparse", "--dir", "{corpus}", "--examples", "-1"], 2, "--examples: -1: give 0 or more"),
    (["sites", "--fixture", "x"], 2, "unrecognized arguments: --fixture"),
    (["corpus", "stats", "--dir", "\x00"], 2, "a path cannot hold a NUL byte"),
    (["fixtures", "check", "/proc/x"], 2, "unknown site '/proc/x'"),
]  # fmt: skip


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    with Corpus(root) as corpus:
        corpus.add(json.loads((SEED / "expected.json").read_text(encoding="utf-8")))
    return root


@pytest.mark.parametrize(("arguments", "status", "message"), MISTAKES, ids=lambda value: str(value)[:60])
def test_a_mistake_is_one_line_and_an_exit_status(
    arguments: list[str],
    status: int,
    message: str,
    corpus_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    filled = [item.format(corpus=corpus_dir, tmp=tmp_path) for item in arguments]
    assert _exit_status(filled) == status
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert message in lines[0]
    assert lines[0].startswith("crawler")


def _exit_status(arguments: list[str]) -> int:
    try:
        return main(arguments)
    except SystemExit as exit:
        return int(exit.code or 0)


def test_the_help_lists_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_status(["--help"]) == 0
    out = capsys.readouterr().out
    assert "exit statuses:" in out
    for status, meaning in [
        ("0", "done"),
        ("1", "error"),
        ("2", "usage"),
        ("3", "alarm"),
        ("130", "interrupted"),
    ]:
        assert any(
            line.split()[:2] == [status, meaning + (":" if status in "123" else "")]
            for line in out.splitlines()
        )


@pytest.mark.parametrize("command", [["sites"], ["corpus", "stats", "--dir", "{corpus}"]])
def test_a_reader_that_goes_away_ends_the_command_quietly(command: list[str], corpus_dir: Path) -> None:
    """``crawler sites | head -1``: the pipe closed before the command wrote."""
    arguments = [item.format(corpus=corpus_dir) for item in command]
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", *arguments],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    errors = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert errors == ""


def test_a_crawl_from_the_folder_above_a_clone_parses_with_the_installed_package(tmp_path: Path) -> None:
    """A ``crawler/`` folder in the current folder (the parent of a clone) must not be imported."""
    (tmp_path / "crawler" / "sites").mkdir(parents=True)
    (tmp_path / "crawler" / "sites" / "decoy.py").write_text("raise ImportError('the wrong package')\n")
    crawler = Path(sys.executable).with_name("crawler")
    command = [str(crawler), "crawl", "ctvnews", "--replay", str(FIXTURES), "--out", "out"]
    done = subprocess.run(
        [*command, "-s", "PARSE_PROCESSES=1", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ctvnews: 6 articles" in done.stdout
    assert "parser-crash" not in done.stdout + done.stderr


# -- random argument lists -------------------------------------------------------------------------

#: Values users give, ordinary and odd: URLs without a scheme or with a broken host, paths that
#: cannot be read or written, numbers out of range, dates that are not dates. Every path but
#: /proc/x (which cannot be made) is relative: the commands run in a scratch folder, and one that
#: writes (an export, the README's table) must never reach a file outside it.
_VALUES = [
    "ctvnews", "corpus", "fixtures", "-1", "0", "5", "nan", "2d", "yesterday", "2024-05-01",
    "http://[::1", "ftp://x.example/a", "www.cbc.ca/a", "https://www.ctvnews.ca/a-1.2", "notes.txt",
    "/proc/x", "out.csv", "NAME=VALUE", "headline,byline", "parquet", "", "\x00",
]  # fmt: skip


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], list[str]]]:
    """Each command (``("corpus", "export")``) with its options, read from the parser."""
    groups = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not groups:
        yield path, [option for action in parser._actions for option in action.option_strings]
    for group in groups:
        for name, child in group.choices.items():
            yield from _commands(child, (*path, name))


COMMANDS = sorted(_commands(_parser()))


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A command with a few of its own options, each with a value, and a few values on their own."""
    path, options = draw(st.sampled_from(COMMANDS))
    values = st.one_of(st.sampled_from(_VALUES), _relative_text(6))
    pairs = draw(st.lists(st.tuples(st.sampled_from(options), values), max_size=4))
    alone = draw(st.lists(values, max_size=2))
    return [*path, *alone, *(word for pair in pairs for word in pair)]


def _relative_text(size: int) -> st.SearchStrategy[str]:
    """Random text that names no path outside the current folder."""
    return st.text(max_size=size).filter(lambda text: not text.startswith(("/", "~")) and ".." not in text)


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A scratch folder holding a corpus; commands that would reach the network (a crawl, a fetch)
    or run for ever (the scheduler) answer at once."""
    from crawler.crawl import fetch, runner
    from crawler.schedule import Scheduler

    failed = fetch.Fetched(error=fetch.FetchError("https://x.example/", "stubbed"))
    monkeypatch.setattr(runner, "crawl", lambda *args, **kwargs: CrawlReport())
    monkeypatch.setattr(fetch, "fetch", lambda *args, **kwargs: failed)
    monkeypatch.setattr(Scheduler, "run", lambda self: 0)
    monkeypatch.chdir(tmp_path)
    with Corpus(tmp_path / "corpus") as corpus:
        corpus.add(json.loads((SEED / "expected.json").read_text(encoding="utf-8")))
    (tmp_path / "notes.txt").write_text("plain text, not a page\n", encoding="utf-8")
    yield


@settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,  # the same lists in every run: a red CI is never luck
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.one_of(command_lines(), st.lists(st.one_of(st.sampled_from(_VALUES), _relative_text(8)), max_size=5))
)
def test_random_arguments_never_end_in_a_traceback(offline: None, arguments: list[str]) -> None:
    status = _exit_status(arguments)
    assert status in {0, 1, 2, 3}, arguments
