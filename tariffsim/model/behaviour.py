"""Pure array kernels of the behavioural import response: float arrays in, float arrays out.

No I/O, no printing, no pint, no pandas. Every parameter is an array with one
value per row, shape (N,), so rows can be tranches or draws × tranches (a
Monte Carlo run stacks its draws as rows); the only Python loops run over
slices (S) or over the K-th announced step of each row, both small. Rates are
fractions, time is in days, money in USD.

Sign conventions: the elasticity ε ≥ 0 is a magnitude (imports fall as the
price rises); a multiplier of 0.8 means imports 20 % below their reference
level; shifts are + where imports are added, − where they are taken.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tariffsim._types import BoolArray, FloatArray

LN2 = float(np.log(2.0))


def _rows(parameter: FloatArray, like: FloatArray) -> FloatArray:
    """A per-row parameter (N,) shaped to broadcast against ``like`` (N,) or (N, S)."""
    return parameter.reshape(parameter.shape + (1,) * (like.ndim - 1))


def constant_elasticity_multiplier(
    rate: FloatArray, reference_rate: FloatArray, elasticity: FloatArray, pass_through: FloatArray
) -> FloatArray:
    """Long-run import level relative to the reference level [1], shape of ``rate``.

    Parameters
    ----------
    rate : total ad valorem rate τ (base + additional) [fraction], (N,) or (N, S).
    reference_rate : total rate τ_0 at the reference date of the import value [fraction], (N,).
    elasticity : import-demand elasticity magnitude ε ≥ 0 [1], (N,).
    pass_through : share ρ of the tariff passed into the import price, in [0, 1] [1], (N,).

    Notes
    -----
    R = ((1 + ρ·τ) / (1 + ρ·τ_0))^(−ε): the tariff-inclusive price moves by the
    factor (1 + ρτ)/(1 + ρτ_0) and imports respond with constant elasticity ε.

    References
    ----------
    Constant-elasticity partial equilibrium as in the World Bank's WITS/SMART
    model; ε from USITC (2023), pass-through from Amiti, Redding & Weinstein (2019).
    """
    rho = _rows(pass_through, rate)
    with np.errstate(under="ignore"):  # a vanishing ρ·τ is 0 to the price, as it should be
        price = (1.0 + rho * rate) / (1.0 + rho * _rows(reference_rate, rate))
        multiplier: FloatArray = price ** (-_rows(elasticity, rate))
    return multiplier


def lagged_multiplier(
    target: FloatArray, days: FloatArray, half_life: FloatArray, start: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Slice means of a multiplier that moves exponentially towards its target.

    Parameters
    ----------
    target : long-run multiplier R on each slice [1], (N, S); constant within a slice.
    days : length of each slice [d], (S,).
    half_life : half-life h of the adjustment [d], (N,); 0 means an immediate response.
    start : the multiplier r at the start of the first slice [1], (N,).

    Returns
    -------
    mean : the mean of r over each slice [1], (N, S).
    end : r at the end of the last slice [1], (N,).

    Notes
    -----
    dr/dt = k·(R − r) with k = ln 2 / h. On a slice of d days with constant R,
    starting from r_s, exactly:
    r(t) = R + (r_s − R)·e^(−k·t), mean = R + (r_s − R)·(1 − e^(−k·d))/(k·d),
    r_(s+1) = R + (r_s − R)·e^(−k·d).
    """
    immediate = half_life <= 0
    rate = LN2 / np.where(immediate, 1.0, half_life)
    mean = np.empty_like(target)
    r = start.astype(np.float64, copy=True)
    # long slices against short half-lives decay the gap below the smallest float: 0 is exact
    with np.errstate(under="ignore"):
        for s in range(target.shape[1]):
            kd = rate * days[s]
            keep = np.where(immediate, 0.0, np.exp(-kd))
            averaged = np.where(immediate, 0.0, -np.expm1(-kd) / kd)
            gap = r - target[:, s]
            mean[:, s] = target[:, s] + gap * averaged
            r = target[:, s] + gap * keep
    return mean, r


def two_speed_multiplier(
    target: FloatArray,
    days: FloatArray,
    half_lives: tuple[FloatArray, FloatArray],
    slow_share: FloatArray,
    start: tuple[FloatArray, FloatArray],
) -> tuple[FloatArray, tuple[FloatArray, FloatArray]]:
    """Slice means of a multiplier whose response deepens: a fast and a slow part.

    Parameters
    ----------
    target : long-run multiplier R on each slice [1], (N, S).
    days : length of each slice [d], (S,).
    half_lives : (h_f, h_s), half-lives of the fast and the slow part [d], each (N,).
    slow_share : w, share of the response that is slow, in [0, 1] [1], (N,).
    start : (r_f, r_s), each part's multiplier at the start of the first slice [1], each (N,).

    Returns
    -------
    mean : the slice means of r = (1 − w)·r_f + w·r_s [1], (N, S).
    end : (r_f, r_s) at the end of the last slice, each (N,).

    Notes
    -----
    Each part follows dr_i/dt = k_i·(R − r_i), k_i = ln 2 / h_i, as in
    :func:`lagged_multiplier`; the mix is linear, so its slice mean is the mix
    of the parts' means, exactly. From r = 1 under a constant R for t days:
    r(t) = R + (1 − R)·((1 − w)·e^(−k_f·t) + w·e^(−k_s·t)). With w = 0 this is
    :func:`lagged_multiplier`.
    """
    fast_mean, fast_end = lagged_multiplier(target, days, half_lives[0], start[0])
    slow_mean, slow_end = lagged_multiplier(target, days, half_lives[1], start[1])
    w = _rows(slow_share, target)
    mean: FloatArray = (1.0 - w) * fast_mean + w * slow_mean
    return mean, (fast_end, slow_end)


