"""The validated, frozen scenario model (pydantic v2).

Values arrive from :mod:`tariffsim.scenario.loading` as plain data; unit-bearing
strings are turned into floats in base units by :mod:`tariffsim.scenario.units`
(USD/year, fractions, days) as they are validated. This module does no file
I/O; mapping errors back to file lines happens in :mod:`tariffsim.scenario.validation`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from tariffsim.scenario import hts, units
from tariffsim.scenario.assumptions import Assumptions
from tariffsim.scenario.countries import parse_country
from tariffsim.scenario.distributions import JUDGEMENT, Assumption, Distribution, name_distributions
from tariffsim.scenario.edits import Edit
from tariffsim.scenario.forms import ExchangeRate, MeasureForms, QuantityFlow, parse_currencies
from tariffsim.scenario.measures import ImportFlow, Measure, Precedence, group_members
from tariffsim.scenario.quantities import (
    Flow,
    Frozen,
    IsoDate,
    Rate,
    as_value_error,
)
from tariffsim.scenario.steps import (
    InTransit,
    Schedule,
    ScheduleStep,
    Source,
    StepStatus,
    applied_steps,
    check_grace,
)

__all__ = [
    "Exclusion",
    "Horizon",
    "InTransit",
    "Scenario",
    "ScheduleStep",
    "Source",
    "Stacking",
    "Step",
    "StepStatus",
    "Tranche",
    "tranche_assumptions",
]

Step = Literal["day", "week", "month", "quarter", "year"]
Stacking = Literal["add", "max"]
ProductScope = Literal["all", "rest"]
"""A measure's catch-all product scope, written instead of a list of prefixes."""
PRODUCT_SCOPES = ("all", "rest")

_DAY = dt.timedelta(days=1)


