"""Orchestration: a validated scenario → arrays → engine → results.

The steps, in order: build the grid of slices; evaluate each tranche's rate
step function on it; accrue imports; compute duty; sum into periods; wrap
the arrays as tidy frames (:mod:`tariffsim.results`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tariffsim import engine
from tariffsim.results import Result, build_result
from tariffsim.schema import Scenario, Step
from tariffsim.timeline import FloatArray, Grid, build_grid, day_number, step_function


@dataclass(frozen=True)
class Inputs:
    """A scenario as arrays, one row per tranche.

    Attributes
    ----------
    annual_flow : import value before any response [USD/year], shape (N,).
    base_rate : MFN rate [fraction], shape (N,).
    additional_rate : additional rate on each slice [fraction], shape (N, S).
    additional_rate_at_end : additional rate in force on the horizon's last day, shape (N,).
    """

    grid: Grid
    annual_flow: FloatArray
    base_rate: FloatArray
    additional_rate: FloatArray
    additional_rate_at_end: FloatArray


def scenario_arrays(scenario: Scenario, step: Step | None = None) -> Inputs:
    """Lay a scenario's tranches and dated steps onto a grid of slices."""
    tranches = list(scenario.tranches.values())
    steps = [t.applied_steps() for t in tranches]
    horizon = scenario.horizon
    grid = build_grid(
        horizon.start,
        horizon.end,
        step or horizon.step,
        change_dates=[day for tranche_steps in steps for day, _ in tranche_steps],
    )
    step_days = [[day_number(d) for d, _ in s] for s in steps]
    step_rates = [[r for _, r in s] for s in steps]
    last_day = np.array([day_number(horizon.end)], dtype=np.int64)
    return Inputs(
        grid=grid,
        annual_flow=np.array([t.imports.value for t in tranches], dtype=np.float64),
        base_rate=np.array([t.base_rate.value for t in tranches], dtype=np.float64),
        additional_rate=step_function(step_days, step_rates, grid.slice_start),
        additional_rate_at_end=step_function(step_days, step_rates, last_day)[:, 0],
    )


def simulate(scenario: Scenario, step: Step | None = None) -> Result:
    """Duty exposure of a scenario, per tranche and period (static: imports do not respond).

    Parameters
    ----------
    scenario : a validated scenario.
    step : reporting period, overriding the scenario's ``horizon.step``.
    """
    inputs = scenario_arrays(scenario, step)
    grid = inputs.grid
    duty = engine.period_duty(
        inputs.annual_flow,
        grid.year_fraction,
        inputs.additional_rate,
        inputs.base_rate,
        grid.period_first_slice,
    )
    return build_result(
        scenario,
        step=step or scenario.horizon.step,
        grid=grid,
        imports=duty.imports,
        additional_duty=duty.additional_duty,
        base_duty=duty.base_duty,
        run_rate_additional=engine.annualised_run_rate(
            inputs.annual_flow, inputs.additional_rate_at_end
        ),
        run_rate_base=engine.annualised_run_rate(inputs.annual_flow, inputs.base_rate),
    )
