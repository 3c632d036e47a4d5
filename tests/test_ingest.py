"""``crawler ingest``: WARC files and CC-NEWS months through the parsers into the corpus, resumably.

Every WARC file here is written by the test (tests/warc_files.py): the fixture pages among the
records of other sites, non-HTML records, errors, revisits and the record types that are not
responses, as Common Crawl writes them. CC-NEWS is a tree of the same files served from
loopback; nothing reaches the internet.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from crawler.archive import read_response
from crawler.cli import main
from crawler.errors import CrawlerError
from crawler.ingest import Selection, WarcSource, cc_news_months, ingest, warc_sources
from crawler.ingest.report import IngestReport
from crawler.sites.fixtures import discover
from tests.conftest import FIXTURES, REPO
from tests.lock_holder import lock_held_elsewhere
from tests.loopback import LoopbackSite, Route, serve
from tests.test_progress import Terminal
from tests.warc_files import (
    Capture,
    Tree,
    as_read,
    corpus_text,
    expected_records,
    fixture_captures,
    generic_capture,
    gzip_encoded,
    others,
    responses,
    serve_tree,
    stored,
    write_warc,
)

WHEN = datetime(2024, 5, 1, tzinfo=UTC)
FIXTURE_PAGES = len(list(discover(FIXTURES)))
#: Long enough for any one run here; a run that takes longer has hung.
DEADLINE = 120.0


def _mixed_members() -> list[bytes]:
    """Every fixture page among records no run keeps; one page still gzip-encoded."""
    captures = fixture_captures()
    return [*others(WHEN), *responses(captures[:10]), *gzip_encoded(captures[10]), *responses(captures[11:])]


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One WARC file of every fixture page among other records."""
    return write_warc(tmp_path_factory.mktemp("warc") / "mixed.warc.gz", _mixed_members())


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The fixture pages in four WARC files, a site's pages spread over several."""
    root = tmp_path_factory.mktemp("split")
    captures = fixture_captures()
    return [
        write_warc(root / f"part-{number}.warc.gz", [*others(WHEN), *responses(captures[number::4])])
        for number in range(4)
    ]


def _run(
    sources: list[Path],
    out: Path,
    selection: Selection | None = None,
    processes: int = 1,
    max_articles: int | None = None,
) -> IngestReport:
    chosen = warc_sources([str(path) for path in sources])
    return ingest(chosen, out, selection or Selection.of(), processes=processes, max_articles=max_articles)


def _cli(*arguments: str, timeout: float = DEADLINE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "ingest", *arguments],
        cwd=REPO, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def test_a_warc_file_gives_every_fixture_record_with_the_page_it_came_from(
    mixed: Path, tmp_path: Path
) -> None:
    report = _run([mixed], tmp_path / "corpus")

    records = stored(tmp_path / "corpus")
    assert as_read(records) == as_read(expected_records())
    for record in records:
        source = record["metadata"]["source"]
        assert source["warcFile"] == str(mixed)
        page = read_response(Path(source["warcFile"]), source["warcOffset"])
        assert (page.url, page.record_id) == (record["url"], source["warcRecordId"])
    # Only the fixture pages' bodies were read; every other record was told apart by its headers,
    # the other site's unreadable HTTP headers before they were parsed (no warning of them).
    assert sum(site.pages for site in report.sites.values()) == FIXTURE_PAGES
    assert report.skipped == {"other-site": 6, "not-an-article-url": 2, "not-html": 1, "not-200": 1}
    assert report.records == len(_mixed_members()) and not report.warnings and not report.failed
    assert report.merge is not None and report.merge.added == FIXTURE_PAGES
    assert (tmp_path / "corpus" / "workers").is_dir()
    summary = report.summary(1.0)
    assert "ctvnews: 6 articles of 6 pages parsed, 0 already stored" in summary
    assert "ctvnews field coverage (6 article pages): headline 100%" in summary
    assert "responses skipped before their page was read: other sites 6, not article URLs 2" in summary


def test_a_plain_warc_file_reads_as_its_gzip_twin(tmp_path: Path) -> None:
    plain = write_warc(tmp_path / "mixed.warc", _mixed_members(), compress=False)
    _run([plain], tmp_path / "corpus")
    assert as_read(stored(tmp_path / "corpus")) == as_read(expected_records())


