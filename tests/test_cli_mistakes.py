"""Ordinary mistakes at the command line: one line naming the input and what to do, never a traceback.

Each case is what a new user typed; the table gives the exit status (2: usage, 1: error) and a
part of the one line that must say what is wrong. A hypothesis test then throws random argument
lists at the command (with the crawl and the fetch stubbed: no network) and requires an exit
status, never an exception.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.cli import main
from crawler.cli.main import _parser
from crawler.crawl.runner import CrawlReport
from crawler.store.corpus import Corpus
from tests.conftest import FIXTURES, REPO
from tests.warc_files import fixture_captures, responses, write_warc

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
    ([*EXPORT, "--to", "{tmp}/text", "--fields", "headline"], 1, "the text export writes each article's"),
    (["crawl", "-s", "DOWNLOAD_TIMEOUT=abc"], 2, "-s DOWNLOAD_TIMEOUT=abc: 'abc': expected a number"),
    (["crawl", "-s", "ROBOTSTXT_OBEY=maybe"], 2, "-s ROBOTSTXT_OBEY=maybe: Supported values for boolean"),
    (["crawl", "-s", "RETRY_HTTP_CODES=500,x"], 2, "-s RETRY_HTTP_CODES=500,x: 'x': expected a whole"),
    (["crawl", "-s", "ITEM_PIPELINES=x"], 2, "-s ITEM_PIPELINES=x: 'x': expected a JSON object"),
    (["crawl", "-s", "PARSE_PROCESSES=x"], 2, 'PARSE_PROCESSES must be "auto" or a number'),
    (["crawl", "-s", "COVERAGE_FIELDS=byline"], 2, "-s COVERAGE_FIELDS=byline: unknown fields byline"),
    (["crawl", "-s", "COVERAGE_THRESHOLD=90"], 2, "90: expected a fraction above 0, up to 1"),
    (["fetch", CTV, "-s", "LOG_LEVEL=LOUD"], 2, "'LOUD': expected DEBUG, INFO, WARNING, ERROR or CRITICAL"),
    (["reparse", "--dir", "{corpus}", "--processes", "x"], 2, "x: give a number of processes, 0 or more, or"),
    (["ingest"], 2, "ingest: give a WARC file, folder, glob or URL, or --cc-news"),
    (["ingest", "x.warc.gz", "--max-articles", "-5"], 2, "--max-articles: -5: give 0 or more"),
    (["ingest", "x.warc.gz", "--processes", "0"], 2, "--processes: 0: give 1 or more"),
    (["ingest", "x.warc.gz", "--out", "\x00"], 2, "a path cannot hold a NUL byte"),
]  # fmt: skip


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands that would reach the network (a crawl, a fetch) or run for ever (the scheduler)
    answer at once, and any other name (an ingest's URL, a Dask scheduler's host) resolves to
    nothing: a mistake the command misses must not start real work."""
    from crawler.crawl import fetch, runner
    from crawler.schedule import Scheduler

    failed = fetch.Fetched(error=fetch.FetchError("https://x.example/", "stubbed"))
    monkeypatch.setattr(runner, "crawl", lambda *args, **kwargs: CrawlReport())
    monkeypatch.setattr(fetch, "fetch", lambda *args, **kwargs: failed)
    monkeypatch.setattr(Scheduler, "run", lambda self: 0)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)


def _no_network(*args: object, **kwargs: object) -> NoReturn:
    raise socket.gaierror(socket.EAI_NONAME, "no network in this test")


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
    no_network: None,
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


@pytest.mark.parametrize("command", ["crawl", "ingest"])
def test_work_run_from_the_folder_above_a_clone_is_done_by_the_installed_package(
    command: str, tmp_path: Path
) -> None:
    """A ``crawler/`` folder in the current folder (the parent of a clone) must not be imported,
    by the crawl's parser processes nor by the ingest's file readers."""
    (tmp_path / "crawler" / "sites").mkdir(parents=True)
    (tmp_path / "crawler" / "sites" / "decoy.py").write_text("raise ImportError('the wrong package')\n")
    crawler = Path(sys.executable).with_name("crawler")
    if command == "crawl":
        arguments = ["crawl", "ctvnews", "--replay", str(FIXTURES), "-s", "PARSE_PROCESSES=1"]
    else:  # two files, so that two processes read them
        captures = fixture_captures("ctvnews")
        for half in (0, 1):
            write_warc(tmp_path / f"{half}.warc.gz", responses(captures[half::2]))
        arguments = ["ingest", "0.warc.gz", "1.warc.gz", "--processes", "2"]
    done = subprocess.run(
        [str(crawler), *arguments, "--out", "out", "--quiet"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stderr == ""
    assert "ctvnews: 6 articles" in done.stdout
    assert len(list((tmp_path / "out" / "ctvnews").glob("*.jsonl"))) >= 1


# -- random argument lists -------------------------------------------------------------------------

#: Values users give, ordinary and odd: URLs without a scheme or with a broken host, paths that
#: cannot be read or written, numbers out of range, dates that are not dates. Every path but
#: /proc/x (which cannot be made) is relative: the commands run in a scratch folder, and one that
#: writes (an export, the README's table) must never reach a file outside it.
_VALUES = [
    "ctvnews", "corpus", "fixtures", "-1", "0", "5", "nan", "2d", "yesterday", "2024-05-01",
    "http://[::1", "ftp://x.example/a", "www.cbc.ca/a", "https://www.ctvnews.ca/a-1.2", "notes.txt",
    "/proc/x", "out.csv", "NAME=VALUE", "LOG_LEVEL=LOUD", "headline,byline", "headline,body", "parquet",
    "x.warc.gz", "", "\x00",
]  # fmt: skip


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], list[str], list[str]]]:
    """Each command (``("corpus", "export")``) with its options and its required options, read
    from the parser."""
    groups = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not groups:
        options = [option for action in parser._actions for option in action.option_strings]
        required = [
            action.option_strings[0]
            for action in parser._actions
            if action.required and action.option_strings
        ]
        yield path, options, required
    for group in groups:
        for name, child in group.choices.items():
            yield from _commands(child, (*path, name))


COMMANDS = sorted(_commands(_parser()))


@st.composite
def command_lines(draw: st.DrawFn) -> list[str]:
    """A command with a few of its own options, each with a value, and a few values on their own.

    The required options are mostly given, so that most lines reach the command's own work.
    """
    path, options, required = draw(st.sampled_from(COMMANDS))
    values = st.one_of(st.sampled_from(_VALUES), _relative_text(6))
    pairs = draw(st.lists(st.tuples(st.sampled_from(options), values), max_size=4))
    if required and draw(st.integers(0, 9)):
        pairs += [(option, draw(values)) for option in required]
    alone = draw(st.lists(values, max_size=2))
    return [*path, *alone, *(word for pair in pairs for word in pair)]


def _relative_text(size: int) -> st.SearchStrategy[str]:
    """Random text that names no path outside the current folder."""
    return st.text(max_size=size).filter(lambda text: not text.startswith(("/", "~")) and ".." not in text)


@pytest.fixture
def offline(no_network: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """A scratch folder holding a corpus, and no network."""
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
