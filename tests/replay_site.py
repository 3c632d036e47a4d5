"""Modified copies of the replay fixtures, for tests that change a site between crawls.

Each helper edits a copy under the test's tmp_path: new articles (an existing case under a new
URL, with a paragraph of its own so that its body is new), updated articles, sitemap entries,
fetch headers. The copies still go through the real parsers, so they must stay real pages.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES, REPO

CRAWLED = re.compile(r"Crawled \((\d+)\) <GET (\S+)>")


def copy_site(site: str, root: Path) -> Path:
    """A copy of one site's fixtures under ``root``; returns ``root`` (the replay folder)."""
    shutil.copytree(FIXTURES / site, root / site)
    return root


def meta(case: Path) -> dict:
    return json.loads((case / "meta.json").read_text(encoding="utf-8"))


def set_headers(case: Path, **headers: str) -> None:
    """Add fetch headers (``ETag``, ``Last_Modified`` spelled with an underscore) to a case."""
    facts = meta(case)
    facts["headers"].update({name.replace("_", "-"): value for name, value in headers.items()})
    (case / "meta.json").write_text(json.dumps(facts, indent=2), encoding="utf-8")


def rewrite_paragraph(case: Path, marker: str) -> None:
    """Change the first paragraph of the case's body that the page holds verbatim."""
    expected = json.loads((case / "expected.json").read_text(encoding="utf-8"))
    page = (case / "page.html").read_text(encoding="utf-8")
    prefix = next(
        block["text"][:30]
        for block in expected["body"]
        if block["type"] == "paragraph" and block["text"][:30] in page
    )
    (case / "page.html").write_text(page.replace(prefix, f"{marker} {prefix}"), encoding="utf-8")


def new_article(case: Path, name: str, url: str) -> Path:
    """A new article case beside ``case``: the same page under ``url``, with a paragraph changed."""
    copy = case.parent / name
    shutil.copytree(case, copy)
    old_url = meta(case)["url"]
    for file in ("page.html", "meta.json"):
        text = (copy / file).read_text(encoding="utf-8")
        (copy / file).write_text(text.replace(old_url, url), encoding="utf-8")
    rewrite_paragraph(copy, f"New story {name}.")
    (copy / "expected.json").unlink()  # no longer true of the page; the parser decides
    return copy


def list_in_sitemap(sitemap: Path, url: str, lastmod: str) -> None:
    """Add a URL with its ``lastmod`` to a sitemap's ``body.xml``."""
    body = (sitemap / "body.xml").read_text(encoding="utf-8")
    entry = f"  <url>\n    <loc>{url}</loc>\n    <lastmod>{lastmod}</lastmod>\n  </url>\n</urlset>"
    (sitemap / "body.xml").write_text(body.replace("</urlset>", entry), encoding="utf-8")


def set_lastmod(sitemap: Path, url: str, lastmod: str) -> None:
    """Change the ``lastmod`` a sitemap gives a URL it lists."""
    body = (sitemap / "body.xml").read_text(encoding="utf-8")
    pattern = re.compile(rf"(<loc>{re.escape(url)}</loc>\s*<lastmod>)[^<]*(</lastmod>)")
    changed, count = pattern.subn(rf"\g<1>{lastmod}\g<2>", body)
    assert count == 1, f"{url} is not listed with a lastmod in {sitemap}"
    (sitemap / "body.xml").write_text(changed, encoding="utf-8")


def generated_site(root: Path, articles: int) -> Path:
    """The CTV News fixtures plus ``articles`` generated articles listed by the news sitemap."""
    replay = copy_site("ctvnews", root)
    site = replay / "ctvnews"
    seed = site / "2023-06-18-blinken-beijing-seed"
    for number in range(articles):
        url = f"https://www.ctvnews.ca/world/generated-story-{number}-1.{8_000_000 + number}"
        new_article(seed, f"generated-{number}", url)
        list_in_sitemap(site / "_sources" / "news-sitemap", url, "2025-03-01T08:00:00+00:00")
    return replay


def lines_written(corpus: Path) -> int:
    """Records written so far (complete lines), read while a crawl writes."""
    return sum(path.read_bytes().count(b"\n") for path in corpus.rglob("*.jsonl"))


def by_file(corpus: Path) -> dict[str, list[str]]:
    """Each corpus file's records as canonical JSON, sorted; every line must be whole."""
    files = {}
    for path in sorted(corpus.rglob("*.jsonl")):
        data = path.read_text(encoding="utf-8")
        assert data.endswith("\n"), f"torn last line in {path}"
        records = [json.loads(line) for line in data.splitlines()]
        files[str(path.relative_to(corpus))] = sorted(json.dumps(r, sort_keys=True) for r in records)
    return files


def crawl(replay: Path, out: Path, *arguments: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``crawler crawl`` in its own process (Twisted's reactor runs once per process), logging each fetch."""
    return subprocess.run(
        [sys.executable, "-m", "crawler.cli", "crawl", *arguments, "--replay", str(replay), "--out", str(out),
         "--log-level", "DEBUG"],
        cwd=REPO, capture_output=True, text=True, timeout=timeout, check=True,
    )  # fmt: skip


def fetched(run: subprocess.CompletedProcess[str]) -> list[tuple[int, str]]:
    """(status, URL) of every response the crawl received, from Scrapy's debug log."""
    return [(int(status), url) for status, url in CRAWLED.findall(run.stderr)]


def stored(corpus: Path) -> list[dict]:
    """Every record of a corpus folder."""
    return [
        json.loads(line)
        for path in sorted(corpus.rglob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
