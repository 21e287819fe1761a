"""Orchestration: a validated scenario → arrays → engine → results.

The steps, in order: read each tranche's behavioural assumptions (if any);
build the grid of slices; evaluate each tranche's rate step function on it;
accrue imports; compute the static duty; if the scenario states assumptions
and the run is behavioural, compute the response (:mod:`tariffsim.model.response`)
and its duty; sum into periods; wrap the arrays as tidy frames
(:mod:`tariffsim.model.results`), static and behavioural rows side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np

from tariffsim._types import FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.model import (
    behaviour,
    budget,
    engine,
    invalidation,
    measure_rates,
    response,
    row_blocks,
)
from tariffsim.model.results import Result, Rows, build_result, stack_modes
from tariffsim.model.timeline import (
    Grid,
    LongSteps,
    build_grid,
    day_number,
    long_steps,
    step_function_long,
)
from tariffsim.scenario.assumptions import Assumptions
from tariffsim.scenario.schema import Scenario, Step, tranche_assumptions

MAX_ROWS = 5_000_000
"""Most tranche × period rows in one run (about 1.5 GB of result frames)."""

MAX_CELLS = 50_000_000
"""Most tranche × slice cells in one run (about 2 GB of engine arrays)."""


@dataclass(frozen=True)
class Inputs:
    """A scenario as arrays, one row per tranche.

    Attributes
    ----------
    annual_flow : import value before any response [USD/year], shape (N,).
    base_rate : MFN rate [fraction], shape (N,).
    rate_steps : each tranche's additional rate steps (by entry date, in-transit
        grace applied) in long form [day number, fraction].
    kept_steps : each tranche's exclusion steps, the share still paying [1], long form.
    additional_rate_at_end : additional rate in force on the horizon's last day, shape (N,).
    accrual_fraction : share of the annual flow accrued on each slice [1], (S,), or
        (N, S) under a seasonal profile.
    """

    grid: Grid
    annual_flow: FloatArray
    base_rate: FloatArray
    rate_steps: LongSteps
    kept_steps: LongSteps
    additional_rate_at_end: FloatArray
    accrual_fraction: FloatArray

    @cached_property
    def additional_rate(self) -> FloatArray:
        """Additional rate on each slice, net of exclusions [fraction], shape (N, S).

        Built on first use: a static run reads the steps through
        :mod:`~tariffsim.model.row_blocks` instead and never builds it.
        """
        rows, at = self.annual_flow.size, self.grid.slice_start
        rate: FloatArray = step_function_long(*self.rate_steps, at, rows=rows)
        return rate * step_function_long(*self.kept_steps, at, rows=rows, before=1.0)


def scenario_arrays(
    scenario: Scenario,
    step: Step | None = None,
    assumptions: dict[str, Assumptions] | None = None,
) -> Inputs:
    """Lay a scenario's tranches and dated steps onto a grid of slices.

    With ``assumptions``, the grid also cuts where the response needs it
    (front-loading windows, diversion rate changes, month starts for seasonality).
    """
    tranches = list(scenario.tranches.values())
    steps = [measure_rates.flow_steps(t) for t in tranches]
    # exclusions scale the additional rate by the share still paying it (1 outside them)
    kept = [t.exclusion_steps() for t in tranches]
    horizon = scenario.horizon
    cuts = response.cut_dates(scenario, assumptions) if assumptions else []
    grid = build_grid(
        horizon.start,
        horizon.end,
        step or horizon.step,
        change_dates=[day for tranche_steps in (*steps, *kept) for day, _ in tranche_steps] + cuts,
        split_months=any(a.seasonality for a in (assumptions or {}).values()),
    )
    _check_size(len(tranches), grid)
    seasonal = response.seasonal_fraction(scenario, assumptions, grid) if assumptions else None
    rate_steps = long_steps(
        [[day_number(d) for d, _ in s] for s in steps], [[r for _, r in s] for s in steps]
    )
    kept_steps = long_steps(
        [[day_number(d) for d, _ in k] for k in kept], [[f for _, f in k] for k in kept]
    )
    last_day = np.array([day_number(horizon.end)], dtype=np.int64)
    rows = len(tranches)
    return Inputs(
        grid=grid,
        annual_flow=np.array([t.imports.value for t in tranches], dtype=np.float64),
        base_rate=np.array([t.base_rate.value for t in tranches], dtype=np.float64),
        rate_steps=rate_steps,
        kept_steps=kept_steps,
        additional_rate_at_end=(
            step_function_long(*rate_steps, last_day, rows=rows)
            * step_function_long(*kept_steps, last_day, rows=rows, before=1.0)
        )[:, 0],
        accrual_fraction=grid.year_fraction if seasonal is None else seasonal,
    )


def _check_size(tranches: int, grid: Grid) -> None:
    """Refuse a run whose arrays or frames would not fit in memory, before allocating them."""
    rows, cells = tranches * len(grid.period_start), tranches * len(grid.slice_start)
    if rows > MAX_ROWS or cells > MAX_CELLS:
        raise TariffsimError(
            f"{tranches:,} tranches × {len(grid.period_start):,} periods is too large a run"
            f" (limits: {MAX_ROWS:,} rows, {MAX_CELLS:,} slices)",
            field="horizon",
            hint="use a coarser --step or a shorter horizon",
        )
    try:
        budget.check_memory(
            budget.simulation_bytes(rows, cells),
            f"{tranches:,} tranches × {len(grid.period_start):,} periods",
            "use a coarser --step or a shorter horizon",
        )
    except TariffsimError as exc:
        raise TariffsimError(exc.message, field="horizon", hint=exc.hint) from None


def simulate(scenario: Scenario, step: Step | None = None, *, behavioural: bool = True) -> Result:
    """Duty exposure of a scenario, per tranche and period, static and behavioural.

    Parameters
    ----------
    scenario : a validated scenario.
    step : reporting period, overriding the scenario's ``horizon.step``.
    behavioural : add the behavioural response when the scenario states
        ``assumptions:``; False gives the static run only (``--static``).

    Returns
    -------
    Result
        headline mode ``"behavioural"`` with static and behavioural rows when the
        response ran, else ``"static"`` with static rows only.
    """
    assumptions = tranche_assumptions(scenario)
    inputs = scenario_arrays(scenario, step, assumptions)
    result = _simulate(scenario, step or scenario.horizon.step, inputs, assumptions, behavioural)
    if any(t.refund is not None or t.refund_parts for t in scenario.tranches.values()):
        table = invalidation.refund_table(
            scenario,
            inputs.grid,
            inputs.annual_flow,
            inputs.accrual_fraction,
            inputs.additional_rate,
        )
        result = replace(result, refunds=table)
    return result


def _simulate(
    scenario: Scenario,
    step: Step,
    inputs: Inputs,
    assumptions: dict[str, Assumptions] | None,
    behavioural: bool,
) -> Result:
    grid = inputs.grid
    if not assumptions:
        return _static_result(scenario, step, inputs)
    p = response.parameters(scenario, assumptions)
    imports = engine.accrued_imports(inputs.annual_flow, inputs.accrual_fraction)
    static = _duty_result(
        scenario,
        step,
        grid,
        imports=imports,
        additional_rate=inputs.additional_rate,
        base_rate=inputs.base_rate,
        run_rate_flow=inputs.annual_flow,
        rate_at_end=inputs.additional_rate_at_end,
        pass_through=p.pass_through,
    )
    if not behavioural:
        return static
    total_rate = inputs.base_rate[:, None] + inputs.additional_rate
    r = response.respond(
        scenario,
        assumptions,
        p,
        grid,
        total_rate,
        inputs.base_rate + inputs.additional_rate_at_end,
        imports,
    )
    responding = _duty_result(
        scenario,
        step,
        grid,
        imports=r.imports,
        additional_rate=inputs.additional_rate,
        base_rate=inputs.base_rate,
        run_rate_flow=inputs.annual_flow * r.long_run_end,
        rate_at_end=inputs.additional_rate_at_end,
        pass_through=p.pass_through,
        mode="behavioural",
        behaviour_slices={
            "import_change_usd": r.imports - imports,
            "frontloaded_usd": r.frontloaded,
            "deadweight_loss_usd": behaviour.deadweight_loss(
                p.reference_rate, total_rate, imports, r.responded
            ),
        },
    )
    d = r.diversions
    src = d.source
    diverted = _duty_result(
        scenario,
        step,
        grid,
        imports=r.diverted,
        additional_rate=d.additional_rate,
        base_rate=d.base_rate,
        run_rate_flow=inputs.annual_flow[src]
        * p.diversion_share[src]
        * np.maximum(1.0 - r.long_run_end[src], 0.0),
        rate_at_end=d.additional_rate_at_end,
        pass_through=p.pass_through[src],
        mode="behavioural",
        rows=_diversion_rows(scenario, assumptions, src),
        behaviour_slices={"import_change_usd": r.diverted, "diverted_usd": r.diverted},
    )
    extra = {
        "assumptions": describe(scenario, assumptions, p),
        # the shifts net to zero over each window; this is the volume moved
        "frontloaded_moved_usd": float(np.maximum(r.frontloaded, 0.0).sum()),
    }
    # The response's (N, S) arrays are done with: free them before the stacking's peak.
    del r, d, imports, total_rate
    return stack_modes([static, responding, diverted], mode="behavioural", extra=extra)


def _static_result(scenario: Scenario, step: str, inputs: Inputs) -> Result:
    """Static duty without assumptions: period sums straight from the steps and flows.

    :func:`row_blocks.period_duty_from_steps` builds no (N, S) arrays and runs
    blocks of rows side by side, so a scenario with many tranches runs the path
    measured in ``benchmarks/``.
    """
    grid = inputs.grid
    duty = row_blocks.period_duty_from_steps(
        inputs.annual_flow,
        inputs.accrual_fraction,
        [(inputs.rate_steps, 0.0), (inputs.kept_steps, 1.0)],
        inputs.base_rate,
        grid.slice_start,
        grid.period_first_slice,
    )
    return build_result(
        scenario,
        step=step,
        grid=grid,
        imports=duty.imports,
        additional_duty=duty.additional_duty,
        base_duty=duty.base_duty,
        run_rate_additional=engine.annualised_run_rate(
            inputs.annual_flow, inputs.additional_rate_at_end
        ),
        run_rate_base=engine.annualised_run_rate(inputs.annual_flow, inputs.base_rate),
    )


def _duty_result(
    scenario: Scenario,
    step: str,
    grid: Grid,
    *,
    imports: FloatArray,
    additional_rate: FloatArray,
    base_rate: FloatArray,
    run_rate_flow: FloatArray,
    rate_at_end: FloatArray,
    pass_through: FloatArray | None,
    mode: str = "static",
    rows: Rows | None = None,
    behaviour_slices: dict[str, FloatArray] | None = None,
) -> Result:
    """Duty on per-row × per-slice imports, summed into periods and wrapped as a Result."""
    first = grid.period_first_slice
    additional = engine.ad_valorem_duty(imports, additional_rate)
    base = engine.ad_valorem_duty(imports, base_rate[:, None])
    slices = dict(behaviour_slices or {})
    if pass_through is not None:
        slices["consumer_cost_usd"] = behaviour.consumer_cost(additional + base, pass_through)
    return build_result(
        scenario,
        step=step,
        grid=grid,
        imports=engine.period_sums(imports, first),
        additional_duty=engine.period_sums(additional, first),
        base_duty=engine.period_sums(base, first),
        run_rate_additional=engine.annualised_run_rate(run_rate_flow, rate_at_end),
        run_rate_base=engine.annualised_run_rate(run_rate_flow, base_rate),
        mode=mode,
        rows=rows,
        behaviour={k: engine.period_sums(v, first) for k, v in slices.items()},
    )


def _diversion_rows(
    scenario: Scenario, assumptions: dict[str, Assumptions], source: IntArray
) -> Rows:
    names = list(scenario.tranches)
    ids = [names[i] for i in source]
    chosen = [(tid, scenario.tranches[tid]) for tid in ids]
    to = [d.to for tid in ids if (d := assumptions[tid].diversion)]
    return Rows(
        ids=[f"{tid}→{code}" for (tid, _), code in zip(chosen, to, strict=True)],
        labels=[f"{t.label} → {code}" for (_, t), code in zip(chosen, to, strict=True)],
        importers=[t.importer for _, t in chosen],
        exporters=to,
    )


def describe(
    scenario: Scenario, assumptions: dict[str, Assumptions], p: response.Parameters
) -> dict[str, dict[str, Any]]:
    """The assumptions each tranche ran with, JSON-ready: values and source ids."""
    out: dict[str, dict[str, Any]] = {}
    for i, (tid, a) in enumerate(assumptions.items()):
        entry: dict[str, Any] = {
            "reference_date": a.reference_date.value.isoformat() if a.reference_date else None,
            "reference_rate": float(p.reference_rate[i]),
            "elasticity": float(p.elasticity[i]),
            "pass_through": float(p.pass_through[i]),
            "half_life_days": float(p.half_life[i]) if a.half_life else None,
            "front_loading_share": float(p.front_share[i]),
            "front_loading_window_days": a.front_loading.window.value if a.front_loading else None,
            "diversion_to": a.diversion.to if a.diversion else None,
            "diversion_share": float(p.diversion_share[i]),
            "seasonality": list(a.seasonality.value) if a.seasonality else None,
        }
        entry["sources"] = {"/".join(path): ref for path, ref in a.source_refs()}
        out[tid] = entry
    return out
