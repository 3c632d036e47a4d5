"""The house's rooms import one way: cli → distributed → crawl → {sites, store, state, archive} → … → record.

Each package's docstring says what it may import; this test holds the code to it. It reads every
module's imports (lazy ones inside functions included) from its source, so a new module or a new
import against the direction fails here, naming the file and the line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crawler"

#: Modules any room may import: the package's version, its typed errors, atomic file writes, the
#: progress line of long runs, the CPUs a process may use, the fork server of worker processes.
SHARED = {
    "crawler._version",
    "crawler.errors",
    "crawler.files",
    "crawler.progress",
    "crawler.cpus",
    "crawler.forkserver",
}
#: What each room may import besides itself and SHARED; rooms not listed (the CLI, the
#: configuration, the scheduler, the package's front door) may import anything.
MAY_IMPORT: dict[str, set[str]] = {
    "crawler.record": set(),
    "crawler.extract": {"crawler.record"},
    "crawler.sites": {"crawler.extract", "crawler.record"},
    "crawler.store": {"crawler.record"},
    "crawler.state": set(),
    "crawler.archive": set(),
    "crawler.crawl": {
        "crawler.sites",
        "crawler.extract",
        "crawler.record",
        "crawler.store",
        "crawler.state",
        "crawler.archive",
    },
    "crawler.distributed": {"crawler.crawl", "crawler.store", "crawler.state", "crawler.record"},
    "crawler.ingest": {
        "crawler.archive",
        "crawler.sites",
        "crawler.store",
        "crawler.record",
        "crawler.extract",
    },
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for every ``crawler`` import in the file, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "crawler":  # ``from crawler import x`` reaches the front door
                yield from ((node.lineno, f"crawler.{alias.name}") for alias in node.names)
            else:
                yield node.lineno, node.module


def room_of(module: str) -> str | None:
    """The room (a key of MAY_IMPORT) a module belongs to, or None for the top floor."""
    return next((room for room in MAY_IMPORT if module == room or module.startswith(room + ".")), None)


def allowed(importer_room: str, imported: str) -> bool:
    if not imported.startswith("crawler"):
        return True
    if imported in SHARED or any(imported.startswith(shared + ".") for shared in SHARED):
        return True
    target = room_of(imported)
    return target == importer_room or target in MAY_IMPORT[importer_room]


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE.parent)))
def test_imports_run_one_way(path: Path) -> None:
    room = room_of(module_name(path))
    if room is None:
        return
    against = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {imported}"
        for line, imported in imports_of(path)
        if not allowed(room, imported)
    ]
    assert not against, f"{room} may import only {sorted(MAY_IMPORT[room] | SHARED)}:\n" + "\n".join(against)


def test_the_check_sees_an_import_against_the_direction(tmp_path: Path) -> None:
    """The rule itself fails where it should: extract importing a site, store importing the crawl."""
    assert not allowed("crawler.extract", "crawler.sites.ctvnews")
    assert not allowed("crawler.store", "crawler.crawl.runner")
    assert not allowed("crawler.archive", "crawler.sites")  # the archive knows WARC files, not sites
    assert not allowed("crawler.ingest", "crawler.crawl")  # an ingest reads archives, it crawls nothing
    assert not allowed("crawler.record", "crawler")  # the front door imports every room
    assert allowed("crawler.crawl", "crawler.sites.parse")
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from crawler.crawl import runner\n", encoding="utf-8")
    assert list(imports_of(module)) == [(2, "crawler.crawl")]


def test_every_room_says_what_it_owns_and_may_import() -> None:
    for room in MAY_IMPORT:
        init = PACKAGE.joinpath(*room.split(".")[1:], "__init__.py")
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "import" in doc, f"{init}: its docstring must say what the package may import"
