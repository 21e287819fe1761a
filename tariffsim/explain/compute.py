"""The stack for one HTS code, origin and day: every measure, applied or not, and why.

Reads the scenario (and its membership lists), lays its measures out as columns
(:mod:`tariffsim.model.coverage`) and stacks them on the one key with
:func:`tariffsim.model.stack.stack`, the function ``run`` and ``exposure`` use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from tariffsim.errors import TariffsimError
from tariffsim.model import duty_forms, measure_rates
from tariffsim.model.coverage import (
    Column,
    Columns,
    columns_of,
    fill_rest,
    importers,
    product_cover,
)
from tariffsim.model.stack import BASE_AUTHORITY, BELOW_MAX, NOT_EXCLUDED, base_columns, stack
from tariffsim.scenario import hts
from tariffsim.scenario.countries import parse_country
from tariffsim.scenario.memberships import scenario_lists
from tariffsim.scenario.schema import Scenario
from tariffsim.scenario.validation import locate_error, read_scenario


@dataclass(frozen=True)
class Line:
    """One measure in the stack.

    Attributes
    ----------
    id, label, authority : the measure (or tranche) as written.
    rate : its own rate on the day [fraction] (0 before its first step).
    paid : its part of the rate the product pays [fraction].
    status : ``applied``, ``excluded``, ``below max``, ``not in force``, ``not covered``.
    why : the reason, in words (the rule that excluded it, what it does not cover).
    source : its source id for the day's step (or the measure's).
    """

    id: str
    label: str
    authority: str
    rate: float
    paid: float
    status: str
    why: str
    source: str | None


@dataclass(frozen=True)
class Explanation:
    """The stack on one key, with the totals it gives [fraction]."""

    scenario: Scenario
    importer: str
    hts: str
    origin: str
    day: dt.date
    lines: list[Line]
    tranche_base: float = 0.0
    """The base (MFN) rate of the covering tranches (the largest) [fraction]."""

    @property
    def base_rate(self) -> float:
        paid = sum(x.paid for x in self.lines if x.authority == BASE_AUTHORITY)
        return self.tranche_base + paid

    @property
    def additional_rate(self) -> float:
        return sum(x.paid for x in self.lines if x.authority != BASE_AUTHORITY)

    def by_authority(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for x in self.lines:
            out[x.authority] = out.get(x.authority, 0.0) + x.paid
        return out


def load_explanation(
    path: str | Path,
    code: str,
    origin: str,
    day: dt.date,
    importer: str | None = None,
    memberships: str | Path | None = None,
) -> Explanation:
    """Read a scenario and explain the stack on one HTS code, origin and day."""
    scenario, document = read_scenario(path)
    try:
        lists = scenario_lists(scenario, document, memberships)
        return explain(scenario, lists, code, origin, day, importer)
    except TariffsimError as exc:
        raise locate_error(exc, document) from None


def explain(
    scenario: Scenario,
    lists: dict[str, list[str]],
    code: str,
    origin: str,
    day: dt.date,
    importer: str | None = None,
) -> Explanation:
    """The stack of every measure of ``importer`` on one product, origin and day."""
    try:
        digits = hts.normalise_prefix(code)
        country = parse_country(origin)
    except ValueError as exc:
        raise TariffsimError(str(exc), field="--hts" if "HTS" in str(exc) else "--origin") from None
    found = importers(scenario)
    if importer is None and len(found) > 1:
        raise TariffsimError(
            f"scenario '{scenario.name}' has measures of several importers ({', '.join(found)})",
            field="--importer",
            hint="name the importer with --importer",
        )
    chosen = (importer or found[0]).strip().upper()
    if chosen not in found:
        raise TariffsimError(
            f"no measure imported by '{importer}'",
            field="--importer",
            hint=f"the scenario's importers: {', '.join(found)}",
        )
    cols = columns_of(scenario, chosen, lists)
    product = _product_covers(cols, hts.code_keys([digits])[0])
    columns = cols.columns
    origin_hit = np.array(
        [country in c.origins.resolve(cols.groups, day) for c in columns], dtype=np.bool_
    )
    steps = [c.step_on(day) for c in columns]
    in_force = np.array([s is not None for s in steps], dtype=np.bool_)
    rates = np.array(
        [
            c.rate_for(s, country, day, cols.groups)
            * measure_rates.column_share(c.value_share, c.min_share)
            if s
            else 0.0
            for c, s in zip(columns, steps, strict=True)
        ]
    )
    stacked = stack(
        (product & origin_hit & in_force)[None, :],
        rates[None, :],
        cols.authorities,
        cols.within,
        cols.rules,
    )
    # all-in floors and caps read the MFN the product pays (mfn measures and tranche bases)
    base = base_columns(cols.authorities)
    reach = product & origin_hit
    tranche_base = max(
        [c.base_rate for m, c in enumerate(columns) if c.tranche and reach[m]] or [0]
    )
    mfn = np.array([tranche_base + float(stacked.component[0, base].sum())])
    forms = [
        [s.all_in_floor if s and s.all_in_floor is not None else np.nan for s in steps],
        [s.all_in_cap if s and s.all_in_cap is not None else np.nan for s in steps],
    ]
    component = duty_forms.all_in_components(
        stacked.component, stacked.applied, mfn, *(np.array([row]) for row in forms)
    )
    rates = np.where(np.isnan(forms[0]), rates, component[0])
    stacked = replace(stacked, component=component)
    lines = []
    for m, c in enumerate(columns):
        status, why = _status(
            scenario,
            cols,
            c,
            (bool(product[m]), bool(origin_hit[m]), bool(in_force[m])),
            int(stacked.excluded_by[0, m]),
        )
        step = steps[m]
        own = step.by_origin.get(country) if step else None
        source = (own.source if own else None) or (step.source if step else None) or c.source
        paid = float(stacked.component[0, m])
        lines.append(Line(c.id, c.label, c.authority, float(rates[m]), paid, status, why, source))
    reach = product & origin_hit
    bases = [c.base_rate for m, c in enumerate(columns) if c.tranche and reach[m]]
    return Explanation(scenario, chosen, digits, country, day, lines, max(bases, default=0.0))


def _product_covers(cols: Columns, key: int) -> np.ndarray:
    """Whether each column covers the product key (a tranche's 'rest' filled in)."""
    starts, covers = product_cover([c.products for c in cols.columns])
    fill_rest(cols.columns, covers)
    return np.asarray(covers[int(np.searchsorted(starts, key, side="right")) - 1])


def _status(
    scenario: Scenario,
    cols: Columns,
    column: Column,
    reach: tuple[bool, bool, bool],
    excluded: int,
) -> tuple[str, str]:
    """The status of one measure on the key, and why, in words."""
    product, origin, in_force = reach
    if not product:
        if column.products.scope == "listed" and column.products.include == ():
            # exposure refuses such a tranche; here it would read as "this product is not listed"
            return "not covered", "it names no products (give its lists with --memberships)"
        return "not covered", "not among its products"
    if not origin:
        return "not covered", f"origins {column.origins.text()} do not include it"
    if not in_force:
        if not column.steps:
            return "not in force", "no step of its schedule applies"
        return "not in force", f"first step {column.steps[0][0].isoformat()}"
    if excluded == BELOW_MAX:
        return "below max", f"a larger {column.authority} measure applies (stacking: max)"
    if excluded != NOT_EXCLUDED:
        name = cols.rules[excluded].name
        return "excluded", f"precedence '{name}': {scenario.precedence[name].rule}"
    return "applied", ""
