"""The validated, frozen scenario model (pydantic v2).

Values arrive from :mod:`tariffsim.scenario.loading` as plain data; unit-bearing
strings are turned into floats in base units by :mod:`tariffsim.scenario.units`
(USD/year, fractions, days) as they are validated. This module does no file
I/O; mapping errors back to file lines happens in :mod:`tariffsim.scenario.validation`.
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
from tariffsim.scenario import hts, units
from tariffsim.scenario.assumptions import Assumptions
from tariffsim.scenario.countries import parse_country
from tariffsim.scenario.distributions import JUDGEMENT, Assumption, Distribution, name_distributions
from tariffsim.scenario.duty_rates import DutyRate, parse_duty_rate, parse_quantity_flow
from tariffsim.scenario.forms import ExchangeRate, MeasureForms, parse_currencies, share_value
from tariffsim.scenario.quantities import (
    MAX_RATE,
    Flow,
    Frozen,
    IsoDate,
    OptionalShare,
    Rate,
    as_value_error,
    rate_value,
    written_as,
)

Step = Literal["day", "week", "month", "quarter", "year"]
Stacking = Literal["add", "max"]
ProductScope = Literal["all", "rest"]
"""A measure's catch-all product scope, written instead of a list of prefixes."""
PRODUCT_SCOPES = ("all", "rest")


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
    shipping_lag: int = Field(description="Days from export to entry [d], written '30 days'.")
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


class Exclusion(Frozen):
    """A share of a tranche excluded from its additional rate from ``start`` to ``end``."""

    share: float = Field(description="Share of the tranche's imports excluded [fraction].")
    start: IsoDate
    end: IsoDate = Field(description="Last day of the exclusion (inclusive).")
    source: str | None = None
    note: str | None = None

    @field_validator("share", mode="before")
    @classmethod
    def _parse_share(cls, value: Any) -> float:
        return as_value_error(units.parse_fraction, value)

    @model_validator(mode="after")
    def _ordered(self) -> Exclusion:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


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
    in_transit: InTransit | None = None
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


