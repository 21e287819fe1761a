"""Money in whole cents: exact products and sums checked against fractions, cents in text."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.ledger.cents import (
    EXACT_CENTS,
    LINE_QUANTA,
    exact_dot,
    exact_sum,
    fixed_parts,
    money_text,
    parts_total,
    to_cents,
    to_the_cent,
    two_product,
    usd_text,
)

cents = st.integers(0, int(EXACT_CENTS) - 1).map(float)
rates = st.one_of(st.just(0.0), st.floats(1e-6, 10.0))  # a rate [fraction]


@settings(max_examples=300, deadline=None)
@given(cents, rates)
def test_two_product_is_exact(a: float, b: float) -> None:
    p, e = two_product(np.array([a]), np.array([b]))
    assert Fraction(float(p[0])) + Fraction(float(e[0])) == Fraction(a) * Fraction(b)
    assert float(p[0]) == a * b


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**12).map(float), rates), min_size=1, max_size=40))
def test_exact_dot_is_the_correctly_rounded_exact_sum(pairs: list[tuple[float, float]]) -> None:
    amounts, weights = (np.array(x) for x in zip(*pairs, strict=True))
    exact = sum((Fraction(a) * Fraction(w) for a, w in pairs), Fraction(0))
    assert float(exact_dot(amounts, weights)) == float(exact)  # float(Fraction) rounds once


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 10**9), min_size=1, max_size=30),
    st.lists(rates, min_size=1, max_size=4),
    st.randoms(use_true_random=False),
)
def test_exact_dot_ignores_order_and_grouping(
    amounts: list[int], weights: list[float], rng: object
) -> None:
    """Amounts summed per rate, or split line by line in any order: the same float."""
    rate_of = [weights[i % len(weights)] for i in range(len(amounts))]
    lines = list(zip(map(float, amounts), rate_of, strict=True))
    rng.shuffle(lines)  # type: ignore[attr-defined]
    by_line = exact_dot(np.array([a for a, _ in lines]), np.array([r for _, r in lines]))
    grouped = {r: 0.0 for r in weights}
    for a, r in zip(amounts, rate_of, strict=True):
        grouped[r] += a  # whole numbers: exact
    by_rate = exact_dot(np.array(list(grouped.values())), np.array(list(grouped)))
    assert float(by_line) == float(by_rate)


def test_exact_dot_by_column() -> None:
    amounts = np.array([300.0, 500.0, 1.0])
    shares = np.array([[0.1, 1.0], [0.1, 0.0], [0.25, 0.5]])
    # 30 + 50 + 0.25 cents; 300 + 0.5 cents
    assert exact_dot(amounts, shares).tolist() == [80.25, 300.5]
    assert exact_dot(amounts, np.zeros((3, 0))).shape == (0,)
    assert float(exact_dot(np.zeros(0), np.zeros(0))) == 0.0


def test_exact_sum_is_order_free() -> None:
    values = [1e16, 1.0, -1e16, 0.5]
    assert exact_sum(np.array(values)) == 1.5
    assert exact_sum(np.array(values[::-1])) == 1.5
    assert sum(values) != 1.5  # what a plain left-to-right sum gives instead


def test_cents_of_amounts() -> None:
    assert to_cents(np.array([1234.56, 0.1 + 0.2, 2.5e-3, 7.5e-3])).tolist() == [
        123456.0,
        30.0,
        0.0,  # 0.25 cents: rounded down
        1.0,  # 0.75 cents
    ]
    assert to_the_cent(np.array([1030659406.4999999]))[0] == 1030659406.5


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1030659406.5, "$1,030,659,406.50"),
        (1030659406.4999999, "$1,030,659,406.50"),  # a float sum a hair below the half
        (0.0, "$0.00"),
        (0.004, "$0.00"),
        (-0.004, "$0.00"),  # no "-$0.00"
        (999.999, "$1,000.00"),
        (-1234.5, "-$1,234.50"),
        (7.1, "$7.10"),
    ],
)
def test_usd_text(amount: float, text: str) -> None:
    assert usd_text(amount) == text


def test_money_text_in_another_currency() -> None:
    assert money_text(43200.0, "CNY ") == "CNY 43,200.00"
    assert money_text(1234.5, "JPY ", 0) == "JPY 1,234"  # half to even: no sen
    assert money_text(1235.5, "JPY ", 0) == "JPY 1,236"


duties = st.floats(-1e12, 1e12, allow_subnormal=False)


@settings(max_examples=300, deadline=None)
@given(duties)
def test_fixed_parts_hold_the_amount(x: float) -> None:
    parts = fixed_parts(np.array([x]))[0]
    above = (np.inf, *LINE_QUANTA[:-1])
    for part, quantum, bound in zip(parts, LINE_QUANTA, above, strict=True):
        assert Fraction(float(part)) % Fraction(quantum) == 0  # a whole multiple of its quantum
        assert abs(part) <= bound / 2
    held = sum(map(Fraction, map(float, parts)))
    if abs(x) >= 2**-16:  # a multiple of 2**-68: held exactly
        assert held == Fraction(x)
    else:
        assert abs(held - Fraction(x)) <= Fraction(1, 2**69)


@settings(max_examples=200, deadline=None)
@given(st.lists(duties, min_size=1, max_size=50), st.randoms(use_true_random=False))
def test_parts_add_up_exactly_in_any_order(amounts: list[float], rng: object) -> None:
    parts = fixed_parts(np.array(amounts))
    held = sum((Fraction(float(p)) for p in parts.ravel()), Fraction(0))
    shuffled = parts[rng.sample(range(len(amounts)), len(amounts))]  # type: ignore[attr-defined]
    assert parts.sum(axis=0).tolist() == shuffled.sum(axis=0).tolist()  # every level exact
    assert parts_total(shuffled) == float(held)  # one rounding of the exact sum of the parts


def test_exact_dot_adds_usd_parts_in_cents() -> None:
    # 0.25 cents of duty by key, plus 0.10 USD priced line by line: 10.25 cents
    plus = fixed_parts(np.array([0.1])).sum(axis=0)
    assert float(exact_dot(np.array([1.0]), np.array([0.25]), plus)) == 10.25
    # by column: plus (M, PARTS)
    plus = fixed_parts(np.array([0.1, 2.5]))
    found = exact_dot(np.array([1.0, 3.0]), np.array([[0.25, 0.0], [0.0, 0.5]]), plus)
    assert found.tolist() == [10.25, 251.5]