def test_sites_dates_languages_and_a_most_are_applied_before_parsing_where_they_can_be(
    mixed: Path, tmp_path: Path
) -> None:
    two = _run([mixed], tmp_path / "two", Selection.of(("ctvnews", "cbc")))
    assert set(two.sites) == {"ctvnews", "cbc"}  # no other site's page was read
    assert {record["site"]["id"] for record in stored(tmp_path / "two")} == {"ctvnews", "cbc"}

    # The window: pages captured more than a day before its start are skipped unread (published
    # before they were captured); the others are parsed, and kept if published in the window
    # (one Globe and Mail page was captured in the window, but published before it).
    since, until = datetime(2021, 8, 1, tzinfo=UTC), datetime(2023, 12, 31, tzinfo=UTC)
    window = _run([mixed], tmp_path / "window", Selection.of(since="2021-08-01", until="2023-12-31"))
    published = [
        r for r in expected_records() if since <= datetime.fromisoformat(r["datePublished"]) <= until
    ]
    assert as_read(stored(tmp_path / "window")) == as_read(published)
    unread = [c for c in fixture_captures() if c.date < since - timedelta(days=1)]
    assert window.skipped["before-window"] == len(unread) > 0
    parsed = sum(site.pages for site in window.sites.values())
    assert parsed == FIXTURE_PAGES - len(unread)
    assert (
        sum(site.dropped["outside-window"] for site in window.sites.values()) == parsed - len(published) > 0
    )

    french = _run([mixed], tmp_path / "french", Selection.of(("ctvnews",), languages=("fr",)))
    assert not stored(tmp_path / "french")
    assert french.sites["ctvnews"].dropped == {"other-language": 6}

    most = _run([mixed], tmp_path / "most", max_articles=5)
    assert len(stored(tmp_path / "most")) == 5 and most.kept == 5


def test_the_content_language_header_skips_a_page_unread(tmp_path: Path) -> None:
    (capture,) = fixture_captures("cbc")[:1]
    french = Capture(capture.url, capture.body, capture.date, headers=(("Content-Language", "fr-CA"),))
    path = write_warc(tmp_path / "fr.warc.gz", responses([french]))
    report = _run([path], tmp_path / "corpus", Selection.of(languages=("en",)))
    assert report.skipped == {"other-language": 1} and not report.sites


def test_sites_with_no_module_are_read_by_the_generic_parser_only_when_asked(tmp_path: Path) -> None:
    path = write_warc(tmp_path / "generic.warc.gz", [*others(WHEN), *responses([generic_capture(WHEN)])])
    assert _run([path], tmp_path / "default").skipped["other-site"] == 7
    assert not stored(tmp_path / "default")

    report = _run([path], tmp_path / "generic", Selection.of(generic=True))
    records = stored(tmp_path / "generic")
    assert [record["site"]["id"] for record in records] == ["harbourtimes.example"]
    assert records[0]["metadata"]["parser"] == "generic"
    assert report.sites["generic"].kept == 1
    assert report.sites["generic"].dropped == {"skipped/not-an-article": 5}  # the other site's short pages
    assert "generic (sites with no module): 1 articles of 6 pages parsed" in report.summary(1.0)


@pytest.mark.parametrize("compress", [True, False], ids=["warc.gz", "warc"])
def test_a_damaged_file_costs_only_the_records_after_the_damage_with_one_line(
    compress: bool, tmp_path: Path
) -> None:
    members = responses(fixture_captures("ctvnews"))
    whole = write_warc(tmp_path / "whole.warc", members, compress).read_bytes()
    records = members if compress else [gzip.decompress(member) for member in members]
    damage_at = sum(len(record) for record in records[:4])  # the third page's response record
    damaged = bytearray(whole)
    if compress:
        damaged[damage_at + 2000] ^= 0x55  # a bit flipped inside its gzip member
    else:
        damaged[damage_at : damage_at + 5] = b"WARX/"  # a record header no reader knows
    torn = whole[: sum(len(record) for record in records[:-2]) + 3000]  # the last page cut short
    suffix = ".warc.gz" if compress else ".warc"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"damaged{suffix}").write_bytes(bytes(damaged))
    (tmp_path / "in" / f"torn{suffix}").write_bytes(torn)

    run = _cli(str(tmp_path / "in"), "--out", str(tmp_path / "corpus"), "--processes", "1", "--quiet")
    assert run.returncode == 0, run.stderr
    warnings = run.stderr.splitlines()
    assert len(warnings) == 2, run.stderr
    assert warnings[0].startswith(
        f"crawler: warning: {tmp_path / 'in' / f'damaged{suffix}'}: unreadable after"
    )
    assert warnings[1].startswith(f"crawler: warning: {tmp_path / 'in' / f'torn{suffix}'}: torn record at")
    # Two pages before the damage, five before the tear: the same two stored once.
    pages = [capture.url for capture in fixture_captures("ctvnews")]
    assert sorted(record["url"] for record in stored(tmp_path / "corpus")) == sorted(pages[:5])
    assert "Traceback" not in run.stderr


