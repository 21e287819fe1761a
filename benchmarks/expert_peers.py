"""The engine's computation written by experts in each tool: the strongest peers of section 3.

* pandas, wide: the steps pivoted to a tranche × day table, forward-filled to the
  slice starts, one vector product per column, ``np.add.reduceat`` into months, the
  base duty as the MFN rate times the month's imports;
* DuckDB SQL, expert: native dates, a rate-0 span before each tranche's first
  step (so an inner range join suffices), and the rows placed into the result
  arrays by their indices instead of sorted by the query;
* numba: one compiled pass over tranches × slices writing the three sums, the
  "physical limit" line (optional: the ``bench`` extra brings numba).

Each gets the case as :func:`benchmarks.peers.tables` gives it and returns
imports, additional duty and base duty per tranche × month [USD], (N, P) arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmarks.synthetic import Case, FloatArray

Triple = tuple[FloatArray, FloatArray, FloatArray]


def slices_of(case: Case, steps: pd.DataFrame) -> tuple[pd.DatetimeIndex, FloatArray, Any]:
    """Slice starts (months and step days inside the horizon), year fractions, month index."""
    start, end = pd.Timestamp(case.start), pd.Timestamp(case.end)
    months = pd.date_range(start, end, freq="MS", unit="s")
    inside = steps["day"][(steps["day"] > start) & (steps["day"] <= end)]
    cuts = months.union(pd.DatetimeIndex(inside.unique()))
    following = cuts[1:].append(pd.DatetimeIndex([end + pd.Timedelta(days=1)]))
    days = (following - cuts).days.to_numpy()
    year_fraction = days / np.where(cuts.is_leap_year, 366.0, 365.0)
    month = (cuts.year * 12 + cuts.month).to_numpy()
    return cuts, year_fraction, month


def pandas_wide_duty(case: Case, tranches: pd.DataFrame, steps: pd.DataFrame) -> Triple:
    """Pivot, forward-fill, vector products, ``reduceat`` by month."""
    cuts, year_fraction, month = slices_of(case, steps)
    wide = steps.pivot(index="tranche", columns="day", values="rate")
    columns = wide.columns.union(cuts)
    rate = (
        wide.reindex(index=tranches["tranche"], columns=columns)
        .ffill(axis=1)[cuts]
        .fillna(0.0)
        .to_numpy()
    )
    imports = tranches["annual_flow"].to_numpy()[:, None] * year_fraction[None, :]
    first = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])
    by_month = np.add.reduceat(imports, first, axis=1)
    additional = np.add.reduceat(imports * rate, first, axis=1)
    # The MFN rate is constant per tranche: Σ b·M_s = b·Σ M_s (equal to a few ulps).
    base = by_month * tranches["base_rate"].to_numpy()[:, None]
    return by_month, additional, base


EXPERT_QUERY = """
WITH spans AS (
    SELECT tranche, rate, day AS valid_from,
           coalesce(lead(day) OVER (PARTITION BY tranche ORDER BY day), DATE '9999-12-31')
               AS valid_to
    FROM steps
    UNION ALL
    SELECT t.tranche, 0.0, DATE '0001-01-01', coalesce(min(s.day), DATE '9999-12-31')
    FROM tranches t LEFT JOIN steps s USING (tranche)
    GROUP BY t.tranche
),
cuts AS (
    SELECT CAST(unnest(generate_series(DATE '{start}', DATE '{end}', INTERVAL 1 MONTH)) AS DATE)
        AS slice_start
    UNION
    SELECT DISTINCT day FROM steps WHERE day > DATE '{start}' AND day <= DATE '{end}'
),
slices AS (
    SELECT slice_start,
           (year(slice_start) - {first_year}) * 12 + month(slice_start) - 1 AS period,
           (coalesce(lead(slice_start) OVER (ORDER BY slice_start), DATE '{end}' + 1)
               - slice_start)
               / (CASE WHEN (year(slice_start) % 4 = 0 AND year(slice_start) % 100 <> 0)
                            OR year(slice_start) % 400 = 0 THEN 366.0 ELSE 365.0 END)
               AS year_fraction
    FROM cuts
)
SELECT t.tranche, s.period,
       sum(t.annual_flow * s.year_fraction) AS imports,
       sum(t.annual_flow * s.year_fraction * st.rate) AS additional,
       sum(t.annual_flow * s.year_fraction * t.base_rate) AS base
