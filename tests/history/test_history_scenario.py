"""The shipped 2018–2020 history file: it loads, and its timeline matches the dated facts."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.model.aggregates import average_tariff_series
from tariffsim.model.simulation import simulate
from tariffsim.scenario.schema import Scenario, Tranche
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


def test_china_lists_cover_the_measured_share_only(history: Scenario) -> None:
    # measured lists (mitsuoxv, China's data): 2.97 + 33.82 + 14.45 + 52.82 = 104.06 of 153.9;
    # the $75B list stacks on them and adds no coverage
    china = {tid: t for tid, t in history.tranches.items() if t.importer == "CN"}
    covered = sum(t.imports.value for t in china.values() if t.rate_on(D(2019, 1, 2)) > 0.01)
    assert_allclose(covered, 104.06e9 - 10.6e9, rtol=1e-12)  # cars: suspended from 2019 only
    assert_allclose(
        sum(t.imports.value for t in china.values() if t.rate_on(D(2018, 10, 1)) > 0.01),
        104.06e9,
        rtol=1e-12,
    )
    assert china["cn-rest"].rate_on(D(2020, 6, 1)) == 0.0  # second batch suspended


def test_china_average_base_before_and_after_the_mfn_cuts(history: Scenario) -> None:
    china = [t for t in history.tranches.values() if t.importer == "CN"]
    total = sum(t.imports.value for t in china)

    def average(day: dt.date) -> float:
        return sum(t.imports.value * (t.base_rate.value + t.rate_on(day)) for t in china) / total

    # January 2018: PIIE's 8.0 % (cars at 25 % MFN on $10.6B, the rest 6.74 %)
    assert_allclose(average(D(2018, 1, 1)), 0.080, atol=5e-5)  # the file rounds to 0.01 pp
    # 2 July 2018, after the first cut and before the $34B list: cars 15 %, the rest
    # 4.75 + 0.50 %, plus the 232 response (15 % on $0.98B, 25 % on $1.99B)
    by_hand = (10.6 * 0.15 + 143.3 * 0.0525 + 0.98 * 0.15 + 1.99 * 0.25) / 153.9
    assert_allclose(average(D(2018, 7, 2)), by_hand, rtol=1e-9)
    # 1 November 2018: the second cut takes 0.50 points off all but the cars
    assert_allclose(
        average(D(2018, 10, 31)) - average(D(2018, 11, 1)), 0.005 * 143.3 / 153.9, rtol=1e-9
    )


@pytest.mark.parametrize(
    ("tranche", "day", "rate"),
    [
        ("list3", D(2018, 9, 23), 0.0),
        ("list3", D(2018, 9, 24), 0.10),
        ("list3", D(2019, 1, 1), 0.10),  # the 1 January rise was postponed
        ("list3", D(2019, 3, 2), 0.10),  # ...and postponed again
        ("list3", D(2019, 5, 9), 0.10),
        ("list3", D(2019, 5, 10), 0.10),  # goods entered now were shipped before 10 May
        ("list3", D(2019, 6, 8), 0.10),  # the last grace shipment (9 May + 30 days) enters
        ("list3", D(2019, 6, 9), 0.25),  # the 30-day lag binds before the legal deadline
        ("list3", D(2019, 6, 15), 0.25),
        ("list3", D(2019, 10, 15), 0.25),  # the 30 % step was called off
        ("list1", D(2019, 10, 15), 0.25),
        ("list4a", D(2019, 8, 31), 0.0),
        ("list4a", D(2019, 9, 1), 0.15),
        ("list4a", D(2020, 2, 13), 0.15),
        ("list4a", D(2020, 2, 14), 0.075),
        ("list4b", D(2019, 12, 15), 0.0),
        ("us-rest", D(2020, 6, 1), 0.0),
        ("cn-60b", D(2019, 6, 1), 0.1862),
        ("cn-60b", D(2020, 2, 14), 0.1964),  # 18.62 + the halved $75B batch, stacked
        ("cn-34b-autos", D(2018, 7, 6), 0.25),
        ("cn-34b-autos", D(2019, 1, 1), 0.0),  # extra duty on US cars suspended
        ("cn-34b-autos", D(2019, 12, 15), 0.0),  # reinstatement suspended
    ],
)
def test_dated_facts(history: Scenario, tranche: str, day: dt.date, rate: float) -> None:
    assert_allclose(history.tranches[tranche].rate_on(day), rate, atol=1e-15)


def _kept(day: dt.date) -> float:
    # 23.5 % of the applied lists excluded from 7 August 2019 (exclusions-bound)
    return 1.0 - 0.235 if day >= D(2019, 8, 7) else 1.0


def _expected_list3(day: dt.date) -> float:
    if day < D(2018, 9, 24):
        return 0.0
    # 25 % from min(10 May + 30 days lag, 14 June + 1 day) = 9 June 2019
    return (0.10 if day < D(2019, 6, 9) else 0.25) * _kept(day)


def _expected_list4a(day: dt.date) -> float:
    if day < D(2019, 9, 1):
        return 0.0
    return (0.15 if day < D(2020, 2, 14) else 0.075) * _kept(day)


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
            want = np.array([expected(d.date()) for d in rows.period_start])
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


_HISTORY = load_scenario(HISTORY)


def _list3_with_lag(history: Scenario, lag: int) -> Tranche:
    list3 = history.tranches["list3"]
    step = list3.schedule[D(2019, 5, 10)]
    assert step.in_transit is not None
    grace = step.in_transit.model_copy(update={"shipping_lag": lag})
    schedule = {**list3.schedule, D(2019, 5, 10): step.model_copy(update={"in_transit": grace})}
    return list3.model_copy(update={"schedule": schedule})


def test_list3_in_transit_grace_is_the_legal_one(history: Scenario) -> None:
    grace = history.tranches["list3"].schedule[D(2019, 5, 10)].in_transit
    assert grace is not None
    # HTS 9903.88.09: exported before 10 May 2019, entered before 15 June 2019
    assert (grace.shipped_before, grace.entered_by) == (D(2019, 5, 10), D(2019, 6, 14))
    # when the lag does not bind (36 days or more), 25 % applies from the legal 15 June on
    for lag in (36, 45, 90):
        list3 = _list3_with_lag(history, lag)
        assert list3.rate_on(D(2019, 6, 14)) == 0.10
        assert list3.rate_on(D(2019, 6, 15)) == 0.25
    # when it binds (the file's 30 days), the last grace shipment (exported 9 May) enters on
    # 8 June, and the switch by entry date is 9 June: the documented behaviour
    list3 = _list3_with_lag(history, 30)
    assert list3.rate_on(D(2019, 6, 8)) == 0.10
    assert list3.rate_on(D(2019, 6, 9)) == 0.25


@settings(max_examples=30, deadline=None)
@given(lag=st.integers(min_value=0, max_value=120))
def test_in_transit_switch_is_the_earlier_of_lag_and_deadline(lag: int) -> None:
    history = _HISTORY
    list3 = _list3_with_lag(history, lag)
    switch = min(D(2019, 5, 10) + dt.timedelta(days=lag), D(2019, 6, 15))
    if switch > D(2019, 5, 10):
        assert list3.rate_on(switch - dt.timedelta(days=1)) == 0.10
    assert list3.rate_on(switch) == 0.25
