"""Corpus reading memory: ``corpus stats``, ``export`` and ``merge`` on a large corpus, peak RSS each.

Run by hand: ``python bench/corpus.py`` (``--records 50000`` by default). Builds a synthetic
corpus of valid records (the CTV News seed record with its own URL, id, headline, body and
dates per article) in a temporary folder: four sites over 30 days, plus one busy day that
holds a fifth of the records in one file (about 40 MB, the case where memory used to follow
the largest file), a tenth of the articles stored again as a second revision. Each command
then runs in its own process, and the peak RSS of that process is measured (``wait4``);
the baseline, measured in the same run, is a process that only imports the command line.
The same corpus is read again as ``.jsonl.gz`` (one gzip member per record). ``corpus merge``
joins two worker folders holding the same records (a few hundred in both) into an empty
corpus, then again (idempotent: nothing added).

Judged on memory: every command under 100 MB whatever the size of the files (``--records``
changes the size; the peak should not follow it).
"""

from __future__ import annotations

import argparse
import copy
import gzip
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "fixtures" / "ctvnews" / "2023-06-18-blinken-beijing-seed" / "expected.json"
SITES = ("ctvnews", "cbc", "globalnews", "cp24")
DAYS = 30
LIMIT_MB = 100.0
#: The interpreter the commands run with: the worktree's own, or another checkout's to compare.
PYTHON = os.environ.get("BENCH_PYTHON", sys.executable)


def synthetic_record(seed: dict, number: int, revision: int = 1) -> dict:
    """Article ``number`` of the synthetic corpus, as the corpus stores it."""
    record = copy.deepcopy(seed)
    busy_day = number % 5 == 0  # a fifth of the records on one day of one site: the largest file
    site = SITES[0] if busy_day else SITES[number % len(SITES)]
    day = 1 if busy_day else 2 + number % (DAYS - 1)
    url = f"https://www.{site}.ca/world/bench-story-{number}"
    body = [
        {"type": "paragraph", "text": f"Story {number}, revision {revision}: {block['text']}"}
        for block in seed["body"][:6]
    ]
    record.update(
        id=hashlib.sha256(url.encode()).hexdigest()[:16],
        url=url,
        canonicalUrl=url,
        site={"id": site, "name": site},
        headline=f"Story {number}: {seed['headline']}",
        datePublished=f"2024-05-{day:02d}T09:12:44-04:00",
        dateModified=f"2024-05-{day:02d}T1{revision}:41:07-04:00",
        body=body,
        articleBody="\n\n".join(block["text"] for block in body),
        revision=revision,
    )
    record["wordCount"] = len(record["articleBody"].split())
    record["metadata"] = {
        **seed["metadata"],
        "parser": site,
        "dateDownloaded": f"2024-05-{day:02d}T2{revision}:04:11+00:00",
        "contentHash": "sha256:" + hashlib.sha256(record["articleBody"].encode()).hexdigest(),
    }
    return record


def records(count: int) -> Iterator[dict]:
    """Every record of the synthetic corpus: each article, and a second revision of every tenth."""
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    for number in range(count):
        if number % 10 == 9:
            yield synthetic_record(seed, number - 1, revision=2)
        else:
            yield synthetic_record(seed, number)


def write_corpus(root: Path, stream: Iterator[dict], compress: bool = False) -> int:
    """Append the records to ``root`` as the corpus lays them out; the size of the largest file."""
    handles: dict[Path, object] = {}
    for record in stream:
        path = root / record["site"]["id"] / f"{record['datePublished'][:10]}.jsonl"
        line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
        if compress:
            path, line = path.with_suffix(".jsonl.gz"), gzip.compress(line, mtime=0)
        if path not in handles:
            path.parent.mkdir(parents=True, exist_ok=True)
            handles[path] = path.open("ab")
        handles[path].write(line)  # type: ignore[attr-defined]
    for handle in handles.values():
        handle.close()  # type: ignore[attr-defined]
    return max(path.stat().st_size for path in handles)


def peak_of(arguments: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run ``python ARGUMENTS`` in its own process; (peak RSS in MB, seconds, last line of output)."""
    started = time.perf_counter()
    child = subprocess.Popen([PYTHON, *arguments], cwd=cwd, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read() if child.stdout else ""
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise SystemExit(f"{' '.join(arguments)} failed (status {status})")
    return usage.ru_maxrss / 1024, seconds, (output.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=50_000)
    count = parser.parse_args().records
    cli = ["-m", "crawler.cli", "corpus"]
    read_all = (
        "import sys; from pathlib import Path; from crawler.store.jsonl import read_records; "
        "print(sum(1 for _ in read_records(Path(sys.argv[1]))))"
    )
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as scratch:
        folder = Path(scratch)
        plain, packed, merged = folder / "plain", folder / "gzip", folder / "merged"
        largest = write_corpus(plain, records(count))
        write_corpus(packed, records(count), compress=True)
        # Two workers that each stored the records of every other article, and 300 articles in both.
        write_corpus(
            merged / "workers" / "a", (r for i, r in enumerate(records(count)) if i % 2 == 0 or i < 600)
        )
        write_corpus(merged / "workers" / "b", (r for i, r in enumerate(records(count)) if i % 2 == 1))
        print(f"{count} records, {DAYS} days x {len(SITES)} sites, largest file {largest / 2**20:.0f} MB")
        runs = {
            "baseline (import the command line)": ["-c", "import crawler.cli.main"],
            "corpus stats": [*cli, "stats", "--dir", str(plain)],
            "corpus stats (.jsonl.gz)": [*cli, "stats", "--dir", str(packed)],
            "corpus export": [*cli, "export", "--dir", str(plain), "--to", str(folder / "text")],
            "read_records (Python)": ["-c", read_all, str(plain)],
            "corpus merge": [*cli, "merge", "--dir", str(merged)],
            "corpus merge again": [*cli, "merge", "--dir", str(merged)],
        }
        baseline = 0.0
        worst = 0.0
        for name, arguments in runs.items():
            peak, seconds, last = peak_of(arguments, folder)
            baseline = baseline or peak
            worst = max(worst, peak)
            ratio = peak / baseline
            print(f"{name:<36} peak {peak:6.1f} MB (x{ratio:4.1f} baseline) {seconds:6.1f} s  {last[:60]}")
    verdict = "yes" if worst < LIMIT_MB else "NO"
    print(f"judged: every command under {LIMIT_MB:.0f} MB: {verdict} (worst {worst:.0f} MB)")


if __name__ == "__main__":
    main()
