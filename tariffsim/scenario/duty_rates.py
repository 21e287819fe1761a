"""Duty rates with a specific part, and physical quantities, parsed with pint at the edge.

A rate of duty is written ad valorem (``25 %``), specific (``0.05 USD/kg``, ``200 USD/item``,
``5 cents/kg``, ``0.40 EUR/kg`` at the scenario's exchange rate) or compound
(``2.4 % + 5 USD/kg``). A quantity is a mass, a count of items or a volume, and leaves in
its base unit: ``kg``, ``item`` or ``liter`` (so ``1 t`` is 1,000 kg and ``3 dozen`` 36
items). Everything leaves as plain floats; no file I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tariffsim.errors import TariffsimError, shown
from tariffsim.scenario import units

BASE_UNITS = ("kg", "item", "liter")
"""The unit a specific rate and a quantity leave in, by dimension: mass, count, volume."""

_TERMS = re.compile(r"(?<![eE])\+")
_EXPECTED_RATE = "a rate like '25 %', '0.05 USD/kg', '200 USD/item' or '2.4 % + 5 USD/kg'"
_EXPECTED_QUANTITY = "a quantity like '2,000 kg', '35 item' or '12 liter'"


@dataclass(frozen=True)
class DutyRate:
    """A rate of duty: an ad valorem part and at most one specific part.

    Attributes
    ----------
    ad_valorem : [fraction of customs value]; 0 when absent.
    specific : [USD per ``unit``]; 0 when absent.
    unit : ``kg``, ``item`` or ``liter``, or None without a specific part.
    """

    ad_valorem: float = 0.0
    specific: float = 0.0
    unit: str | None = None

    @property
    def is_specific(self) -> bool:
        return self.unit is not None


def _base_unit(quantity: Any, per: bool) -> str | None:
    """The base unit a (USD per) quantity converts to, or None."""
    import pint

    for unit in BASE_UNITS:
        try:
            quantity.to(f"USD/{unit}" if per else unit)
        except pint.DimensionalityError:
            continue
        return unit
    return None


def parse_duty_rate(value: Any) -> DutyRate:
    """Parse an ad valorem, specific or compound rate of duty.

    Raises
    ------
    TariffsimError
        for any other text, two terms of one kind, or a negative part.
    """
    if not isinstance(value, str) or "+" not in value:
        return _one_term(value, value)
    ad_valorem, specific = 0.0, DutyRate()
    kinds: set[str] = set()
    for term in _TERMS.split(value):
        part = _one_term(term.strip(), value)
        kind = "specific" if part.is_specific else "ad valorem"
        if kind in kinds:
            raise TariffsimError(
                f"expected {_EXPECTED_RATE}, got {shown(value)} with two {kind} terms"
            )
        kinds.add(kind)
        if part.is_specific:
            specific = part
        else:
            ad_valorem = part.ad_valorem
    return DutyRate(ad_valorem, specific.specific, specific.unit)


def _one_term(term: Any, original: Any) -> DutyRate:
    quantity = units.to_quantity(term, _EXPECTED_RATE)
    if quantity.dimensionless:
        return DutyRate(ad_valorem=units.parse_rate(term))
    quantity = units.in_usd(quantity, _EXPECTED_RATE, original)
    unit = _base_unit(quantity, per=True)
    if unit is None:
        dims = str(quantity.dimensionality)
        raise TariffsimError(
            f"expected {_EXPECTED_RATE}, got {shown(original)} ({dims})",
            hint="a specific rate is money per kg, per item or per liter",
        )
    amount = units.convert(quantity, f"USD/{unit}", _EXPECTED_RATE, original)
    if amount < 0:
        raise TariffsimError(f"expected a rate of at least 0, got {shown(original)}")
    return DutyRate(specific=amount, unit=unit)


def parse_quantity(value: Any) -> tuple[float, str]:
    """A quantity such as ``'2,000 kg'`` → (amount in its base unit, the base unit)."""
    quantity = units.to_quantity(value, _EXPECTED_QUANTITY)
    unit = _base_unit(quantity, per=False)
    if unit is None:
        raise TariffsimError(
            f"expected {_EXPECTED_QUANTITY}, got {shown(value)}",
            hint="a quantity is a mass, a number of items or a volume",
        )
    amount = units.convert(quantity, unit, _EXPECTED_QUANTITY, value)
    if amount < 0:
        raise TariffsimError(f"expected a quantity of at least 0, got {shown(value)}")
    return amount, unit


CUSTOMS_UNITS = {"no": "item", "doz": "dozen", "pcs": "item", "prs": "pair", "pr": "pair"}
"""Reporting-unit codes of customs data (``NO``, ``DOZ``, ``PRS``) that pint reads otherwise."""


def unit_factor(text: Any) -> tuple[float, str]:
    """A unit written alone (a ledger's ``quantity_unit``: ``kg``, ``t``, ``dozen``, ``DOZ``) →
    (its size in the base unit, the base unit): ``t`` → (1000, ``kg``)."""
    if not isinstance(text, str) or not text.strip() or text.strip()[0].isdigit():
        raise TariffsimError(f"expected a unit like 'kg', 'item' or 'liter', got {shown(text)}")
    word = text.strip()
    word = CUSTOMS_UNITS.get(word.lower().rstrip("."), word)
    return parse_quantity(f"1 {word}")


def parse_quantity_flow(value: Any) -> tuple[float, str]:
    """A physical flow such as ``'50 million kg/year'`` → (amount per year, base unit)."""
    expected = "a quantity per time like '50 million kg/year'"
    quantity = units.to_quantity(value, expected) * units.registry().Quantity(1, "year")
    unit = _base_unit(quantity, per=False)
    if unit is None:
        raise TariffsimError(f"expected {expected}, got {shown(value)}")
    amount = units.convert(quantity, unit, expected, value)
    if amount < 0:
        raise TariffsimError(f"expected a quantity of at least 0, got {shown(value)}")
    return amount, unit
