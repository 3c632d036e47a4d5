"""Two versions of crawler side by side: parse speed, records, instruction counts, crawl speed.

Run by hand: ``python bench/ab.py A B`` where A and B are folders each holding a ``crawler``
package (a worktree, or a copy of one with a change). Both parse the pages ``bench/parse.py``
reads (every fixture, and the reference pages when present) in worker processes of their own,
taking turns a pass over all pages at a time, the order swapped every round, so a slow spell
of the machine falls on both alike. Prints B's speed over A's: the ratio of each page's best
time summed, and the median and range of the per-round ratios.

``--records`` compares the records (or refusals) both give for every page, read as bytes and
as text; ``--callgrind`` counts the instructions of a parse pass under valgrind (deterministic,
for close calls); ``--crawl N`` crawls ``bench/crawl.py``'s synthetic site of N articles with
each, in turns, and compares articles/s and CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import pickle
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

BENCH = Path(__file__).resolve().parent
FETCHED_AT = datetime(2024, 1, 1, tzinfo=UTC)


def _worker(root: str, pages_file: str, passes: int) -> None:
    """Serve a parent over stdin/stdout: ``pass`` (times of one pass), ``records``, ``quit``.

    With ``passes``, run that many passes and exit (for valgrind).
    """
    sys.path.insert(0, root)
    import crawler
    from crawler import parse_page

    if not Path(crawler.__file__).resolve().is_relative_to(Path(root).resolve()):
        raise SystemExit(f"crawler imported from {crawler.__file__}, not from {root}")
    pages: list[tuple[str, bytes]] = pickle.loads(Path(pages_file).read_bytes())

    def outcome(html: str | bytes, url: str) -> str:
        try:
            return json.dumps(parse_page(html, url, fetched_at=FETCHED_AT), sort_keys=True)
        except Exception as error:  # a refusal is an outcome too
            return f"{type(error).__name__}: {error}"

    def one_pass() -> list[float]:
        times = []
        for url, html in pages:
            started = time.perf_counter()
            outcome(html, url)
            times.append(time.perf_counter() - started)
        return times

    if passes:
        for _ in range(passes):
            one_pass()
        return
    for line in sys.stdin:
        command = line.strip()
        if command == "pass":
            answer: Any = one_pass()
        elif command == "records":
            answer = [
                [outcome(html, url), outcome(html.decode("utf-8", "replace"), url)] for url, html in pages
            ]
        else:
            return
        print(json.dumps(answer), flush=True)


class Worker:
    def __init__(self, root: Path, pages_file: str) -> None:
        command = [sys.executable, __file__, "--worker", str(root), pages_file]
        environment = {**os.environ, "PYTHONHASHSEED": "0"}  # the same set and dict orders in both
        self.process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment
        )

    def ask(self, command: str) -> Any:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(command + "\n")
        stdin.flush()
        return json.loads(stdout.readline())

    def close(self) -> None:
        self.ask_no_answer("quit")
        self.process.wait()

    def ask_no_answer(self, command: str) -> None:
        stdin: IO[str] | None = self.process.stdin
        assert stdin is not None
        stdin.write(command + "\n")
        stdin.close()


def compare_speed(workers: dict[str, Worker], rounds: int) -> None:
    best: dict[str, list[float]] = {}
    totals: dict[str, list[float]] = {name: [] for name in workers}
    names = list(workers)
    for round_number in range(rounds + 1):
        order = names if round_number % 2 else names[::-1]
        for name in order:
            times = workers[name].ask("pass")
            if round_number == 0:
                continue  # warm-up: caches filled, modules imported
            best[name] = [min(pair) for pair in zip(best.get(name, times), times, strict=True)]
            totals[name].append(sum(times))
    a, b = names
    best_ratio = sum(best[a]) / sum(best[b])
    per_round = [ta / tb for ta, tb in zip(totals[a], totals[b], strict=True)]
    pages = len(best[a])
    print(
        f"parse: A {pages / sum(best[a]):.1f} pages/s, B {pages / sum(best[b]):.1f} pages/s; "
        f"B/A speed x{best_ratio:.3f} (best-of), per round median x{statistics.median(per_round):.3f} "
        f"range x{min(per_round):.3f}-x{max(per_round):.3f} ({rounds} rounds)"
    )


def compare_records(workers: dict[str, Worker], pages: list[tuple[str, bytes]]) -> bool:
    records_a, records_b = (worker.ask("records") for worker in workers.values())
    differing = 0
    for (url, _), outcomes_a, outcomes_b in zip(pages, records_a, records_b, strict=True):
        for kind, one, other in zip(("bytes", "text"), outcomes_a, outcomes_b, strict=True):
            if one != other:
                differing += 1
                print(f"  differs ({kind}): {url}\n    A: {one[:300]}\n    B: {other[:300]}")
    print(f"records: {2 * len(pages) - differing} of {2 * len(pages)} identical (pages as bytes and as text)")
    return differing == 0


def instructions(root: Path, pages_file: str, passes: int) -> int:
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, __file__, "--worker", str(root), pages_file, "--passes", str(passes),
    ]  # fmt: skip
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, check=True, env=environment)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(f"no instruction count from valgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def compare_instructions(roots: dict[str, Path], pages_file: str) -> None:
    """Instructions of two parse passes (three passes less one: imports and warm-up cancel out).

    valgrind counts the same for the same code and pages, where times vary by a few percent.
    """
    per_pass = {
        name: instructions(root, pages_file, 3) - instructions(root, pages_file, 1)
        for name, root in roots.items()
    }
    count_a, count_b = per_pass.values()
    print(
        f"instructions per pass (2 passes, warm): A {count_a / 2e6:.1f} M, B {count_b / 2e6:.1f} M; "
        f"A/B x{count_a / count_b:.4f}"
    )


def compare_crawls(roots: dict[str, Path], size: int, rounds: int) -> None:
    """bench/crawl.py's site-parser crawl with each version in turn, against one loopback site."""
    sys.path.insert(0, str(BENCH))
    import crawl as crawl_bench

    ports: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    server = multiprocessing.Process(target=crawl_bench.serve, args=(size, ports), daemon=True)
    server.start()
    port = ports.get(timeout=60)
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in roots}
    names = list(roots)
    try:
        for round_number in range(rounds):
            for name in names if round_number % 2 == 0 else names[::-1]:
                with tempfile.TemporaryDirectory(prefix="bench-ab-") as scratch:
                    command, _, out = crawl_bench.command_of(crawl_bench.SITE, Path(scratch))
                    result = crawl_bench.run(command, roots[name], port, size, out)
                results[name].append((result.rate, result.cpu_seconds))
                print(f"  {name}: {result.rate:.1f} articles/s, {result.cpu_seconds:.1f} CPU s", flush=True)
    finally:
        server.terminate()
    a, b = names
    rate_a, rate_b = (max(rate for rate, _ in results[n]) for n in names)
    cpu_a, cpu_b = (min(cpu for _, cpu in results[n]) for n in names)
    per_round = [ca / cb for (_, ca), (_, cb) in zip(results[a], results[b], strict=True)]
    print(
        f"crawl of {size}: best A {rate_a:.1f} B {rate_b:.1f} articles/s (B/A x{rate_b / rate_a:.3f}); "
        f"least CPU A {cpu_a:.1f} s B {cpu_b:.1f} s (A/B x{cpu_a / cpu_b:.3f}, per round "
        f"x{min(per_round):.3f}-x{max(per_round):.3f})"
    )


