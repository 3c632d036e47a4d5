"""The corpus on disk: validated, de-duplicated, safe against a torn last line."""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

import pytest

from crawler.errors import InvalidRecordError
from crawler.sites.fixtures import discover
from crawler.store.corpus import Corpus, corpus_files, read_records, repair_torn_tail
from crawler.store.index import CorpusIndex
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


def _other_articles(record: dict, count: int) -> list[dict]:
    """``count`` more articles: other ids and bodies, same site and day."""
    others = []
    for number in range(count):
        other = _changed(record, body=f"{number % 10}")
        other["id"] = f"{number:016x}"
        other["metadata"]["contentHash"] = f"sha256:{number:064x}"
        others.append(other)
    return others


def _caught_up(root: Path) -> int:
    """How many records opening the corpus reads from its files: those its index has not seen."""
    index = CorpusIndex(root)
    try:
        return index.catch_up(corpus_files(root))
    finally:
        index.close()


def test_reopening_reads_only_what_the_index_has_not_seen(tmp_path: Path, record: dict) -> None:
    with Corpus(tmp_path) as corpus:
        for article in [record, *_other_articles(record, 20)]:
            assert corpus.add(article)
    assert _caught_up(tmp_path) == 0
    with Corpus(tmp_path) as corpus:
        assert not corpus.add(record) and corpus.revision_of(record["id"]) == 1
    # A crash between appending a line and indexing it: the next open reads just that line.
    late = _other_articles(record, 22)[-1]
    path = next(tmp_path.rglob("*.jsonl"))
    with path.open("a") as handle:
        handle.write(json.dumps(late | {"revision": 1}) + "\n")
    assert _caught_up(tmp_path) == 1
    with Corpus(tmp_path) as corpus:
        assert not corpus.add(late)
    assert _caught_up(tmp_path) == 0


@pytest.mark.parametrize("change", ["file removed", "file edited", "index deleted"])
def test_files_changed_behind_the_index_make_it_rebuild_from_the_files(
    tmp_path: Path, record: dict, change: str
) -> None:
    kept, gone = copy.deepcopy(record), _other_articles(record, 1)[0]
    gone["datePublished"] = "2030-01-01T00:00:00+00:00"  # another day's file
    with Corpus(tmp_path) as corpus:
        assert corpus.add(kept) and corpus.add(gone)
    gone_file = next(path for path in tmp_path.rglob("*.jsonl") if path.name.startswith("2030"))
    if change == "file removed":
        gone_file.unlink()
    elif change == "file edited":  # a line cut out by hand: the file no longer continues the index's
        gone_file.write_text("")
    else:
        (tmp_path / ".index.sqlite").unlink()
    assert _caught_up(tmp_path) == (2 if change == "index deleted" else 1)
    with Corpus(tmp_path) as corpus:
        assert not corpus.add(kept)
        assert corpus.add(gone) == (change != "index deleted")


def test_two_writers_share_one_folder_and_see_what_the_other_has_synced(tmp_path: Path, record: dict) -> None:
    first, second = _other_articles(record, 2)
    with Corpus(tmp_path) as one, Corpus(tmp_path) as other:  # e.g. two spiders of one crawl
        assert one.add(first)
        one.sync()
        assert not other.add(copy.deepcopy(first))
        assert other.add(second)
        other.sync()
        assert not one.add(second)
    assert sorted(r["id"] for r in read_records(tmp_path)) == sorted([first["id"], second["id"]])
