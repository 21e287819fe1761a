"""Pure array kernels of duty accrual: float arrays in, float arrays out.

No I/O, no printing, no pint, no pandas. Shapes: N rows (tranches, or
tranches × draws), S slices, P periods. Money is in USD, flows in USD/year,
rates are fractions, time is in days or year fractions.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from tariffsim._types import FloatArray, IntArray
from tariffsim.model.timeline import StepChanges


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


class PeriodDuty(NamedTuple):
    """Imports and duty per row and period [USD], each of shape (N, P)."""

    imports: FloatArray
    additional_duty: FloatArray
    base_duty: FloatArray


BLOCK_CELLS = 2**18
"""Period cells (rows × periods) per block of :func:`period_duty`: 2 MiB per float64 array."""

ROW_LOOP_LIMIT = 64
"""Up to this many runs of periods (or later slices), :func:`period_duty` loops over
them with whole-row operations; beyond, it gathers the rows at once."""


def period_duty(
    annual_flow: FloatArray,
    year_fraction: FloatArray,
    additional_rate: FloatArray,
    base_rate: FloatArray,
    period_first_slice: IntArray,
    rate_column: IntArray | None = None,
    out: PeriodDuty | None = None,
) -> PeriodDuty:
    """Imports, additional duty and base duty per row and period [USD], each (N, P).

    Parameters
    ----------
    annual_flow : import value [USD/year], shape (N,).
    year_fraction : share of its calendar year each slice covers [1], (S,) or (N, S).
    additional_rate : additional ad valorem rate [fraction] on each slice, (N, S);
        or, with ``rate_column``, on each of C columns, (N, C).
    base_rate : MFN rate [fraction], shape (N,).
    period_first_slice : index of each period's first slice, shape (P,), increasing.
    rate_column : the column of ``additional_rate`` in force on each slice, (S,),
        as returned by :func:`tariffsim.model.timeline.step_segments`.
    out : three (N, P) arrays to write into, best Fortran-ordered
        (``np.empty((N, P), order="F")``); reused across runs of one shape they
        save allocating, and first touching, fresh memory.

    Returns
    -------
    The three (N, P) arrays; new ones are Fortran-ordered (period-major).

    Notes
    -----
    Per slice s: ``M_s = V · w_s`` (:func:`accrued_imports`), ``D_s = τ_s · M_s``
    and ``B_s = b · M_s`` (:func:`ad_valorem_duty`); per period the sums of
    its slices (:func:`period_sums`), added left to right. Nothing of shape
    (N, S) is built; the result equals those kernels applied to whole
    arrays up to the order of additions (``np.add.reduceat`` may pair the
    terms of a period of four or more slices differently: a last-bit
    difference). Most periods are a single slice: each period
    starts from its first slice's terms, written straight into the result,
    and the few later slices (a rate change inside a period, a new year inside
    a week) are then added to their periods. The work runs period-major
    (each period a contiguous run of rows) in blocks of about
    :data:`BLOCK_CELLS` cells, so every block is still in cache when its
    later slices are added and the result travels to memory once.
    """
    rows, periods = annual_flow.shape[0], period_first_slice.shape[0]
    first = np.asarray(period_first_slice, dtype=np.int64)
    weight_t = np.atleast_2d(year_fraction).T  # (S, 1) or (S, N)
    slices = weight_t.shape[0]
    column = np.arange(slices) if rate_column is None else np.asarray(rate_column)
    if out is None:
        out = PeriodDuty(*(np.empty((rows, periods), order="F") for _ in range(3)))
    imports_t, additional_t, base_t = out.imports.T, out.additional_duty.T, out.base_duty.T
    rate_t = additional_rate.T
    # Runs of periods whose first slices read the same rate column.
    first_column = column[first]
    run_start = np.flatnonzero(np.diff(first_column, prepend=-1))
    runs = list(zip(run_start, [*run_start[1:], periods], first_column[run_start], strict=True))
    # Later slices: (period, slice) in period, then slice order.
    lengths = np.diff(first, append=slices)
    later_period = np.repeat(np.arange(periods), lengths - 1)
    later_slice = np.arange(slices)[np.isin(np.arange(slices), first, invert=True)]
    # The same by depth: depth 1 holds each multi-slice period's second slice, and so on.
    by_depth = [
        (np.flatnonzero(lengths > depth), first[lengths > depth] + depth)
        for depth in range(1, int(lengths.max(initial=1)))
    ]
    shared = weight_t.shape[1] == 1
    step = max(1, BLOCK_CELLS // max(periods, 1))
    for start in range(0, rows, step):
        block = slice(start, start + step)
        flow, base = annual_flow[block], base_rate[block]
        weight = weight_t if shared else weight_t[:, block]
        rate = rate_t[:, block]
        imports, additional = imports_t[:, block], additional_t[:, block]
        base_duty = base_t[:, block]
        np.multiply(weight[first], flow, out=imports)
        if len(runs) <= ROW_LOOP_LIMIT:
            for begin, end, in_force in runs:
                np.multiply(imports[begin:end], rate[in_force], out=additional[begin:end])
        else:
            np.multiply(imports, rate[first_column], out=additional)
        np.multiply(imports, base, out=base_duty)
        if later_slice.size <= ROW_LOOP_LIMIT:
            for period, s in zip(later_period, later_slice, strict=True):
                accrued = weight[s] * flow
                imports[period] += accrued
                additional[period] += accrued * rate[column[s]]
                base_duty[period] += accrued * base
        else:
            for with_depth, at_depth in by_depth:
                accrued = weight[at_depth] * flow
                imports[with_depth] += accrued
                additional[with_depth] += accrued * rate[column[at_depth]]
                base_duty[with_depth] += accrued * base
    return out


GROUP_CELLS = 2**17
"""Most period cells (periods × rows) one product of :func:`period_duty_stepped` writes:
1 MiB per float64 array, so a group is still in cache when it is read back."""


def period_duty_stepped(
    annual_flow: FloatArray,
    year_fraction: FloatArray,
    rate_factors: Sequence[StepChanges],
    base_rate: FloatArray,
    period_first_slice: IntArray,
    out: PeriodDuty | None = None,
) -> PeriodDuty:
    """:func:`period_duty` with the additional rate given as step changes by slice.

    ``annual_flow``, ``year_fraction``, ``base_rate``, ``period_first_slice`` and
    ``out`` are as for :func:`period_duty`; ``rate_factors`` are step functions
    whose product is the additional rate [fraction] on each slice (a rate, or a
    rate and the share not excluded), each as
    :func:`tariffsim.model.timeline.step_changes` gives it on the grid. Returns
    the three (N, P) arrays; new ones are Fortran-ordered (period-major).

    Notes
    -----
    The same sums as :func:`period_duty`, ``M = Σ V·w_s``, ``D = Σ τ_s·(V·w_s)``,
    ``B = Σ b·(V·w_s)`` added left to right, with ``τ_s`` the product of the
    factors' values on slice s, so the results are equal to the bit. Nothing of
    shape (N, S) is built and no rate is read from a table: the slices are
    visited in order, one value per row is kept for each factor and only the
    rows that change on a slice are written (a scatter), and each period's
    first slice writes its three results straight into the output. A run of
    single-slice periods on which no rate changes is written by one broadcast
    product per result, in groups of at most :data:`GROUP_CELLS` cells; the
    later slices of a period (a rate change inside it, a new year inside a
    week) are added to it in order.
    """
    rows, periods = annual_flow.shape[0], period_first_slice.shape[0]
    first = np.asarray(period_first_slice, dtype=np.int64)
    weight_t = np.atleast_2d(year_fraction).T  # (S, 1) or (S, N)
    slices = weight_t.shape[0]
    if out is None:
        out = PeriodDuty(*(np.empty((rows, periods), order="F") for _ in range(3)))
    imports, additional, base_duty = out.imports.T, out.additional_duty.T, out.base_duty.T
    factors = [np.full(rows, f.before) for f in rate_factors]
    rate = factors[0] if len(factors) == 1 else np.zeros(rows)
    changes_at = np.zeros(slices, dtype=bool)
    for f in rate_factors:
        changes_at |= np.diff(f.bounds) > 0
    single = np.diff(first, append=slices) == 1
    quiet = single & ~changes_at[first]  # may join the group of the period before
    group = max(1, GROUP_CELLS // max(rows, 1))
    accrued, term = np.empty(rows), np.empty(rows)

    def update(s: int, force: bool = False) -> None:
        if not (changes_at[s] or force):
            return
        for f, held in zip(rate_factors, factors, strict=True):
            held[f.row[f.bounds[s] : f.bounds[s + 1]]] = f.value[f.bounds[s] : f.bounds[s + 1]]
        if len(factors) > 1:
            np.multiply(factors[0], factors[1], out=rate)
            for held in factors[2:]:
                np.multiply(rate, held, out=rate)

    p = 0
    while p < periods:
        s = int(first[p])
        update(s, force=p == 0)
        q = p + 1
        while q < periods and q - p < group and single[p] and quiet[q]:
            q += 1
        # A group's periods are single slices in a row: their slices are s, s + 1, ...
        np.multiply(weight_t[s : s + q - p], annual_flow, out=imports[p:q])
        np.multiply(imports[p:q], rate, out=additional[p:q])
        np.multiply(imports[p:q], base_rate, out=base_duty[p:q])
        for later in range(s + 1, int(first[p + 1]) if p + 1 < periods else slices):
            update(later)
            np.multiply(weight_t[later], annual_flow, out=accrued)
            imports[p] += accrued
            additional[p] += np.multiply(accrued, rate, out=term)
            base_duty[p] += np.multiply(accrued, base_rate, out=term)
        p = q
    return out


def weighted_rate(duty: FloatArray, imports: FloatArray) -> FloatArray:
    """Import-weighted average rate ``Σ D / Σ M`` [fraction]; 0 where there are no imports."""
    out = np.zeros_like(duty, dtype=np.float64)
    np.divide(duty, imports, out=out, where=imports > 0)
    return out


def annualised_run_rate(annual_flow: FloatArray, rate: FloatArray) -> FloatArray:
    """Duty per year if the rates in force stayed forever [USD/year]: ``V · τ``.

    ``V`` is the yearly import value those rates settle at: the stated value in a static
    run, V_0 · R_end (imports fully adjusted, the long run) in a behavioural one.
    """
    return annual_flow * rate
