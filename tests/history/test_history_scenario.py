"""The shipped 2018–2020 history file: it loads, and its timeline matches the dated facts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from numpy.testing import assert_allclose

from tariffsim.model.aggregates import average_tariff_series
from tariffsim.model.simulation import simulate
from tariffsim.scenario.schema import Scenario
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS

D = dt.date
HISTORY = SCENARIOS / "history" / "us-china-2018-2020.yaml"


@pytest.fixture(scope="module")
def history() -> Scenario:
    return load_scenario(HISTORY)


def test_loads_and_covers_all_imports(history: Scenario) -> None:
    assert history.horizon.start == D(2018, 1, 1)
    assert history.horizon.end == D(2020, 12, 31)
    by_importer: dict[str, float] = {}
    for tranche in history.tranches.values():
        by_importer[tranche.importer] = by_importer.get(tranche.importer, 0.0) + (
            tranche.imports.value
        )
    # all US imports from China in 2017 (Census) and all Chinese imports from the US (GACC)
    assert_allclose(by_importer["US"], 505.6e9, rtol=1e-12)
    assert_allclose(by_importer["CN"], 153.9e9, rtol=1e-12)


@pytest.mark.parametrize(
    ("tranche", "day", "rate"),
    [
        ("list3", D(2018, 9, 23), 0.0),
        ("list3", D(2018, 9, 24), 0.10),
        ("list3", D(2019, 1, 1), 0.10),  # the 1 January rise was postponed
        ("list3", D(2019, 3, 2), 0.10),  # ...and postponed again
        ("list3", D(2019, 5, 9), 0.10),
        ("list3", D(2019, 5, 10), 0.10),  # goods entered now were shipped before 10 May
        ("list3", D(2019, 6, 16), 0.25),  # past the in-transit deadline of 15 June
        ("list3", D(2019, 10, 15), 0.25),  # the 30 % step was called off
        ("list1", D(2019, 10, 15), 0.25),
        ("list4a", D(2019, 8, 31), 0.0),
        ("list4a", D(2019, 9, 1), 0.15),
        ("list4a", D(2020, 2, 13), 0.15),
        ("list4a", D(2020, 2, 14), 0.075),
        ("list4b", D(2019, 12, 15), 0.0),
        ("us-rest", D(2020, 6, 1), 0.0),
        ("cn-60b", D(2019, 6, 1), 0.1862),
        ("cn-75b-first", D(2020, 2, 14), 0.0375),
        ("cn-75b-second", D(2019, 12, 15), 0.0),
    ],
)
def test_dated_facts(history: Scenario, tranche: str, day: dt.date, rate: float) -> None:
    assert_allclose(history.tranches[tranche].rate_on(day), rate, atol=1e-15)


def _expected_list3(day: dt.date) -> float:
    if day < D(2018, 9, 24):
        return 0.0
    # 25 % from min(10 May + 30 days lag, 15 June + 1 day) = 9 June 2019
    return 0.10 if day < D(2019, 6, 9) else 0.25


def _expected_list4a(day: dt.date) -> float:
    if day < D(2019, 9, 1):
        return 0.0
    return 0.15 if day < D(2020, 2, 14) else 0.075


def test_rates_day_by_day(history: Scenario) -> None:
    periods = simulate(history, step="day").periods
    assert set(periods["mode"]) == {"static", "behavioural"}
    for mode, rows_of_mode in periods.groupby("mode"):
        for tranche, expected in [
            ("list3", _expected_list3),
            ("list4a", _expected_list4a),
            ("list4b", lambda _day: 0.0),
        ]:
            rows = rows_of_mode[rows_of_mode.tranche == tranche]
            assert len(rows) == 1096, mode  # 2018–2020 with 29 Feb 2020
            want = np.array([expected(d) for d in rows.period_start])
            assert_allclose(rows.additional_rate.to_numpy(), want, atol=1e-15)


def test_never_applied_steps_show_in_the_plan(history: Scenario) -> None:
    series = average_tariff_series(history)
    us = series[series.importer == "US"]
    after = us[us.start >= D(2019, 12, 15)]
    # planned: 4B at 15 % and Lists 1–3 at 30 %; applied: neither
    assert (after.planned_rate > after.applied_rate + 0.05).all()
    statuses = {
        (tid, day): step.status.value
        for tid, t in history.tranches.items()
        for day, step in t.schedule.items()
    }
    assert statuses[("list4b", D(2019, 12, 15))] == "suspended"
    assert statuses[("list3", D(2019, 10, 15))] == "cancelled"
    assert statuses[("list3", D(2019, 1, 1))] == "suspended"


def test_every_number_has_a_source(history: Scenario) -> None:
    for tid, tranche in history.tranches.items():
        assert tranche.imports.source or tranche.source, tid
        assert tranche.base_rate.source, tid
        for day, step in tranche.schedule.items():
            assert step.source, (tid, day)
