"""Parsing money, flows, rates and durations at the edges."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.scenario import units


@pytest.mark.parametrize(
    ("text", "usd_per_year"),
    [
        ("200 billion USD/year", 200e9),
        ("16.7 billion USD/month", 16.7e9 * 12),
        ("2e11 USD/year", 2e11),
        ("$200 billion/year", 200e9),
        ("50 million USD / quarter", 200e6),
        ("1,000 USD/year", 1000.0),
    ],
)
def test_flows(text: str, usd_per_year: float) -> None:
    assert_allclose(units.parse_flow(text), usd_per_year, rtol=1e-12)


@pytest.mark.parametrize(("text", "fraction"), [("25 %", 0.25), ("7.5 percent", 0.075), (0.1, 0.1)])
def test_rates(text: object, fraction: float) -> None:
    assert_allclose(units.parse_rate(text), fraction, rtol=1e-12)


def test_a_bare_25_is_refused_with_a_hint() -> None:
    with pytest.raises(TariffsimError) as info:
        units.parse_rate(25)
    assert info.value.hint == "did you mean '25 %' or 0.25?"


@pytest.mark.parametrize(
    ("parse", "value", "fragment"),
    [
        (units.parse_rate, "25 kg", "rate"),
        (units.parse_flow, "200 billion USD", "per time"),
        (units.parse_flow, "200 billion EUR/year", "flow"),
        (units.parse_rate, "-5 %", "at least 0"),
        (units.parse_duration, 6, "without a unit"),
        (units.parse_flow, "10**10**10 USD/year", "flow"),
    ],
)
def test_wrong_values(parse: object, value: object, fragment: str) -> None:
    with pytest.raises(TariffsimError, match=fragment):
        parse(value)  # type: ignore[operator]


def test_durations_in_days() -> None:
    assert_allclose(units.parse_duration("2 weeks"), 14.0)
    assert_allclose(units.parse_duration("1 year"), 365.25)


def test_money_formatting() -> None:
    assert units.format_usd(12.3349e9) == "$12.33B"
    assert units.format_rate(0.075) == "7.5 %"


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("200B USD/year", "'B' is a byte in pint; write 'billion' or 'bn'"),
        ("200 M USD/year", "'M' is molar in pint; write 'million' or 'mn'"),
        ("200k USD/year", "'k' is Boltzmann's constant in pint; write 'thousand'"),
    ],
)
def test_misread_abbreviations_are_refused_with_a_hint(text: str, hint: str) -> None:
    # pint would read '200B' as 200 bytes and the flow would come out as 0
    with pytest.raises(TariffsimError) as info:
        units.parse_flow(text)
    assert info.value.hint == hint


def test_pct_is_not_a_percentage() -> None:
    with pytest.raises(TariffsimError) as info:
        units.parse_rate("25 pct")
    assert info.value.hint == "'pct' is a picocarat in pint; write '%'"


NUMBERS = st.one_of(
    st.integers(0, 10**12).map(str),
    st.floats(0, 1e12, allow_nan=False, allow_infinity=False).map(repr),
    st.decimals(0, 10**6, places=3, allow_nan=False, allow_infinity=False).map(str),
)
WRITTEN = [
    ("%", "dimensionless", units.parse_rate),
    ("percent", "dimensionless", units.parse_rate),
    ("billion USD/year", "USD/year", units.parse_flow),
    ("bn USD / month", "USD/year", units.parse_flow),
    ("thousand USD/day", "USD/year", units.parse_flow),
    ("million USD", "USD", units.parse_money),
    ("trillion dollars", "USD", units.parse_money),
    ("months", "day", units.parse_duration),
    ("quarter", "day", units.parse_duration),
    ("weeks", "day", units.parse_duration),
]


@settings(max_examples=200, deadline=None, derandomize=True)
@given(NUMBERS, st.sampled_from(WRITTEN))
def test_memoised_units_give_pints_own_floats_to_the_bit(number: str, written: Any) -> None:
    """A value parsed through the memoised unit equals pint's parse of the whole text."""
    unit, target, parse = written
    text = f"{number} {unit}"
    expected = units.registry().Quantity(text).to(target).magnitude
    try:
        got = parse(text)
    except TariffsimError:  # only ranges refuse: a negative rate, a duration over 100 years
        assert (parse is units.parse_rate and expected < 0) or (
            parse is units.parse_duration and expected > units.MAX_DURATION_DAYS
        )
        return
    assert got == expected or (math.isnan(got) and math.isnan(expected))


def test_each_unit_text_is_parsed_by_pint_once() -> None:
    units._unit.cache_clear()
    units.parse_flow.cache_clear()  # type: ignore[attr-defined]
    # per week: not one of the common units, which need no pint at all
    for value in ("12 billion USD/week", "13.5 billion USD/week", "7 billion USD/week"):
        units.parse_flow(value)
    units.parse_flow("1 million USD/week")
    assert units._unit.cache_info().misses == 2 and units._unit.cache_info().hits == 2


def test_each_value_text_is_parsed_once_and_errors_every_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    units.parse_rate.cache_clear()  # type: ignore[attr-defined]
    units.parse_money.cache_clear()  # type: ignore[attr-defined]
    calls: list[object] = []
    real = units.to_quantity

    def counted(value: object, expected: str) -> object:
        calls.append(value)
        return real(value, expected)

    monkeypatch.setattr(units, "to_quantity", counted)
    assert [units.parse_rate("75 permille") for _ in range(3)] == [0.075] * 3
    assert calls == ["75 permille"]
    for _ in range(2):  # an error is not remembered: refused, with its message, each time
        with pytest.raises(TariffsimError, match="without a unit"):
            units.parse_rate("25")
    assert calls == ["75 permille", "25", "25"]
    # money in a foreign currency depends on the exchange rate in force: one parse per rate
    with units.exchange_rates({"EUR": 1.25}):
        assert units.parse_money("4 EUR") == 5.0
    with units.exchange_rates({"EUR": 1.5}):
        assert units.parse_money("4 EUR") == 6.0
    assert calls[-2:] == ["4 EUR", "4 EUR"]


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        (1, "did you mean '1 %' or '100 %'?"),  # not '1 %' or 0.01: both of those mean 1 %
        (25, "did you mean '25 %' or 0.25?"),
    ],
)
def test_a_bare_rate_of_one_or_more_is_refused_with_both_readings(text: int, hint: str) -> None:
    with pytest.raises(TariffsimError) as caught:
        units.parse_rate(text)
    assert caught.value.hint == hint


@pytest.mark.parametrize(("unit", "target"), sorted(units.COMMON_FACTORS))
def test_each_common_factor_is_pint_s(unit: str, target: str) -> None:
    """The start-up shortcut's factors are pint's own, to the bit."""
    pint_factor = float(units.registry().Quantity(1.0, unit).to(target).magnitude)
    assert units.COMMON_FACTORS[unit, target] == pint_factor


@settings(max_examples=200, deadline=None)
@given(
    number=st.one_of(
        st.integers(min_value=0, max_value=10**6).map(str),
        st.floats(min_value=0, max_value=1e6, allow_nan=False).map(repr),
    ),
    key=st.sampled_from(sorted(units.COMMON_FACTORS)),
)
def test_common_units_read_as_pint_reads_them(number: str, key: tuple[str, str]) -> None:
    """A value in a common unit gives the float pint's full path gives."""
    unit, target = key
    text = f"{number} {unit}" if unit != "%" else f"{number}%"
    expected = "a test value"
    via_pint = units.convert(units.to_quantity(text, expected), target, expected, text)
    assert units._common(text, target) == via_pint
