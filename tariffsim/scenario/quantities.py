"""Dated and sourced numbers: the building blocks of scenario and assumption models.

A number in a tariffsim file is written bare (``'25 %'``) or as a mapping with
its source (``{value: '25 %', source: ustr-list3, note: ...}``); its text is
kept for display and its value is parsed once, at the edge, through
:mod:`tariffsim.scenario.units`. Dates are ISO ``YYYY-MM-DD`` within a sane range.
Shared by :mod:`tariffsim.scenario.schema` (policy facts) and
:mod:`tariffsim.scenario.assumptions` (behavioural parameters); no file I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from tariffsim.errors import TariffsimError, shown
from tariffsim.scenario import units

FIRST_DATE = dt.date(1800, 1, 1)
LAST_DATE = dt.date(2299, 12, 31)
"""Dates outside this range are refused: they are typos, and calendars near year 9999 overflow."""

MAX_FLOW = 1e18
"""Largest import flow accepted [USD/year]: a typo guard, some 40,000 times world imports."""

MAX_RATE = 10.0
"""Largest ad valorem rate accepted [fraction] (1,000 %): above every ad valorem tariff in
force; a larger one is a typo (2500 % for 25 %)."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}$")


def iso_date(value: Any) -> dt.date:
    """A date written ``YYYY-MM-DD`` (pydantic alone would take 1546300800 as a date)."""
    if isinstance(value, dt.datetime) or not isinstance(value, (str, dt.date)):
        raise ValueError(f"expected a date like 2019-01-01, got {shown(value)}")
    if isinstance(value, str):
        text = value.strip()
        try:
            if not _ISO_DATE.match(text):
                raise ValueError
            value = dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError(f"expected a date like 2019-01-01, got {shown(value)}") from None
    day: dt.date = value
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"expected a date between {FIRST_DATE} and {LAST_DATE}, got {day}")
    return day


WrittenShare = WithJsonSchema({"type": ["string", "number"], "examples": ["40 %"]})
"""JSON Schema of a share or rate written as text with a unit, or a fraction."""
OptionalShare = WithJsonSchema({"type": ["string", "number", "null"], "examples": ["15 %"]})
"""The same, where the field may be left out."""

IsoDate = Annotated[
    dt.date,
    BeforeValidator(iso_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
"""A calendar date written ``YYYY-MM-DD``, between :data:`FIRST_DATE` and :data:`LAST_DATE`."""


class Frozen(BaseModel):
    """A model that refuses unknown keys and cannot be changed once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def as_value_error(parse: Any, value: Any) -> float:
    """Run a unit parser, turning its error into the ValueError pydantic locates."""
    try:
        return float(parse(value))
    except TariffsimError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        raise ValueError(f"{exc.message}{hint}") from None


def written_as(
    value_key: str, example: str, required: bool = True
) -> Callable[[dict[str, Any]], None]:
    """JSON Schema hook: the field is written as text with a unit, or as a mapping.

    The generated schema describes the parsed model (``value`` a float, ``text``
    filled in); editors need the written form instead.
    """

    def rewrite(schema: dict[str, Any]) -> None:
        scalar = {"type": ["string", "number"], "examples": [example]}
        properties = dict(schema.get("properties", {}))
        properties.pop("text", None)
        properties[value_key] = scalar
        mapping = {
            "type": "object",
            "properties": properties,
            "required": [value_key] if required else [],
            "additionalProperties": False,
        }
        description = schema.get("description", "")
        schema.clear()
        schema.update({"description": description, "anyOf": [scalar, mapping]})

    return rewrite


class Sourced(Frozen):
    """A number with its source. Written as ``'25 %'`` or ``{value: '25 %', source: id}``."""

    text: str = Field(description="The value as written in the file.")
    value: float
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        if isinstance(data, dict):
            if "value" in data and "text" not in data:
                return {**data, "text": str(data["value"])}
            return data
        return {"value": data, "text": str(data)}


class Flow(Sourced):
    """An import flow [USD/year], written with its unit: ``'200 billion USD/year'``."""

    model_config = ConfigDict(json_schema_extra=written_as("value", "200 billion USD/year"))

    @field_validator("value", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        flow = as_value_error(units.parse_flow, value)
        if flow < 0:
            raise ValueError(f"expected a flow of at least 0 USD/year, got {shown(value)}")
        if flow > MAX_FLOW:
            raise ValueError(
                f"expected a flow of at most {MAX_FLOW:.0e} USD/year, got {shown(value)}"
            )
        return flow


def rate_value(value: Any) -> float:
    """A rate [fraction] from its written form, at most :data:`MAX_RATE`."""
    rate = as_value_error(units.parse_rate, value)
    if rate > MAX_RATE:
        raise ValueError(f"expected a rate of at most {MAX_RATE * 100:,.0f} %, got {shown(value)}")
    return rate


class Rate(Sourced):
    """An ad valorem rate as a fraction [1], written ``'25 %'``."""

    model_config = ConfigDict(json_schema_extra=written_as("value", "25 %"))

    @field_validator("value", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        return rate_value(value)
