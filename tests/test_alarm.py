"""The breakage alarm: a site whose pages changed is named, with the field, and the crawl exits 3."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.config import ScheduleConfig, load_config
from crawler.crawl.coverage import Alarm
from crawler.errors import ConfigError
from crawler.schedule import crawl_command
from tests.conftest import REPO
from tests.loopback import LoopbackSite, Route, serve
from tests.replay_site import copy_site
from tests.test_hostile_sources import HOST, article, crawl, urlset


def _crawl(replay: Path, out: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", "ctvnews", *arguments, "--replay", str(replay),
         "--out", str(out)],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _redesigned(root: Path) -> Path:
    """CTV News after a redesign: new class names, no JSON-LD; one article page is left as it was."""
    replay = copy_site("ctvnews", root)
    for page in sorted((replay / "ctvnews").glob("[0-9]*/page.html"))[:-1]:
        html = page.read_text(encoding="utf-8")
        html = re.sub(r"<script[^>]*application/ld\+json[^>]*>.*?</script>", "", html, flags=re.S | re.I)
        page.write_text(html.replace('class="', 'class="v2-'), encoding="utf-8")
    return replay


def _alarms(done: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in done.stderr.splitlines() if line.startswith("crawler: alarm: ")]


def test_a_redesign_keeps_the_articles_and_raises_the_alarm_naming_the_site(tmp_path: Path) -> None:
    """The redesigned pages are read by the fallbacks and stored; that most pages fell back is the
    alarm, and bylines on one page of six where the earlier crawl had them on all."""
    assert _crawl(copy_site("ctvnews", tmp_path / "before"), tmp_path / "corpus").returncode == 0
    done = _crawl(_redesigned(tmp_path / "fixtures"), tmp_path / "corpus")
    assert done.returncode == 3, done.stderr
    assert "ctvnews: 6 articles, 0 skipped (not an article)" in done.stdout
    assert "; 5 read by a fallback (no template recognised them)" in done.stdout
    assert "ctvnews field coverage (6 article pages): headline 100%" in done.stdout
    assert _alarms(done) == [
        "crawler: alarm: ctvnews: authors in 17% of 6 article pages, down from the 100% its pages "
        "usually have: has the site changed its pages?",
        "crawler: alarm: ctvnews: 5 of 6 article pages read by a fallback, no template of the site "
        "recognised them: has the site changed its pages?",
    ]


def test_a_first_crawl_alarms_only_on_what_is_certainly_broken(tmp_path: Path) -> None:
    """No history: bylines on one page in six may be the site's way; most pages falling back is not."""
    done = _crawl(_redesigned(tmp_path / "fixtures"), tmp_path / "corpus")
    assert done.returncode == 3, done.stderr
    assert [alarm.split(": ")[3] for alarm in _alarms(done)] == [
        "5 of 6 article pages read by a fallback, no template of the site recognised them"
    ]


def test_a_healthy_crawl_raises_no_alarm(tmp_path: Path) -> None:
    done = _crawl(copy_site("ctvnews", tmp_path / "fixtures"), tmp_path / "corpus")
    assert done.returncode == 0, done.stderr
    assert "ctvnews field coverage (6 article pages): headline 100%" in done.stdout
    assert _alarms(done) == []


@pytest.mark.parametrize(("threshold", "status"), [(0.5, 3), (0.1, 0)])
def test_the_threshold_and_fields_come_from_the_config(tmp_path: Path, threshold: float, status: int) -> None:
    """After a healthy crawl (bylines on every page), the redesign has them on one page in six
    (17%): below half of the usual, above a tenth of it. Only the configured field is judged."""
    config = tmp_path / "crawler.toml"
    config.write_text(f'[alarm]\nthreshold = {threshold}\nfields = ["authors"]\n', encoding="utf-8")
    healthy = _crawl(copy_site("ctvnews", tmp_path / "before"), tmp_path / "corpus", "--config", str(config))
    assert healthy.returncode == 0, healthy.stderr
    done = _crawl(_redesigned(tmp_path / "fixtures"), tmp_path / "corpus", "--config", str(config))
    assert done.returncode == 3, done.stderr  # the fallback alarm is always on
    authors = [alarm for alarm in _alarms(done) if ": authors in " in alarm]
    assert authors == (
        ["crawler: alarm: ctvnews: authors in 17% of 6 article pages, down from the 100% its pages usually "
         "have: has the site changed its pages?"] if status else []
    )  # fmt: skip


