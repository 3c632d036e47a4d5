"""The documentation holds together: links lead somewhere, the README names every command and stays short.

Links are checked the way GitHub renders them: a relative path must exist in the tree, and an
anchor must be the slug of a heading of the file it points into (lower case, spaces to hyphens,
punctuation dropped, ``-1``, ``-2``... for repeated headings). Links inside code are not links.
The paths and modules the prose names in code (`crawler/store/`, `crawler.sites.parse`) must
exist too: a layout that moves on must take its documentation with it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest

from crawler.cli.common import (
    ALARM_STATUS,
    DONE_STATUS,
    ERROR_STATUS,
    EXIT_STATUSES,
    INTERRUPTED_STATUS,
    TERMINATED_STATUS,
    USAGE_STATUS,
)
from crawler.cli.main import _parser
from crawler.sites.fixtures import discover
from crawler.store.corpus import Corpus
from tests.conftest import FIXTURES, REPO

README = REPO / "README.md"
DOCUMENTS = [README, *sorted((REPO / "docs").glob("*.md"))]
#: The README is a front door: what the project is, how to start, where the rest is.
README_MAX_LINES = 260

_FENCE = re.compile(r"^\s*(```|~~~)")
_CODE_SPAN = re.compile(r"`+[^`]*`+")
_LINK = re.compile(r"\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: A path of the tree or a dotted name in the package at the start of a code span; a path with a
#: placeholder (``fixtures/<site>/``) is not one.
_NAMED_PATH = re.compile(r"`((?:crawler|tests|bench|fixtures|docs)/[^`\s<>*]*)`")
_NAMED_MODULE = re.compile(r"`(crawler(?:\.\w+)+)")
#: Dotted names that are files, not modules.
_NOT_MODULES = {"crawler.toml"}


@dataclass(frozen=True)
class Link:
    """A relative link of a Markdown file, where it stands."""

    source: Path
    line: int
    target: str

    def __str__(self) -> str:
        return f"{self.source.name}:{self.line}: {self.target}"


def prose_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of every line outside fenced code blocks."""
    fenced = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield number, line


def links_in(path: Path) -> Iterator[Link]:
    """The file's relative links (a path, ``path#anchor`` or ``#anchor``); web links are not ours to check."""
    for number, line in prose_lines(path):
        for match in _LINK.finditer(_CODE_SPAN.sub("", line)):
            if not _SCHEME.match(match[1]):
                yield Link(path, number, match[1])


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = _INLINE_LINK.sub(r"\1", heading).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    """Every heading's anchor in a Markdown file, a repeated one numbered as GitHub numbers it."""
    anchors: set[str] = set()
    for _, line in prose_lines(path):
        heading = _HEADING.match(line)
        if heading:
            base = slug(heading[1])
            anchor, repeat = base, 0
            while anchor in anchors:
                repeat += 1
                anchor = f"{base}-{repeat}"
            anchors.add(anchor)
    return anchors


def problem(link: Link, root: Path) -> str | None:
    """What is wrong with a link inside the tree at ``root``, or None when it leads somewhere."""
    path, _, anchor = link.target.partition("#")
    target = (link.source.parent / unquote(path)).resolve() if path else link.source
    if not target.is_relative_to(root.resolve()):
        return f"{link}: points outside the repository"
    if not target.exists():
        return f"{link}: no such file"
    if not anchor:
        return None
    if target.suffix != ".md":
        return f"{link}: an anchor into {target.name}, which is not Markdown"
    if anchor not in anchors_of(target):
        return f"{link}: no heading of {target.name} has the anchor #{anchor}"
    return None


def named_in(path: Path) -> Iterator[tuple[int, str]]:
    """(line, name) of every tree path and package name the file's prose shows in code."""
    for number, line in prose_lines(path):
        for pattern in (_NAMED_PATH, _NAMED_MODULE):
            yield from ((number, name) for name in pattern.findall(line) if name not in _NOT_MODULES)


