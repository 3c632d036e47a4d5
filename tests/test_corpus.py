"""The corpus on disk: validated, de-duplicated, safe against a torn last line."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest

from crawler.corpus import Corpus, read_records, repair_torn_tail
from crawler.errors import InvalidRecordError
from crawler.fixtures import discover
from tests.conftest import FIXTURES


@pytest.fixture
def record() -> dict:
    case = next(discover(FIXTURES))
    return case.replay()


def test_records_go_to_their_site_and_publication_day(tmp_path: Path, record: dict) -> None:
    with Corpus(tmp_path) as corpus:
        assert corpus.add(record)
    path = tmp_path / record["site"]["id"] / f"{record['datePublished'][:10]}.jsonl"
    assert [json.loads(line) for line in path.read_text().splitlines()] == [record | {"revision": 1}]


def test_the_same_record_is_stored_once_even_across_runs(tmp_path: Path, record: dict) -> None:
    with Corpus(tmp_path) as corpus:
        assert corpus.add(record)
        assert not corpus.add(copy.deepcopy(record))
    with Corpus(tmp_path) as corpus:
        assert not corpus.add(record)
        assert corpus.duplicates == 1
    assert sum(len(p.read_text().splitlines()) for p in tmp_path.rglob("*.jsonl")) == 1


def _changed(record: dict, **changes: str) -> dict:
    changed = copy.deepcopy(record)
    if "body" in changes:
        changed["metadata"]["contentHash"] = "sha256:" + changes["body"] * 64
    if "modified" in changes:
        changed["dateModified"] = changes["modified"]
    return changed


def test_a_changed_article_is_stored_again_as_its_next_revision(tmp_path: Path, record: dict) -> None:
    new_body = _changed(record, body="1")
    updated = _changed(new_body, modified="2030-01-01T00:00:00+00:00")
    with Corpus(tmp_path) as corpus:
        assert corpus.add(record)
        assert corpus.add(new_body)
        assert not corpus.add(new_body)
    with Corpus(tmp_path) as corpus:  # the numbering survives a restart
        assert corpus.add(updated)
        assert corpus.revisions == 1
    stored = [json.loads(line) for line in next(tmp_path.rglob("*.jsonl")).read_text().splitlines()]
    assert [(r["revision"], r["metadata"]["contentHash"][-1], r["dateModified"]) for r in stored] == [
        (1, record["metadata"]["contentHash"][-1], record["dateModified"]),
        (2, "1", record["dateModified"]),
        (3, "1", "2030-01-01T00:00:00+00:00"),
    ]


def test_the_same_body_under_another_url_is_a_duplicate(tmp_path: Path, record: dict) -> None:
    elsewhere = copy.deepcopy(record) | {"id": "0" * 16, "canonicalUrl": record["canonicalUrl"] + "?page=1"}
    with Corpus(tmp_path) as corpus:
        assert corpus.add(record)
        assert not corpus.add(elsewhere)
        assert corpus.duplicates == 1


def test_an_invalid_record_is_refused_and_nothing_is_written(tmp_path: Path, record: dict) -> None:
    broken = copy.deepcopy(record)
    broken["datePublished"] = "2023-06-18 08:14"
    with Corpus(tmp_path) as corpus, pytest.raises(InvalidRecordError, match="datePublished"):
        corpus.add(broken)
    assert list(tmp_path.rglob("*.jsonl")) == []


def test_a_torn_last_line_is_cut_when_the_corpus_opens(tmp_path: Path, record: dict) -> None:
    with Corpus(tmp_path) as corpus:
        corpus.add(record)
    (path,) = tmp_path.rglob("*.jsonl")
    whole = path.read_bytes()
    path.write_bytes(whole + whole[: len(whole) // 2])  # a crash mid-write
    with Corpus(tmp_path) as corpus:
        assert not corpus.add(record)
    assert path.read_bytes() == whole
    assert not repair_torn_tail(path)


def test_a_compressed_corpus_is_gzip_and_survives_a_torn_member(tmp_path: Path, record: dict) -> None:
    with Corpus(tmp_path, compress=True) as corpus:
        assert corpus.add(record)
    (path,) = tmp_path.rglob("*.jsonl.gz")
    whole = path.read_bytes()
    assert json.loads(gzip.decompress(whole)) == record | {"revision": 1}
    path.write_bytes(whole + whole[: len(whole) // 2])  # a crash mid-write of a second record
    with Corpus(tmp_path, compress=True) as corpus:
        assert not corpus.add(record)
        assert corpus.add(record | {"dateModified": "2031-01-01T00:00:00+00:00"})
    assert path.read_bytes().startswith(whole)
    assert [r["revision"] for r in read_records(tmp_path)] == [1, 2]
