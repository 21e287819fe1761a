"""Pure array kernels of duty accrual: float arrays in, float arrays out.

No I/O, no printing, no pint, no pandas. Shapes: N rows (tranches, or
tranches × draws), S slices, P periods. Money is in USD, flows in USD/year,
rates are fractions, time is in days or year fractions.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def accrued_imports(annual_flow: FloatArray, year_fraction: FloatArray) -> FloatArray:
    """Imports accrued in each slice [USD], shape (N, S).

    Notes
    -----
    Day-exact accrual spreads an annual flow evenly over the days of each
    calendar year: a slice of ``d`` days in a year of ``Y`` days (365 or 366)
    accrues ``M_s = V · d / Y``, so a whole calendar year accrues exactly V.
    ``year_fraction`` may be (S,) or, with seasonal profiles, (N, S).
    """
    return annual_flow[:, None] * np.atleast_2d(year_fraction)


def ad_valorem_duty(imports: FloatArray, rate: FloatArray) -> FloatArray:
    """Duty [USD] on imports [USD] at ad valorem rates [fraction]: ``D = τ · M``."""
    return imports * rate


def period_sums(values: FloatArray, period_first_slice: IntArray) -> FloatArray:
    """Sum slice values into their periods, shape (N, P).

    Slices of one period are contiguous, so this is ``np.add.reduceat`` over
    the index of each period's first slice.
    """
    return np.add.reduceat(values, period_first_slice, axis=1)


def weighted_rate(duty: FloatArray, imports: FloatArray) -> FloatArray:
    """Import-weighted average rate ``Σ D / Σ M`` [fraction]; 0 where there are no imports."""
    out = np.zeros_like(duty, dtype=np.float64)
    np.divide(duty, imports, out=out, where=imports > 0)
    return out


def annualised_run_rate(annual_flow: FloatArray, rate: FloatArray) -> FloatArray:
    """Duty per year if the rates in force stayed forever [USD/year]: ``V · τ``."""
    return annual_flow * rate
