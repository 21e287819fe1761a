"""The ledger exposure written the way experts write it: aggregate first, stack on the small table.

Two peers of :mod:`benchmarks.bench_ledger`, both given the same scenario tables as
:mod:`benchmarks.ledger_duckdb` (measures, HTS key ranges, dated steps):

* DuckDB SQL: the lines are first summed by (HTS code, origin, entry date) —
  a few hundred thousand cells for millions of lines — and only those cells are
  joined to the measures covering them, priced on their date and stacked with
  window functions; the SKU table joins each line once (a hash join) to its
  cell's rates under every scenario, pivoted side by side. No line × measure
  rows are ever formed.
* polars, lazily: the same plan as one lazy query per table, collected with
  the streaming engine.

Each returns the summary rows the benchmark compares: tables ``measure``,
``period``, ``sku`` and ``uncovered`` with ``lines``, ``imports_usd``,
``base_duty_usd`` and ``additional_duty_usd``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from benchmarks.ledger_duckdb import connect, stacking_sql

CELLS = """
CREATE TEMP TABLE cells AS
SELECT hts_code, upper(trim(country_of_origin)) AS origin, entry_date AS d,
       count(*) AS n, sum(customs_value_usd) AS v
FROM read_parquet($ledger) GROUP BY ALL
"""

RATED = "CREATE TEMP TABLE rated AS WITH" + stacking_sql(
    "cells", "c.hts_code, c.origin, c.d, c.n, c.v", "hts_code, origin, d"
)

CELL_RATES = """
CREATE TEMP TABLE cell_rates AS
SELECT scenario, hts_code, origin, d,
       sum(CASE WHEN credit_base THEN base_rate ELSE 0 END) AS base_rate,
       sum(CASE WHEN credit_additional THEN rate ELSE 0 END) AS additional_rate
FROM rated GROUP BY ALL
"""

BY_MEASURE = """
SELECT scenario, measure AS key, sum(n) AS lines, sum(v) AS imports_usd,
       sum(CASE WHEN credit_base THEN v * base_rate ELSE 0 END) AS base_duty_usd,
       sum(CASE WHEN credit_additional THEN v * rate ELSE 0 END) AS additional_duty_usd
FROM rated GROUP BY ALL
"""

BY_PERIOD = """
SELECT p.scenario, CAST(date_trunc(p.unit, c.d) AS DATE)::VARCHAR AS key, sum(c.n) AS lines,
       sum(c.v) AS imports_usd, sum(c.v * coalesce(r.base_rate, 0)) AS base_duty_usd,
       sum(c.v * coalesce(r.additional_rate, 0)) AS additional_duty_usd
FROM cells c CROSS JOIN periods p
LEFT JOIN cell_rates r ON r.scenario = p.scenario AND r.hts_code = c.hts_code
                      AND r.origin = c.origin AND r.d = c.d
GROUP BY ALL
"""

BY_SKU = """
WITH wide AS (
    SELECT hts_code, origin, d, {rate_columns}
    FROM cell_rates GROUP BY ALL
)
SELECT l.sku AS key, count(*) AS lines, sum(l.customs_value_usd) AS imports_usd, {sums}
FROM read_parquet($ledger) l
LEFT JOIN wide w ON w.hts_code = l.hts_code AND w.origin = upper(trim(l.country_of_origin))
                AND w.d = l.entry_date
GROUP BY l.sku
"""
"""Every line joined once to its cell's rates under every scenario, side by side."""


def _by_sku(con: Any, ledger: str, scenarios: list[str]) -> pd.DataFrame:
    """The SKU table: one pass over the lines, the scenarios' rates as columns."""
    rate_columns = ", ".join(
        f"sum(base_rate) FILTER (WHERE scenario = '{s}') AS b{i}, "
        f"sum(additional_rate) FILTER (WHERE scenario = '{s}') AS a{i}"
        for i, s in enumerate(scenarios)
    )
    sums = ", ".join(
        f"sum(l.customs_value_usd * coalesce(w.b{i}, 0)) AS base_{i}, "
        f"sum(l.customs_value_usd * coalesce(w.a{i}, 0)) AS additional_{i}"
        for i in range(len(scenarios))
    )
    wide = con.execute(BY_SKU.format(rate_columns=rate_columns, sums=sums), {"ledger": ledger}).df()
    parts = [
        wide[["key", "lines", "imports_usd"]].assign(
            scenario=s,
            base_duty_usd=wide[f"base_{i}"],
            additional_duty_usd=wide[f"additional_{i}"],
        )
        for i, s in enumerate(scenarios)
    ]
    return pd.concat(parts, ignore_index=True)


UNCOVERED = """
SELECT p.scenario, coalesce(sum(c.n) FILTER (WHERE r.scenario IS NULL), 0) AS lines,
       coalesce(sum(c.v) FILTER (WHERE r.scenario IS NULL), 0.0) AS imports_usd,
       0.0 AS base_duty_usd, 0.0 AS additional_duty_usd
FROM cells c CROSS JOIN periods p
LEFT JOIN cell_rates r ON r.scenario = p.scenario AND r.hts_code = c.hts_code
                      AND r.origin = c.origin AND r.d = c.d
GROUP BY p.scenario
"""


