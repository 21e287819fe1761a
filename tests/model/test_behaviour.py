"""Hand-computed and closed-form cases for the behavioural kernels (tariffsim.model.behaviour)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.model import behaviour

ONE = np.ones(1)


def test_worked_example_escalate_and_roll_back() -> None:
    # methods.md: $200B at 10 %, ε = 1, ρ = 1; 10 % → 25 % gives 176.0, 10 % → 0 % gives 220.0
    rate = np.array([[0.10, 0.25, 0.0]])
    m = behaviour.constant_elasticity_multiplier(rate, np.array([0.10]), ONE, ONE)
    assert_allclose(200 * m, [[200.0, 176.0, 220.0]], rtol=1e-12)
    dwl = behaviour.deadweight_loss(np.array([0.10]), rate, np.full((1, 3), 200.0), 200 * m)
    assert_allclose(dwl, [[0.0, 4.2, -1.0]], rtol=1e-12, atol=1e-12)


def test_zero_elasticity_and_zero_pass_through_give_exactly_one() -> None:
    rate = np.array([[0.0, 0.25, 1.0], [0.0, 0.25, 1.0]])
    m = behaviour.constant_elasticity_multiplier(
        rate, np.array([0.05, 0.05]), np.array([0.0, 3.0]), np.array([1.0, 0.0])
    )
    assert_array_equal(m, np.ones((2, 3)))


def test_multiplier_broadcasts_per_row_parameters() -> None:
    rate = np.array([0.25, 0.25])
    m = behaviour.constant_elasticity_multiplier(
        rate, np.zeros(2), np.array([1.0, 2.0]), np.array([1.0, 0.5])
    )
    assert_allclose(m, [1 / 1.25, 1.125**-2], rtol=1e-14)


def test_lag_free_mean_is_the_target() -> None:
    target = np.array([[0.8, 0.6, 0.9]])
    mean, end = behaviour.lagged_multiplier(target, np.array([31.0, 28.0, 31.0]), np.zeros(1), ONE)
    assert_array_equal(mean, target)
    assert_array_equal(end, [0.9])


def test_lagged_mean_matches_the_integral_of_the_exponential() -> None:
    # r(t) = R + (1 − R)·2^(−t/h); mean over [0, d] = R + (1 − R)·h·(1 − 2^(−d/h))/(d·ln 2)
    r_long, h, d = 0.7, 182.625, 30.0
    mean, end = behaviour.lagged_multiplier(
        np.full((1, 1), r_long), np.array([d]), np.array([h]), ONE
    )
    expected = r_long + (1 - r_long) * h * (1 - 2 ** (-d / h)) / (d * np.log(2))
    assert_allclose(mean[0, 0], expected, rtol=1e-14)
    assert_allclose(end[0], r_long + (1 - r_long) * 2 ** (-d / h), rtol=1e-14)


def test_lag_halves_the_gap_after_one_half_life() -> None:
    _, end = behaviour.lagged_multiplier(
        np.zeros((1, 2)), np.array([50.0, 50.0]), np.array([100.0]), ONE
    )
    assert_allclose(end, [0.5], rtol=1e-14)


def test_slicing_does_not_change_the_lagged_total() -> None:
    # the per-slice closed form is exact, so one 90-day slice equals 90 one-day slices
    h = np.array([60.0])
    one, _ = behaviour.lagged_multiplier(np.full((1, 1), 0.5), np.array([90.0]), h, ONE)
    many, _ = behaviour.lagged_multiplier(np.full((1, 90), 0.5), np.ones(90), h, ONE)
    assert_allclose(one[0, 0] * 90, many.sum(), rtol=1e-12)


def test_lagged_response_converges_to_the_long_run_level() -> None:
    target = np.full((1, 120), 0.6)
    mean, end = behaviour.lagged_multiplier(target, np.full(120, 30.0), np.array([90.0]), ONE)
    assert_allclose(mean[0, -1], 0.6, rtol=1e-9)
    assert_allclose(end, [0.6], rtol=1e-12)
    assert np.all(np.diff(mean[0]) <= 0)


def test_front_loading_moves_a_share_and_conserves_volume() -> None:
    imports = np.array([[10.0, 10.0, 10.0, 10.0, 10.0]])
    before = np.array([[[0.0, 0.25, 0.75, 0.0, 0.0]]])  # window of 4 days: 1 + 3
    after = np.array([[[False, False, False, True, True]]])
    out, shift = behaviour.front_load(imports, before, after, np.array([0.1]))
    assert_allclose(out, [[10.0, 10.5, 11.5, 9.0, 9.0]], rtol=1e-14)
    assert_allclose(shift.sum(), 0.0, atol=1e-12)
    assert_allclose(out.sum(), imports.sum(), rtol=1e-14)


def test_front_loading_needs_a_window_before_the_step() -> None:
    imports = np.ones((1, 3))
    before = np.zeros((1, 1, 3))
    after = np.array([[[False, True, True]]])
    out, shift = behaviour.front_load(imports, before, after, np.array([0.5]))
    assert_array_equal(out, imports)
    assert_array_equal(shift, np.zeros((1, 3)))


def test_diversion_moves_a_share_of_lost_imports_only() -> None:
    static = np.array([[100.0, 100.0]])
    responded = np.array([[80.0, 120.0]])
    assert_allclose(
        behaviour.diverted_imports(static, responded, np.array([0.25])), [[5.0, 0.0]], rtol=1e-14
    )


def test_consumer_cost_is_pass_through_times_duty() -> None:
    assert_allclose(
        behaviour.consumer_cost(np.array([[10.0], [10.0]]), np.array([1.0, 0.4])), [[10.0], [4.0]]
    )


def test_seasonal_profile_sums_to_the_year() -> None:
    profile = np.array([[41.3, 32.8, 34.2, 37.4, 41.8, 42.3, 43.6, 45.8, 45.4, 48.1, 48.1, 44.4]])
    # 2019 cut into every month, and January cut once more on the 10th
    month = np.array([1, 1, *range(2, 13)], dtype=np.int64)
    month_days = np.array([31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.float64)
    days = month_days.copy()
    days[:2] = [9.0, 22.0]
    fraction = behaviour.seasonal_year_fraction(profile, month, days, month_days)
    assert_allclose(fraction.sum(), 1.0, rtol=1e-15)
    assert_allclose(fraction[0, 2], 32.8 / profile.sum(), rtol=1e-14)


def test_a_very_short_half_life_on_a_long_slice_is_the_target() -> None:
    mean, end = behaviour.lagged_multiplier(
        np.full((1, 1), 0.5), np.array([366.0]), np.array([1 / 24]), ONE
    )
    assert_allclose(mean, [[0.5]], rtol=1e-3)
    assert_array_equal(end, [0.5])


def test_two_speed_multiplier_matches_the_closed_form() -> None:
    # from r = 1 under a constant R for d days: mean over the slice is
    # R + (1 − R)·((1 − w)·(1 − e^(−k_f d))/(k_f d) + w·(1 − e^(−k_s d))/(k_s d))
    r_long, w, h_fast, h_slow, d = 0.64, 0.62, 182.6, 880.0, 365.0
    mean, (fast, slow) = behaviour.two_speed_multiplier(
        np.full((1, 1), r_long),
        np.array([d]),
        (np.array([h_fast]), np.array([h_slow])),
        np.array([w]),
        (ONE, ONE),
    )
    k_f, k_s = np.log(2) / h_fast, np.log(2) / h_slow
    averaged = (1 - w) * (1 - np.exp(-k_f * d)) / (k_f * d) + w * (1 - np.exp(-k_s * d)) / (k_s * d)
    assert_allclose(mean, [[r_long + (1 - r_long) * averaged]], rtol=1e-12)
    assert_allclose(fast, r_long + (1 - r_long) * np.exp(-k_f * d), rtol=1e-12)
    assert_allclose(slow, r_long + (1 - r_long) * np.exp(-k_s * d), rtol=1e-12)


def test_two_speed_multiplier_without_a_slow_share_is_the_single_lag() -> None:
    target = np.array([[0.9, 0.7, 0.8], [1.0, 0.5, 0.6]])
    days = np.array([31.0, 28.0, 31.0])
    half = np.array([60.0, 10.0])
    one, _ = behaviour.lagged_multiplier(target, days, half, np.ones(2))
    two, _ = behaviour.two_speed_multiplier(
        target, days, (half, np.array([900.0, 5.0])), np.zeros(2), (np.ones(2), np.ones(2))
    )
    assert_array_equal(two, one)


@given(
    share=st.floats(0.0, 1.0),
    h_fast=st.floats(1.0, 400.0),
    h_slow=st.floats(1.0, 4000.0),
    r_long=st.floats(0.05, 2.0),
)
def test_two_speed_response_lies_between_its_parts(
    share: float, h_fast: float, h_slow: float, r_long: float
) -> None:
    target = np.full((1, 24), r_long)
    days = np.full(24, 30.0)
    mean, _ = behaviour.two_speed_multiplier(
        target, days, (np.array([h_fast]), np.array([h_slow])), np.array([share]), (ONE, ONE)
    )
    fast, _ = behaviour.lagged_multiplier(target, days, np.array([h_fast]), ONE)
    slow, _ = behaviour.lagged_multiplier(target, days, np.array([h_slow]), ONE)
    low, high = np.minimum(fast, slow), np.maximum(fast, slow)
    assert (mean >= low - 1e-12).all() and (mean <= high + 1e-12).all()
