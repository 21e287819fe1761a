"""The ad valorem rate a tranche's flow pays under each of its steps, duty forms applied.

A flow is one value per year with, optionally, the quantity behind it, and one MFN rate. On
it each form becomes an ad valorem rate (:mod:`tariffsim.model.duty_forms`):

- an all-in floor F: ``max(0, F − m)``, m the flow's MFN rate;
- a rate τ with a specific part a per unit: ``τ + a · q / V`` (q/V the flow's quantity per
  USD; exact for the flow, whose quantity and value accrue together);
- a value share s (gated by ``min_share``): the rate times the dutiable share;
- an all-in cap C: ``min(rate, max(0, C − m))``, after the share;
- an expiry or invalidation: 0 from that day.

Ledger lines, which carry their own value, quantity and MFN, price the same forms line by
line. No I/O; the scenario's models in, plain (date, rate) lists out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from tariffsim.model import duty_forms
from tariffsim.scenario.schema import ScheduleStep, Tranche


def form_rate(
    step: ScheduleStep,
    rate: float,
    mfn: float,
    quantity_per_usd: float | None,
    value_share: float | None = None,
    min_share: float | None = None,
) -> float:
    """The ad valorem rate a flow pays under one step of a measure, its forms applied.

    Parameters
    ----------
    step : the step in force.
    rate : its ad valorem rate for the flow's origin (``by_origin`` resolved) [fraction].
    mfn : the flow's MFN rate [fraction].
    quantity_per_usd : the flow's quantity per USD of value [unit/USD], None if unknown.
    value_share, min_share : the measure's value share and its gate [fraction].
    """
    base = np.array([mfn])
    if step.all_in_floor is not None:
        return float(duty_forms.all_in_floor_rate(step.all_in_floor, base)[0])
    if step.is_specific:
        if quantity_per_usd is None:  # check_forms refuses this at load time
            raise ValueError(f"a specific rate ('{step.text}') on a flow without a quantity")
        rate += float(duty_forms.specific_duty(np.array([quantity_per_usd]), step.specific)[0])
    if value_share is not None or min_share is not None:
        share = 1.0 if value_share is None else value_share
        rate *= float(duty_forms.dutiable_share(share, min_share))
    if step.all_in_cap is not None:
        rate = float(duty_forms.all_in_cap_rate(rate, step.all_in_cap, base)[0])
    return rate


def column_share(value_share: float | None, min_share: float | None) -> float:
    """The share of the value a measure's rate applies to [fraction]; 1 when it sets none."""
    if value_share is None and min_share is None:
        return 1.0
    return float(duty_forms.dutiable_share(1.0 if value_share is None else value_share, min_share))


def quantity_per_usd(flow: Tranche | Any) -> float | None:
    """A flow's (or tranche's) quantity per USD of its value [unit/USD], None without one."""
    if flow.quantity is None:
        return None
    value = flow.imports.value
    return flow.quantity.value / value if value > 0 else 0.0


def step_rate(tranche: Tranche, step: ScheduleStep | None) -> float:
    """The ad valorem rate the tranche's flow pays under one step [fraction]."""
    if step is None:
        return 0.0
    return form_rate(
        step,
        step.rate,
        tranche.base_rate.value,
        quantity_per_usd(tranche),
        tranche.value_share,
        tranche.min_share,
    )


def flow_steps(tranche: Tranche) -> list[tuple[dt.date, float]]:
    """(entry date, ad valorem rate the flow pays) of every step that applies, in order."""
    return [(day, step_rate(tranche, step)) for day, step in tranche.applied_entries()]


def flow_rate_on(tranche: Tranche, day: dt.date) -> float:
    """The rate the flow pays on goods entered on ``day`` [fraction]; 0 before the first step."""
    rate = 0.0
    for start, value in flow_steps(tranche):
        if start <= day:
            rate = value
    return rate
