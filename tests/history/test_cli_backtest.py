"""``tariffsim backtest`` through typer's CliRunner: table, files written, one-line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import ROOT, SCENARIOS, assert_matches_golden

GOLDEN = Path(__file__).parents[1] / "golden" / "backtest.txt"
HISTORY = SCENARIOS / "history" / "us-china-2018-2020.yaml"
runner = CliRunner()


def test_backtest_prints_published_simulated_and_errors(tmp_path: Path) -> None:
    csv = tmp_path / "comparison.csv"
    png = tmp_path / "backtest.png"
    series = tmp_path / "series.csv"
    args = ["backtest", str(HISTORY), "-o", str(csv), "--plot", str(png), "--series", str(series)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "published" in out and "error" in out
    assert "2019-12-19" in out and "21.0 %" in out  # PIIE: US average on 19 Dec 2019
    assert "FY2019" in out and "$29.0B" in out  # CBP: Section 301 duty in FY2019
    assert "mean absolute error" in out
    frame = pd.read_csv(csv)
    assert {"figure", "published", "simulated", "error", "mode"} <= set(frame.columns)
    assert (frame["simulated"] - frame["published"] - frame["error"]).abs().max() < 1e-3
    assert png.stat().st_size > 10_000
    assert "Simulated totals by US fiscal year (Oct–Sep)" in out
    steps = pd.read_csv(series)
    us = steps[steps.importer == "US"]
    assert us.days.sum() == 1096
    # 3.1 % base; 25 % on Lists 1–3 and 7.5 % on 4A, 23.5 % of them excluded; 232 on $3B
    listed = (30.0 + 14.3 + 179.7) * 0.25 + 103.2 * 0.075
    by_hand = 0.031 + (listed * (1 - 0.235) + 1.5 * 0.25 + 1.5 * 0.10) / 505.6
    assert (
        abs(us[us.start == "2020-02-14"].applied_rate.item() - by_hand) < 1e-5
    )  # the CSV keeps 5 decimals


def test_backtest_finds_published_beside_the_scenario(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["backtest", str(HISTORY), "--published", str(tmp_path / "no.yaml")]
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("tariffsim: error:")
    assert "no.yaml" in lines[0]


def test_backtest_refuses_to_overwrite_its_inputs() -> None:
    result = runner.invoke(app, ["backtest", str(HISTORY), "-o", str(HISTORY)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_backtest_static_only() -> None:
    result = runner.invoke(app, ["backtest", str(HISTORY), "--static"])
    assert result.exit_code == 0, result.output
    header = result.stdout.splitlines()[0].split()
    assert header[-3:] == ["static", "error", "id"]
    assert "behavioural" not in result.stdout


def test_backtest_default_matches_golden(
    monkeypatch: pytest.MonkeyPatch, update_golden: bool
) -> None:
    monkeypatch.chdir(ROOT)  # the default scenario path is relative to the repository root
    result = runner.invoke(app, ["backtest"])
    assert result.exit_code == 0, result.output
    assert_matches_golden(result.stdout, GOLDEN, update_golden)
