"""The memory budget: closed forms, and a run refused only where it would build a frame.

A table, CSV or JSON is written from the result's arrays; Parquet (and charts, the page,
``result.periods``) builds the frame, one row per mode × tranche × period, which costs
more a row. With a budget between the two estimates, CSV runs and Parquet is refused.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tariffsim import load_scenario, simulate
from tariffsim.errors import TariffsimError
from tariffsim.model import budget

ESCALATE = Path(__file__).resolve().parents[2] / "scenarios" / "escalate.yaml"


def test_estimates_are_the_stated_closed_forms() -> None:
    assert budget.simulation_bytes(1_000, 2_000) == 200e6 + 400.0 * 1_000 + 40.0 * 2_000
    assert budget.frame_bytes(3_000) == 200e6 + 600.0 * 3_000


def test_frames_are_checked_against_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    result = simulate(load_scenario(ESCALATE), "day")
    rows = result.arrays.values["imports_usd"].size
    monkeypatch.setenv("TARIFFSIM_MEMORY_GB", str(budget.frame_bytes(rows) / 1e9 * 0.999))
    with pytest.raises(TariffsimError, match=f"a table of {rows:,} rows"):
        result.periods  # noqa: B018 - the property builds the frame
    monkeypatch.setenv("TARIFFSIM_MEMORY_GB", str(budget.frame_bytes(rows) / 1e9 * 1.001))
    assert len(result.periods) == rows


def run(args: list[str], gigabytes: float, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TARIFFSIM_MEMORY_GB": f"{gigabytes:.9f}"}
    return subprocess.run(
        [sys.executable, "-m", "tariffsim", "run", str(ESCALATE), "--step", "day", *args],
        capture_output=True, text=True, env=env, cwd=folder, check=False,
    )  # fmt: skip


def test_csv_fits_where_a_parquet_frame_would_not(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    result = simulate(load_scenario(ESCALATE), "day")
    frame_rows = result.arrays.values["imports_usd"].size
    tranches, periods = len(load_scenario(ESCALATE).tranches), len(result.arrays.starts)
    # the engine's slices: at least one a period; a day grid has exactly one
    arrays = budget.simulation_bytes(tranches * periods, tranches * periods)
    frame = budget.frame_bytes(frame_rows)
    assert arrays < frame
    between = (arrays + frame) / 2 / 1e9
    done = run(["-o", "out.csv"], between, tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out.csv").read_text().count("\n") == frame_rows + 1
    refused = run(["-o", "out.parquet"], between, tmp_path)
    assert refused.returncode == 2
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1
    assert f"a table of {frame_rows:,} rows" in lines[0] and "-o out.csv" in lines[0]
    assert not (tmp_path / "out.parquet").exists()
