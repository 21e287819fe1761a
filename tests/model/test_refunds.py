"""Hand-worked refunds of a measure held invalid (the IEEPA ruling of 2026-02-20), by month, year.

The case of the issue: a flow of $1B a month (pint's month is a twelfth of a year, so 12e9 USD a
year, spread evenly over the 365 days of 2025 and of 2026) under a 20 % measure from 2025-03-04,
invalidated on 2026-02-20 (entries from that day pay nothing), refunds paid on 2026-05-01.
One day of entries deposits 0.20 × 12e9 / 365 USD. Days of deposits by month:
Mar 2025: 4–31 = 28; Apr 30; May 31; Jun 30; Jul 31; Aug 31; Sep 30; Oct 31; Nov 30; Dec 31;
Jan 2026 31; Feb 2026: 1–19 = 19. Fiscal year 2025 (to 30 Sep 2025): 28+30+31+30+31+31+30 = 211
days; FY2026 (from 1 Oct 2025): 31+30+31+31+19 = 142 days; 353 in all. Calendar 2025: 303, 2026: 50.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.model import engine, refunds
from tariffsim.model.refunds import Payment
from tariffsim.model.timeline import build_grid, day_number, step_function

DAY = 0.20 * 12e9 / 365
"""Duty deposited by one day of entries [USD]."""
START, INVALIDATED, PAID = dt.date(2025, 3, 4), dt.date(2026, 2, 20), dt.date(2026, 5, 1)
MONTH_DAYS = [0, 0, 28, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 19] + [0] * 10
"""Days of deposits in each month of 2025 and 2026."""


def deposited_by_slice() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The measure's deposits on a monthly grid of 2025–2026: (grid starts, ends, first, duty)."""
    grid = build_grid(
        dt.date(2025, 1, 1), dt.date(2026, 12, 31), "month", change_dates=[START, INVALIDATED]
    )
    rate = step_function(
        [[day_number(START), day_number(INVALIDATED)]], [[0.20, 0.0]], grid.slice_start
    )
    imports = engine.accrued_imports(np.array([12e9]), grid.year_fraction)
    return grid.slice_start, grid.slice_end, grid.period_first_slice, imports * rate


def ieepa(**overrides: object) -> refunds.RefundFlows:
    start, end, _, duty = deposited_by_slice()
    options: dict[str, object] = {
        "entries_from": day_number(START),
        "invalidated": day_number(INVALIDATED),
        "payments": [Payment(day_number(PAID), 1.0)],
        "claim_share": 1.0,
        "interest_rate": 0.0,
    }
    options.update(overrides)
    return refunds.refund_flows(duty, start, end, **options)  # type: ignore[arg-type]


