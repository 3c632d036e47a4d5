"""The extraction quality gate: every figure at or above the floor pinned in ``bench/floors.json``.

Run by ``make gate`` (and so by CI, after the tests)::

    python bench/gate.py            # each figure beside its floor; exit 1 on any regression
    python bench/gate.py --raise    # also raise to the figures reached the floors they pass

It scores, with ``bench/extraction.py``'s own metrics, crawler's generic path on the
development data in ``../shared/bench`` (main-text F1 on the article-extraction benchmark and
on trafilatura's corpus, publication-day accuracy on htmldate's set, author exact match on
trafilatura's corpus) and the site parsers on the reference pages
(``../shared/reference/pages`` against ``tests/reference_expectations``). Quality is a number,
guarded like any other behaviour: a figure below its floor fails the gate. Raising a floor is
a commit (``--raise`` writes it); lowering one is an edit whose commit message says why.

Where ``../shared`` is absent (a machine without the evaluation data) the gate says so in one
line and passes; a set missing from it is skipped with a line of its own.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import extraction

REPO = Path(__file__).resolve().parents[1]
FLOORS = REPO / "bench" / "floors.json"
DEFAULT_SHARED = REPO.parent / "shared"
#: Floors are pinned to 6 decimals, rounded down; the scores are exact counts, so this only
#: absorbs the float arithmetic of the means.
TOLERANCE = 1e-9
_PLACES = 6


@dataclass(frozen=True)
class Figure:
    """One guarded figure: its name (the key in floors.json), the data it needs, how to compute it."""

    name: str
    data: str
    compute: Callable[[Path], float]


def _body_f1(data: Path) -> float:
    scores = extraction.body_scores(data, {"crawler-generic": extraction.crawler_generic})
    return next(score.f1 for _, score, _ in scores)


def _dates(data: Path) -> float:
    scores = extraction.date_scores(data, {"crawler-generic": extraction.crawler_date})
    return next(score.accuracy for _, score, _ in scores)


def _authors(data: Path) -> float:
    scores = extraction.author_scores(data, {"crawler-generic": extraction.crawler_authors})
    return next(score.accuracy for _, score in scores)


@functools.cache
def _site_parsers(reference: Path) -> extraction.ReferenceScore:
    """The site parsers on the reference pages, read once for all their figures."""
    return extraction.reference_scores(reference, extraction.parse_page)


def figures() -> Iterator[Figure]:
    """Every guarded figure, in the order the gate prints them."""
    yield Figure("generic body F1, article-extraction", "bench/article-extraction", _body_f1)
    yield Figure("generic body F1, trafilatura-eval", "bench/trafilatura-eval", _body_f1)
    yield Figure("generic dates accuracy, dates", "bench/dates", _dates)
    yield Figure("generic authors exact, trafilatura-eval", "bench/trafilatura-eval", _authors)
    for field in extraction.REFERENCE_FIELDS:
        yield Figure(
            f"site parsers {field}, reference pages",
            "reference/pages",
            lambda reference, field=field: _site_parsers(reference).rate(field),
        )
    yield Figure(
        "site parsers non-articles refused, reference pages",
        "reference/pages",
        lambda reference: _site_parsers(reference).refusal_rate,
    )


def pinned(score: float) -> float:
    """A score as a floor: 6 decimals, rounded down, so that the score itself passes."""
    return math.floor(score * 10**_PLACES) / 10**_PLACES


def verdict(name: str, score: float, floor: float | None) -> tuple[str, bool]:
    """The gate's line for one figure, and whether it is a regression."""
    if floor is None:
        return f"{name}: {score:.6f} (no floor pinned: bench/gate.py --raise pins it)", False
    if score < floor - TOLERANCE:
        return f"{name}: {score:.6f} REGRESSION, below the floor {floor:.6f}", True
    return f"{name}: {score:.6f} (floor {floor:.6f})", False


def read_floors(path: Path) -> dict[str, float]:
    """The pinned floors: ``{figure name: floor}``."""
    floors: dict[str, float] = json.loads(path.read_text(encoding="utf-8"))
    return floors


def raised(floors: Mapping[str, float], scores: Mapping[str, float]) -> dict[str, float]:
    """The floors, each raised to its figure where the figure is higher; none is ever lowered."""
    merged = dict(floors)
    for name, score in scores.items():
        merged[name] = max(merged.get(name, 0.0), pinned(score))
    return merged


def run(shared: Path, floors_path: Path, raise_floors: bool) -> int:
    """Score every figure whose data is there, print it beside its floor; 1 on any regression."""
    if not shared.is_dir():
        print(f"gate: skipped, {shared} is absent (the evaluation data is not on this machine)")
        return 0
    floors = read_floors(floors_path)
    scores: dict[str, float] = {}
    regressions = 0
    for figure in figures():
        data = shared / figure.data
        if not data.is_dir():
            print(f"{figure.name}: skipped, {data} is absent")
            continue
        scores[figure.name] = figure.compute(data)
        line, regressed = verdict(figure.name, scores[figure.name], floors.get(figure.name))
        regressions += regressed
        print(line, flush=True)
    if raise_floors:
        floors_path.write_text(json.dumps(raised(floors, scores), indent=2) + "\n", encoding="utf-8")
        print(f"floors raised to the figures reached: {floors_path}")
    if regressions:
        print(f"gate: {regressions} figure(s) below their floor")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="the shared data folder (../shared)"
    )
    parser.add_argument("--floors", type=Path, default=FLOORS, help="the pinned floors (bench/floors.json)")
    parser.add_argument(
        "--raise", dest="raise_floors", action="store_true", help="raise the floors to the figures reached"
    )
    arguments = parser.parse_args()
    return run(arguments.shared, arguments.floors, arguments.raise_floors)


if __name__ == "__main__":
    sys.exit(main())
