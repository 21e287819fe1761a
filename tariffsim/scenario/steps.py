"""Dated steps of a rate: their status, in-transit grace, rates by origin, and sources.

Shared by tranches (:mod:`tariffsim.scenario.schema`) and measures
(:mod:`tariffsim.scenario.measures`): a schedule is a mapping from the legal
effective date to a :class:`ScheduleStep`, read as a step function by entry date.
No file I/O here.
"""

from __future__ import annotations

import datetime as dt
import itertools
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from tariffsim.scenario import units
from tariffsim.scenario.quantities import (
    Frozen,
    IsoDate,
    Rate,
    as_value_error,
    rate_value,
    written_as,
)


class Source(Frozen):
    """Where a number comes from."""

    title: str = Field(min_length=1)
    publisher: str | None = None
    date: IsoDate | None = None
    url: str | None = None
    note: str | None = Field(None, description="A short paraphrase of the fact taken from it.")


_DAY = dt.timedelta(days=1)


class StepStatus(StrEnum):
    """Whether a dated step applies. Only ``in_force`` and ``scheduled`` steps apply."""

    IN_FORCE = "in_force"
    SCHEDULED = "scheduled"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"

    @property
    def applies(self) -> bool:
        return self in (StepStatus.IN_FORCE, StepStatus.SCHEDULED)


class InTransit(Frozen):
    """Grace for goods already on their way when a step takes effect.

    Goods shipped before ``shipped_before`` keep the old rate if they are
    entered by ``entered_by``. With every shipment taking ``shipping_lag``
    days from export to entry, the rate by entry date switches on
    ``min(shipped_before + shipping_lag, entered_by + 1 day)``.
    """

    shipped_before: IsoDate = Field(description="Goods exported before this date keep the old rate")
    entered_by: IsoDate = Field(description="if they are entered on or before this date.")
    shipping_lag: int = Field(
        description="Days from export to entry [d], written '30 days'.",
        json_schema_extra={"type": ["string", "integer"], "examples": ["30 days"]},
    )
    source: str | None = None
    note: str | None = None

    @field_validator("shipping_lag", mode="before")
    @classmethod
    def _parse_lag(cls, value: Any) -> int:
        return round(as_value_error(units.parse_whole_days, value))

    @model_validator(mode="after")
    def _ordered(self) -> InTransit:
        if self.entered_by < self.shipped_before:
            raise ValueError(
                f"entered_by {self.entered_by} is before shipped_before {self.shipped_before}"
            )
        return self

    def switch_date(self) -> dt.date:
        """First entry date that pays the new rate."""
        return min(
            self.shipped_before + dt.timedelta(days=self.shipping_lag),
            self.entered_by + dt.timedelta(days=1),
        )


class ScheduleStep(Frozen):
    """The additional rate from a date on (a step function; nothing before the first date).

    With ``in_transit``, the date keyed in the schedule is the legal
    effective date and the rate by entry date changes on
    :meth:`InTransit.switch_date` instead.
    """

    model_config = ConfigDict(json_schema_extra=written_as("rate", "25 %"))

    rate: float = Field(description="Additional ad valorem rate from this date [fraction].")
    text: str = Field(description="The rate as written in the file.")
    status: StepStatus = StepStatus.IN_FORCE
    announced: IsoDate | None = Field(None, description="When the step was made public.")
    in_transit: InTransit | None = None
    by_origin: dict[str, Rate] = Field(
        default_factory=dict,
        description="Measures only: rates for some origins (a country or group), "
        "overriding 'rate', which the other origins pay.",
    )
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            data = {"rate": data}
        if "rate" in data and "text" not in data:
            data = {**data, "text": str(data["rate"])}
        return data

    @field_validator("rate", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        return rate_value(value)


Schedule = dict[IsoDate, ScheduleStep]


def applied_steps(schedule: Schedule) -> list[tuple[dt.date, ScheduleStep]]:
    """(entry date, step) of the steps that apply, in date order.

    A step with an in-transit grace takes effect, by entry date, on its
    :meth:`InTransit.switch_date`.
    """
    return [
        (step.in_transit.switch_date() if step.in_transit else day, step)
        for day, step in sorted(schedule.items())
        if step.status.applies
    ]


def check_grace(schedule: Schedule) -> None:
    """Refuse a grace that moves a step to or past the next one (ValueError)."""
    for (day, _), (later, _) in itertools.pairwise(applied_steps(schedule)):
        if later <= day:
            raise ValueError(
                f"an in-transit grace moves a step to {day}, not before the next step {later}"
            )
