"""Average-tariff indices over product lines: line level, and by HS-6 subheading.

Two definitions of "the average tariff" that published trackers use, from the
same lines: each line's rate weighted by its own imports (line level), or one
rate per HS-6 subheading, weighted by the subheading's imports (product
level). They differ only where a subheading mixes lines at different rates,
for example when a list names some of its lines and not others; how the
subheading's one rate is formed decides by how much. Pure numpy, no I/O.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from tariffsim._types import FloatArray

SubheadingRule = Literal["trade", "mean", "max"]
"""How a subheading's one rate is formed from its lines: trade-weighted, simple mean, highest."""


def line_average(imports: FloatArray, rates: FloatArray) -> float:
    """Trade-weighted average over lines [fraction].

    Notes
    -----
    τ̄_line = Σ_l v_l·τ_l / Σ_l v_l, with v_l the imports [USD] and τ_l the rate of line l.
    """
    return float(np.dot(imports, rates) / imports.sum())


def subheading_index(
    codes: npt.NDArray[np.str_], imports: FloatArray, rates: FloatArray, rule: SubheadingRule
) -> float:
    """Product-level average with one rate per HS-6 subheading [fraction].

    Parameters
    ----------
    codes : HTS codes of the lines, at least 6 digits, no dots, (L,).
    imports : imports of each line [USD], (L,).
    rates : rate of each line [fraction], (L,).
    rule : the subheading's rate: ``trade`` (Σ v·τ / Σ v over its lines; a
        subheading without imports takes the simple mean), ``mean`` (simple mean
        of its lines' rates) or ``max`` (the highest: covered if any line is).

    Notes
    -----
    τ̄_HS6 = Σ_s V_s·τ_s / Σ_s V_s, with V_s = Σ_{l∈s} v_l. With ``trade`` this equals
    :func:`line_average` exactly: weighting within and across subheadings by the
    same imports aggregates back to the lines.
    """
    _, group = np.unique(np.array([c[:6] for c in codes]), return_inverse=True)
    n = int(group.max()) + 1
    value = np.bincount(group, weights=imports, minlength=n)
    count = np.bincount(group, minlength=n).astype(np.float64)
    mean = np.bincount(group, weights=rates, minlength=n) / count
    if rule == "trade":
        weighted = np.bincount(group, weights=imports * rates, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.where(value > 0, weighted / np.where(value > 0, value, 1.0), mean)
    elif rule == "mean":
        rate = mean
    else:
        rate = np.full(n, -np.inf)
        np.maximum.at(rate, group, rates)
    return float(np.dot(value, rate) / value.sum())
