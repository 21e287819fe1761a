"""The engine's computation as a numba expert would write it: blocks of tranches, period-major.

The strongest compiled peer of section 3 (optional: the ``bench`` extra brings numba).
Where :func:`benchmarks.expert_peers.numba_duty` walks each tranche over every slice
and adds into row-major results, this one is laid out for the memory:

* the grid in numpy (month starts and the distinct step days inside the horizon,
  found by a count over their range), as tariffsim builds it;
* the results Fortran-ordered (period-major) and never zeroed: each period's first
  slice writes its three sums, later slices add to them;
* ``prange`` over blocks of 4,096 tranches, so a block's flows, rates and results
  stay in the core's cache while its periods are written;
* per block, the steps (sorted by tranche) grouped by the slice they first show on
  with a counting sort, the slice looked up in a table by day.

The sums are added in slice order, as tariffsim adds them, so the results agree to
the bit. Each call returns imports, additional duty and base duty per tranche ×
month [USD], (N, P) arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.synthetic import Case, FloatArray, IntArray

Triple = tuple[FloatArray, FloatArray, FloatArray]

BLOCK = 4096
"""Tranches per block: 32 KiB per float64 array, so a block's vectors sit in L1/L2."""


def grid_of(case: Case) -> tuple[IntArray, FloatArray, IntArray]:
    """Slice starts [day number], their year fractions [1] and each month's first slice."""
    start, end = np.datetime64(case.start, "D"), np.datetime64(case.end, "D")
    months = np.arange(start.astype("datetime64[M]"), end.astype("datetime64[M]") + 1)
    month_day = months.astype("datetime64[D]").astype(np.int64)
    low = int(case.step_day.min())
    seen = np.flatnonzero(np.bincount(case.step_day - low)) + low
    inside = seen[(seen > int(start.astype(np.int64))) & (seen <= int(end.astype(np.int64)))]
    cuts = np.union1d(month_day, inside)
    following = np.append(cuts[1:], int(end.astype(np.int64)) + 1)
    year = cuts.astype("datetime64[D]").astype("datetime64[Y]")
    year_days = ((year + 1).astype("datetime64[D]") - year.astype("datetime64[D]")).astype(
        np.float64
    )
    return cuts, (following - cuts) / year_days, np.searchsorted(cuts, month_day)


def numba_blocks_duty(case: Case, out: Triple | None = None) -> Triple | None:
    """The three (N, P) sums by the block kernel; None where numba is not installed.

    ``out``: three Fortran-ordered (N, P) arrays to write into, as the engine's.
    """
    kernel = _kernel()
    if kernel is None:
        return None
    slice_start, year_fraction, first = grid_of(case)
    shape = (case.n_tranches, first.size)
    imports, additional, base = out or tuple(np.empty(shape, order="F") for _ in range(3))
    kernel(
        case.annual_flow,
        case.base_rate,
        case.step_row,
        case.step_day,
        case.step_rate,
        slice_start,
        year_fraction,
        first,
        imports.T,
        additional.T,
        base.T,
    )
    return imports, additional, base


_KERNEL: list[Any] = []


def _kernel() -> Any:
    """The block kernel, compiled once per process (None without numba)."""
    if _KERNEL:
        return _KERNEL[0]
    try:
        import numba
    except ImportError:
        return None

    def kernel(flow, base_rate, step_row, step_day, step_rate, slice_start, fraction, first,  # type: ignore[no-untyped-def]
               imports, additional, base):  # fmt: skip
        n, slices, periods = flow.size, slice_start.size, first.size
        blocks = (n + BLOCK - 1) // BLOCK
        block_steps = np.searchsorted(step_row, np.arange(blocks + 1) * BLOCK)
        low, high = slice_start[0], slice_start[slices - 1]
        table = np.searchsorted(slice_start, np.arange(low, high + 1))  # day → slice
        for b in numba.prange(blocks):
            lo, hi, k0 = b * BLOCK, min(n, (b + 1) * BLOCK), block_steps[b]
            column = np.empty(block_steps[b + 1] - k0, np.int64)
            count = np.zeros(slices + 2, np.int64)
            for j in range(column.size):
                day = step_day[k0 + j]
                c = 0 if day <= low else slices if day > high else table[day - low]
                column[j] = c
                count[c + 1] += 1
            for c in range(slices + 1):
                count[c + 1] += count[c]
            order, fill = np.empty(column.size, np.int64), count.copy()
            for j in range(column.size):  # stable: a tranche's steps keep their order
                order[fill[column[j]]] = k0 + j
                fill[column[j]] += 1
            rate = np.zeros(hi - lo)
            for p in range(periods):
                end = first[p + 1] if p + 1 < periods else slices
                m_p, d_p, b_p = imports[p, lo:hi], additional[p, lo:hi], base[p, lo:hi]
                v, b_rate = flow[lo:hi], base_rate[lo:hi]
                for s in range(first[p], end):
                    for j in range(count[s], count[s + 1]):
                        rate[step_row[order[j]] - lo] = step_rate[order[j]]
                    w = fraction[s]
                    if s == first[p]:  # the period's first slice writes its sums
                        for i in range(hi - lo):
                            m_p[i] = w * v[i]
                            d_p[i] = m_p[i] * rate[i]
                            b_p[i] = m_p[i] * b_rate[i]
                    else:  # later slices add to them, in slice order
                        for i in range(hi - lo):
                            m = w * v[i]
                            m_p[i] += m
                            d_p[i] += m * rate[i]
                            b_p[i] += m * b_rate[i]

    _KERNEL.append(numba.njit(cache=False, nogil=True, parallel=True)(kernel))
    return _KERNEL[0]