def exists(name: str, root: Path) -> bool:
    """Whether a tree path exists under ``root``, or a dotted name is a module or one of its attributes."""
    if "/" in name:
        return (root / name).exists()
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(found, attribute):
                return False
            found = getattr(found, attribute)
        return True
    return False


def commands(parser: argparse.ArgumentParser, prefix: str = "crawler") -> Iterator[str]:
    """Every command the parser takes, as a user types it (``crawler fixtures check``)."""
    groups = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    if not groups:
        yield prefix
    for group in groups:
        for name, child in group.choices.items():
            yield from commands(child, f"{prefix} {name}")


LINKS = [link for document in DOCUMENTS for link in links_in(document)]
NAMED = [(document, line, name) for document in DOCUMENTS for line, name in named_in(document)]
COMMANDS = sorted(commands(_parser()))


@pytest.mark.parametrize("link", LINKS, ids=str)
def test_link_leads_to_a_file_and_heading(link: Link) -> None:
    assert problem(link, REPO) is None


def test_the_link_check_refuses_what_github_would_not_find(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "code.py").write_text("", encoding="utf-8")
    page = tmp_path / "docs" / "page.md"
    page.write_text(
        "# The page\n\n## Distributed crawls (several workers, several machines)\n\n## Notes\n\n## Notes\n\n"
        "[ok](../code.py) [ok](#notes-1) [ok](page.md#distributed-crawls-several-workers-several-machines)\n"
        "[gone](../missing.md) [no heading](#notes-2) [not markdown](../code.py#L1) [out](../../x.md)\n"
        "[web](https://example.com/missing) `[code](missing.md)`\n```\n[fenced](missing.md)\n```\n",
        encoding="utf-8",
    )
    found = {link.target: problem(link, tmp_path) for link in links_in(page)}
    assert found == {
        "../code.py": None,
        "#notes-1": None,
        "page.md#distributed-crawls-several-workers-several-machines": None,
        "../missing.md": "page.md:10: ../missing.md: no such file",
        "#notes-2": "page.md:10: #notes-2: no heading of page.md has the anchor #notes-2",
        "../code.py#L1": "page.md:10: ../code.py#L1: an anchor into code.py, which is not Markdown",
        "../../x.md": "page.md:10: ../../x.md: points outside the repository",
    }


@pytest.mark.parametrize(
    ("document", "line", "name"), NAMED, ids=[f"{doc.name}:{line}: {name}" for doc, line, name in NAMED]
)
def test_named_path_or_module_exists(document: Path, line: int, name: str) -> None:
    assert exists(name, REPO), f"{document.name}:{line}: {name} is not in the tree"


def test_the_name_check_refuses_what_moved(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "`crawler/record/` `crawler/state.py` `crawler.sites.parse.parse_page` `crawler.parsing.parse`\n"
        "`fixtures/<site>/` `crawler.toml`\n```\n`crawler/cli.py`\n```\n",
        encoding="utf-8",
    )
    found = {name: exists(name, REPO) for _, name in named_in(page)}
    assert found == {
        "crawler/record/": True,
        "crawler/state.py": False,
        "crawler.sites.parse.parse_page": True,
        "crawler.parsing.parse": False,
    }


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Sites without a module: the generic parser", "sites-without-a-module-the-generic-parser"),
        ("A page source (WARC files, an archive)", "a-page-source-warc-files-an-archive"),
        ("`crawler.toml` and systemd", "crawlertoml-and-systemd"),
        ("What's new? [Read it](x.md)", "whats-new-read-it"),
        ("Crawling \u2014 at_scale", "crawling--at_scale"),
    ],
)
def test_slug_follows_github(heading: str, anchor: str) -> None:
    assert slug(heading) == anchor


def test_every_docs_page_is_linked_from_the_readme() -> None:
    linked = {(README.parent / link.target.partition("#")[0]).resolve() for link in links_in(README)}
    unlinked = [page.name for page in DOCUMENTS[1:] if page.resolve() not in linked]
    assert not unlinked, f"add these to the README's Documentation list: {unlinked}"