class Tranche(MeasureForms):
    """A flow of imports from one exporter into one importer, with its rates over time."""

    label: str = Field(min_length=1)
    importer: str = Field(description="ISO 3166 alpha-2 code of the country levying the duty.")
    exporter: str = Field(description="ISO 3166 alpha-2 code of the country of origin.")
    imports: Flow = Field(description="Annual import value before any response [USD/year].")
    base_rate: Rate = Field(
        default_factory=lambda: Rate(value=0.0, text="0 %"),
        description="MFN (base) ad valorem rate, constant over the horizon [fraction].",
    )
    schedule: dict[IsoDate, ScheduleStep] = Field(default_factory=dict)
    quantity: QuantityFlow | None = Field(
        None,
        description="The quantity behind 'imports' (needed by specific rates), e.g. "
        "'50 million kg/year'.",
    )
    exclusions: list[Exclusion] = Field(default_factory=list)
    source: str | None = Field(None, description="Default source for the tranche's numbers.")
    note: str | None = None
    products: list[str] | ProductScope = Field(
        default_factory=list,
        description="What the measure covers in a ledger: HTS code prefixes (text, 2–10 "
        "digits), added to its membership-file rows; 'all': every product from the exporter; "
        "'rest': every product from the exporter that no listed measure covers.",
    )
    authority: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.\-]+$",
        description="The legal authority the measure is taken under, e.g. 'section301'; "
        "overlapping measures of one authority stack by the scenario's 'stacking' rule.",
    )
    assumptions: Assumptions | None = Field(
        None, description="Overrides of the scenario's behavioural assumptions for this tranche."
    )

    @field_validator("products", mode="before")
    @classmethod
    def _products(cls, value: Any) -> list[str] | str:
        if value in PRODUCT_SCOPES:
            return str(value)
        if not isinstance(value, list):
            raise ValueError(
                f"expected a list of quoted HTS prefixes like ['8501'], or one of "
                f"{', '.join(repr(s) for s in PRODUCT_SCOPES)}, got {value!r}"
            )
        # Checked here, not by the item type, so an error names 'products', not a union branch.
        found = []
        for number, item in enumerate(value, start=1):
            try:
                found.append(hts.normalise_prefix(item))
            except ValueError as exc:
                raise ValueError(f"item {number}: {exc}") from None
        return found

    @field_validator("importer", "exporter", mode="before")
    @classmethod
    def _iso_code(cls, value: Any) -> str:
        return parse_country(value)

    @field_validator("exporter")
    @classmethod
    def _different_countries(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("importer"):
            raise ValueError(f"the exporter is the importer '{value}'")
        return value

    @model_validator(mode="after")
    def _grace_and_exclusions_fit(self) -> Tranche:
        steps = self.applied_steps()
        for (day, _), (later, _) in itertools.pairwise(steps):
            if later <= day:
                raise ValueError(
                    f"an in-transit grace moves a step to {day}, not before the next step {later}"
                )
        for exclusion in self.exclusions:
            active = [e for e in self.exclusions if e.start <= exclusion.start <= e.end]
            if sum(e.share for e in active) > 1 + 1e-12:
                raise ValueError(f"exclusions in force on {exclusion.start} add up to over 100 %")
        return self

    def applied_entries(self) -> list[tuple[dt.date, ScheduleStep | None]]:
        """(entry date, step) of the steps that apply, in date order; None where it ends.

        A step with an in-transit grace takes effect, by entry date, on its
        :meth:`InTransit.switch_date`. A measure that expires or is invalidated stops
        applying on that day (duty accrues to the day before): steps from then on are
        dropped and an entry ``(end, None)`` closes the list.
        """
        applied: list[tuple[dt.date, ScheduleStep | None]] = [
            (step.in_transit.switch_date() if step.in_transit else day, step)
            for day, step in sorted(self.schedule.items())
            if step.status.applies
        ]
        end = self.end_date()
        if end is None:
            return applied
        return [(day, step) for day, step in applied if day < end] + [(end, None)]

    def applied_steps(self) -> list[tuple[dt.date, float]]:
        """(entry date, additional ad valorem rate) of :meth:`applied_entries`, 0 at the end.

        The written ad valorem part only: the rate a flow pays under floors, caps,
        value shares and specific parts is :func:`tariffsim.model.measure_rates.flow_steps`.
        """
        return [(day, step.rate if step else 0.0) for day, step in self.applied_entries()]

    def planned_steps(self) -> list[tuple[dt.date, float]]:
        """(date, additional rate) of every step, whatever its status, with no grace.

        What would have applied had every announced step gone ahead on its date.
        """
        return [(day, step.rate) for day, step in sorted(self.schedule.items())]

    def exclusion_steps(self) -> list[tuple[dt.date, float]]:
        """(date, factor) steps of the share still paying the additional rate [fraction].

        The factor is ``1 − Σ shares`` of the exclusions in force, and 1
        before, between and after them.
        """
        edges = sorted({e.start for e in self.exclusions} | {e.end + _DAY for e in self.exclusions})
        return [(day, 1.0 - self.excluded_share_on(day)) for day in edges]

    def excluded_share_on(self, day: dt.date) -> float:
        """Share of the tranche excluded from the additional rate on ``day`` [fraction]."""
        return sum(e.share for e in self.exclusions if e.start <= day <= e.end)

    def rate_on(self, day: dt.date) -> float:
        """The additional rate on goods entered on ``day`` [fraction]; 0 before the first step.

        In-transit grace is applied; exclusions are not (see :meth:`effective_rate_on`).
        """
        rate = 0.0
        for start, value in self.applied_steps():
            if start <= day:
                rate = value
        return rate

    def effective_rate_on(self, day: dt.date) -> float:
        """The additional rate averaged over the tranche on ``day``, net of exclusions [fraction].

        Notes
        -----
        ``τ_eff(t) = τ(t) · (1 − s(t))`` with ``s(t)`` the excluded share on day t.
        """
        return self.rate_on(day) * (1.0 - self.excluded_share_on(day))


class Horizon(Frozen):
    """The simulated dates, both ends included, cut into calendar-aligned periods."""

    start: IsoDate
    end: IsoDate
    step: Step = "month"

    @field_validator("end")
    @classmethod
    def _ordered(cls, end: dt.date, info: ValidationInfo) -> dt.date:
        start = info.data.get("start")
        if start is None:
            return end
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        if (end - start).days > 366 * 200:
            raise ValueError("the horizon is longer than 200 years")
        return end


class Scenario(Frozen):
    """A tariff path: its sources, horizon and tranches."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.\-]+$")
    title: str = Field(min_length=1)
    description: str = ""
    as_of: IsoDate = Field(description="The date the scenario's facts describe.")
    sources: dict[str, Source] = Field(default_factory=dict)
    horizon: Horizon
    tranches: dict[str, Tranche] = Field(min_length=1)
    assumptions: Assumptions | None = Field(
        None, description="Behavioural assumptions (elasticity, pass-through, lag, ...), sourced."
    )
    memberships: str | None = Field(
        None,
        min_length=1,
        description="CSV file (hts_code, measure) of list memberships, relative to this file.",
    )
    stacking: dict[str, Stacking] = Field(
        default_factory=dict,
        description="Per authority: 'add' overlapping measures' rates or take their 'max'. "
        "Unlisted authorities add; different authorities always add.",
    )
    uncertainty: dict[Assumption, Distribution] = Field(
        default_factory=dict,
        description="Distributions of assumptions, drawn by `run --samples` and `sweep`.",
    )
    currencies: dict[str, ExchangeRate] = Field(
        default_factory=dict,
        description="Exchange rates of the currencies the file writes money in, each "
        "sourced and dated: 'EUR: {value: 1.17 USD/EUR, date: 2025-07-31, source: ecb}'.",
    )

    @model_validator(mode="wrap")
    @classmethod
    def _with_exchange_rates(cls, data: Any, handler: ModelWrapValidatorHandler[Scenario]) -> Any:
        rates = parse_currencies(data.get("currencies")) if isinstance(data, dict) else {}
        with units.exchange_rates(rates):
            return handler(data)

    @field_validator("currencies", mode="before")
    @classmethod
    def _known_currencies(cls, block: Any) -> Any:
        if isinstance(block, dict):
            for code in block:
                if code not in units.CURRENCIES[1:]:
                    raise ValueError(
                        f"unknown currency {code!r}; tariffsim knows "
                        f"{', '.join(units.CURRENCIES[1:])} (USD needs no rate)"
                    )
        return block

    @field_validator("currencies")
    @classmethod
    def _rate_of_its_key(cls, block: dict[str, ExchangeRate]) -> dict[str, ExchangeRate]:
        for code, fx in block.items():
            if fx.currency != code:
                raise ValueError(f"the rate under {code} is written in {fx.currency}")
        return block

    @field_validator("stacking")
    @classmethod
    def _stacked_authorities_exist(
        cls, stacking: dict[str, Stacking], info: ValidationInfo
    ) -> dict[str, Stacking]:
        if "tranches" not in info.data:
            return stacking  # the tranches failed; their own error is the one to show
        used = {t.authority for t in info.data["tranches"].values() if t.authority}
        for authority in stacking:
            if authority not in used:
                hint = f" (used: {', '.join(sorted(used))})" if used else ""
                raise ValueError(f"no tranche has authority '{authority}'{hint}")
        return stacking

    @field_validator("uncertainty", mode="before")
    @classmethod
    def _name_distributions(cls, block: Any) -> Any:
        return name_distributions(block)

    def source_refs(self) -> list[tuple[tuple[str, ...], str]]:
        """Every (field path, source id) pair used in the scenario."""
        refs: list[tuple[tuple[str, ...], str]] = []
        for tid, tranche in self.tranches.items():
            base = ("tranches", tid)
            if tranche.source:
                refs.append(((*base, "source"), tranche.source))
            for name in ("imports", "base_rate"):
                ref = getattr(tranche, name).source
                if ref:
                    refs.append(((*base, name, "source"), ref))
            for day, step in tranche.schedule.items():
                if step.source:
                    refs.append(((*base, "schedule", day.isoformat(), "source"), step.source))
                if step.in_transit and step.in_transit.source:
                    refs.append(
                        (
                            (*base, "schedule", day.isoformat(), "in_transit", "source"),
                            step.in_transit.source,
                        )
                    )
            for index, exclusion in enumerate(tranche.exclusions):
                if exclusion.source:
                    refs.append(((*base, "exclusions", str(index), "source"), exclusion.source))
            if tranche.assumptions:
                refs += [
                    ((*base, "assumptions", *p), r) for p, r in tranche.assumptions.source_refs()
                ]
            for name in ("quantity", "refund"):
                block = getattr(tranche, name)
                if block is not None and block.source:
                    refs.append(((*base, name, "source"), block.source))
        for code, fx in self.currencies.items():
            refs.append((("currencies", code, "source"), fx.source))
        if self.assumptions:
            refs += [(("assumptions", *p), r) for p, r in self.assumptions.source_refs()]
        for name, d in self.uncertainty.items():
            if d.source != JUDGEMENT:
                refs.append((("uncertainty", name, "source"), d.source))
        return refs


def tranche_assumptions(scenario: Scenario) -> dict[str, Assumptions] | None:
    """Each tranche's effective assumptions, or None when the scenario states none at all."""
    blocks = {tid: t.assumptions for tid, t in scenario.tranches.items()}
    if scenario.assumptions is None and all(b is None for b in blocks.values()):
        return None
    empty = Assumptions.model_validate({})
    return {tid: (b or empty).over(scenario.assumptions) for tid, b in blocks.items()}