def test_cc_news_months_are_read_end_to_end_from_a_loopback_tree(tmp_path: Path) -> None:
    """``--cc-news 2023/12-2024/01``: two months' listings, each of two files, across a year's end."""
    captures = fixture_captures()
    tree = Tree(tmp_path / "tree")
    for number, month in enumerate(("2023/12", "2024/01")):
        folder = f"crawl-data/CC-NEWS/{month}"
        names = []
        for part in range(2):
            name = f"{folder}/CC-NEWS-{month.replace('/', '')}01000000-0000{part}.warc.gz"
            write_warc(tree.root / name, [*others(WHEN), *responses(captures[number * 2 + part :: 4])])
            names.append(name)
        (tree.root / folder / "warc.paths.gz").write_bytes(gzip.compress(("\n".join(names) + "\n").encode()))
    with serve_tree(tree):
        run = _cli(
            "--cc-news", "2023/12-2024/01", "--cc-news-base", tree.url(), "--out", str(tmp_path / "corpus")
        )
    assert run.returncode == 0, run.stderr
    assert as_read(stored(tmp_path / "corpus")) == as_read(expected_records())
    assert len(list((tmp_path / "corpus" / "workers").iterdir())) == 4
    assert f"total: {FIXTURE_PAGES} articles from 4 of 4 WARC files" in run.stdout
    asked = [path for path, _ in tree.requests]
    assert asked[:2] == [
        "crawl-data/CC-NEWS/2023/12/warc.paths.gz",
        "crawl-data/CC-NEWS/2024/01/warc.paths.gz",
    ]
    sources = {record["metadata"]["source"]["warcFile"] for record in stored(tmp_path / "corpus")}
    assert all(source.startswith(tree.url("crawl-data/CC-NEWS/")) for source in sources)


