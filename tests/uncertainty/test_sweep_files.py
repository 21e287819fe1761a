"""sweep's CSV and JSON made from the summary's records: the frame's own text, no pandas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tariffsim.outputs.csv_rows import csv_text
from tariffsim.outputs.files import to_json_text
from tariffsim.outputs.text import csv_text as frame_csv_text
from tariffsim.outputs.text import records
from tariffsim.uncertainty.outlook import load_outlook
from tariffsim.uncertainty.report import SWEEP_COLUMNS, sweep_frame, sweep_table
from tariffsim.uncertainty.stats import summarise
from tariffsim.uncertainty.sweep import sweep
from tests.conftest import SCENARIOS
from tests.test_cli_startup import loaded_modules


@pytest.fixture(scope="module")
def swept():  # type: ignore[no-untyped-def]
    return sweep(load_outlook(SCENARIOS / "outlook.yaml"), samples=120, seed=3)


@pytest.mark.parametrize(("measure", "threshold"), [("total", None), ("additional", 9e10)])
def test_csv_is_the_frames_own_text(swept, measure: str, threshold: float | None) -> None:  # type: ignore[no-untyped-def]
    summary = summarise(swept, measure, threshold)
    frame = sweep_frame(swept, summary)
    table = sweep_table(swept, summary)
    assert "".join(csv_text([table], SWEEP_COLUMNS)) == frame_csv_text(frame)
    assert table.n == len(summary.total_rows) * (1 + len(swept.plan.grid.period_start))


def test_json_records_are_the_frames(swept) -> None:  # type: ignore[no-untyped-def]
    summary = summarise(swept, "total", 1e11)
    assert to_json_text(summary.total_rows) == to_json_text(records(summary.totals))
    assert to_json_text(summary.period_rows) == to_json_text(records(summary.periods))


@pytest.mark.parametrize("output", ["x.csv", "x.json", None])
def test_sweep_imports_no_pandas(output: str | None, tmp_path: Path) -> None:
    args = ["sweep", str(SCENARIOS / "outlook.yaml"), "-n", "200"]
    target = tmp_path / output if output else None
    loaded = loaded_modules([*args, "-o", str(target)] if target else args)
    if target is not None and target.suffix == ".json":
        assert json.loads(target.read_text())["samples"] == 200
    assert "numpy" in loaded  # the sweep ran
    assert [m for m in ("pandas", "pyarrow", "matplotlib") if m in loaded] == []
