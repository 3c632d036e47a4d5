"""``corpus export`` and ``crawler.corpus``: the corpus as data, read back by the tools that read it.

The corpus is the fixtures' own expected records (every site, every template), plus a revision
and an undated record built here, so the exports meet every shape a record takes. pandas,
pyarrow and DuckDB (the dev extra) are imported by the tests that read with them: loaded at
collection they would grow the test process, and with it every child it starts, by 100 MB.
"""

from __future__ import annotations

import copy
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import crawler.corpus
from crawler.cli import main
from crawler.record import Record
from crawler.sites.fixtures import discover
from crawler.store.corpus import Corpus
from crawler.store.index import revised_articles
from crawler.store.jsonl import corpus_files
from tests.conftest import FIXTURES

SEED = FIXTURES / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "expected.json"


def _seed() -> Record:
    record: Record = json.loads(SEED.read_text(encoding="utf-8"))
    return record


def _revised(record: Record, headline: str) -> Record:
    revised = copy.deepcopy(record)
    revised.update(headline=headline, dateModified="2023-06-19T10:00:00-04:00")
    return revised


def _undated(record: Record) -> Record:
    undated = copy.deepcopy(record)
    undated.update(id="fedcba9876543210", datePublished=None, dateModified=None, headline="Undated")
    undated["metadata"]["contentHash"] = "sha256:" + "2" * 64
    return undated


def _stated_without_offset(record: Record) -> list[Record]:
    """The seed's story twice more, dated as pages state dates without an offset: a local time, a day."""
    stated = []
    for number, date in enumerate(("2023-06-18T20:00:00", "2023-06-18"), start=3):
        other = copy.deepcopy(record)
        other.update(id=f"{number:x}" * 16, datePublished=date, dateModified=date, headline=f"Stated {date}")
        other["metadata"]["contentHash"] = "sha256:" + f"{number}" * 64
        stated.append(other)
    return stated


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every fixture's record, the seed revised once, one undated record, and two dated without an offset."""
    root = tmp_path_factory.mktemp("data") / "corpus"
    with Corpus(root) as corpus:
        for case in discover(FIXTURES):
            assert corpus.add(case.expected())
        assert corpus.add(_revised(_seed(), "Revised headline"))
        assert corpus.add(_undated(_seed()))
        for record in _stated_without_offset(_seed()):
            assert corpus.add(record)
    return root


