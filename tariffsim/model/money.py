"""Money shown in another currency than USD, at the exchange rate a scenario states.

tariffsim computes in USD. An importer who keeps its books in EUR (or CNY, CAD, MXN, GBP, JPY)
asks for its currency (``--currency EUR``) and gets each amount at the scenario's own rate,
sourced and dated in its ``currencies:`` block, with USD alongside. No rate is ever assumed:
a currency the scenario does not state is refused. No I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim.errors import TariffsimError
from tariffsim.scenario import units
from tariffsim.scenario.schema import Scenario


@dataclass(frozen=True)
class Currency:
    """A currency and the rate money is converted at.

    Attributes
    ----------
    code : ISO code, e.g. ``EUR``.
    usd_per_unit : USD per unit of the currency [USD/unit]; 1 for USD.
    text : the rate as the scenario writes it (``1.17 USD/EUR``).
    date : the day the rate was observed (None for USD).
    source : its source id (None for USD).
    """

    code: str
    usd_per_unit: float
    text: str = ""
    date: dt.date | None = None
    source: str | None = None

    def of_usd(self, usd: Any) -> Any:
        """``usd`` [USD] in this currency: ``x = usd / (USD per unit)``."""
        return usd / self.usd_per_unit

    def describe(self) -> str:
        """``EUR at 1.17 USD/EUR (ecb, 2025-07-31)``."""
        if self.code == "USD":
            return "USD"
        return f"{self.code} at {self.text} ({self.source}, {self.date})"

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "usd_per_unit": self.usd_per_unit,
            "rate": self.text,
            "date": None if self.date is None else self.date.isoformat(),
            "source": self.source,
        }


def currency_of(scenario: Scenario, code: str) -> Currency:
    """The currency ``code`` at the rate ``scenario`` states.

    Raises
    ------
    TariffsimError
        for a currency tariffsim does not know, or one the scenario gives no rate for.
    """
    name = code.strip().upper()
    if name not in units.CURRENCIES:
        raise TariffsimError(
            f"unknown currency {code!r}",
            field="--currency",
            hint=f"tariffsim knows {', '.join(units.CURRENCIES)}",
        )
    if name == "USD":
        return Currency("USD", 1.0)
    fx = scenario.currencies.get(name)
    if fx is None:
        raise TariffsimError(
            f"scenario '{scenario.name}' states no exchange rate for {name}",
            field="--currency",
            hint=f"add 'currencies: {{{name}: {{value: ... USD/{name}, date: YYYY-MM-DD, "
            "source: ID}}' to the scenario",
        )
    return Currency(name, fx.value, fx.text, fx.date, fx.source)


def in_currency(columns: Mapping[str, Any], currency: Mapping[str, Any] | None) -> dict[str, Any]:
    """Each money column ``*_usd`` again in ``currency``, named ``*_<code>``.

    ``currency`` is a :meth:`Currency.as_json` record (a result's ``extra["currency"]``);
    none, or USD, gives no columns. Float arrays and numbers are converted,
    ``x = usd / (USD per unit)``; other columns (text) are left out.
    """
    if not currency or currency["code"] == "USD":
        return {}
    code, per = str(currency["code"]).lower(), float(currency["usd_per_unit"])
    return {
        f"{name[:-4]}_{code}": value / per
        for name, value in columns.items()
        if name.endswith("_usd") and isinstance(value, (np.ndarray, float, int))
    }
