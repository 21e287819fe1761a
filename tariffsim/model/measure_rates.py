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

import numpy as np

from tariffsim.model import duty_forms
from tariffsim.scenario.schema import ScheduleStep, Tranche


def step_rate(tranche: Tranche, step: ScheduleStep | None) -> float:
    """The ad valorem rate the tranche's flow pays under one step [fraction]."""
    if step is None:
        return 0.0
    mfn = np.array([tranche.base_rate.value])
    if step.all_in_floor is not None:
        return float(duty_forms.all_in_floor_rate(step.all_in_floor, mfn)[0])
    rate = step.rate
    if step.is_specific:
        per_usd = _quantity_per_usd(tranche)
        rate += float(duty_forms.specific_duty(np.array([per_usd]), step.specific)[0])
    if tranche.value_share is not None or tranche.min_share is not None:
        share = 1.0 if tranche.value_share is None else tranche.value_share
        rate *= float(duty_forms.dutiable_share(share, tranche.min_share))
    if step.all_in_cap is not None:
        rate = float(duty_forms.all_in_cap_rate(rate, step.all_in_cap, mfn)[0])
    return rate


def _quantity_per_usd(tranche: Tranche) -> float:
    """The flow's quantity per USD of value [unit/USD]; refused at load time when absent."""
    if tranche.quantity is None:  # pragma: no cover - check_forms refuses this at load time
        raise ValueError(f"tranche '{tranche.label}' has a specific rate but no quantity")
    value = tranche.imports.value
    return tranche.quantity.value / value if value > 0 else 0.0


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
