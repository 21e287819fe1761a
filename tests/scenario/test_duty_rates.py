"""Specific and compound rates, quantities and currencies, parsed through pint."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.scenario import units
from tariffsim.scenario.duty_rates import (
    DutyRate,
    parse_duty_rate,
    parse_quantity,
    parse_quantity_flow,
    unit_factor,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25 %", DutyRate(0.25)),
        ("0.05 USD/kg", DutyRate(0.0, 0.05, "kg")),
        ("5 cents/kg", DutyRate(0.0, 0.05, "kg")),
        ("200 USD/item", DutyRate(0.0, 200.0, "item")),
        ("2.4 % + 5 USD/kg", DutyRate(0.024, 5.0, "kg")),
        ("5 USD/kg + 2.4 %", DutyRate(0.024, 5.0, "kg")),
        ("3 USD/dozen", DutyRate(0.0, 0.25, "item")),  # 12 items to the dozen
        ("4 USD/pair", DutyRate(0.0, 2.0, "item")),
        ("1 USD/t", DutyRate(0.0, 0.001, "kg")),
        ("2 USD/liter", DutyRate(0.0, 2.0, "liter")),
    ],
)
def test_duty_rates(text: str, expected: DutyRate) -> None:
    got = parse_duty_rate(text)
    assert got.unit == expected.unit
    assert_allclose([got.ad_valorem, got.specific], [expected.ad_valorem, expected.specific])


def test_a_rate_in_euros_at_the_stated_exchange_rate() -> None:
    with units.exchange_rates({"EUR": 1.17}):
        assert_allclose(parse_duty_rate("0.40 EUR/kg").specific, 0.40 * 1.17)
        assert_allclose(units.parse_flow("2.8 billion EUR/year"), 2.8e9 * 1.17)
    with pytest.raises(TariffsimError, match="no exchange rate for EUR"):
        units.parse_flow("2.8 billion EUR/year")


@pytest.mark.parametrize(
    ("code", "text", "usd"),
    [
        ("EUR", "1.17 USD/EUR", 1.17),
        ("CNY", "7.2 CNY/USD", 1 / 7.2),
        ("JPY", "0.0068 USD/JPY", 0.0068),
    ],
)
def test_exchange_rates_either_way_round(code: str, text: str, usd: float) -> None:
    assert_allclose(units.parse_exchange_rate(code, text), usd)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2.4 % + 3 %", "two ad valorem terms"),
        ("5 USD/kg + 1 USD/item", "two specific terms"),
        ("5 USD/m", "money per kg, per item or per liter"),
        ("5 kg", "money per kg"),
        ("3 USD/doz", "deci-ounce"),
        ("5 USD/XYZ", "unknown currency 'XYZ'"),
        ("-5 USD/kg", "at least 0"),
    ],
)
def test_bad_duty_rates(text: str, fragment: str) -> None:
    with pytest.raises(TariffsimError) as info:
        parse_duty_rate(text)
    assert fragment in info.value.render()


def test_quantities_leave_in_their_base_unit() -> None:
    assert parse_quantity("2,000 kg") == (2000.0, "kg")
    assert unit_factor("t") == (1000.0, "kg")
    assert unit_factor("DOZ") == (12.0, "item")  # a customs reporting unit, not pint's deci-ounce
    assert unit_factor("prs") == (2.0, "item")
    assert_allclose(parse_quantity_flow("3 million dozen/month")[0], 3e6 * 12 * 12)
    with pytest.raises(TariffsimError, match="a mass, a number of items or a volume"):
        unit_factor("USD")
    with pytest.raises(TariffsimError, match="per time"):
        parse_quantity_flow("50 million kg")
