"""Validated models of the duty forms a measure can take beyond a dated ad valorem rate.

- :class:`ExchangeRate`: a currency's rate in USD, sourced and dated (``currencies:``);
- :class:`Refund` and :class:`Payment`: what an invalidation owes back and when it is paid;
- :class:`MeasureForms`: the fields any measure carries for them: ``expires``,
  ``invalidated`` with its ``refund``, ``value_share`` and its ``min_share`` gate.

Rates with a specific part, floors and caps live on the schedule step
(:class:`tariffsim.scenario.schema.ScheduleStep`); their arithmetic is in
:mod:`tariffsim.model.duty_forms` and :mod:`tariffsim.model.refunds`. No file I/O here.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

from tariffsim.errors import TariffsimError, shown
from tariffsim.scenario import units
from tariffsim.scenario.duty_rates import parse_quantity_flow
from tariffsim.scenario.quantities import (
    Frozen,
    IsoDate,
    OptionalShare,
    WrittenShare,
    as_value_error,
    written_as,
)


def share_value(value: Any, what: str) -> float:
    """A share in [0, 1] written ``'40 %'`` or ``0.4``, refused above 100 %."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == 1:
        return 1.0  # a whole share is unambiguous, unlike a rate of 1
    share = as_value_error(units.parse_rate, value)
    if share > 1:
        raise ValueError(f"expected {what} between 0 and 100 %, got {shown(value)}")
    return share


class ExchangeRate(Frozen):
    """A currency's value in USD, as a source states it on a date.

    Written ``EUR: {value: '1.17 USD/EUR', date: 2025-07-31, source: ecb}``; either direction
    (``'7.18 CNY/USD'``) is read.
    """

    model_config = ConfigDict(json_schema_extra=written_as("value", "1.17 USD/EUR"))

    value: float = Field(description="USD per unit of the currency [USD/unit].")
    currency: SkipJsonSchema[str] = Field(description="The currency the rate is of, from its text.")
    text: str = Field(description="The rate as written in the file.")
    date: IsoDate = Field(description="The day the rate was observed.")
    source: str = Field(min_length=1, description="Source id of the rate (required).")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(
                f"expected a mapping like {{value: '1.17 USD/EUR', date: 2025-07-31, "
                f"source: ecb}}, got {shown(data)}"
            )
        if "value" not in data or "currency" in data:
            return data
        text = str(data["value"])
        named = [c for c in units.CURRENCIES[1:] if c in text]
        code = named[0] if named else "EUR"
        usd = as_value_error(lambda v: units.parse_exchange_rate(code, v), data["value"])
        return {**data, "value": usd, "currency": code, "text": text}


def parse_currencies(block: Any) -> dict[str, float]:
    """USD per unit of each currency of a ``currencies:`` block, best effort.

    Run before the scenario is validated, so its flows can convert; a bad entry is left
    out here and refused with its line by the :class:`ExchangeRate` model.
    """
    if not isinstance(block, dict):
        return {}
    rates: dict[str, float] = {}
    for code, entry in block.items():
        value = entry.get("value") if isinstance(entry, dict) else None
        try:
            rates[str(code)] = units.parse_exchange_rate(str(code), value)
        except TariffsimError:
            continue  # the model reports it with its line
    return rates


class Payment(Frozen):
    """One payment of refunds: a share of the amount claimed, on a date."""

    date: IsoDate
    share: Annotated[float, WrittenShare] = Field(
        1.0, description="Share of the claimed amount paid [fraction]."
    )

    @field_validator("share", mode="before")
    @classmethod
    def _share(cls, value: Any) -> float:
        return share_value(value, "a payment share")