def _newest(root: Path) -> dict[str, Record]:
    """Each article's newest revision, read straight from the files."""
    newest: dict[str, Record] = {}
    for path in sorted(root.rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["revision"] >= newest.get(record["id"], {"revision": 0})["revision"]:
                newest[record["id"]] = record
    return newest


def test_export_writes_the_newest_revision_of_each_article_once(tmp_path: Path) -> None:
    first = _seed()
    other = copy.deepcopy(first)
    other.update(id="0123456789abcdef", headline="Another story")
    other["metadata"]["contentHash"] = "sha256:" + "1" * 64
    with Corpus(tmp_path / "corpus") as corpus:
        for record in (first, other, _revised(first, "Revised headline")):
            assert corpus.add(record)
    assert main(["corpus", "export", "--dir", str(tmp_path / "corpus"), "--to", str(tmp_path / "text")]) == 0
    heads = sorted(path.read_text().splitlines()[0] for path in (tmp_path / "text").rglob("*.txt"))
    assert heads == ["date 2023-06-18 Another story", "date 2023-06-18 Revised headline"]


def test_an_undated_record_is_filed_under_undated_never_under_the_crawl_day(corpus_dir: Path) -> None:
    undated = _undated(_seed())
    files = [path.relative_to(corpus_dir) for path in corpus_dir.rglob("*.jsonl")]
    downloaded = undated["metadata"]["dateDownloaded"][:10]
    assert Path("ctvnews", "undated", f"{downloaded}.jsonl") in files
    assert not any(path.name.startswith("0001") for path in files)
    same_day = corpus_dir / "ctvnews" / f"{downloaded}.jsonl"
    assert not same_day.exists() or "Undated" not in same_day.read_text(encoding="utf-8")


def test_the_python_api_gives_each_article_once_newest_first_or_every_revision(corpus_dir: Path) -> None:
    newest = _newest(corpus_dir)
    records = list(crawler.corpus.open(str(corpus_dir)))
    assert sorted(r["id"] for r in records) == sorted(newest)
    assert {r["id"]: r for r in records} == newest
    every = list(crawler.corpus.open(corpus_dir, revisions=True))
    assert len(every) == len(records) + 1
    assert sorted(r["revision"] for r in every if r["id"] == _seed()["id"]) == [1, 2]


def test_the_python_api_filters_by_site_date_and_fields(corpus_dir: Path) -> None:
    dataset = crawler.corpus.open(corpus_dir, sites="ctvnews", since="2023-06-18", until="2023-06-18")
    records = list(dataset.filter(fields=["headline", "datePublished"]))
    expected = [
        r for r in _newest(corpus_dir).values()
        if r["site"]["id"] == "ctvnews" and (r["datePublished"] or "").startswith("2023-06-18")
    ]  # fmt: skip
    assert records and sorted(r["headline"] for r in records) == sorted(r["headline"] for r in expected)
    assert {"Stated 2023-06-18T20:00:00", "Stated 2023-06-18"} <= {r["headline"] for r in records}
    assert all(list(r) == ["headline", "datePublished"] for r in records)
    everything_dated = list(crawler.corpus.open(corpus_dir, since="1990-01-01"))
    assert "Undated" not in {r["headline"] for r in everything_dated}
    assert len(everything_dated) == len(_newest(corpus_dir)) - 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sites": "nosuchsite"}, "no records of nosuchsite"),
        ({"fields": ["byline"]}, "no field byline"),
        ({"since": "yesterday"}, "'yesterday': not a date"),
        ({"until": "2024-05-01T08:00:00"}, "give the moment's UTC offset"),
    ],
)
def test_the_python_api_names_a_bad_filter(corpus_dir: Path, arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(crawler.CrawlerError, match=message):
        crawler.corpus.open(corpus_dir, **arguments)


def test_parquet_reads_back_whole_in_pandas_and_duckdb(corpus_dir: Path, tmp_path: Path) -> None:
    import duckdb
    import pandas

    target = tmp_path / "corpus.parquet"
    assert (
        main(["corpus", "export", "--dir", str(corpus_dir), "--format", "parquet", "--to", str(target)]) == 0
    )
    newest = _newest(corpus_dir)
    frame = pandas.read_parquet(target)
    assert sorted(frame["id"]) == sorted(newest)
    seed = frame[frame["id"] == _seed()["id"]].iloc[0]
    assert seed["headline"] == "Revised headline"
    assert [author["name"] for author in seed["authors"]] == [a["name"] for a in _seed()["authors"]]
    assert seed["body"][0]["text"] == _seed()["body"][0]["text"]
    rows = duckdb.sql(
        f"SELECT id, site.id, authors[1].name, len(body), mainImage.url FROM read_parquet('{target}')"
    ).fetchall()
    assert {row[0]: row[1:] for row in rows} == {
        r["id"]: (
            r["site"]["id"],
            r["authors"][0]["name"] if r["authors"] else None,
            len(r["body"]),
            (r["mainImage"] or {}).get("url"),
        )
        for r in newest.values()
    }


def test_parquet_has_one_schema_whatever_the_fields_hold(corpus_dir: Path, tmp_path: Path) -> None:
    """A corpus of one undated record with no image writes the same schema as the whole corpus."""
    import pyarrow.parquet as parquet

    small = tmp_path / "small"
    with Corpus(small) as corpus:
        record = _undated(_seed())
        record["mainImage"] = None
        assert corpus.add(record)
    schemas = []
    for root in (corpus_dir, small):
        target = tmp_path / f"{root.name}.parquet"
        crawler.corpus.export(crawler.corpus.open(root), "parquet", target)
        schemas.append(parquet.read_schema(target))
    assert schemas[0].equals(schemas[1])
    assert str(schemas[0].field("authors").type) == "list<element: struct<name: string, url: string>>"
    assert str(schemas[0].field("body").type) == (
        "list<element: struct<type: string, text: string, items: list<element: string>>>"
    )
    assert str(schemas[0].field("mainImage").type) == "struct<url: string, caption: string, credit: string>"


def test_csv_is_flat_with_authors_joined_and_the_body_as_text(corpus_dir: Path, tmp_path: Path) -> None:
    import pandas

    target = tmp_path / "corpus.csv"
    arguments = ["corpus", "export", "--dir", str(corpus_dir), "--format", "csv", "--to", str(target)]
    assert main([*arguments, "--site", "ctvnews", "--fields", "id,site,authors,body"]) == 0
    with target.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    newest = {r["id"]: r for r in _newest(corpus_dir).values() if r["site"]["id"] == "ctvnews"}
    assert list(rows[0]) == ["id", "site.id", "site.name", "authors", "articleBody"]
    assert {row["id"] for row in rows} == set(newest)
    for row in rows:
        record = newest[row["id"]]
        assert row["authors"] == "; ".join(author["name"] for author in record["authors"])
        assert row["articleBody"] == record["articleBody"]
    assert len(pandas.read_csv(target)) == len(newest)


def test_jsonl_export_is_the_records(corpus_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "corpus.jsonl"
    assert main(["corpus", "export", "--dir", str(corpus_dir), "--format", "jsonl", "--to", str(target)]) == 0
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: r for r in lines} == _newest(corpus_dir)


def test_to_pandas_and_to_arrow_hold_every_record(corpus_dir: Path) -> None:
    dataset = crawler.corpus.open(corpus_dir)
    assert dataset.to_arrow().num_rows == len(_newest(corpus_dir))
    frame = dataset.filter(fields=["id", "wordCount"]).to_pandas()
    assert list(frame.columns) == ["id", "wordCount"]
    assert dict(zip(frame["id"], frame["wordCount"], strict=True)) == {
        r["id"]: r["wordCount"] for r in _newest(corpus_dir).values()
    }


def test_the_export_takes_the_filters_of_the_python_api(corpus_dir: Path, tmp_path: Path) -> None:
    """--site, --since, --until, --fields and --revisions give what ``crawler.corpus.open`` gives."""
    target = tmp_path / "some.jsonl"
    arguments = ["corpus", "export", "--dir", str(corpus_dir), "--format", "jsonl", "--to", str(target)]
    arguments += ["--site", "ctvnews", "--since", "2023-06-18", "--until", "2023-06-18T23:59:59+00:00"]
    assert main([*arguments, "--fields", "id,revision,headline", "--revisions"]) == 0
    exported = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    dataset = crawler.corpus.open(
        corpus_dir, sites="ctvnews", since="2023-06-18", until="2023-06-18T23:59:59+00:00", revisions=True
    )
    expected = list(dataset.filter(fields=["id", "revision", "headline"]))
    assert exported == expected
    assert {"revision": 1, "headline": _seed()["headline"]} in [
        {key: record[key] for key in ("revision", "headline")} for record in exported
    ]  # the older revision too
    assert len({record["id"] for record in exported}) < len(exported) < len(_newest(corpus_dir))


@pytest.mark.parametrize("library", ["pyarrow", "pandas"])
def test_a_missing_library_is_one_line_saying_how_to_install_it(
    library: str,
    corpus_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, library, None)  # as if not installed: importing it fails
    message = f"this needs {library}: pip install 'crawler[data]'"
    with pytest.raises(crawler.CrawlerError, match=re.escape(message)):
        crawler.corpus.open(corpus_dir).to_pandas()
    if library == "pyarrow":
        target = tmp_path / "corpus.parquet"
        assert (
            main(["corpus", "export", "--dir", str(corpus_dir), "--format", "parquet", "--to", str(target)])
            == 1
        )
        assert capsys.readouterr().err == f"crawler: error: {message}\n"
        assert not target.exists()


@pytest.mark.parametrize("index", ["current", "missing", "behind"])
def test_a_revision_filed_under_another_day_hides_the_one_it_revises(index: str, tmp_path: Path) -> None:
    """The second revision corrected the publication day: asked for the first day, the article is
    not there; its newest revision is known from the corpus's index, or from the files when the
    index is missing or does not cover them (an article appended by hand since)."""
    root = tmp_path / "corpus"
    moved = _revised(_seed(), "Moved to a later day")
    moved["datePublished"] = "2023-06-25T10:00:00-04:00"
    with Corpus(root) as corpus:
        assert corpus.add(_seed()) and corpus.add(moved)
    if index == "missing":
        (root / ".index.sqlite").unlink()
    elif index == "behind":
        other = _undated(_seed())
        other.update(datePublished="2023-06-20T10:00:00-04:00", revision=1)
        with (root / "ctvnews" / "2023-06-20.jsonl").open("w", encoding="utf-8") as handle:
            handle.write(json.dumps(other) + "\n")
    from_index = revised_articles(root, corpus_files(root))
    assert from_index == ({moved["id"]: 2} if index == "current" else None)
    assert list(crawler.corpus.open(root, until="2023-06-19")) == []
    later = list(crawler.corpus.open(root, since="2023-06-19", fields=["headline", "revision"]))
    assert {"headline": "Moved to a later day", "revision": 2} in later
    assert len(list(crawler.corpus.open(root, until="2023-06-19", revisions=True))) == 1
