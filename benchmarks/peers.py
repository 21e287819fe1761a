"""The engine's computation written plainly by peers: pandas, and DuckDB SQL.

Each peer gets the synthetic case as tables (tranches; steps in long form)
and builds its own grid of slices, so it checks tariffsim's timeline as well
as its kernels. Each returns imports, additional duty and base duty per
tranche × month [USD], as (N, P) arrays in tranche, then period order.
Written the way an analyst fluent in the tool would write it, not tuned.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from benchmarks.synthetic import Case, FloatArray

Triple = tuple[FloatArray, FloatArray, FloatArray]


def tables(case: Case) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The case as a tranche table and a step table (dates as datetime64[s])."""
    tranches = pd.DataFrame(
        {
            "tranche": np.arange(case.n_tranches, dtype=np.int64),
            "annual_flow": case.annual_flow,
            "base_rate": case.base_rate,
        }
    )
    steps = pd.DataFrame(
        {
            "tranche": case.step_row,
            "day": case.step_day.astype("datetime64[D]").astype("datetime64[s]"),
            "rate": case.step_rate,
        }
    )
    return tranches, steps


def pandas_duty(case: Case, tranches: pd.DataFrame, steps: pd.DataFrame) -> Triple:
    """Cross join tranches × slices, ``merge_asof`` the rates in, group by month."""
    start, end = pd.Timestamp(case.start), pd.Timestamp(case.end)
    months = pd.date_range(start, end, freq="MS", unit="s")
    inside = steps["day"][(steps["day"] > start) & (steps["day"] <= end)]
    cuts = pd.DatetimeIndex(months.union(pd.DatetimeIndex(inside.unique())), name="slice_start")
    slices = pd.DataFrame({"slice_start": cuts})
    slices["slice_end"] = slices["slice_start"].shift(-1).fillna(end + pd.Timedelta(days=1))
    days = (slices["slice_end"] - slices["slice_start"]).dt.days
    year_days = np.where(slices["slice_start"].dt.is_leap_year, 366, 365)
    slices["year_fraction"] = days / year_days
    slices["month"] = slices["slice_start"].dt.year * 12 + slices["slice_start"].dt.month - 1
    # Slices first: the cross join comes out sorted by slice start, as merge_asof needs.
    grid = slices.merge(tranches, how="cross")
    grid = pd.merge_asof(
        grid,
        steps.sort_values("day"),
        left_on="slice_start",
        right_on="day",
        by="tranche",
    )
    grid["rate"] = grid["rate"].fillna(0.0)
    grid["imports"] = grid["annual_flow"] * grid["year_fraction"]
    grid["additional"] = grid["imports"] * grid["rate"]
    grid["base"] = grid["imports"] * grid["base_rate"]
    sums = grid.groupby(["tranche", "month"], sort=True)[["imports", "additional", "base"]].sum()
    shape = (case.n_tranches, -1)
    return (
        sums["imports"].to_numpy().reshape(shape),
        sums["additional"].to_numpy().reshape(shape),
        sums["base"].to_numpy().reshape(shape),
    )


DUCKDB_QUERY = """
WITH spans AS (
    SELECT tranche, rate, CAST(day AS DATE) AS valid_from,
           coalesce(CAST(lead(day) OVER (PARTITION BY tranche ORDER BY day) AS DATE),
                    DATE '9999-12-31') AS valid_to
    FROM steps
),
cuts AS (
    SELECT CAST(unnest(generate_series(DATE '{start}', DATE '{end}', INTERVAL 1 MONTH)) AS DATE)
        AS slice_start
    UNION
    SELECT DISTINCT CAST(day AS DATE) FROM steps WHERE day > DATE '{start}' AND day <= DATE '{end}'
),
slices AS (
    SELECT
        slice_start,
        date_trunc('month', slice_start) AS month,
        (coalesce(lead(slice_start) OVER (ORDER BY slice_start), DATE '{end}' + 1) - slice_start)
            / (CASE WHEN (year(slice_start) % 4 = 0 AND year(slice_start) % 100 <> 0)
                         OR year(slice_start) % 400 = 0 THEN 366.0 ELSE 365.0 END)
            AS year_fraction
    FROM cuts
),
accrued AS (
    SELECT t.tranche, s.month, t.base_rate,
           coalesce(st.rate, 0.0) AS rate,
           t.annual_flow * s.year_fraction AS imports
    FROM tranches t
    CROSS JOIN slices s
    LEFT JOIN spans st
        ON st.tranche = t.tranche AND s.slice_start >= st.valid_from AND s.slice_start < st.valid_to
)
SELECT tranche, month,
       sum(imports) AS imports,
       sum(imports * rate) AS additional,
       sum(imports * base_rate) AS base
FROM accrued
GROUP BY tranche, month
ORDER BY tranche, month
"""


def duckdb_connection(tranches: pd.DataFrame, steps: pd.DataFrame) -> Any:
    """An in-memory DuckDB with the two tables registered (zero-copy views)."""
    import duckdb

    con = duckdb.connect()
    con.register("tranches", tranches)
    con.register("steps", steps)
    return con


def duckdb_duty(case: Case, con: Any) -> Triple:
    """One SQL query: slices from a date series, rate spans joined on, GROUP BY month.

    The spans (each step's rate until the tranche's next step) joined by an
    interval condition ran about twice as fast as an ``ASOF JOIN`` of the
    steps, so the peer uses them.
    """
    query = DUCKDB_QUERY.format(start=case.start.isoformat(), end=case.end.isoformat())
    columns = con.sql(query).fetchnumpy()
    shape = (case.n_tranches, -1)
    return (
        np.asarray(columns["imports"]).reshape(shape),
        np.asarray(columns["additional"]).reshape(shape),
        np.asarray(columns["base"]).reshape(shape),
    )