class Refund(Frozen):
    """What an invalidated measure owes back, to whom, and when it is paid.

    Duty deposited on entries from ``entries_from`` up to the invalidation is owed back;
    ``claim_share`` of it is claimed and paid on the ``paid`` dates (each a share of the
    claimed amount) with interest from the entry date, at ``interest`` a year
    (actual/365), ``simple`` or ``daily_compound``.
    """

    entries_from: IsoDate = Field(description="First entry date whose duty is owed back.")
    paid: list[Payment] = Field(
        min_length=1,
        description="When refunds are paid: a date (all at once) or a list of "
        "{date, share} whose shares add up to at most 100 %.",
    )
    claim_share: Annotated[float, WrittenShare] = Field(
        1.0, description="Share of importers' refunds claimed [fraction]."
    )
    interest: Annotated[float, WrittenShare] = Field(
        0.0, description="Annual interest rate on refunds [fraction/year]."
    )
    interest_rule: Literal["simple", "daily_compound"] = "simple"
    source: str | None = None
    note: str | None = None

    @field_validator("paid", mode="before")
    @classmethod
    def _one_date(cls, value: Any) -> Any:
        if isinstance(value, (str, dt.date)):
            return [{"date": value, "share": 1}]
        return value

    @field_validator("claim_share", mode="before")
    @classmethod
    def _claim(cls, value: Any) -> float:
        return share_value(value, "a claim share")

    @field_validator("interest", mode="before")
    @classmethod
    def _interest(cls, value: Any) -> float:
        return as_value_error(units.parse_rate, value)

    @model_validator(mode="after")
    def _shares(self) -> Refund:
        if sum(p.share for p in self.paid) > 1 + 1e-12:
            raise ValueError("the shares of the refund payments add up to over 100 %")
        return self


class QuantityFlow(Frozen):
    """A physical flow of goods per year, the quantity behind an import value.

    Written ``'50 million kg/year'`` or ``{value: '50 million kg/year', source: id}``.
    """

    model_config = ConfigDict(json_schema_extra=written_as("value", "50 million kg/year"))

    value: float = Field(description="Quantity per year [unit/year].")
    unit: SkipJsonSchema[Literal["kg", "item", "liter"]]
    text: str
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            data = {"value": data}
        if "value" in data and "unit" not in data:
            try:
                amount, unit = parse_quantity_flow(data["value"])
            except TariffsimError as exc:
                raise ValueError(exc.message + (f" ({exc.hint})" if exc.hint else "")) from None
            data = {**data, "value": amount, "unit": unit, "text": str(data["value"])}
        return data


class MeasureForms(Frozen):
    """Fields a measure may carry for duty forms beyond its dated rates."""

    expires: IsoDate | None = Field(
        None,
        description="The first day the measure no longer applies (duty accrues to the "
        "day before), e.g. a statutory limit of 150 days.",
    )
    invalidated: IsoDate | None = Field(
        None,
        description="The first day the measure no longer applies because it was held "
        "invalid; unlike 'expires', the duty it collected may be owed back ('refund').",
    )
    refund: Refund | None = None
    value_share: Annotated[float | None, OptionalShare] = Field(
        None,
        description="The share of the customs value the rate applies to (the copper "
        "content of a copper article) [fraction]; a ledger's 'metal_share' column overrides it.",
    )
    min_share: Annotated[float | None, OptionalShare] = Field(
        None,
        description="A gate: lines whose share is at least this pay on the full value [fraction].",
    )

    @field_validator("value_share", "min_share", mode="before")
    @classmethod
    def _share(cls, value: Any) -> float | None:
        return None if value is None else share_value(value, "a value share")

    @model_validator(mode="after")
    def _refund_fits(self) -> MeasureForms:
        if self.refund is None:
            return self
        if self.invalidated is None:
            raise ValueError("a 'refund' needs the date the measure was 'invalidated'")
        if self.refund.entries_from >= self.invalidated:
            raise ValueError(
                f"refund.entries_from {self.refund.entries_from} is not before the "
                f"invalidation on {self.invalidated}"
            )
        early = [p.date for p in self.refund.paid if p.date < self.invalidated]
        if early:
            raise ValueError(f"a refund is paid on {early[0]}, before the invalidation")
        return self

    def end_date(self) -> dt.date | None:
        """The first day the measure no longer applies, by expiry or invalidation."""
        ends = [d for d in (self.expires, self.invalidated) if d is not None]
        return min(ends) if ends else None
