"""Re-parsing from the archive: after a parser change, exactly the changed records get a new revision, once.

The archive is a real archived crawl of the loopback site (tests/archive_site.py); the parser
change is made in this process (a template's version and a tightened boilerplate rule), where
``reparse`` runs, as a maintainer runs it before a release: it parses in this process too
(``processes=0``), since parser processes would start from the unchanged code.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.archive import read_response
from crawler.cli import main
from crawler.crawl.reparse import reparse
from crawler.errors import CorpusError
from crawler.extract.page import Page
from crawler.extract.window import DateWindow
from crawler.sites.ctvnews import Aem2023
from crawler.sites.fixtures import discover
from crawler.sites.parse import parse
from tests.archive_site import crawl, fixture_site, http, stored
from tests.conftest import FIXTURES, REPO
from tests.lock_holder import lock_held_elsewhere
from tests.loopback import Route, serve
from tests.replay_site import copy_site
from tests.test_progress import Terminal

AEM_PAGES = sum(
    1
    for case in discover(FIXTURES, "ctvnews")
    if case.expected()["metadata"]["parserVersion"].startswith("2023-aem/")
)
ALL_PAGES = len(list(discover(FIXTURES, "ctvnews")))


@pytest.fixture(scope="module")
def archived_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reparse")
    site = fixture_site(copy_site("ctvnews", root / "fixtures"))
    with serve(site):
        crawl(site, root / "corpus", "--warc")
    return root / "corpus"


@pytest.fixture
def corpus(archived_corpus: Path, tmp_path: Path) -> Path:
    """A copy of the archived crawl's corpus (with its archive) for one test to change."""
    return Path(shutil.copytree(archived_corpus, tmp_path / "corpus"))


def _change_the_aem_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """A parser release: AEM pages lose each container's last paragraph, under a new template version."""
    monkeypatch.setattr(Aem2023, "version", "2023-aem-fixed")
    monkeypatch.setattr(Aem2023, "drop", (*Aem2023.drop, "p:last-child"))


def _files(corpus: Path) -> dict[str, bytes]:
    return {str(path.relative_to(corpus)): path.read_bytes() for path in sorted(corpus.glob("*/*.jsonl"))}


