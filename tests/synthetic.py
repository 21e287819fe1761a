"""Synthetic results for tests: a static result with behavioural rows added beside it.

The behavioural model is built elsewhere; these frames have the shape its
results will have (a ``mode`` column with ``"static"`` and ``"behavioural"``
rows), so comparison and charts can be tested against both modes now.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from tariffsim.model.results import Result
from tariffsim.scenario.schema import Scenario

MONEY = ["imports_usd", "additional_duty_usd", "base_duty_usd", "total_duty_usd"]


def with_behavioural(result: Result, factor: float) -> Result:
    """``result`` plus behavioural rows: imports and duties ``factor`` × the static ones."""
    periods = result.periods.copy()
    periods[[*MONEY, "cumulative_duty_usd"]] *= factor
    periods["mode"] = "behavioural"
    tranches = result.tranches.copy()
    tranches[[*MONEY, "run_rate_additional_usd", "run_rate_total_usd"]] *= factor
    tranches["mode"] = "behavioural"
    return dataclasses.replace(
        result,
        periods=pd.concat([result.periods, periods], ignore_index=True),
        tranches=pd.concat([result.tranches, tranches], ignore_index=True),
    )


def static_only(scenario: Scenario) -> Scenario:
    """``scenario`` without its behavioural assumptions, so it simulates static rows only.

    The comparison and chart tests check arithmetic by hand on static runs; the
    shipped scenarios carry an ``assumptions:`` block and would add behavioural rows.
    """
    return scenario.model_copy(update={"assumptions": None})