class Exclusion(Frozen):
    """A share of a tranche excluded from its additional rate from ``start`` to ``end``."""

    share: float = Field(
        description="Share of the tranche's imports excluded [fraction], written '40 %'.",
        json_schema_extra={"type": ["string", "number"], "examples": ["40 %"]},
    )
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
    schedule: Schedule = Field(default_factory=dict)
    quantity: QuantityFlow | None = Field(
        None,
        description="The quantity behind 'imports' (needed by specific rates), e.g. "
        "'50 million kg/year'.",
    )
    exclusions: list[Exclusion] = Field(default_factory=list)
    refund_parts: SkipJsonSchema[dict[str, list[tuple[dt.date, float]]]] = Field(
        default_factory=dict,
        description="Internal, for a flow laid out as a row: per invalidated measure with a "
        "refund, its part of the row's rate from each date [fraction]; never written.",
    )
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

    @field_validator("refund_parts", mode="before")
    @classmethod
    def _internal(cls, value: Any) -> Any:
        if value:
            raise ValueError("'refund_parts' is filled in by tariffsim, not written in a file")
        return {}

    @field_validator("exporter")
    @classmethod
    def _different_countries(cls, value: str, info: ValidationInfo) -> str:
        if value == info.data.get("importer"):
            raise ValueError(f"the exporter is the importer '{value}'")
        return value

    @model_validator(mode="after")
    def _grace_and_exclusions_fit(self) -> Tranche:
        check_grace(self.schedule)
        for day, step in self.schedule.items():
            if step.by_origin:
                raise ValueError(
                    f"schedule.{day}: rates by origin belong to measures; a tranche has one "
                    "exporter (write the tranche's own rate)"
                )
        for exclusion in self.exclusions:
            active = [e for e in self.exclusions if e.start <= exclusion.start <= e.end]
            if sum(e.share for e in active) > 1 + 1e-12:
                raise ValueError(f"exclusions in force on {exclusion.start} add up to over 100 %")
        return self

    def applied_entries(self) -> list[tuple[dt.date, ScheduleStep]]:
        """(entry date, step) of the steps that apply, in date order, ended on
        :meth:`end_date` (see :func:`tariffsim.scenario.steps.applied_steps`)."""
        return applied_steps(self.schedule, self.end_date())

    def applied_steps(self) -> list[tuple[dt.date, float]]:
        """(entry date, additional ad valorem rate) of :meth:`applied_entries`.

        The written ad valorem part only: the rate a flow pays under floors, caps,
        value shares and specific parts is :func:`tariffsim.model.measure_rates.flow_steps`.
        """
        return [(day, step.rate) for day, step in self.applied_entries()]

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
    tranches: dict[str, Tranche] = Field(
        default_factory=dict,
        description="Flows with their own rates (the shorthand for a flow and its measure).",
    )
    groups: dict[str, tuple[str, ...]] = Field(
        default_factory=dict,
        description="Country groups of yours, e.g. usmca: [CA, MX]; 'EU' is built in, by date.",
    )
    measures: dict[str, Measure] = Field(
        default_factory=dict,
        description="Duties by legal authority × origins × products × dates, stacked on flows "
        "and ledger lines.",
    )
    flows: dict[str, ImportFlow] = Field(
        default_factory=dict, description="Import values the measures apply to."
    )
    precedence: dict[str, Precedence] = Field(
        default_factory=dict,
        description="Rules across authorities, e.g. 'section232 excludes ieepa_reciprocal'.",
    )
    assumptions: Assumptions | None = Field(
        None, description="Behavioural assumptions (elasticity, pass-through, lag, ...), sourced."
    )
    memberships: str | None = Field(
        None,
        min_length=1,
        description="CSV file (hts_code, measure) of list memberships, relative to this file.",
    )
    mfn_file: str | None = Field(
        None,
        min_length=1,
        description="MFN file by HTS-8 line ('tariffsim data mfn'), relative to this file: "
        "each product class of a flow with product weights pays the value-weighted ad "
        "valorem MFN of its lines, in place of 'mfn' measures.",
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

    authority_parts: SkipJsonSchema[dict[str, dict[str, tuple[tuple[dt.date, float], ...]]]] = (
        Field(
            default_factory=dict,
            exclude=True,
            repr=False,
            description="Computed, never written: per row laid out from a flow, each "
            "authority's part of its additional rate, (entry date, rate) steps.",
        )
    )

    edits: SkipJsonSchema[tuple[Edit, ...]] = Field(
        default=(),
        exclude=True,
        repr=False,
        description="Set by tariffsim, never written: the --set overrides applied, in order.",
    )

    @field_validator("authority_parts", "edits", mode="before")
    @classmethod
    def _computed_only(cls, value: Any) -> Any:
        if value:
            raise ValueError("computed by tariffsim from measures and flows; not written")
        return value

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
        if "tranches" not in info.data or "measures" not in info.data:
            return stacking  # the tranches failed; their own error is the one to show
        used = {t.authority for t in info.data["tranches"].values() if t.authority}
        used |= {m.authority for m in info.data["measures"].values()}
        for authority in stacking:
            if authority not in used:
                hint = f" (used: {', '.join(sorted(used))})" if used else ""
                raise ValueError(f"no tranche or measure has authority '{authority}'{hint}")
        return stacking

    @field_validator("groups", mode="before")
    @classmethod
    def _group_members(cls, groups: Any) -> Any:
        if not isinstance(groups, dict):
            return groups
        return {name: group_members(members) for name, members in groups.items()}

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
            refs += _form_refs(base, tranche)
        refs += _measure_refs(self)
        for code, fx in self.currencies.items():
            refs.append((("currencies", code, "source"), fx.source))
        if self.assumptions:
            refs += [(("assumptions", *p), r) for p, r in self.assumptions.source_refs()]
        for name, d in self.uncertainty.items():
            if d.source != JUDGEMENT:
                refs.append((("uncertainty", name, "source"), d.source))
        return refs


def _measure_refs(scenario: Scenario) -> list[tuple[tuple[str, ...], str]]:
    """(field path, source id) of every source cited by measures, flows and rules."""
    refs: list[tuple[tuple[str, ...], str]] = []
    for mid, measure in scenario.measures.items():
        base = ("measures", mid)
        if measure.source:
            refs.append(((*base, "source"), measure.source))
        refs += _form_refs(base, measure)
        for day, step in measure.schedule.items():
            at = (*base, "schedule", day.isoformat())
            if step.source:
                refs.append(((*at, "source"), step.source))
            if step.in_transit and step.in_transit.source:
                refs.append(((*at, "in_transit", "source"), step.in_transit.source))
            for origin, rate in step.by_origin.items():
                if rate.source:
                    refs.append(((*at, "by_origin", origin, "source"), rate.source))
    for fid, flow in scenario.flows.items():
        base = ("flows", fid)
        if flow.source:
            refs.append(((*base, "source"), flow.source))
        if flow.quantity is not None and flow.quantity.source:
            refs.append(((*base, "quantity", "source"), flow.quantity.source))
        if flow.imports.source:
            refs.append(((*base, "imports", "source"), flow.imports.source))
        if flow.assumptions:
            refs += [((*base, "assumptions", *p), r) for p, r in flow.assumptions.source_refs()]
    for rid, rule in scenario.precedence.items():
        if rule.source:
            refs.append((("precedence", rid, "source"), rule.source))
    return refs


def _form_refs(base: tuple[str, ...], measure: Any) -> list[tuple[tuple[str, ...], str]]:
    """(field path, source id) of a tranche's or measure's quantity and refund."""
    refs = []
    for name in ("quantity", "refund"):
        block = getattr(measure, name, None)
        if block is not None and block.source:
            refs.append(((*base, name, "source"), block.source))
    return refs


def tranche_assumptions(scenario: Scenario) -> dict[str, Assumptions] | None:
    """Each tranche's effective assumptions, or None when the scenario states none at all."""
    blocks = {tid: t.assumptions for tid, t in scenario.tranches.items()}
    if scenario.assumptions is None and all(b is None for b in blocks.values()):
        return None
    empty = Assumptions.model_validate({})
    return {tid: (b or empty).over(scenario.assumptions) for tid, b in blocks.items()}
