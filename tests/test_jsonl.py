"""Corpus files read as a stream: the same records as reading them whole, a torn tail found or left out."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.errors import CorpusError
from crawler.store import jsonl
from crawler.store.jsonl import records_after, repair_torn_tail, whole_length

# Records with text that JSON keeps raw with ensure_ascii=False: line and paragraph separators
# included (str.splitlines would cut a line there), as real headlines sometimes hold them.
_TEXT = st.text(alphabet=st.sampled_from('ab é\u2028\u2029\x85\r\t"\\{}'), max_size=40)
_RECORDS = st.lists(st.fixed_dictionaries({"id": _TEXT, "headline": _TEXT}), min_size=1, max_size=8)


def _write(path: Path, records: list[dict], torn: bytes = b"") -> list[int]:
    """Write records as the corpus does (gzip: one member per record); the offset each one starts at."""
    starts, data = [], b""
    for record in records:
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        starts.append(len(data))
        data += gzip.compress(line, mtime=0) if path.suffix == ".gz" else line
    path.write_bytes(data + torn)
    return starts


@pytest.fixture(params=[".jsonl", ".jsonl.gz"])
def suffix(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@settings(max_examples=60, deadline=None)
@given(records=_RECORDS, chunk=st.integers(min_value=1, max_value=64), first=st.integers(min_value=0))
def test_streamed_records_are_the_records_written_whatever_the_chunk_size(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict], chunk: int, first: int
) -> None:
    for suffix in (".jsonl", ".jsonl.gz"):
        path = tmp_path_factory.mktemp("jsonl") / f"day{suffix}"
        starts = _write(path, records)
        first %= len(records)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(jsonl, "_CHUNK", chunk)  # records then cross chunk boundaries everywhere
            assert list(records_after(path, starts[first])) == records[first:]
            assert whole_length(path, starts[first]) == path.stat().st_size - starts[first]


@settings(max_examples=40, deadline=None)
@given(records=_RECORDS, chunk=st.integers(min_value=1, max_value=64), cut=st.integers(min_value=1))
def test_a_torn_tail_is_measured_skipped_on_request_and_cut_by_repair(
    tmp_path_factory: pytest.TempPathFactory, records: list[dict], chunk: int, cut: int
) -> None:
    for suffix in (".jsonl", ".jsonl.gz"):
        path = tmp_path_factory.mktemp("jsonl") / f"day{suffix}"
        starts = _write(path, records)
        data = path.read_bytes()
        last = data[starts[-1] :]
        # The last record again, cut short: at least its newline and the byte before it missing (a
        # plain line missing only its newline is whole JSON, which a reader rightly takes).
        path.write_bytes(data + last[: 1 + cut % (len(last) - 2)])
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(jsonl, "_CHUNK", chunk)
            assert whole_length(path) == len(data)
            assert list(records_after(path, 0, skip_torn_tail=True)) == records
            with pytest.raises(CorpusError, match=path.name):
                list(records_after(path, 0))
            assert repair_torn_tail(path, starts[-1])
        assert path.read_bytes() == data


def test_a_line_that_is_not_json_is_named_by_its_number_in_the_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"day{suffix}"
    starts = _write(path, [{"id": "a"}, {"id": "b"}, {"id": "c"}])
    with path.open("ab") as handle:
        handle.write(gzip.compress(b"{not json\n") if suffix.endswith(".gz") else b"{not json\n")
    with pytest.raises(CorpusError, match=r"day.*, line 4: not a JSON record"):
        list(records_after(path, starts[1]))


def test_a_damaged_gzip_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "day.jsonl.gz"
    _write(path, [{"id": "a"}])
    path.write_bytes(path.read_bytes() + b"this is not gzip at all")
    with pytest.raises(CorpusError, match=r"day\.jsonl\.gz: cannot read"):
        list(records_after(path, 0))
