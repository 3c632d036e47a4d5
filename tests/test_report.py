"""``corpus export``: each article's newest revision, read in two streamed passes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from crawler.store.corpus import Corpus
from crawler.store.report import export_text
from tests.conftest import FIXTURES

SEED = FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "expected.json"


def test_export_writes_the_newest_revision_of_each_article_once(tmp_path: Path) -> None:
    first = json.loads(SEED.read_text(encoding="utf-8"))
    revised = copy.deepcopy(first)
    revised.update(headline="Revised headline", dateModified="2023-06-19T10:00:00-04:00")
    other = copy.deepcopy(first)
    other.update(id="0123456789abcdef", headline="Another story")
    other["metadata"]["contentHash"] = "sha256:" + "1" * 64
    with Corpus(tmp_path / "corpus") as corpus:
        for record in (first, other, revised):
            assert corpus.add(record)
    assert export_text(tmp_path / "corpus", tmp_path / "text") == 2
    heads = sorted(path.read_text().splitlines()[0] for path in (tmp_path / "text").rglob("*.txt"))
    assert heads == ["date 2023-06-18 Another story", "date 2023-06-18 Revised headline"]
