"""A result's tables and frames: the arrays laid out row by row, and pandas' own sums."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tariffsim.model.flows import load_scenario
from tariffsim.model.result_tables import importer_table, period_table, tranche_table
from tariffsim.model.results import PERIOD_COLUMNS, Result
from tariffsim.model.simulation import simulate
from tests.conftest import SCENARIOS


@pytest.fixture(scope="module")
def hold() -> Result:
    return simulate(load_scenario(SCENARIOS / "hold.yaml"))


def test_periods_are_rows_by_periods(hold: Result) -> None:
    a = hold.arrays
    r, p = len(a.modes), len(a.starts)
    table = period_table(hold.name, a)
    assert table.n == r * p
    assert list(table.columns) == PERIOD_COLUMNS
    # row k·P + j holds row k's period j
    k, j = 5, 3
    record = table.records()[k * p + j]
    assert record["tranche"] == a.rows.ids[k] and record["mode"] == a.modes[k]
    assert record["period_start"] == a.starts[j].item()
    assert record["days"] == (a.ends[j] - a.starts[j]).astype(int) + 1
    assert record["total_duty_usd"] == a.values["total_duty_usd"][k, j]


def test_frames_keep_text_as_categories_and_days_as_datetimes(hold: Result) -> None:
    frame = hold.periods
    for column in ("scenario", "mode", "tranche", "label", "importer", "exporter"):
        assert isinstance(frame[column].dtype, pd.CategoricalDtype), column
    assert str(frame["period_start"].dtype) == "datetime64[s]"
    assert frame["period_start"].iloc[0] == pd.Timestamp(hold.scenario.horizon.start)
    assert frame["period_end"].iloc[-1].date() == hold.scenario.horizon.end
    assert isinstance(hold.tranches["mode"].dtype, pd.CategoricalDtype)


def test_importer_rows_are_pandas_groupby_sums_bit_for_bit(hold: Result) -> None:
    # the frame pandas would have summed: text and days as plain objects
    plain = period_table(hold.name, hold.arrays)
    frame = pd.DataFrame({c: pd.Series(plain.cells(c), dtype=object) for c in PERIOD_COLUMNS})
    money = ["imports_usd", "additional_duty_usd", "total_duty_usd"]
    frame = frame.astype(dict.fromkeys(money, np.float64))
    keys = ["scenario", "mode", "importer", "period_start", "period_end"]
    theirs = frame.groupby(keys, sort=False)[money].sum().reset_index()
    ours = importer_table(hold.name, hold.arrays)
    assert ours.n == len(theirs) == 2 * len(hold.arrays.starts)  # static and behavioural
    for column in money:
        assert np.asarray(ours.columns[column]).tobytes() == theirs[column].to_numpy().tobytes()
    assert ours.cells("period_start") == theirs["period_start"].tolist()
    rate = ours.columns["effective_additional_rate"]
    expected = theirs["additional_duty_usd"] / theirs["imports_usd"]
    np.testing.assert_array_equal(rate, expected.to_numpy())


def test_tranche_rows_are_horizon_sums(hold: Result) -> None:
    table = tranche_table(hold.name, hold.arrays)
    a = hold.arrays
    np.testing.assert_array_equal(table.columns["imports_usd"], a.values["imports_usd"].sum(axis=1))
    assert table.cells("tranche") == a.rows.ids


def test_a_frame_row_costs_less_than_with_python_objects() -> None:
    result = simulate(load_scenario(SCENARIOS / "escalate.yaml"), "day")
    frame = result.periods
    plain = period_table(result.name, result.arrays)
    objects = pd.DataFrame(
        {c: np.array(plain.cells(c), dtype=object) for c in PERIOD_COLUMNS[:8]}
    ).memory_usage(deep=True)
    coded = frame[PERIOD_COLUMNS[:8]].memory_usage(deep=True)
    # eight text and date columns: a code or 8 bytes a cell, against an object per cell
    assert coded.sum() < objects.sum() / 5
    assert len(frame) > 5_000


def test_two_importers_keep_their_own_rows() -> None:
    result = simulate(load_scenario(SCENARIOS / "examples" / "us-china-2025.yaml"))
    table = importer_table(result.name, result.arrays)
    importers = dict.fromkeys(table.cells("importer"))
    assert list(importers) == result.importer_codes
    for code in importers:
        mine = [r for r in table.records() if r["importer"] == code and r["mode"] == result.mode]
        assert mine[0]["period_start"] == dt.date(2025, 1, 1)
        chosen = np.asarray(result.arrays.rows.importers) == code
        total = result.arrays.values["imports_usd"][chosen].sum()
        np.testing.assert_allclose(sum(r["imports_usd"] for r in mine), total, rtol=1e-12)
