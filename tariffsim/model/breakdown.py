"""Duty by legal authority: each row's additional duty split among the authorities stacked on it.

A row laid out from a flow carries each authority's part of its rate
(``Scenario.authority_parts``, from :mod:`tariffsim.model.flows`); a tranche is its own
authority (its ``authority``, else ``tranche``). On a period P of a row with annual flow V:

    D_{a,P} = D_P · Σ_{s∈P} τ_{a,s} w_s / Σ_{s∈P} τ_s w_s

with τ_{a,s} authority a's rate on slice s, τ_s = Σ_a τ_{a,s}, w_s the slice's share of
its year, and D_P the row's additional duty in the result. For a static run without a
seasonal profile this is exactly V · Σ_{s∈P} τ_{a,s} w_s; otherwise it splits the
result's duty in proportion to each authority's rate-days. The parts add up to D_P.
The effective rate's decomposition by authority is D_a / M (M: the importer's imports).
No I/O; arrays and frames in, a tidy frame out.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

import numpy as np
import pandas as pd

from tariffsim.model import measure_rates
from tariffsim.model.results import Result
from tariffsim.model.timeline import build_grid, day_number, step_function
from tariffsim.scenario.schema import Scenario, Step

TRANCHE = "tranche"
"""The authority of a tranche written without one."""

COLUMNS = [
    "mode",
    "tranche",
    "importer",
    "exporter",
    "period_start",
    "period_end",
    "authority",
    "additional_duty_usd",
]


def authority_steps(result: Result) -> dict[str, dict[str, list[tuple[dt.date, float]]]]:
    """Per row, each authority's (entry date, rate) steps [fraction]."""
    return scenario_authority_steps(result.scenario)


def scenario_authority_steps(
    scenario: Scenario,
) -> dict[str, dict[str, list[tuple[dt.date, float]]]]:
    """Per row of a scenario (flows laid out as rows), each authority's (entry date, rate) steps."""
    out: dict[str, dict[str, list[tuple[dt.date, float]]]] = {}
    for tid, tranche in scenario.tranches.items():
        parts = scenario.authority_parts.get(tid)
        if parts is not None:
            out[tid] = {a: list(steps) for a, steps in parts.items()}
        else:
            out[tid] = {tranche.authority or TRANCHE: measure_rates.flow_steps(tranche)}
    return out


def duty_by_authority(result: Result) -> pd.DataFrame:
    """Each row's additional duty per period, split by authority [USD] (see the module notes).

    Columns: :data:`COLUMNS`; one row per mode × tranche × period × authority. Rows the
    scenario does not hold (a behavioural run's diverted flows) are left out.
    """
    steps = authority_steps(result)
    h = result.scenario.horizon
    changes = [d for parts in steps.values() for s in parts.values() for d, _ in s]
    grid = build_grid(h.start, h.end, cast(Step, result.step), change_dates=changes)
    keys = [(tid, a) for tid, parts in steps.items() for a in parts]
    if not keys:
        return pd.DataFrame(columns=COLUMNS)
    rates = step_function(
        [[day_number(d) for d, _ in steps[t][a]] for t, a in keys],
        [[r for _, r in steps[t][a]] for t, a in keys],
        grid.slice_start,
    )
    weights = np.add.reduceat(rates * grid.year_fraction, grid.period_first_slice, axis=1)
    rows = pd.DataFrame(
        {
            "tranche": np.repeat([t for t, _ in keys], grid.n_periods),
            "authority": np.repeat([a for _, a in keys], grid.n_periods),
            "period_start": list(grid.period_start) * len(keys),
            "weight": weights.ravel(),
        }
    )
    rows["total_weight"] = rows.groupby(["tranche", "period_start"])["weight"].transform("sum")
    periods = result.periods[
        ["mode", "tranche", "importer", "exporter", "period_start", "period_end",
         "additional_duty_usd"]
    ]  # fmt: skip
    merged = periods.merge(rows, on=["tranche", "period_start"], how="inner")
    share = np.divide(
        merged["weight"].to_numpy(),
        merged["total_weight"].to_numpy(),
        out=np.zeros(len(merged)),
        where=merged["total_weight"].to_numpy() > 0,
    )
    merged["additional_duty_usd"] = merged["additional_duty_usd"].to_numpy() * share
    return merged[COLUMNS].reset_index(drop=True)


def effective_rate_parts(result: Result, mode: str | None = None) -> pd.DataFrame:
    """Per importer and authority: duty over the horizon [USD] and its part of the rate [1].

    ``rate_part = D_a / M`` with M the importer's imports over the horizon; the parts of an
    importer add up to its effective additional rate.
    """
    mode = mode or result.mode
    duty = duty_by_authority(result)
    duty = duty[duty["mode"] == mode]
    sums = duty.groupby(["importer", "authority"], sort=False)["additional_duty_usd"].sum()
    frame = sums.reset_index()
    rows = result.tranches[result.tranches["mode"] == mode]
    imports = rows.groupby("importer")["imports_usd"].sum()
    frame["rate_part"] = frame["additional_duty_usd"] / frame["importer"].map(imports)
    return frame