FROM tranches t
JOIN spans st ON st.tranche = t.tranche
JOIN slices s ON s.slice_start >= st.valid_from AND s.slice_start < st.valid_to
GROUP BY t.tranche, s.period
"""


def duckdb_expert_connection(tranches: pd.DataFrame, steps: pd.DataFrame) -> Any:
    """DuckDB with the tables registered, step days as native DATEs."""
    import duckdb

    con = duckdb.connect()
    con.register("tranches", tranches)
    con.register("dated_steps", steps.assign(day=steps["day"].to_numpy().astype("datetime64[D]")))
    con.execute(
        "CREATE TABLE steps AS SELECT tranche, CAST(day AS DATE) AS day, rate FROM dated_steps"
    )
    return con


def duckdb_expert_duty(case: Case, con: Any) -> Triple:
    """The expert query; its rows are placed into the arrays by (tranche, period)."""
    query = EXPERT_QUERY.format(
        start=case.start.isoformat(), end=case.end.isoformat(), first_year=case.start.year
    )
    columns = con.sql(query).fetchnumpy()
    first_period = case.start.month - 1
    periods = (case.end.year - case.start.year) * 12 + case.end.month - first_period
    row = np.asarray(columns["tranche"])
    period = np.asarray(columns["period"]) - first_period
    out = []
    for name in ("imports", "additional", "base"):
        values = np.zeros((case.n_tranches, periods))
        values[row, period] = np.asarray(columns[name])
        out.append(values)
    return out[0], out[1], out[2]


def numba_duty(
    case: Case, tranches: pd.DataFrame, steps: pd.DataFrame, parallel: bool = False
) -> Triple | None:
    """One compiled pass over tranches × slices; None where numba is not installed.

    With ``parallel``, the tranches are shared out among the cores (``prange``).
    """
    kernels = _numba_kernels()
    if kernels is None:
        return None
    cuts, year_fraction, month = slices_of(case, steps)
    period = month - month[0]
    cut_day = cuts.to_numpy().astype("datetime64[D]").astype(np.int64)
    offsets = np.searchsorted(case.step_row, np.arange(case.n_tranches + 1))
    shape = (case.n_tranches, int(period[-1]) + 1)
    imports, additional, base = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    kernels[parallel](
        case.annual_flow,
        case.base_rate,
        offsets,
        case.step_day,
        case.step_rate,
        cut_day,
        year_fraction,
        period,
        imports,
        additional,
        base,
    )
    return imports, additional, base


_KERNELS: list[dict[bool, Any]] = []


def _numba_kernels() -> dict[bool, Any] | None:
    """The kernel compiled serial (False) and parallel (True), once per process."""
    if _KERNELS:
        return _KERNELS[0]
    try:
        import numba
    except ImportError:
        return None

    def kernel(flow, base_rate, offsets, step_day, step_rate, cut_day, fraction, period,  # type: ignore[no-untyped-def]
               imports, additional, base):  # fmt: skip
        for i in numba.prange(flow.size):  # a plain range unless compiled parallel
            k, stop, rate = offsets[i], offsets[i + 1], 0.0
            for s in range(cut_day.size):
                while k < stop and step_day[k] <= cut_day[s]:
                    rate = step_rate[k]
                    k += 1
                m = flow[i] * fraction[s]
                p = period[s]
                imports[i, p] += m
                additional[i, p] += m * rate
                base[i, p] += m * base_rate[i]

    _KERNELS.append(
        {
            False: numba.njit(cache=False, nogil=True)(kernel),
            True: numba.njit(cache=False, nogil=True, parallel=True)(kernel),
        }
    )
    return _KERNELS[0]
