"""The extraction quality gate (bench/gate.py): figures beside pinned floors, a regression fails it."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

GATE = REPO / "bench" / "gate.py"


def gate(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(GATE), *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture(scope="module")
def gate_module() -> Any:
    """bench/gate.py as a module, importing bench/extraction.py beside it as CI runs it."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        return importlib.import_module("gate")
    finally:
        sys.path.remove(str(REPO / "bench"))


def test_every_figure_has_a_floor_pinned(gate_module: Any) -> None:
    floors = json.loads((REPO / "bench" / "floors.json").read_text(encoding="utf-8"))
    names = [figure.name for figure in gate_module.figures()]
    assert sorted(floors) == sorted(names)
    assert all(0.0 < floor <= 1.0 for floor in floors.values())


def test_a_figure_below_its_floor_is_a_regression_and_float_noise_is_not(gate_module: Any) -> None:
    verdict = gate_module.verdict
    assert verdict("dates", 0.868, 0.869) == ("dates: 0.868000 REGRESSION, below the floor 0.869000", True)
    assert verdict("dates", 0.869 - 1e-12, 0.869)[1] is False
    assert verdict("dates", 0.9, 0.869) == ("dates: 0.900000 (floor 0.869000)", False)
    assert verdict("dates", 0.9, None)[1] is False


def test_a_floor_is_pinned_at_or_below_its_figure_and_never_lowered(gate_module: Any) -> None:
    pinned, raised = gate_module.pinned, gate_module.raised
    assert pinned(0.86868686) == 0.868686
    assert pinned(1.0) == 1.0
    assert raised({"a": 0.5, "b": 0.9}, {"a": 0.75, "b": 0.8, "c": 0.3}) == {"a": 0.75, "b": 0.9, "c": 0.3}


def test_without_the_shared_data_the_gate_passes_in_one_line(tmp_path: Path) -> None:
    done = gate("--shared", tmp_path / "shared")
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        f"gate: skipped, {tmp_path / 'shared'} is absent (the evaluation data is not on this machine)"
    ]


def test_a_regression_fails_the_gate_and_names_the_figure(tmp_path: Path) -> None:
    """Reference pages that are not there read as none: every site-parser figure falls to 0."""
    shared = tmp_path / "shared"
    (shared / "reference" / "pages").mkdir(parents=True)
    floors = tmp_path / "floors.json"
    floors.write_text(json.dumps({"site parsers headline, reference pages": 1.0}), encoding="utf-8")
    done = gate("--shared", shared, "--floors", floors)
    assert done.returncode == 1, done.stdout + done.stderr
    assert (
        "site parsers headline, reference pages: 0.000000 REGRESSION, below the floor 1.000000" in done.stdout
    )
    assert f"generic dates accuracy, dates: skipped, {shared / 'bench' / 'dates'} is absent" in done.stdout
    assert done.stdout.splitlines()[-1] == "gate: 1 figure(s) below their floor"
    floors.write_text(json.dumps({"site parsers headline, reference pages": 0.0}), encoding="utf-8")
    assert gate("--shared", shared, "--floors", floors).returncode == 0
