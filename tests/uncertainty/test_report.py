"""Sweep outputs: the table, the tidy CSV/Parquet frame and the JSON record."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.uncertainty.outlook import load_outlook
from tariffsim.uncertainty.report import render_sweep, sweep_frame, sweep_payload, write_sweep
from tariffsim.uncertainty.stats import summarise
from tariffsim.uncertainty.sweep import SweepResult, sweep
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def result() -> SweepResult:
    return sweep(load_outlook(SCENARIOS / "outlook.yaml"), 2_000, seed=1)


def test_frame_has_a_total_row_then_periods_per_branch(result: SweepResult) -> None:
    summary = summarise(result, threshold=120e9)
    frame = sweep_frame(result, summary)
    periods = result.plan.grid.n_periods
    assert len(frame) == 4 * (1 + periods)
    assert frame["branch"].tolist()[:: 1 + periods] == ["escalate", "hold", "ceasefire", "all"]
    totals = frame[frame.period == "total"].set_index("branch")
    assert_allclose(totals.loc["all", "mean_usd"], summary.expected_usd)
    assert frame.loc[frame.period != "total", "p_exceeds"].isna().all()
    assert (frame["threshold_usd"] == 120e9).all()
    assert frame.loc[frame.branch == "hold", "draws"].eq(900).all()


def test_json_record(result: SweepResult) -> None:
    text = write_sweep(result, summarise(result), "json", None)
    assert text is not None
    record = json.loads(text)
    assert record["samples"] == 2_000 and record["seed"] == 1
    assert record["percentiles"] == [5, 25, 50, 75, 95]
    assert record["threshold_usd"] is None
    assert record["branches"]["hold"]["probability"] == 0.45
    assert record["uncertain_steps"]["list3-rise"]["outcomes"]["cancelled"]["source"] == "judgement"
    assert [t["p_exceeds"] for t in record["totals"]] == [None] * 4  # NaN is written as null
    payload = sweep_payload(result, summarise(result))
    assert record["expected_usd"] == payload["expected_usd"]


def test_table_names_branches_sources_and_threshold(result: SweepResult) -> None:
    text = render_sweep(result, summarise(result, threshold=150e9))
    assert "2,000 draws, seed 1; monthly periods 2018-10-01 to 2019-12-31" in text
    assert "P(>$150.00B)" in text
    assert "list3-rise: list3 step of 2019-01-01 (escalate, hold)" in text
    assert "[ustr-list3] Notice of Modification of Section 301 Action (List 3)" in text


def test_parquet_needs_a_file_and_round_trips(result: SweepResult, tmp_path: Path) -> None:
    summary = summarise(result)
    with pytest.raises(TariffsimError, match="Parquet is binary"):
        write_sweep(result, summary, "parquet", None)
    target = tmp_path / "sweep.parquet"
    assert write_sweep(result, summary, "parquet", target) is None
    back = pd.read_parquet(target)
    assert list(back.columns) == list(sweep_frame(result, summary).columns)
    assert_allclose(back["p50_usd"], sweep_frame(result, summary)["p50_usd"])