def test_a_download_that_breaks_off_is_taken_up_at_the_byte_it_stopped(mixed: Path, tmp_path: Path) -> None:
    tree = Tree(tmp_path / "tree", cut={"mixed.warc.gz": mixed.stat().st_size // 2})
    (tmp_path / "tree").mkdir()
    (tmp_path / "tree" / "mixed.warc.gz").write_bytes(mixed.read_bytes())
    with serve_tree(tree):
        report = ingest(
            [WarcSource(tree.url("mixed.warc.gz"))], tmp_path / "corpus", Selection.of(), processes=1
        )
    assert tree.requests == [("mixed.warc.gz", ""), ("mixed.warc.gz", f"bytes={mixed.stat().st_size // 2}-")]
    assert as_read(stored(tmp_path / "corpus")) == as_read(expected_records())
    assert report.bytes_read == mixed.stat().st_size and not report.failed


def test_a_file_that_cannot_be_downloaded_fails_alone_and_the_next_run_reads_only_it(
    split: list[Path], tmp_path: Path
) -> None:
    tree = Tree(tmp_path / "tree")
    out = str(tmp_path / "corpus")
    with serve_tree(tree):
        url = tree.url("late.warc.gz")
        first = _cli(*map(str, split[:3]), url, "--out", out, "--quiet")
        assert first.returncode == 1
        assert first.stderr.splitlines()[0] == f"crawler: error: {url}: HTTP 404 Not Found"
        assert "1 of 4 WARC files could not be read" in first.stderr.splitlines()[-1]
        assert "Traceback" not in first.stderr
        read = [record for number, record in enumerate(expected_records()) if number % 4 < 3]
        assert as_read(stored(tmp_path / "corpus")) == as_read(read)  # the three files' records

        tree.root.mkdir()
        (tree.root / "late.warc.gz").write_bytes(split[3].read_bytes())
        tree.requests.clear()
        second = _cli(*map(str, split[:3]), url, "--out", out, "--quiet")
    assert second.returncode == 0, second.stderr
    assert "from 4 of 4 WARC files (3 done by an earlier run)" in second.stdout
    assert tree.requests == [("late.warc.gz", "")]
    assert as_read(stored(tmp_path / "corpus")) == as_read(expected_records())


def test_a_file_done_is_not_read_again_unless_the_selection_changes(mixed: Path, tmp_path: Path) -> None:
    first = _run([mixed], tmp_path / "corpus", Selection.of(("ctvnews",)))
    files = corpus_text(tmp_path / "corpus")
    again = _run([mixed], tmp_path / "corpus", Selection.of(("ctvnews",)))
    assert (again.earlier, again.done, again.bytes_read) == (1, 0, 0)
    assert again.sites["ctvnews"].kept == first.sites["ctvnews"].kept == 6  # counted from its report
    assert corpus_text(tmp_path / "corpus") == files
    other = _run([mixed], tmp_path / "corpus", Selection.of(("cbc",)))
    assert (other.earlier, other.done) == (0, 1)
    assert {record["site"]["id"] for record in stored(tmp_path / "corpus")} == {"ctvnews", "cbc"}


def test_all_cores_and_a_dask_cluster_give_the_corpus_of_one_process(
    split: list[Path], tmp_path: Path
) -> None:
    from distributed import LocalCluster

    _run(split, tmp_path / "one", processes=1)
    expected = corpus_text(tmp_path / "one")
    assert as_read(stored(tmp_path / "one")) == as_read(expected_records())

    cores = _run(split, tmp_path / "cores", processes=2)
    assert cores.done == 4 and corpus_text(tmp_path / "cores") == expected

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run = _cli(*map(str, split), "--out", str(tmp_path / "dask"), "--dask", cluster.scheduler_address)
    assert run.returncode == 0, run.stderr
    assert corpus_text(tmp_path / "dask") == expected
    workers = sorted(path.name for path in (tmp_path / "dask" / "workers").iterdir())
    assert workers == sorted(WarcSource(str(path)).key for path in split)


def test_a_run_killed_at_random_points_and_started_again_stores_the_uninterrupted_corpus(
    tmp_path: Path,
) -> None:
    captures = fixture_captures()
    files = [
        write_warc(
            tmp_path / "in" / f"part-{number}.warc.gz", [*others(WHEN), *responses(captures[number::6])]
        )
        for number in range(6)
    ]
    command = [str(tmp_path / "in"), "--processes", "1", "--quiet"]
    reference = _cli(*command, "--out", str(tmp_path / "reference"))
    assert reference.returncode == 0, reference.stderr
    expected = corpus_text(tmp_path / "reference")
    assert len(expected) > 0 and as_read(stored(tmp_path / "reference")) == as_read(expected_records())

    out = tmp_path / "killed"
    chance = random.Random(20250301)
    runs = 0
    while True:
        runs += 1
        assert runs < 30, "the killed runs made no progress"
        status = _killed_after([sys.executable, "-m", "crawler.cli", "ingest", *command, "--out", str(out)],
                               out, chance.randint(1, 12))  # fmt: skip
        if status == 0:
            break
    assert runs > 1  # it was killed at least once
    assert corpus_text(out) == expected
    assert len(files) == len(list((out / "workers").iterdir()))


def _lines(out: Path) -> int:
    """Records written anywhere under the folder so far, by tasks and by the merge, read while folders
    are written, moved and removed (os.walk passes over a folder that went away)."""
    count = 0
    for folder, _, names in os.walk(out):
        for name in names:
            if name.endswith(".jsonl"):
                with contextlib.suppress(FileNotFoundError):
                    count += (Path(folder) / name).read_bytes().count(b"\n")
    return count


def _killed_after(command: list[str], out: Path, more: int) -> int:
    """Start an ingest, SIGKILL it (and what it started) once ``more`` records are written; its status."""
    start = _lines(out) if out.exists() else 0
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + DEADLINE
    while process.poll() is None and (not out.exists() or _lines(out) < start + more):
        assert time.monotonic() < deadline, "the ingest made no progress"
        time.sleep(0.005)  # a bounded poll of the files written, not a wait for a guessed moment
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    return process.wait(timeout=DEADLINE)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["{tmp}/missing.warc.gz"], "{tmp}/missing.warc.gz: no such file or folder"),
        (["{tmp}/notes.txt"], "{tmp}/notes.txt: not a WARC file (it does not start with a WARC record)"),
        (
            ["{tmp}/fake.warc.gz"],
            "{tmp}/fake.warc.gz: not a WARC file (it does not start with a WARC record)",
        ),
        (["{tmp}/empty"], "{tmp}/empty: no WARC files (*.warc, *.warc.gz) in this folder"),
        (["{tmp}/*.warc"], "{tmp}/*.warc: no WARC files (*.warc, *.warc.gz) match"),
        (["--cc-news", "2024/13"], "--cc-news 2024/13: expected YYYY/MM or YYYY/MM-YYYY/MM"),
        (["--cc-news", "2024-01"], "--cc-news 2024-01: expected YYYY/MM or YYYY/MM-YYYY/MM"),
        (["--cc-news", "2024/03-2024/01"], "--cc-news 2024/03-2024/01: expected YYYY/MM or YYYY/MM-YYYY/MM"),
        (
            ["--cc-news", "2024/01", "--cc-news-base", "http://127.0.0.1:{port}/"],
            "CC-NEWS listing http://127.0.0.1:{port}/crawl-data/CC-NEWS/2024/01/warc.paths.gz: cannot",
        ),
        (["{tmp}/ok.warc.gz", "--sites", "ctvnews,nope"], "--sites: unknown site 'nope' (known: apnews"),
        (["{tmp}/ok.warc.gz", "--language", "English"], "--language English: expected an ISO 639-1 code"),
        (["{tmp}/ok.warc.gz", "--since", "yesterday-ish"], "'yesterday-ish': not a date window bound"),
        (
            ["{tmp}/ok.warc.gz", "--dask", "tcp://127.0.0.1:{port}"],
            "--dask tcp://127.0.0.1:{port}: cannot reach",
        ),
    ],
)
def test_bad_input_is_one_clear_line_naming_it(
    arguments: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("not a web archive\n", encoding="utf-8")
    (tmp_path / "fake.warc.gz").write_bytes(gzip.compress(b"<html>a page, not WARC</html>"))
    (tmp_path / "empty").mkdir()
    write_warc(tmp_path / "ok.warc.gz", responses(fixture_captures("cbc")[:1]))
    port = _closed_port()
    given = [argument.format(tmp=tmp_path, port=port) for argument in arguments]
    assert main(["ingest", *given, "--out", str(tmp_path / "corpus"), "--quiet"]) == 1
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert line.startswith("crawler: error: " + message.format(tmp=tmp_path, port=port))
    assert not (tmp_path / "corpus" / "workers").exists()


def test_an_unreachable_url_fails_its_file_with_one_line_naming_it(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/CC-NEWS-20240101000000-00000.warc.gz"
    run = _cli(url, "--out", str(tmp_path / "corpus"), "--quiet")
    assert run.returncode == 1
    first, last = run.stderr.strip().splitlines()
    assert first.startswith(f"crawler: error: {url}: cannot download: [Errno 111] Connection refused")
    assert last.startswith("crawler: error: 1 of 1 WARC files could not be read to their end")


def test_an_ingest_is_refused_while_another_process_writes_the_corpus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_warc(tmp_path / "ok.warc.gz", responses(fixture_captures("cbc")[:1]))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with lock_held_elsewhere(corpus):
        assert main(["ingest", str(tmp_path / "ok.warc.gz"), "--out", str(corpus), "--quiet"]) == 1
    assert "another crawl, merge, reparse or ingest is writing here" in capsys.readouterr().err
    assert not (corpus / "workers").exists()


def test_nothing_to_ingest_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest"]) == 2
    assert (
        capsys.readouterr().err
        == "crawler: error: ingest: give a WARC file, folder, glob or URL, or --cc-news\n"
    )


def test_no_most_articles_is_no_limit(mixed: Path, tmp_path: Path) -> None:
    """``--max-articles 0`` means no limit, as for a crawl."""
    assert (
        main(["ingest", str(mixed), "--out", str(tmp_path / "corpus"), "--max-articles", "0", "--quiet"]) == 0
    )
    assert as_read(stored(tmp_path / "corpus")) == as_read(expected_records())


def test_ingest_shows_its_progress_on_a_terminal_and_none_when_quiet(
    split: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr("crawler.progress._REDRAW", 0.0)  # every step drawn: the files take no time
    command = ["ingest", *map(str, split), "--processes", "1", "--out"]
    assert main([*command, str(tmp_path / "a")]) == 0
    drawn = re.findall(
        r"ingest: (\d)/4 files \(\d+%\), (\d+) records, (\d+) kept, 0 failed", screen.getvalue()
    )
    assert [done for done, _, _ in drawn] == ["0", "1", "2", "3", "4"]
    assert int(drawn[-1][2]) == len(expected_records())
    screen.truncate(0)
    screen.seek(0)
    assert main([*command, str(tmp_path / "b"), "--quiet"]) == 0
    assert screen.getvalue() == ""


def test_sigterm_mid_ingest_says_interrupted_and_exits_143(tmp_path: Path) -> None:
    """The WARC file's server sends its first kilobyte, then nothing: SIGTERM ends the wait."""
    warc = write_warc(tmp_path / "one.warc.gz", responses(fixture_captures("cbc"))).read_bytes()
    site = LoopbackSite(
        routes={"/one.warc.gz": Route(body=warc, content_type="application/warc", stall_after=1024)}
    )
    with serve(site):
        url = f"http://127.0.0.1:{site.port}/one.warc.gz"
        command = [sys.executable, "-m", "crawler.cli", "ingest", url, "--out", str(tmp_path / "corpus")]
        process = subprocess.Popen(
            command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        deadline = time.monotonic() + DEADLINE
        while not site.hits:  # a bounded poll for the request, not a wait for a guessed moment
            assert time.monotonic() < deadline and process.poll() is None, (
                "the ingest never asked for the file"
            )
            time.sleep(0.01)
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=DEADLINE)
    assert process.returncode == 143, errors
    assert errors.splitlines()[-1] == "crawler: interrupted by SIGTERM"
    assert "Traceback" not in errors


def test_cc_news_ranges_run_month_by_month_across_years() -> None:
    assert cc_news_months("2024/02") == [(2024, 2)]
    assert cc_news_months("2023/11-2024/02") == [(2023, 11), (2023, 12), (2024, 1), (2024, 2)]
    with pytest.raises(CrawlerError, match="2024/00"):
        cc_news_months("2024/00")


def test_cc_news_reads_a_local_copy_of_the_tree(tmp_path: Path) -> None:
    from crawler.ingest import cc_news_sources

    folder = tmp_path / "crawl-data" / "CC-NEWS" / "2024" / "01"
    folder.mkdir(parents=True)
    (folder / "warc.paths.gz").write_bytes(gzip.compress(b"crawl-data/CC-NEWS/2024/01/a.warc.gz\n"))
    assert cc_news_sources([(2024, 1)], str(tmp_path)) == [WarcSource(str(folder / "a.warc.gz"))]


def test_a_capture_date_before_the_window_is_judged_with_a_days_grace(tmp_path: Path) -> None:
    """A capture dated half a day before its page's publication (a clock behind) is still read."""
    (capture,) = fixture_captures("cbc")[:1]
    published = expected_records("cbc")[0]["datePublished"]
    half_a_day = Capture(capture.url, capture.body, datetime.fromisoformat(published) - timedelta(hours=12))
    two_days = Capture(capture.url, capture.body, datetime.fromisoformat(published) - timedelta(days=2))
    path = write_warc(tmp_path / "early.warc.gz", responses([half_a_day, two_days]))
    report = _run([path], tmp_path / "corpus", Selection.of(since=published))
    assert report.skipped == {"before-window": 1}  # two days before: unread
    assert [record["url"] for record in stored(tmp_path / "corpus")] == [capture.url]