def test_a_parser_change_is_counted_by_a_dry_run_then_stored_as_new_revisions_exactly_once(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = stored(corpus)
    files = _files(corpus)
    _change_the_aem_parser(monkeypatch)

    dry = reparse(corpus, corpus / "warc", dry_run=True, processes=0).summary()
    assert _files(corpus) == files  # a dry run writes nothing
    changed = ALL_PAGES - AEM_PAGES
    assert dry.splitlines()[0] == (
        f"ctvnews: {ALL_PAGES} archived article pages: {AEM_PAGES} would be new revisions, "
        f"0 would be new articles, {changed} unchanged"
    )
    fields = dry.splitlines()[1]
    for field in ("body", "articleBody", "wordCount", "metadata.contentHash", "metadata.parserVersion"):
        assert f"{field} {AEM_PAGES}" in fields
    assert "headline" not in fields
    assert "(revision 1 -> 2):\n    body:\n      @@ " in dry and "\n    metadata:\n" in dry
    assert '-  "parserVersion": "2023-aem/' in dry and '+  "parserVersion": "2023-aem-fixed/' in dry

    report = reparse(corpus, corpus / "warc", processes=0)
    assert (report.sites[0].revised, report.sites[0].added, report.sites[0].unchanged) == (
        AEM_PAGES,
        0,
        changed,
    )
    after = stored(corpus)
    new = [record for record in after if record["revision"] == 2]
    assert len(after) == len(before) + AEM_PAGES and len(new) == AEM_PAGES
    old_by_id = {record["id"]: record for record in before}
    for record in new:
        old = old_by_id[record["id"]]
        assert old["metadata"]["parserVersion"].startswith("2023-aem/")
        assert record["metadata"]["parserVersion"].startswith("2023-aem-fixed/")
        # The tightened rule took blocks out, and added none.
        assert len(record["body"]) < len(old["body"])
        assert all(block in old["body"] for block in record["body"])
        assert record["metadata"]["source"] == old["metadata"]["source"]  # the same archived page
        assert record["metadata"]["dateDownloaded"] == old["metadata"]["dateDownloaded"]
        source = record["metadata"]["source"]
        page = read_response(corpus / "warc" / source["warcFile"], source["warcOffset"])
        reparsed = parse(Page.from_bytes(page.decoded_body(10 << 20), page.url, page.content_type, page.date))
        assert record == reparsed | {"revision": 2, "metadata": reparsed["metadata"] | {"source": source}}

    files = _files(corpus)
    again = reparse(corpus, corpus / "warc", processes=0)
    assert (again.sites[0].revised, again.sites[0].added, again.sites[0].unchanged) == (0, 0, ALL_PAGES)
    assert _files(corpus) == files  # a second run adds nothing


def test_a_page_the_new_parser_refuses_is_reported_and_its_record_kept(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Aem2023.not_an_article
    monkeypatch.setattr(
        Aem2023,
        "not_an_article",
        lambda self: "a page today's parser refuses" if "blinken" in self.page.url else original(self),
    )
    files = _files(corpus)
    report = reparse(corpus, corpus / "warc", processes=0)
    (refused,) = report.sites[0].refused
    assert "blinken" in refused and refused.endswith("not an article: a page today's parser refuses")
    assert "refused by today's parsers, the stored record kept: 1" in report.summary()
    assert report.sites[0].revised == report.sites[0].added == 0
    assert _files(corpus) == files


def test_an_archived_page_with_no_record_is_added_by_the_parser_that_now_reads_it(corpus: Path) -> None:
    """A page an older parser refused (here: its record taken out of the corpus) gets its record."""
    (path,) = [path for path in corpus.glob("ctvnews/*.jsonl") if b"blinken" in path.read_bytes()]
    lost = path.read_text(encoding="utf-8")
    path.unlink()
    (corpus / ".index.sqlite").unlink()

    dry = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "reparse", "--dir", str(corpus), "--dry-run"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert "1 would be new articles" in dry and "(dry run: nothing written)" in dry
    assert not path.exists()

    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "reparse", "ctvnews", "--dir", str(corpus), "--processes", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    assert f"ctvnews: {ALL_PAGES} archived article pages: 0 new revisions, 1 new articles" in done
    assert path.read_text(encoding="utf-8") == lost  # the very record the crawl had stored
    assert reparse(corpus, corpus / "warc", processes=0).sites[0].added == 0


def test_an_article_fetched_twice_keeps_its_revisions_in_fetch_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = fixture_site(copy_site("ctvnews", tmp_path / "fixtures"))
    seed = FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "page.html"
    path = next(route for route in site.routes if "blinken" in route)
    corpus = tmp_path / "corpus"
    with serve(site):
        crawl(site, corpus, "--warc")
        updated = http(seed.read_bytes()).replace(b"have failed to overcome", b"have yet to overcome")
        site.routes[path] = Route(body=updated, content_type="text/html; charset=utf-8")
        crawl(site, corpus, "--warc")  # the article changed: its second revision
    blinken = [record for record in stored(corpus) if "blinken" in record["url"]]
    assert [record["revision"] for record in blinken] == [1, 2]

    _change_the_aem_parser(monkeypatch)
    report = reparse(corpus, corpus / "warc", processes=0)
    # Every AEM page's first capture changed; the second captures of unchanged pages then match it.
    assert report.sites[0].revised == AEM_PAGES + 1
    blinken = sorted((r for r in stored(corpus) if "blinken" in r["url"]), key=lambda r: r["revision"])
    assert [record["revision"] for record in blinken] == [1, 2, 3, 4]
    dates = [record["metadata"]["dateDownloaded"] for record in blinken]
    assert dates[2] == dates[0] < dates[3] == dates[1]  # each new revision is its capture's, in fetch order
    assert "have yet to overcome" in blinken[3]["articleBody"]  # the newest is the newest capture's
    assert blinken[3]["metadata"]["parserVersion"].startswith("2023-aem-fixed/")
    assert reparse(corpus, corpus / "warc", processes=0).sites[0].revised == 0


def test_the_window_and_the_sites_choose_the_pages(corpus: Path) -> None:
    assert (
        reparse(corpus, corpus / "warc", window=DateWindow.of("2099-01-01", None), processes=0).sites[0].pages
        == 0
    )
    assert (
        reparse(corpus, corpus / "warc", ["ctvnews"], window=DateWindow.of("2d", None), processes=0)
        .sites[0]
        .pages
        == ALL_PAGES
    )
    for arguments, message in (
        (["nosuch"], "warc/nosuch: no archive of this site (archived: ctvnews)"),
        (["--archive", str(corpus / "none")], "none: no archive here (crawl with --warc to keep one)"),
        (["--since", "soon"], "'soon': not a date window bound"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "crawler.cli", "reparse", "--dir", str(corpus), *arguments],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_reparse_shows_its_progress_on_a_terminal_and_none_when_quiet(
    corpus: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    screen = Terminal()
    monkeypatch.setattr(sys, "stderr", screen)
    monkeypatch.setattr("crawler.progress._REDRAW", 0.0)  # every page drawn: a page takes no time
    assert main(["reparse", "--dir", str(corpus), "--dry-run"]) == 0
    drawn = [int(done) for done in re.findall(r"reparse: (\d+) pages, [\d.]+ pages/s", screen.getvalue())]
    assert drawn == list(range(1, ALL_PAGES + 1))
    assert f"{ALL_PAGES} pages in " in capsys.readouterr().out
    screen.truncate(0)
    assert main(["reparse", "--dir", str(corpus), "--dry-run", "--quiet"]) == 0
    assert screen.getvalue() == ""


def test_a_reparse_is_refused_while_another_process_writes_the_corpus(corpus: Path) -> None:
    files = _files(corpus)
    with lock_held_elsewhere(corpus):
        with pytest.raises(CorpusError, match="another crawl, merge, reparse or ingest"):
            reparse(corpus, corpus / "warc", processes=0)
        reparse(corpus, corpus / "warc", dry_run=True, processes=0)  # a dry run only reads
    assert _files(corpus) == files
