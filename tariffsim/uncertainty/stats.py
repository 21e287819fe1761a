"""Statistics of a sweep: means, the expected value across branches, percentiles, exceedance.

Every statistic is weighted by the draws' weights ``p_b / n_b`` (see
:func:`tariffsim.uncertainty.draws.allocate_draws`), so the whole-outlook numbers are
exact mixtures of the branches. Frames follow ``docs/nomenclature.md``: money
columns end in ``_usd`` [USD]. No drawing and no I/O here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim._types import FloatArray
    from tariffsim.uncertainty.sweep import SweepResult

PERCENTILES = (5, 25, 50, 75, 95)
"""Percentiles reported [%]."""

PERCENTILE_COLUMNS = [f"p{q}_usd" for q in PERCENTILES]

MEASURES = ("total", "additional")
"""What is summarised: total duty (additional + base MFN) or additional duty only."""

ALL = "all"
"""The ``branch`` value of rows over the whole outlook."""


def weighted_percentiles(values: FloatArray, weight: FloatArray) -> FloatArray:
    """The :data:`PERCENTILES` of ``values`` along axis 0 under draw weights, shape (5, ...).

    Notes
    -----
    Inverted empirical CDF: the q-th percentile is the smallest value x with
    ``Σ_{d: x_d ≤ x} w_d ≥ q/100``. It is always one of the drawn values, so a
    sweep whose draws all equal one run gives that run's numbers exactly.
    """
    q = np.array(PERCENTILES, dtype=np.float64) / 100
    return np.quantile(values, q, axis=0, weights=weight, method="inverted_cdf")


def exceedance(values: FloatArray, weight: FloatArray, threshold: float) -> float:
    """Probability that a value exceeds ``threshold``: ``Σ_d w_d [x_d > T] / Σ_d w_d`` [1]."""
    return float(np.sum(weight[values > threshold]) / np.sum(weight))


@dataclass(frozen=True)
class SweepSummary:
    """The statistics of a sweep of one measure.

    Attributes
    ----------
    measure : ``"total"`` or ``"additional"`` duty.
    threshold : the threshold of ``p_exceeds`` [USD], or None.
    expected_usd : probability-weighted expected value over the horizon,
        ``Σ_b p_b · mean_b`` [USD].
    totals : one row per branch, then one ``branch == "all"`` row: ``probability``,
        ``draws``, ``mean_usd`` (the branch's mean over the horizon), the percentiles
        ``p5_usd`` … ``p95_usd``, ``contribution_usd`` = p_b · mean_b (summing to
        ``expected_usd``), and ``p_exceeds`` (NaN without a threshold).
    periods : one row per branch (and ``all``) × period: ``period_start``,
        ``period_end``, ``mean_usd`` and the percentiles of the period's duty.
    total_rows, period_rows : the same rows as records (what the table, CSV and JSON are
        made from, without pandas); ``totals`` and ``periods`` are built from them when
        asked for.
    """

    measure: str
    threshold: float | None
    expected_usd: float
    total_rows: list[dict[str, Any]]
    period_rows: list[dict[str, Any]]

    @cached_property
    def totals(self) -> pd.DataFrame:
        """One row per branch, then the ``all`` row (built on first use)."""
        import pandas as pd

        return pd.DataFrame(self.total_rows)

    @cached_property
    def periods(self) -> pd.DataFrame:
        """One row per branch (and ``all``) × period (built on first use)."""
        import pandas as pd

        return pd.DataFrame(self.period_rows)


def summarise(
    result: SweepResult, measure: str = "total", threshold: float | None = None
) -> SweepSummary:
    """Means, percentiles and exceedance per branch and over the whole outlook."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {MEASURES}, got {measure!r}")
    duty = result.total_duty if measure == "total" else result.additional_duty
    plan, draws = result.plan, result.draws
    scopes: list[tuple[str, float, FloatArray]] = []
    for b, bid in enumerate(plan.branch_ids):
        inside = draws.branch == b
        if inside.any():
            scopes.append((bid, float(plan.probability[b]), inside))
    contributions = [p * float(np.mean(duty[m].sum(axis=1))) for _, p, m in scopes]
    expected = math.fsum(contributions)
    total_rows, period_rows = [], []
    for bid, probability, mask in [*scopes, (ALL, 1.0, np.ones_like(draws.branch, dtype=bool))]:
        values, weight = duty[mask], draws.weight[mask]
        horizon = values.sum(axis=1)
        mean = float(np.average(horizon, weights=weight)) if bid != ALL else expected
        total_rows.append(
            {
                "branch": bid,
                "probability": probability,
                "draws": int(mask.sum()),
                "mean_usd": mean,
                **dict(zip(PERCENTILE_COLUMNS, weighted_percentiles(horizon, weight), strict=True)),
                "contribution_usd": probability * mean if bid != ALL else expected,
                "p_exceeds": math.nan
                if threshold is None
                else exceedance(horizon, weight, threshold),
            }
        )
        cuts = weighted_percentiles(values, weight)
        means = np.average(values, axis=0, weights=weight)
        for p, (start, end) in enumerate(
            zip(plan.grid.period_start, plan.grid.period_end, strict=True)
        ):
            period_rows.append(
                {
                    "branch": bid,
                    "period_start": start,
                    "period_end": end,
                    "mean_usd": float(means[p]),
                    **{c: float(cuts[i, p]) for i, c in enumerate(PERCENTILE_COLUMNS)},
                }
            )
    return SweepSummary(
        measure=measure,
        threshold=threshold,
        expected_usd=expected,
        total_rows=total_rows,
        period_rows=period_rows,
    )
