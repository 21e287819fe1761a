"""The data behind each comparison chart: pure functions from results to tidy frames.

One row per scenario × mode × point, money in [USD] and rates as fractions
[1], exactly as the engine computed them; scaling to $B happens when drawing.
The results must be comparable (see :func:`tariffsim.comparison.compute.check_comparable`).
No matplotlib, no file I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from tariffsim.comparison.compute import reference_result, totals_frame
from tariffsim.model import engine
from tariffsim.outputs.text import dates_as_days

if TYPE_CHECKING:
    from tariffsim.model.results import Result

SERIES = ["scenario", "mode"]
"""The columns naming one line of a chart."""

_ONE_DAY = dt.timedelta(days=1)


def _period_sums(results: Sequence[Result]) -> pd.DataFrame:
    """Imports and duty of all tranches per scenario × mode × period [USD]."""
    keys = [*SERIES, "period_start", "period_end"]
    frame = pd.concat([r.periods for r in results], ignore_index=True)
    values = ["imports_usd", "additional_duty_usd"]
    sums = frame.groupby(keys, sort=False, observed=True)[values].sum().reset_index()
    return dates_as_days(sums)


def duty_per_period_data(results: Sequence[Result]) -> pd.DataFrame:
    """Additional duty of all tranches per period.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``mode``, ``period_start``, ``period_end``,
        ``additional_duty_usd`` [USD].
    """
    return _period_sums(results).drop(columns="imports_usd")


def cumulative_duty_data(results: Sequence[Result]) -> pd.DataFrame:
    """Additional duty accumulated from the horizon's start to each period's end.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``mode``, ``period_end``, ``cumulative_additional_duty_usd`` [USD].

    Notes
    -----
    ``C_p = Σ_{q ≤ p} D_q`` over the periods q of one scenario and mode.
    """
    sums = _period_sums(results)
    sums["cumulative_additional_duty_usd"] = sums.groupby(SERIES, sort=False)[
        "additional_duty_usd"
    ].cumsum()
    return sums[[*SERIES, "period_end", "cumulative_additional_duty_usd"]]


def effective_rate_data(results: Sequence[Result]) -> pd.DataFrame:
    """The import-weighted additional tariff rate of each period.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``mode``, ``period_start``, ``period_end``,
        ``effective_additional_rate`` [1].

    Notes
    -----
    ``τ_p = Σ_i D_ip / Σ_i M_ip`` over the tranches i (0 where nothing is imported).
    """
    sums = _period_sums(results)
    sums["effective_additional_rate"] = engine.weighted_rate(
        sums["additional_duty_usd"].to_numpy(dtype=float), sums["imports_usd"].to_numpy(dtype=float)
    )
    return sums.drop(columns=["imports_usd", "additional_duty_usd"])


def totals_data(results: Sequence[Result], reference: str | None = None) -> pd.DataFrame:
    """Additional duty over the horizon and its difference to the reference.

    Returns
    -------
    pandas.DataFrame
        ``scenario``, ``mode``, ``reference``, ``additional_duty_usd``,
        ``additional_duty_difference_usd`` [USD], ``additional_duty_relative_difference`` [1].
    """
    frame = totals_frame(results, reference_result(results, reference))
    columns = [
        *SERIES,
        "reference",
        "additional_duty_usd",
        "additional_duty_difference_usd",
        "additional_duty_relative_difference",
    ]
    return frame[columns]
