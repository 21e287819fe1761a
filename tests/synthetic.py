"""Synthetic results for tests: a static result with behavioural rows added beside it.

The behavioural model is built elsewhere; these frames have the shape its
results will have (a ``mode`` column with ``"static"`` and ``"behavioural"``
rows), so comparison and charts can be tested against both modes now.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from tariffsim.model.results import PeriodArrays, Result
from tariffsim.scenario.schema import Scenario

MONEY = ["imports_usd", "additional_duty_usd", "base_duty_usd", "total_duty_usd"]


def with_behavioural(result: Result, factor: float) -> Result:
    """``result`` plus behavioural rows: imports and duties ``factor`` × the static ones."""
    a = result.arrays
    scaled = {
        c: v * factor if c in (*MONEY, "cumulative_duty_usd") else v for c, v in a.values.items()
    }
    behavioural = dataclasses.replace(
        a,
        modes=np.full(len(a.modes), "behavioural", dtype=object),
        values=scaled,
        run_rate_additional=a.run_rate_additional * factor,
        run_rate_total=a.run_rate_total * factor,
    )
    return dataclasses.replace(result, arrays=PeriodArrays.stacked([a, behavioural]))


def static_only(scenario: Scenario) -> Scenario:
    """``scenario`` without its behavioural assumptions, so it simulates static rows only.

    The comparison and chart tests check arithmetic by hand on static runs; the
    shipped scenarios carry an ``assumptions:`` block and would add behavioural rows.
    """
    return scenario.model_copy(update={"assumptions": None})