def test_deposited_owed_and_refunded_by_month() -> None:
    _, _, first, _ = deposited_by_slice()
    flows = ieepa()
    months = np.array([day_number(dt.date(2025 + m // 12, m % 12 + 1, 1)) for m in range(24)])
    assert_allclose(engine.period_sums(flows.deposited, first), [np.multiply(MONTH_DAYS, DAY)])
    # every dollar deposited is owed back: nothing stands
    assert_allclose(engine.period_sums(flows.owed_back, first), [np.multiply(MONTH_DAYS, DAY)])
    assert_allclose(engine.period_sums(flows.owed, first), np.zeros((1, 24)), atol=1e-6)
    refunded = refunds.sums_by_period(
        flows.paid_day, flows.refunded, months, day_number(dt.date(2027, 1, 1))
    )
    expected = np.zeros((1, 24))
    expected[0, 16] = 353 * DAY  # May 2026, all at once
    assert_allclose(refunded, expected)


def test_deposited_and_refunded_by_fiscal_and_calendar_year() -> None:
    start, end, _, _ = deposited_by_slice()
    flows = ieepa()
    years, deposited = refunds.sums_by_year(start, end, flows.deposited, first_month=10)
    assert list(years) == [2025, 2026, 2027]  # 1 Oct 2026 starts FY2027
    assert_allclose(deposited, [[211 * DAY, 142 * DAY, 0.0]])
    years, refunded = refunds.sums_on_days(flows.paid_day, flows.refunded, first_month=10)
    assert list(years) == [2026]
    assert_allclose(refunded, [[353 * DAY]])
    years, deposited = refunds.sums_by_year(start, end, flows.deposited)
    assert list(years) == [2025, 2026]
    assert_allclose(deposited, [[303 * DAY, 50 * DAY]])


def test_simple_interest_to_the_payment_day() -> None:
    # Entry day d earns 7 % × (2026-05-01 − d) / 365: from 423 days (2025-03-04) down to
    # 71 days (2026-02-19), one day less each day; 353 terms of mean (423 + 71) / 2 = 247.
    flows = ieepa(interest_rate=0.07)
    assert sum(range(71, 424)) == 353 * 247
    assert_allclose(flows.interest, [[DAY * 0.07 / 365 * 353 * 247]])
    assert_allclose(flows.principal, [[353 * DAY]])


def test_only_unliquidated_entries_refunded_to_claimants_in_two_payments() -> None:
    # Entries before 1 October 2025 stand (FY2025: 211 days); FY2026's 142 days are owed back;
    # 80 % is claimed, paid half on 2026-05-01 and half on 2026-08-01.
    later = dt.date(2026, 8, 1)
    flows = ieepa(
        entries_from=day_number(dt.date(2025, 10, 1)),
        payments=[Payment(day_number(PAID), 0.5), Payment(day_number(later), 0.5)],
        claim_share=0.8,
    )
    assert_allclose(flows.owed.sum(), 211 * DAY)
    assert_allclose(flows.owed_back.sum(), 142 * DAY)
    assert_allclose(flows.unclaimed.sum(), 0.2 * 142 * DAY)
    assert_allclose(flows.principal, [[0.4 * 142 * DAY, 0.4 * 142 * DAY]])
    years, paid = refunds.sums_on_days(flows.paid_day, flows.refunded, first_month=10)
    assert list(years) == [2026]  # August 2026 is still FY2026
    assert_allclose(paid, [[0.8 * 142 * DAY]])


def test_daily_compound_interest_equals_a_day_by_day_sum() -> None:
    flows = ieepa(interest_rate=0.07, rule="daily_compound")
    days = np.arange(day_number(START), day_number(INVALIDATED))
    by_day = DAY * ((1 + 0.07 / 365) ** (day_number(PAID) - days) - 1)
    assert_allclose(flows.interest, [[by_day.sum()]], rtol=1e-10)


@given(
    entries_from=st.integers(0, 400),
    width=st.integers(1, 400),
    paid_after=st.integers(0, 300),
    claim=st.floats(0, 1),
    rate=st.floats(0, 0.2),
)
def test_the_money_adds_up(
    entries_from: int, width: int, paid_after: int, claim: float, rate: float
) -> None:
    start, end, _, duty = deposited_by_slice()
    base = day_number(dt.date(2025, 1, 1))
    invalidated = base + entries_from + width
    flows = refunds.refund_flows(
        duty,
        start,
        end,
        entries_from=base + entries_from,
        invalidated=invalidated,
        payments=[Payment(invalidated + paid_after, 1.0)],
        claim_share=claim,
        interest_rate=rate,
    )
    assert_allclose(flows.owed + flows.owed_back, flows.deposited, atol=1e-3)
    assert np.all(flows.owed >= -1e-6) and np.all(flows.owed_back >= 0)
    assert_allclose(flows.principal.sum() + flows.unclaimed.sum(), flows.owed_back.sum(), rtol=1e-9)
    assert np.all(flows.interest >= 0)
    for first_month in (1, 10):
        _, by_year = refunds.sums_by_year(start, end, flows.deposited, first_month)
        assert_allclose(by_year.sum(), flows.deposited.sum(), rtol=1e-12)


def test_a_payment_outside_the_periods_lands_in_none() -> None:
    months = np.array([day_number(dt.date(2026, m, 1)) for m in (1, 2)])
    after = day_number(dt.date(2026, 3, 1))
    days = np.array([months[0] - 1, months[1] + 3, after], dtype=np.int64)
    got = refunds.sums_by_period(days, np.array([[1.0, 2.0, 4.0]]), months, after)
    assert_allclose(got, [[0.0, 2.0]])


@pytest.mark.parametrize("rule", ["simple", "daily_compound"])
def test_no_interest_at_a_zero_rate_or_before_the_deposit(rule: refunds.InterestRule) -> None:
    start = np.array([100, 200], dtype=np.int64)
    end = np.array([110, 210], dtype=np.int64)
    assert_allclose(refunds.interest_factor(start, end, 150, 0.0, rule), [0.0, 0.0])
    assert_allclose(refunds.interest_factor(start, end, 150, 0.05, rule)[1], 0.0)
