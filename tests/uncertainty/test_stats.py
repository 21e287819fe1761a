"""Weighted percentiles, exceedance and the per-branch summary, by hand."""

from __future__ import annotations

import math

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.uncertainty.outlook import load_outlook
from tariffsim.uncertainty.stats import (
    ALL,
    PERCENTILE_COLUMNS,
    exceedance,
    summarise,
    weighted_percentiles,
)
from tariffsim.uncertainty.sweep import sweep
from tests.conftest import SCENARIOS


def test_weighted_percentiles_by_hand() -> None:
    values = np.array([10.0, 20.0, 30.0, 40.0])
    weight = np.array([0.04, 0.21, 0.50, 0.25])
    # cumulative weights 0.04, 0.25, 0.75, 1.0: the smallest value reaching q
    assert_array_equal(weighted_percentiles(values, weight), [20, 20, 30, 30, 40])


def test_weighted_percentiles_per_column() -> None:
    values = np.array([[1.0, 5.0], [2.0, 5.0], [3.0, 5.0], [4.0, 5.0]])
    got = weighted_percentiles(values, np.full(4, 0.25))
    assert got.shape == (5, 2)
    assert_array_equal(got[:, 1], 5.0)
    assert_array_equal(got[:, 0], [1, 1, 2, 3, 4])


def test_exceedance_by_hand() -> None:
    values = np.array([100.0, 150.0, 151.0, 200.0])
    weight = np.array([0.1, 0.2, 0.3, 0.4])
    assert_allclose(exceedance(values, weight, 150.0), 0.7)  # strictly above
    assert exceedance(values, weight, 500.0) == 0.0


def test_summary_of_the_shipped_outlook() -> None:
    result = sweep(load_outlook(SCENARIOS / "outlook.yaml"), 4_000, seed=1)
    summary = summarise(result, "additional", threshold=100e9)
    totals = summary.totals.set_index("branch")
    assert list(totals.index) == ["escalate", "hold", "ceasefire", ALL]
    assert_allclose(totals["probability"].tolist(), [0.25, 0.45, 0.3, 1.0])
    assert totals["draws"].tolist() == [1_000, 1_800, 1_200, 4_000]
    assert_allclose(
        math.fsum(totals.loc[["escalate", "hold", "ceasefire"], "contribution_usd"]),
        summary.expected_usd,
        rtol=1e-15,
    )
    horizon = result.additional_duty.sum(axis=1)
    assert_allclose(totals.loc[ALL, "mean_usd"], np.average(horizon, weights=result.draws.weight))
    # only the escalation path can pass $100B of additional duty
    assert totals.loc["hold", "p_exceeds"] == 0.0
    assert_allclose(totals.loc[ALL, "p_exceeds"], 0.25 * totals.loc["escalate", "p_exceeds"])
    for scope in totals.index:
        cuts = totals.loc[scope, PERCENTILE_COLUMNS].to_numpy(dtype=float)
        assert np.all(np.diff(cuts) >= 0)
    periods = summary.periods[summary.periods.branch == ALL]
    assert len(periods) == result.plan.grid.n_periods
    assert_allclose(periods["mean_usd"].sum(), summary.expected_usd, rtol=1e-12)


def test_no_threshold_gives_nan() -> None:
    result = sweep(load_outlook(SCENARIOS / "outlook.yaml"), 100, seed=1)
    assert summarise(result).totals["p_exceeds"].isna().all()