def duckdb_expert(ledger: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The summary tables computed by DuckDB, aggregating the lines first."""
    con = connect(tables)
    con.execute(CELLS, {"ledger": ledger})
    con.execute(RATED)
    con.execute(CELL_RATES)
    parts = [
        con.execute(BY_MEASURE).df().assign(table="measure"),
        con.execute(BY_PERIOD).df().assign(table="period"),
        _by_sku(con, ledger, list(tables["periods"]["scenario"])).assign(table="sku"),
        con.execute(UNCOVERED).df().assign(table="uncovered", key=""),
    ]
    con.close()
    return pd.concat(parts, ignore_index=True)


def polars_expert(ledger: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The same plan as lazy polars queries."""
    import polars as pl

    measures = pl.from_pandas(tables["measures"])
    prefixes = pl.from_pandas(tables["prefixes"])
    steps = pl.from_pandas(tables["steps"])
    periods = pl.from_pandas(tables["periods"])
    lines = pl.scan_parquet(ledger).with_columns(
        pl.col("hts_code", "sku").cast(pl.String),
        origin=pl.col("country_of_origin").cast(pl.String).str.strip_chars().str.to_uppercase(),
        d=pl.col("entry_date"),
        v=pl.col("customs_value_usd"),
    )
    cells = (
        lines.group_by("hts_code", "origin", "d")
        .agg(n=pl.len(), v=pl.col("v").sum())
        .collect(engine="streaming")
    )
    codes = (
        cells.select("hts_code")
        .unique()
        .with_columns(
            k=pl.col("hts_code")
            .str.strip_chars()
            .str.replace_all(".", "", literal=True)
            .str.pad_end(10, "0")
            .cast(pl.Int64)
        )
    )
    code_measures = (
        codes.join_where(prefixes, pl.col("k") >= pl.col("lo"), pl.col("k") < pl.col("hi"))
        .select("hts_code", "scenario", "measure")
        .unique()
    )
    covered = cells.join(code_measures, on="hts_code").join(
        measures.rename({"exporter": "origin"}), on=["scenario", "measure", "origin"]
    )
    dated = (
        covered.with_row_index("cell_measure")
        .join(steps, on=["scenario", "measure"], how="left")
        .with_columns(
            rate=pl.when((pl.col("d") >= pl.col("start")) & (pl.col("d") < pl.col("stop")))
            .then(pl.col("rate"))
            .otherwise(None)
        )
        .group_by("cell_measure")
        .agg(pl.all().exclude("start", "stop", "rate").first(), pl.col("rate").max())
        .with_columns(pl.col("rate").fill_null(0.0))
    )
    cell = ["scenario", "hts_code", "origin", "d"]
    rated = (
        dated.sort(["rate", "ord"], descending=[True, False])
        .with_columns(
            first_by_rate=pl.int_range(pl.len()).over([*cell, "authority"]) == 0,
        )
        .sort(["base_rate", "ord"], descending=[True, False])
        .with_columns(
            credit_base=pl.int_range(pl.len()).over(cell) == 0,
            credit_additional=(pl.col("rule") != "max") | pl.col("first_by_rate"),
        )
    )
    cell_rates = rated.group_by(cell).agg(
        base_rate=pl.when(pl.col("credit_base")).then(pl.col("base_rate")).otherwise(0.0).sum(),
        additional_rate=pl.when(pl.col("credit_additional"))
        .then(pl.col("rate"))
        .otherwise(0.0)
        .sum(),
    )
    by_measure = rated.group_by("scenario", pl.col("measure").alias("key")).agg(
        lines=pl.col("n").sum(),
        imports_usd=pl.col("v").sum(),
        base_duty_usd=(pl.col("v") * pl.col("base_rate") * pl.col("credit_base")).sum(),
        additional_duty_usd=(pl.col("v") * pl.col("rate") * pl.col("credit_additional")).sum(),
    )
    per_cell = cells.join(periods, how="cross").join(cell_rates, on=cell, how="left")
    per_cell = per_cell.with_columns(pl.col("base_rate", "additional_rate").fill_null(0.0))
    unit = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}
    by_period = pl.concat(
        [
            per_cell.filter(pl.col("unit") == u)
            .group_by("scenario", key=pl.col("d").dt.truncate(every).cast(pl.String))
            .agg(*_money(pl, "n", "v"))
            for u, every in unit.items()
        ]
    )
    uncovered = (
        cells.join(periods, how="cross")
        .join(cell_rates.select(*cell, hit=pl.lit(True)), on=cell, how="left")
        .group_by("scenario")
        .agg(
            lines=pl.col("n").filter(pl.col("hit").is_null()).sum(),
            imports_usd=pl.col("v").filter(pl.col("hit").is_null()).sum().cast(pl.Float64),
            base_duty_usd=pl.lit(0.0),
            additional_duty_usd=pl.lit(0.0),
        )
        .with_columns(key=pl.lit(""))
    )
    by_sku = (
        lines.join(periods.lazy(), how="cross")
        .join(cell_rates.lazy(), on=cell, how="left")
        .with_columns(pl.col("base_rate", "additional_rate").fill_null(0.0), n=pl.lit(1))
        .group_by("scenario", pl.col("sku").alias("key"))
        .agg(*_money(pl, "n", "v"))
        .collect(engine="streaming")
    )
    columns = ["scenario", "key", "lines", "imports_usd", "base_duty_usd", "additional_duty_usd"]
    parts = [
        frame.select(columns).to_pandas().assign(table=name)
        for name, frame in (
            ("measure", by_measure),
            ("period", by_period),
            ("sku", by_sku),
            ("uncovered", uncovered),
        )
    ]
    return pd.concat(parts, ignore_index=True)


def _money(pl: Any, n: str, v: str) -> list[Any]:
    return [
        pl.col(n).sum().alias("lines"),
        pl.col(v).sum().alias("imports_usd"),
        (pl.col(v) * pl.col("base_rate")).sum().alias("base_duty_usd"),
        (pl.col(v) * pl.col("additional_rate")).sum().alias("additional_duty_usd"),
    ]
