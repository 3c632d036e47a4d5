"""Exports of a corpus's records: Parquet, CSV, JSON Lines, and plain text in the seed's shape.

Each writes the records of a :class:`~crawler.store.dataset.Dataset` (so the same filters
apply) as they stream, never all at once, and each file whole or not at all: it is written
beside its target and renamed over it at the end.

- **Parquet** has one fixed schema (``arrow_schema``) whatever the records hold, so files of
  different crawls read as one table: nested fields stay nested (``authors`` a list of structs,
  ``body`` a list of blocks, ``mainImage``, ``site`` and ``metadata`` structs), dates are the
  records' ISO 8601 strings with their offsets. It needs pyarrow (the ``data`` extra).
- **CSV** is flat: one column per leaf (``site.id``, ``mainImage.url``...), ``authors`` and
  ``keywords`` joined by ``"; "``, and ``body`` given as ``articleBody``, its plain text.
- **JSON Lines** is the records as stored, one per line (only ``fields`` with ``--fields``).
- **Text** is one file per article, ``<site>/<day>-<id>.txt``: ``date YYYY-MM-DD headline``,
  then one paragraph per line (``undated`` for the day of a record with no publication date).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from crawler.errors import CorpusError, CrawlerError
from crawler.files import write_text_atomically
from crawler.record import article_body
from crawler.store.dataset import FIELDS, Dataset, Row

if TYPE_CHECKING:
    import pyarrow

__all__ = ["FORMATS", "arrow_schema", "arrow_table", "csv_columns", "export"]

#: Records per Arrow batch (a Parquet row group holds several): bounded memory, good compression.
_BATCH = 2000
_JOINED = "; "


def arrow_schema(fields: Sequence[str] = FIELDS) -> pyarrow.Schema:
    """The Arrow schema of records with these fields (every field by default), in that order."""
    pa = _pyarrow()
    text, number = pa.string(), pa.int64()
    types = {
        "id": text,
        "url": text,
        "canonicalUrl": text,
        "site": pa.struct([("id", text), ("name", text)]),
        "headline": text,
        "description": text,
        "authors": pa.list_(pa.struct([("name", text), ("url", text)])),
        "datePublished": text,
        "dateModified": text,
        "articleSection": text,
        "keywords": pa.list_(text),
        "inLanguage": text,
        "articleBody": text,
        "body": pa.list_(pa.struct([("type", text), ("text", text), ("items", pa.list_(text))])),
        "mainImage": pa.struct([("url", text), ("caption", text), ("credit", text)]),
        "isAccessibleForFree": pa.bool_(),
        "wordCount": number,
        "revision": number,
        "metadata": pa.struct(
            [
                ("dateDownloaded", text),
                ("parser", text),
                ("parserVersion", text),
                ("httpStatus", number),
                ("contentHash", text),
                ("fallback", text),
                (
                    "source",
                    pa.struct(
                        [
                            ("warcFile", text),
                            ("warcOffset", number),
                            ("warcRecordId", text),
                            ("fixture", text),
                        ]
                    ),
                ),
            ]
        ),
    }
    return pa.schema([(name, types[name]) for name in fields])


def arrow_table(records: Iterable[Row], fields: Sequence[str] = FIELDS) -> pyarrow.Table:
    """The records as one Arrow table of :func:`arrow_schema`."""
    schema = arrow_schema(fields)
    return _pyarrow().Table.from_batches(list(_batches(records, schema)), schema=schema)


def csv_columns(fields: Sequence[str] = FIELDS) -> list[str]:
    """The CSV's columns for these fields: a nested field's leaves, ``body`` as ``articleBody``."""
    columns: list[str] = []
    for name in fields:
        for column in _FLAT.get(name, (name,)):
            if column not in columns:
                columns.append(column)
    return columns


def export(dataset: Dataset, form: str, target: Path) -> int:
    """Write the dataset's records to ``target`` in a format of ``FORMATS``; how many were written."""
    fields = dataset.fields or FIELDS
    try:
        if form == "text":
            if dataset.fields:
                raise CrawlerError(
                    "the text export writes each article's date, headline and body whole: "
                    "choose fields (--fields) for parquet, csv or jsonl"
                )
            return _write_text(dataset, target)
        with _file_replaced(target, binary=form == "parquet") as handle:
            return _WRITERS[form](dataset, fields, handle)
    except OSError as error:
        raise CorpusError(str(target), f"cannot write: {error.strerror or error}") from None