def front_load(
    imports: FloatArray,
    before: FloatArray,
    after: BoolArray,
    share: FloatArray,
    expected: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Move a share of the imports after announced steps into windows before them.

    Parameters
    ----------
    imports : imports accrued on each slice [USD], (N, S).
    before : for the k-th announced step of each row, each slice's days over the days
        of the whole window before the step [1], (K, N, S), on the slices where buying
        ahead went on: each (k, n) row sums to 1, to less where the step was called off
        before its date, or to 0 where row n has no k-th step.
    after : whether a slice lies in the window after the k-th step, (K, N, S).
    share : share φ of the after-window's imports bought early [1], (N,).
    expected : the imports importers expected on each slice when buying ahead of the
        k-th step [USD], (K, N, S); NaN (or None for all) where that is the row's own.

    Returns
    -------
    imports : imports after the shifts [USD], (N, S).
    shift : imports added (+) or taken (−) per slice [USD], (N, S); sums to 0 per row.

    Notes
    -----
    Steps are applied in date order. For each, importers aim to buy early
    E = φ·Σ_after Ê_s, spread evenly over the window before the step; Ê is the row's
    own imports so far, or the ``expected`` ones. Slice s of the window before gains
    E·w_s (w_s = days_s / window days, 0 once the step is called off), so
    B = E·Σw is bought early (at most Σ_after M), and each after-slice gives up the
    same share of its imports, B·M_s / Σ_after M. For a step that applies and was
    expected, Σw = 1 and each after-slice loses φ·M_s. Volume is conserved:
    Σ_s shift_s = 0.
    """
    out = imports.astype(np.float64, copy=True)
    for k in range(before.shape[0]):
        own = (out * after[k]).sum(axis=1)
        aimed = own
        if expected is not None:
            told = (expected[k] * after[k]).sum(axis=1)
            aimed = np.where(np.isnan(expected[k, :, 0]), own, told)
        bought = (share * aimed)[:, None] * before[k]
        total = bought.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            # never more than the window after holds (what importers expected may exceed it)
            bought *= np.where(total > own, own / total, 1.0)[:, None]
            given_up = np.where(own > 0, bought.sum(axis=1) / own, 0.0)
        out = out - out * after[k] * given_up[:, None] + bought
    return out, out - imports


def diverted_imports(static: FloatArray, responded: FloatArray, share: FloatArray) -> FloatArray:
    """Imports moved to another exporter [USD], (N, S): ``δ · max(0, M_0 − M_1)``.

    Only lost imports are diverted; a rate below the reference rate brings no
    trade back from the other exporter.
    """
    lost = np.maximum(static - responded, 0.0)
    diverted: FloatArray = _rows(share, lost) * lost
    return diverted


def consumer_cost(duty: FloatArray, pass_through: FloatArray) -> FloatArray:
    """The part of the duty passed into import prices [USD]: ``ρ · D``."""
    cost: FloatArray = _rows(pass_through, duty) * duty
    return cost


def deadweight_loss(
    reference_rate: FloatArray, rate: FloatArray, static: FloatArray, responded: FloatArray
) -> FloatArray:
    """Change in deadweight loss, trapezoid rule [USD]: ``½·(τ_0 + τ_1)·(M_0 − M_1)``.

    Positive when a higher rate lowers imports, negative when a lower rate
    raises them (a welfare gain). Small-country partial equilibrium.
    """
    loss: FloatArray = 0.5 * (_rows(reference_rate, rate) + rate) * (static - responded)
    return loss


def seasonal_year_fraction(
    profile: FloatArray, month: npt.NDArray[np.int64], days: FloatArray, month_days: FloatArray
) -> FloatArray:
    """Share of the annual flow accrued on each slice under a monthly profile [1], (N, S).

    Parameters
    ----------
    profile : relative weights of the twelve months, January first [1], (N, 12).
    month : calendar month of each slice, 1–12, (S,); a slice lies within one month.
    days, month_days : days of each slice and of its month [d], (S,).

    Notes
    -----
    Month m takes p_m / Σp of the year's flow, spread evenly over its days, so
    the twelve months of a calendar year add up to exactly the annual flow.
    """
    shares = profile / profile.sum(axis=1, keepdims=True)
    fraction: FloatArray = shares[:, month - 1] * (days / month_days)[None, :]
    return fraction
