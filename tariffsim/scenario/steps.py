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
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from tariffsim.errors import TariffsimError
from tariffsim.scenario import units
from tariffsim.scenario.duty_rates import DutyRate, parse_duty_rate
from tariffsim.scenario.forms import share_value
from tariffsim.scenario.quantities import (
    MAX_RATE,
    Frozen,
    IsoDate,
    OptionalShare,
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
    :meth:`InTransit.switch_date` instead. The rate may have a specific part
    (``2.4 % + 5 USD/kg``); a step may instead set an all-in floor, and may cap the
    rate all in. Several steps on one date are written as a list, the last in force.
    """

    model_config = ConfigDict(
        json_schema_extra=written_as("rate", "2.4 % + 5 USD/kg", required=False)
    )

    rate: float = Field(description="Additional ad valorem rate from this date [fraction].")
    text: str = Field(description="The rate as written in the file.")
    specific: SkipJsonSchema[float] = Field(
        0.0, description="Specific part of the rate [USD per 'unit']."
    )
    unit: SkipJsonSchema[Literal["kg", "item", "liter"] | None] = Field(
        None, description="The unit of the specific part."
    )
    all_in_floor: Annotated[float | None, OptionalShare] = Field(
        None,
        description="Instead of a rate: the duty all in, MFN included, is at least this; the "
        "additional rate is max(0, floor − MFN) [fraction].",
    )
    all_in_cap: Annotated[float | None, OptionalShare] = Field(
        None, description="MFN plus this measure's rate is at most this [fraction]."
    )
    status: StepStatus = StepStatus.IN_FORCE
    announced: IsoDate | None = Field(None, description="When the step was made public.")
    decided: IsoDate | None = Field(
        None,
        description="When a suspended or cancelled step was called off: importers stop buying "
        "ahead of it from this day (front-loading).",
    )
    in_transit: InTransit | None = None
    by_origin: dict[str, Rate] = Field(
        default_factory=dict,
        description="Measures only: rates for some origins (a country or group), "
        "overriding 'rate', which the other origins pay.",
    )
    source: str | None = None
    note: str | None = None
    superseded: SkipJsonSchema[list[ScheduleStep]] = Field(
        default_factory=list,
        description="Steps written earlier in a list for the same date, replaced by this one.",
    )

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if not isinstance(data, list):
            return _step_mapping(data)
        if not data:
            raise ValueError("expected at least one step in the list")
        *earlier, last = data
        return {**_step_mapping(last), "superseded": earlier}

    @field_validator("rate", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        return duty_rate_value(value).ad_valorem

    @field_validator("all_in_floor", "all_in_cap", mode="before")
    @classmethod
    def _all_in(cls, value: Any, info: ValidationInfo) -> float | None:
        what = "a floor" if info.field_name == "all_in_floor" else "a cap"
        return None if value is None else share_value(value, what)

    @model_validator(mode="wrap")
    @classmethod
    def _specific_part(cls, data: Any, handler: ModelWrapValidatorHandler[ScheduleStep]) -> Any:
        step = handler(data)
        # parsed again here, inside the scenario's exchange rates, for the specific part
        written = duty_rate_value(step.text)
        if step.all_in_floor is not None and (step.rate or written.is_specific):
            raise ValueError("a step sets either a rate or an all-in floor, not both")
        return step.model_copy(update={"specific": written.specific, "unit": written.unit})

    @model_validator(mode="after")
    def _decided(self) -> ScheduleStep:
        if self.decided is None:
            return self
        if self.status.applies:
            raise ValueError(
                f"'decided' dates the calling-off of a suspended or cancelled step, and this "
                f"one is {self.status.value} (set status: suspended, or leave 'decided' out)"
            )
        if self.announced is not None and self.decided < self.announced:
            raise ValueError(
                f"decided {self.decided} is before the step was announced ({self.announced})"
            )
        return self

    @property
    def is_specific(self) -> bool:
        return self.unit is not None


def _step_mapping(data: Any) -> dict[str, Any]:
    """A step written as a rate alone, or as a mapping, as a mapping with its text."""
    if not isinstance(data, dict):
        data = {"rate": data}
    if "rate" not in data and data.get("all_in_floor") is not None:
        data = {**data, "rate": "0 %"}
    if "rate" in data and "text" not in data:
        data = {**data, "text": str(data["rate"])}
    return dict(data)


def duty_rate_value(value: Any) -> DutyRate:
    """An ad valorem, specific or compound rate, its ad valorem part at most :data:`MAX_RATE`."""
    if isinstance(value, str) and "/" in value:
        try:
            rate = parse_duty_rate(value)
        except TariffsimError as exc:
            raise ValueError(exc.message + (f" ({exc.hint})" if exc.hint else "")) from None
    else:
        rate = DutyRate(ad_valorem=rate_value(value))
    if rate.ad_valorem > MAX_RATE:
        raise ValueError(f"expected a rate of at most {MAX_RATE * 100:,.0f} %, got {value!r}")
    return rate


Schedule = dict[IsoDate, ScheduleStep]

ENDED = ScheduleStep.model_construct(
    rate=0.0,
    text="0 %",
    specific=0.0,
    unit=None,
    all_in_floor=None,
    all_in_cap=None,
    status=StepStatus.IN_FORCE,
    announced=None,
    decided=None,
    in_transit=None,
    by_origin={},
    source=None,
    note="the measure ended (expired or invalidated)",
    superseded=[],
)
"""The step in force once a measure has ended: no duty."""


def applied_steps(
    schedule: Schedule, end: dt.date | None = None
) -> list[tuple[dt.date, ScheduleStep]]:
    """(entry date, step) of the steps that apply, in date order.

    A step with an in-transit grace takes effect, by entry date, on its
    :meth:`InTransit.switch_date`. A measure that ends (``expires``, ``invalidated``)
    on ``end`` keeps only the steps before it, then :data:`ENDED` from ``end`` on:
    duty accrues to the day before.
    """
    applied = [
        (step.in_transit.switch_date() if step.in_transit else day, step)
        for day, step in sorted(schedule.items())
        if step.status.applies
    ]
    if end is None:
        return applied
    return [(day, step) for day, step in applied if day < end] + [(end, ENDED)]


def check_grace(schedule: Schedule) -> None:
    """Refuse a grace that moves a step to or past the next one, and a step called off after
    its own date, when it would have taken effect (ValueError)."""
    for day, step in schedule.items():
        if step.decided is not None and step.decided > day:
            raise ValueError(
                f"schedule.{day}: decided {step.decided} is after the step's own date: it would "
                f"have taken effect by then (give the day it was called off, by {day})"
            )
    for (day, _), (later, _) in itertools.pairwise(applied_steps(schedule)):
        if later <= day:
            raise ValueError(
                f"an in-transit grace moves a step to {day}, not before the next step {later}"
            )