def _write_parquet(records: Iterable[Row], fields: Sequence[str], handle: IO[Any]) -> int:
    schema = arrow_schema(fields)
    import pyarrow.parquet as parquet

    written = 0
    with parquet.ParquetWriter(handle, schema, compression="zstd") as writer:
        for batch in _batches(records, schema):
            writer.write_batch(batch)
            written += batch.num_rows
    return written


def _write_csv(records: Iterable[Row], fields: Sequence[str], handle: IO[Any]) -> int:
    writer = csv.DictWriter(handle, csv_columns(fields), extrasaction="ignore")
    writer.writeheader()
    written = 0
    for record in records:
        writer.writerow(_flat(record))
        written += 1
    return written


def _write_jsonl(records: Iterable[Row], fields: Sequence[str], handle: IO[Any]) -> int:
    written = 0
    for record in records:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        written += 1
    return written


_WRITERS: dict[str, Callable[[Iterable[Row], Sequence[str], IO[Any]], int]] = {
    "parquet": _write_parquet,
    "csv": _write_csv,
    "jsonl": _write_jsonl,
}
#: The formats ``export`` writes: a file each, or a folder of text files.
FORMATS = ("text", *_WRITERS)


def _write_text(records: Iterable[Row], out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)  # a folder that cannot be made is said before any work
    written = 0
    for record in records:
        day = (record.get("datePublished") or "undated")[:10]
        lines = [f"date {day} {record['headline']}", *(block["text"] for block in record["body"])]
        path = out / record["site"]["id"] / f"{day}-{record['id']}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, "\n".join(lines) + "\n")
        written += 1
    return written


#: The CSV columns each nested field is flattened to.
_FLAT: dict[str, tuple[str, ...]] = {
    "site": ("site.id", "site.name"),
    "body": ("articleBody",),
    "mainImage": ("mainImage.url", "mainImage.caption", "mainImage.credit"),
    "metadata": (
        "metadata.dateDownloaded",
        "metadata.parser",
        "metadata.parserVersion",
        "metadata.httpStatus",
        "metadata.contentHash",
        "metadata.fallback",
        "metadata.source",
    ),
}


def _flat(record: Row) -> dict[str, Any]:
    """One CSV row: nested values by dotted names, lists joined, the source as JSON, the body as text."""
    row: dict[str, Any] = {}
    for name, value in record.items():
        if name in ("site", "mainImage", "metadata") and isinstance(value, dict):
            row.update({f"{name}.{key}": inner for key, inner in value.items()})
        elif name == "authors":
            row[name] = _JOINED.join(author["name"] for author in value or ())
        elif name == "keywords":
            row[name] = _JOINED.join(value or ())
        elif name != "body":
            row[name] = value
    if "body" in record and "articleBody" not in record:
        row["articleBody"] = article_body(record["body"] or ())
    if row.get("metadata.source") is not None:
        row["metadata.source"] = json.dumps(row["metadata.source"], ensure_ascii=False)
    return row


def _batches(records: Iterable[Row], schema: pyarrow.Schema) -> Iterator[pyarrow.RecordBatch]:
    pa = _pyarrow()
    iterator = iter(records)
    while batch := list(islice(iterator, _BATCH)):
        yield pa.RecordBatch.from_pylist(batch, schema=schema)


@contextmanager
def _file_replaced(target: Path, binary: bool) -> Iterator[IO[Any]]:
    """A file beside ``target``, renamed over it when the block ends without an error."""
    temporary = target.with_name(target.name + ".tmp")
    try:
        handle: IO[Any] = (
            temporary.open("wb") if binary else temporary.open("w", encoding="utf-8", newline="")
        )
        with handle:
            yield handle
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def _pyarrow() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise CrawlerError("this needs pyarrow: pip install 'crawler[data]'") from None
    return pyarrow
