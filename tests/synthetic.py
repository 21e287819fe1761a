"""Synthetic results for tests: a static result with behavioural rows added beside it.

The behavioural model is built elsewhere; these frames have the shape its
results will have (a ``mode`` column with ``"static"`` and ``"behavioural"``
rows), so comparison and charts can be tested against both modes now.
"""

from __future__ import annotations

import dataclasses

import pandas as pd

from tariffsim.results import Result

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
