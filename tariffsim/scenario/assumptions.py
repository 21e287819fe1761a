"""Behavioural assumptions: the validated ``assumptions:`` block and its per-tranche merge.

Assumptions are parameters of the import response (elasticity, pass-through,
adjustment lag, front-loading, diversion, seasonality), kept apart from the
policy facts (rates and dates). A scenario states them once at its top level;
a tranche may override any of them. Every value is a number with an optional
source id, like the policy facts. Unit-bearing values go through
:mod:`tariffsim.scenario.units`. No file I/O and no arithmetic of the response here.

Sign convention: the elasticity ε is stored as a positive magnitude: imports
fall by about ε % when the tariff-inclusive price rises by 1 %.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import ConfigDict, Field, field_validator, model_validator

from tariffsim.scenario import units
from tariffsim.scenario.countries import parse_country
from tariffsim.scenario.quantities import Frozen, IsoDate, Rate, Sourced, as_value_error, written_as

MAX_WEIGHT = 1e15
"""Largest monthly seasonality weight accepted [1]; weights are relative."""

LAG_FREE = 0.0
"""Half-life [d] standing for an immediate response inside the engine (never written by users)."""


class ReferenceDate(Frozen):
    """The date the stated import values describe: ``2017-12-31`` or ``{value: ..., source: s}``."""

    model_config = ConfigDict(json_schema_extra=written_as("value", "2017-12-31"))

    value: IsoDate
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_scalar(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"value": data}


MAX_ELASTICITY = 50.0
"""Largest import-demand elasticity accepted [1]: five times the largest estimates."""


class Elasticity(Sourced):
    """Import-demand elasticity ε [1] w.r.t. the tariff-inclusive price, a magnitude ≥ 0."""

    model_config = ConfigDict(json_schema_extra=written_as("value", "2.5"))

    @field_validator("value", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        if isinstance(value, str):
            try:
                value = float(value.strip())
            except ValueError:
                raise ValueError(f"expected a plain number like 2.5, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a plain number like 2.5, got {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"expected an elasticity magnitude of at least 0, got {value!r} (ε is stored "
                f"positive: imports fall by ε % per 1 % price rise; write {abs(value):g})"
            )
        if value > MAX_ELASTICITY:
            raise ValueError(
                f"expected an elasticity of at most {MAX_ELASTICITY:g}, got {value!r} "
                "(estimated import elasticities lie below about 10)"
            )
        return float(value)


class Share(Sourced):
    """A share in [0, 1] [1], written ``'40 %'`` or ``0.4``."""

    model_config = ConfigDict(json_schema_extra=written_as("value", "100 %"))

    @field_validator("value", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        return as_value_error(units.parse_fraction, value)


class Duration(Sourced):
    """A positive duration [d], written ``'6 months'`` or ``'90 days'``."""

    model_config = ConfigDict(json_schema_extra=written_as("value", "6 months"))

    @field_validator("value", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        days = as_value_error(units.parse_duration, value)
        if days <= 0:
            raise ValueError(
                f"expected a duration longer than 0 days, got {value!r} "
                "(leave half_life out for an immediate response)"
            )
        return days


class FrontLoading(Frozen):
    """Before an announced increase, ``share`` of the imports of the ``window`` after
    the step is bought in the ``window`` before it (no earlier than the announcement).

    With ``postponed: true``, increases announced and later suspended or
    cancelled are front-loaded too, on the date they were announced for:
    importers bought ahead of a rise that then did not come.
    """

    share: Share
    window: Duration
    postponed: bool = False


class SlowResponse(Frozen):
    """A ``share`` of the long-run response that adjusts with a second, slower ``half_life``.

    The rest (1 − share) adjusts with the scenario's ``half_life``. A response
    that deepens over years: most of the first-year change comes from the fast
    part, the slow part keeps moving imports towards the long run after it.
    """

    share: Share
    half_life: Duration


class Diversion(Frozen):
    """A ``share`` of the lost imports moves to the exporter ``to``, at its own rates.

    ``base_rate`` defaults to the tranche's own base rate: MFN rates do not
    depend on the origin among WTO members. ``schedule`` holds the diverted
    flow's additional rates by date (none by default).
    """

    to: str = Field(
        description="ISO 3166 alpha-2 code of the exporter receiving the diverted trade."
    )
    share: Share
    base_rate: Rate | None = None
    schedule: dict[IsoDate, Rate] = Field(default_factory=dict)
    source: str | None = None

    @field_validator("to", mode="before")
    @classmethod
    def _iso_code(cls, value: Any) -> str:
        return parse_country(value)

    def rate_on(self, day: dt.date) -> float:
        """The diverted flow's additional rate on ``day`` [fraction]; 0 before its first step."""
        rate = 0.0
        for start, step in sorted(self.schedule.items()):
            if start <= day:
                rate = step.value
        return rate


class Seasonality(Frozen):
    """Twelve relative monthly weights, January first; a calendar year still sums to the
    annual flow. Written as a list or ``{value: [...], source: id}``."""

    value: tuple[float, ...] = Field(min_length=12, max_length=12)
    source: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        return data if isinstance(data, dict) else {"value": data}

    @field_validator("value", mode="after")
    @classmethod
    def _positive(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        # weights are relative (e.g. monthly imports in $B); the cap keeps their sum finite
        if any(not math.isfinite(v) or not 0 <= v <= MAX_WEIGHT for v in value) or sum(value) <= 0:
            raise ValueError(
                f"expected 12 monthly weights from 0 to {MAX_WEIGHT:.0e} with a positive sum"
            )
        return value


class Assumptions(Frozen):
    """The behavioural assumptions of a scenario, or a tranche's overrides of them."""

    reference_date: ReferenceDate | None = Field(
        None, description="The date the stated import values describe; τ_0 is the rate then."
    )
    elasticity: Elasticity | None = None
    pass_through: Share | None = None
    half_life: Duration | None = None
    slow_response: SlowResponse | None = None
    front_loading: FrontLoading | None = None
    diversion: Diversion | None = None
    seasonality: Seasonality | None = None

    def over(self, base: Assumptions | None) -> Assumptions:
        """These assumptions where set, ``base``'s elsewhere (field by field)."""
        if base is None:
            return self
        mine = {k: getattr(self, k) for k in self.model_fields_set}
        return base.model_copy(update=mine)

    def source_refs(self) -> list[tuple[tuple[str, ...], str]]:
        """(field path, source id) of every source named inside the block."""
        refs: list[tuple[tuple[str, ...], str]] = []
        for name in ("reference_date", "elasticity", "pass_through", "half_life", "seasonality"):
            value = getattr(self, name)
            if value is not None and value.source:
                refs.append(((name, "source"), value.source))
        if self.slow_response:
            for name in ("share", "half_life"):
                ref = getattr(self.slow_response, name).source
                if ref:
                    refs.append((("slow_response", name, "source"), ref))
        if self.front_loading:
            for name in ("share", "window"):
                ref = getattr(self.front_loading, name).source
                if ref:
                    refs.append((("front_loading", name, "source"), ref))
        if self.diversion:
            d = self.diversion
            if d.source:
                refs.append((("diversion", "source"), d.source))
            if d.share.source:
                refs.append((("diversion", "share", "source"), d.share.source))
            if d.base_rate and d.base_rate.source:
                refs.append((("diversion", "base_rate", "source"), d.base_rate.source))
            for day, step in d.schedule.items():
                if step.source:
                    refs.append((("diversion", "schedule", day.isoformat(), "source"), step.source))
        return refs