def test_the_commands_are_read_from_the_parser() -> None:
    assert {"crawler parse", "crawler fixtures check", "crawler corpus merge", "crawler schedule"} <= set(
        COMMANDS
    )
    assert "crawler fixtures" not in COMMANDS  # a group is named through its actions


@pytest.mark.parametrize("command", COMMANDS)
def test_the_readme_shows_every_command(command: str) -> None:
    assert re.search(re.escape(command) + r"\b", README.read_text(encoding="utf-8")), (
        f"README.md: 'Using it' does not show `{command}`"
    )


def test_the_readme_stays_a_front_door() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines < README_MAX_LINES, f"README.md has {lines} lines: move details to docs/"


def test_the_example_record_is_a_fixture_record_shortened() -> None:
    text = (REPO / "docs" / "record.md").read_text(encoding="utf-8")
    example = json.loads(text.split("```json\n", 1)[1].split("\n```", 1)[0])
    records = (case.expected() for case in discover(FIXTURES))
    record = next((record for record in records if record["url"] == example["url"]), None)
    assert record is not None, f"no fixture was fetched from {example['url']}"
    shortened = {"articleBody", "body"}
    assert {k: v for k, v in example.items() if k not in shortened} == {
        k: v for k, v in record.items() if k not in shortened
    }
    assert record["articleBody"].startswith(example["articleBody"].removesuffix(" ..."))
    assert example["body"][0] == record["body"][0] and example["body"][-1] == record["body"][-1]
    blocks = iter(record["body"])
    assert all(block in blocks for block in example["body"]), "the example's blocks, in the record's order"


def test_the_exit_statuses_documented_are_the_commands_own() -> None:
    """The table in docs/operations.md, the help's epilog and the README name the same statuses."""
    text = (REPO / "docs" / "operations.md").read_text(encoding="utf-8")
    table = text.split("## Exit statuses", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| ([\d, ]+) \| (\w+) \|", table, flags=re.M)
    documented = {int(status): meaning for statuses, meaning in rows for status in statuses.split(",")}
    assert documented == {
        DONE_STATUS: "done",
        ERROR_STATUS: "error",
        USAGE_STATUS: "usage",
        ALARM_STATUS: "alarm",
        INTERRUPTED_STATUS: "interrupted",
        TERMINATED_STATUS: "interrupted",
    }
    for status, meaning in documented.items():
        assert re.search(rf"^  {status}\b.*\b{meaning}\b|\b{status} when stopped", EXIT_STATUSES, flags=re.M)
    readme = README.read_text(encoding="utf-8")
    assert "exits 0 (done),\n1 (error), 2 (usage), 3 (alarm) or 130/143 (interrupted)" in readme


def _python_examples(path: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", path.read_text(encoding="utf-8"), flags=re.M | re.S)


def test_the_readmes_notebook_example_runs_on_a_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [case.expected() for case in discover(FIXTURES) if case.path.parent.name in {"cbc", "ctvnews"}]
    with Corpus(tmp_path / "corpus") as corpus:
        for record in records:
            corpus.add(record)
    (example,) = [code for code in _python_examples(README) if "crawler.corpus" in code]
    monkeypatch.chdir(tmp_path)
    names: dict[str, Any] = {}
    exec(example, names)  # the README's own code, as a reader would run it
    since = datetime(2024, 5, 1, tzinfo=UTC)
    recent = [
        r for r in records if r["datePublished"] and datetime.fromisoformat(r["datePublished"]) >= since
    ]
    assert recent, "no fixture record of cbc or ctvnews is recent enough to show the example working"
    printed = capsys.readouterr().out.splitlines()
    assert sorted(printed) == sorted(f"{r['datePublished']} {r['headline']}" for r in recent)
    frame = names["frame"]
    assert list(frame.columns) == ["headline", "authors", "datePublished"]
    assert sorted(frame["headline"]) == sorted(r["headline"] for r in recent)
