"""Hand-computed cases of each duty form, and its invariants."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.model import duty_forms, engine
from tariffsim.model.timeline import build_grid, day_number, step_function


def test_eu_all_in_floor_on_three_mfn_rates() -> None:
    # 15 % all in: MFN 0 % pays 15 % on top, 4.5 % pays 10.5 %, 20 % pays nothing more.
    assert_allclose(
        duty_forms.all_in_floor_rate(0.15, np.array([0.0, 0.045, 0.20])), [0.15, 0.105, 0.0]
    )


def test_floor_on_a_specific_mfn_line() -> None:
    # $1,000 of goods, MFN 5 cents/kg on 600 kg = $30 (3 %): the floor adds 15 % × 1,000 − 30.
    mfn = duty_forms.specific_duty(np.array([600.0]), 0.05)
    assert_allclose(mfn, [30.0])
    assert_allclose(duty_forms.all_in_floor_duty(np.array([1000.0]), mfn, 0.15), [120.0])


def test_all_in_cap() -> None:
    # Timber: 10 % of Section 232 on top of MFN, the sum at most 15 %.
    mfn = np.array([0.0, 0.08, 0.15, 0.30])
    assert_allclose(duty_forms.all_in_cap_rate(0.10, 0.15, mfn), [0.10, 0.07, 0.0, 0.0])


def test_copper_at_50_percent_on_a_40_percent_share() -> None:
    # $10,000 of copper wire whose copper is 40 % of the value: 50 % × 4,000 = 2,000.
    assert_allclose(duty_forms.value_share_duty(np.array([10_000.0]), 0.50, 0.40), [2_000.0])


def test_metal_share_gate() -> None:
    # Full value at 15 % of metal or more; under it the share, or nothing.
    share = np.array([0.10, 0.15, 0.60])
    assert_allclose(duty_forms.dutiable_share(share), share)
    assert_allclose(duty_forms.dutiable_share(share, 0.15), [0.10, 1.0, 1.0])
    assert_allclose(duty_forms.dutiable_share(share, 0.15, below="none"), [0.0, 1.0, 1.0])


def test_compound_mfn_line_with_its_quantity() -> None:
    # "2.4 % + 5 cents/kg" on $10,000 weighing 2,000 kg: 240 + 100.
    duty = duty_forms.compound_duty(np.array([10_000.0]), np.array([2_000.0]), 0.024, 0.05)
    assert_allclose(duty, [340.0])
    assert_allclose(duty_forms.ad_valorem_equivalent(duty, np.array([10_000.0])), [0.034])


def test_per_item_postal_duty() -> None:
    # 2025 postal duty of $200 per item on 35 parcels worth $1,400: $7,000, 500 % of the value.
    duty = duty_forms.specific_duty(np.array([35.0]), 200.0)
    assert_allclose(duty, [7_000.0])
    assert_allclose(duty_forms.ad_valorem_equivalent(duty, np.array([1_400.0])), [5.0])
    assert_allclose(duty_forms.ad_valorem_equivalent(duty, np.array([0.0])), [0.0])


def test_measure_expiring_mid_period_accrues_to_the_day_before() -> None:
    # 365 M USD a year is 1 M USD a day in 2026. 10 % from 2026-02-24 for 150 days: it expires
    # on 2026-07-24, so July has 23 days of duty (1–23) and the total is 5+31+30+31+30+23 = 150.
    start, expires = day_number(dt.date(2026, 2, 24)), day_number(dt.date(2026, 7, 24))
    steps = duty_forms.ended_steps([(start, 0.10)], expires)
    assert steps == [(start, 0.10), (expires, 0.0)]
    grid = build_grid(
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        "month",
        change_dates=[dt.date(2026, 2, 24), dt.date(2026, 7, 24)],
    )
    rate = step_function([[d for d, _ in steps]], [[r for _, r in steps]], grid.slice_start)
    duty = engine.period_duty(
        np.array([365e6]), grid.year_fraction, rate, np.zeros(1), grid.period_first_slice
    )
    expected = np.array([0, 5, 31, 30, 31, 30, 23, 0, 0, 0, 0, 0]) * 0.1e6
    assert_allclose(duty.additional_duty, [expected], atol=1e-6)


def test_steps_after_the_end_are_dropped() -> None:
    assert duty_forms.ended_steps([(10, 0.1), (20, 0.2), (30, 0.3)], 25) == [
        (10, 0.1),
        (20, 0.2),
        (25, 0.0),
    ]
    assert duty_forms.ended_steps([(10, 0.1)], None) == [(10, 0.1)]


def test_two_steps_on_one_date_the_last_in_force() -> None:
    # 9 April 2025: 34 % superseded the same day by 84 %.
    day = day_number(dt.date(2025, 4, 9))
    steps = [(day - 4, 0.10), (day, 0.34), (day, 0.84)]
    assert duty_forms.last_on_each_day(steps) == [(day - 4, 0.10), (day, 0.84)]
    at = np.array([day - 1, day, day + 1], dtype=np.int64)
    rate = step_function([[d for d, _ in steps]], [[r for _, r in steps]], at)
    assert_allclose(rate, [[0.10, 0.84, 0.84]])


rates = st.floats(0, 2)


@given(floor=rates, mfn=rates, value=st.floats(0, 1e9))
def test_floor_tops_up_to_the_floor_and_never_below_mfn(
    floor: float, mfn: float, value: float
) -> None:
    extra = float(duty_forms.all_in_floor_rate(floor, np.array([mfn]))[0])
    assert extra >= 0
    assert abs(max(floor, mfn) - (mfn + extra)) < 1e-12
    by_duty = duty_forms.all_in_floor_duty(np.array([value]), np.array([mfn * value]), floor)
    assert_allclose(by_duty, [extra * value], rtol=1e-9, atol=1e-6)


@given(rate=rates, cap=rates, mfn=rates)
def test_cap_keeps_the_sum_under_the_cap(rate: float, cap: float, mfn: float) -> None:
    capped = float(duty_forms.all_in_cap_rate(rate, cap, np.array([mfn]))[0])
    assert 0 <= capped <= rate
    assert mfn + capped <= max(cap, mfn) + 1e-12


@given(value=st.floats(0, 1e9), qty=st.floats(0, 1e7), av=rates, amount=st.floats(0, 1e3))
def test_compound_is_the_sum_of_its_parts(
    value: float, qty: float, av: float, amount: float
) -> None:
    got = duty_forms.compound_duty(np.array([value]), np.array([qty]), av, amount)
    assert_allclose(got, [value * av + qty * amount], rtol=1e-12)