def main() -> None:
    if sys.argv[1:2] == ["--worker"]:
        passes = int(sys.argv[5]) if sys.argv[4:5] == ["--passes"] else 0
        _worker(sys.argv[2], sys.argv[3], passes)
        return
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("a", type=Path, help="folder holding version A's crawler package")
    parser.add_argument("b", type=Path, help="folder holding version B's crawler package")
    parser.add_argument(
        "--rounds", type=int, default=20, help="passes per version; the best of each page counts"
    )
    parser.add_argument("--records", action="store_true", help="compare the records too")
    parser.add_argument("--callgrind", action="store_true", help="count a pass's instructions too")
    parser.add_argument("--crawl", type=int, metavar="N", help="crawl a synthetic site of N articles instead")
    arguments = parser.parse_args()
    roots = {"A": arguments.a.resolve(), "B": arguments.b.resolve()}
    if arguments.crawl:
        compare_crawls(roots, arguments.crawl, arguments.rounds)
        return
    sys.path.insert(0, str(BENCH))
    from parse import load_pages

    pages = load_pages()
    with tempfile.NamedTemporaryFile(suffix=".pickle") as pages_file:
        pages_file.write(pickle.dumps(pages))
        pages_file.flush()
        workers = {name: Worker(root, pages_file.name) for name, root in roots.items()}
        try:
            same = compare_records(workers, pages) if arguments.records else True
            compare_speed(workers, arguments.rounds)
        finally:
            for worker in workers.values():
                worker.close()
        if arguments.callgrind:
            compare_instructions(roots, pages_file.name)
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