def test_a_site_with_fewer_pages_than_min_pages_is_not_judged(tmp_path: Path) -> None:
    done = _crawl(_redesigned(tmp_path / "fixtures"), tmp_path / "corpus", "-s", "COVERAGE_MIN_PAGES=7")
    assert done.returncode == 0, done.stderr
    assert "5 read by a fallback" in done.stdout
    coverage = "ctvnews field coverage (6 article pages): headline 100%  description 100%  authors 17%"
    assert coverage in done.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[alarm]\nthreshold = 90\n", "crawler.toml, line 2: alarm.threshold: 90: expected a fraction"),
        ('[alarm]\nfields = ["byline"]\n', "crawler.toml, line 2: alarm.fields: ['byline']: expected a list"),
        ("[alarm]\n\nmin_pages = 0\n", "crawler.toml, line 3: alarm.min_pages: 0: expected a whole number"),
        ("[alarm]\nlevel = 1\n", "crawler.toml, line 2: alarm.level: unknown key"),
        ("alarm = 0.9\n", "crawler.toml, line 1: alarm: 0.9: expected a table"),
    ],
)
def test_a_bad_alarm_table_is_refused_naming_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "crawler.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert str(raised.value).startswith(f"{config.parent}/{message}")


def test_the_scheduler_passes_its_alarm_to_each_crawl(tmp_path: Path) -> None:
    config = tmp_path / "crawler.toml"
    config.write_text('[alarm]\nthreshold = 0.75\nfields = ["headline", "body"]\nmin_pages = 2\n')
    loaded = load_config(config)
    assert loaded.alarm == Alarm(threshold=0.75, fields=("headline", "body"), min_pages=2)
    command = crawl_command(loaded, ["ctvnews"])
    for setting in ("COVERAGE_THRESHOLD=0.75", "COVERAGE_FIELDS=headline,body", "COVERAGE_MIN_PAGES=2"):
        assert command[command.index(setting) - 1] == "-s"
    assert ScheduleConfig().alarm == Alarm()


def _harbour(bylined: int, first: int, pages: int = 7) -> LoopbackSite:
    """A site with no module: ``pages`` new articles (from number ``first``), the first ``bylined`` signed."""
    numbers = range(first, first + pages)
    routes = {"/sitemap.xml": urlset(*(f"{HOST}/news/{n}" for n in numbers))}
    for number in numbers:
        page = article(number)
        if number < first + bylined:
            page.body = page.body.replace(b"<head>", b'<head><meta name="author" content="Jane Doe">')
        routes[f"/news/{number}"] = page
    return LoopbackSite(routes=routes)


def test_a_site_without_a_module_is_judged_against_its_own_pages(tmp_path: Path) -> None:
    """Bylines on 6 of 7 pages (86%) is what the site does: no alarm on its first crawl, nor on the
    next one like it. Bylines on none is a redesign."""
    corpus = tmp_path / "corpus"
    for first in (0, 10):
        with serve(_harbour(bylined=6, first=first)) as site:
            done = crawl(site, corpus, "--url", f"{HOST}/sitemap.xml")
        assert done.returncode == 0, done.stderr[-2000:]
        assert (
            "harbour.example field coverage (7 article pages): headline 100%  description 0%  authors 86%"
            in done.stdout
        )
    baseline = json.loads((corpus / ".coverage.json").read_text())["harbour.example"]
    assert (baseline["pages"], baseline["present"]["authors"]) == (14, 12)
    with serve(_harbour(bylined=0, first=20)) as site:
        done = crawl(site, corpus, "--url", f"{HOST}/sitemap.xml")
    assert done.returncode == 3, done.stderr[-2000:]
    assert _alarms(done) == [
        "crawler: alarm: harbour.example: authors in 0% of 7 article pages, down from the 86% its pages "
        "usually have: has the site changed its pages?"
    ]
    kept = json.loads((corpus / ".coverage.json").read_text())["harbour.example"]
    assert kept == baseline  # a crawl that raised the alarm does not teach the baseline


def test_a_first_crawl_alarms_when_pages_lose_their_headline_and_body(tmp_path: Path) -> None:
    """No history is needed to know that article pages with no headline and no body are broken."""
    numbers = range(7)
    routes = {"/sitemap.xml": urlset(*(f"{HOST}/news/{n}" for n in numbers))}
    for number in numbers:
        broken = Route(body=b"<html><body><p>Nothing here.</p></body></html>")
        routes[f"/news/{number}"] = article(number) if number < 2 else broken
    with serve(LoopbackSite(routes=routes)) as site:
        done = crawl(site, tmp_path / "corpus", "--url", f"{HOST}/sitemap.xml")
    assert done.returncode == 3, done.stderr[-2000:]
    assert _alarms(done) == [
        f"crawler: alarm: harbour.example: {field} in 29% of 7 article pages, below the 90% threshold: "
        "has the site changed its pages?"
        for field in ("headline", "body")
    ]
    assert not (tmp_path / "corpus" / ".coverage.json").exists()  # a broken crawl is no baseline
