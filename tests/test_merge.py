"""``corpus merge`` in order of fetch across every worker file, without holding the records."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

from crawler.store.jsonl import read_records
from crawler.store.merge import merge_corpora
from tests.conftest import FIXTURES

SEED = FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "expected.json"


def _version(published: str, downloaded: str, modified: str) -> dict:
    record = copy.deepcopy(json.loads(SEED.read_text(encoding="utf-8")))
    record.update(datePublished=published, dateModified=modified, revision=1)
    record["metadata"]["dateDownloaded"] = downloaded
    return record


def _store(folder: Path, record: dict, compress: bool = False) -> None:
    """Append a record where a worker's corpus would file it."""
    path = folder / record["site"]["id"] / f"{record['datePublished'][:10]}.jsonl"
    line = (json.dumps(record) + "\n").encode()
    if compress:
        path, line = path.with_suffix(".jsonl.gz"), gzip.compress(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as handle:
        handle.write(line)


def test_versions_filed_under_different_days_are_merged_oldest_fetch_first(tmp_path: Path) -> None:
    # The first fetch filed the article under the 19th; a later one, with the date corrected,
    # under the 18th: read file by file, the newer version comes first.
    first = _version("2023-06-19T09:00:00-04:00", "2023-06-19T21:00:00+00:00", "2023-06-19T10:00:00-04:00")
    second = _version("2023-06-18T09:00:00-04:00", "2023-06-20T21:00:00+00:00", "2023-06-20T10:00:00-04:00")
    again = _version("2023-06-19T09:00:00-04:00", "2023-06-21T21:00:00+00:00", "2023-06-19T10:00:00-04:00")
    workers = tmp_path / "corpus" / "workers"
    _store(workers / "a", second)
    _store(workers / "a", first, compress=True)
    _store(workers / "b", again)  # an old version met again after a newer one: not a revision
    report = merge_corpora([workers / "a", workers / "b"], tmp_path / "corpus")
    assert (report.read, report.added, report.revisions, report.duplicates) == (3, 2, 1, 1)
    merged = sorted(read_records(tmp_path / "corpus"), key=lambda record: record["revision"])
    assert [(r["revision"], r["dateModified"]) for r in merged] == [
        (1, first["dateModified"]),
        (2, second["dateModified"]),
    ]
    assert merge_corpora([workers / "a", workers / "b"], tmp_path / "corpus").added == 0
