"""The ledger exposure written the way experts write it: aggregate first, stack on the small table.

Two peers of :mod:`benchmarks.bench_ledger`, both given the same scenario tables as
:mod:`benchmarks.ledger_duckdb` (measures, HTS key ranges, dated steps):

* DuckDB SQL. ONE scan of the Parquet file (only the five columns used, native
  DATE) groups the lines with ``GROUPING SETS`` into two small tables at once:
  by (HTS code, origin, period, date segment) for the measure, period and
  uncovered tables, and by (SKU, HTS code, origin, date segment) for the SKU
  table. A *date segment* is an interval between consecutive step dates of any
  of the scenarios (a ``CASE`` on a handful of dates), on which every rate is
  constant, so the three scenarios share the one scan. Only the distinct
  (code, origin, segment) cells — a few thousand — are joined to the measures
  covering them and stacked with window functions; the two small tables are
  then priced by a hash join to those cells' rates. No line × measure rows are
  formed, no text function runs per line (codes and origins are normalised on
  the distinct cells).
* polars, lazily: the same plan (``scan_parquet`` → ``group_by`` → joins to the
  small table), the line aggregation collected by the streaming engine.

Each returns the summary rows the benchmark compares: tables ``measure``,
``period``, ``sku`` and ``uncovered`` with ``lines``, ``imports_usd``,
``base_duty_usd`` and ``additional_duty_usd``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from benchmarks.ledger_duckdb import connect, stacking_sql

_FIRST = dt.date(1900, 1, 1)
"""Start of the first date segment: before every step."""


def segment_starts(tables: dict[str, pd.DataFrame]) -> list[dt.date]:
    """First day of each date segment: every scenario's step dates, and one day before them."""
    return [_FIRST, *sorted(set(tables["steps"]["start"]))]


def _segment_case(starts: list[dt.date], column: str) -> str:
    """SQL giving the segment of ``column``: a CASE on the few step dates."""
    whens = " ".join(
        f"WHEN {column} < DATE '{day.isoformat()}' THEN {i}" for i, day in enumerate(starts[1:])
    )
    return f"CASE {whens} ELSE {len(starts) - 1} END"


CODE_CLASSES = """
CREATE TEMP TABLE code_class AS
WITH codes AS (
    SELECT hts_code, CAST(rpad(replace(trim(hts_code), '.', ''), 10, '0') AS BIGINT) AS k
    FROM (SELECT DISTINCT hts_code FROM read_parquet($ledger))
),
signed AS (
    SELECT c.hts_code,
           coalesce(string_agg(p.scenario || '/' || p.measure, ',' ORDER BY p.scenario, p.measure),
                    '') AS covered_by
    FROM codes c LEFT JOIN prefixes p ON c.k >= p.lo AND c.k < p.hi
    GROUP BY c.hts_code
)
SELECT hts_code, dense_rank() OVER (ORDER BY covered_by)::INTEGER AS class,
       min(hts_code) OVER (PARTITION BY covered_by) AS representative
FROM signed
"""
"""Each distinct HTS code of the ledger → its class: the set of (scenario, measure) covering it,
and one code of the class that stands for it in the stacking."""

AGGREGATE = """
CREATE TEMP TABLE agg AS
SELECT cc.class, l.country_of_origin AS raw_origin, l.sku, {periods}, {segment} AS seg,
       grouping(l.sku) AS by_period, count(*) AS n, sum(l.customs_value_usd) AS v
FROM read_parquet($ledger) l JOIN code_class cc USING (hts_code)
GROUP BY GROUPING SETS ((class, raw_origin, {period_names}, seg), (l.sku, class, raw_origin, seg))
"""
"""The one scan of the lines: two small aggregates (``by_period`` marks the first)."""

CELLS = """
CREATE TEMP TABLE cells AS
SELECT r.representative AS hts_code, c.class, c.raw_origin, upper(trim(c.raw_origin)) AS origin,
       c.seg, s.d, sum(c.n) AS n, sum(c.v) AS v
FROM agg c JOIN segments s USING (seg)
JOIN (SELECT DISTINCT class, representative FROM code_class) r USING (class)
WHERE c.by_period = 1
GROUP BY ALL
"""

RATED = "CREATE TEMP TABLE rated AS WITH" + stacking_sql(
    "cells", "c.class, c.raw_origin, c.seg, c.d, c.n, c.v", "class, raw_origin, seg"
)

CELL_RATES = """
CREATE TEMP TABLE cell_rates AS
SELECT scenario, class, raw_origin, seg,
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

PRICED = """
SELECT p.scenario, {key} AS key, sum(a.n) AS lines, sum(a.v) AS imports_usd,
       sum(a.v * coalesce(r.base_rate, 0)) AS base_duty_usd,
       sum(a.v * coalesce(r.additional_rate, 0)) AS additional_duty_usd
FROM agg a JOIN periods p ON {which}
LEFT JOIN cell_rates r ON r.scenario = p.scenario AND r.class = a.class
                      AND r.raw_origin = a.raw_origin AND r.seg = a.seg
GROUP BY ALL
"""
"""The period (``by_period``, keyed by the scenario's period) or SKU table, all scenarios."""

UNCOVERED = """
SELECT p.scenario, coalesce(sum(c.n) FILTER (WHERE r.scenario IS NULL), 0) AS lines,
       coalesce(sum(c.v) FILTER (WHERE r.scenario IS NULL), 0.0) AS imports_usd,
       0.0 AS base_duty_usd, 0.0 AS additional_duty_usd
FROM cells c CROSS JOIN periods p
LEFT JOIN cell_rates r ON r.scenario = p.scenario AND r.class = c.class
                      AND r.raw_origin = c.raw_origin AND r.seg = c.seg
GROUP BY p.scenario
"""


def duckdb_expert(ledger: str, tables: dict[str, pd.DataFrame], explain: bool = False) -> Any:
    """The summary tables computed by DuckDB, aggregating the lines first in one scan.

    With ``explain``, returns the ``EXPLAIN ANALYZE`` text of the scan instead.
    """
    con = connect(tables)
    starts = segment_starts(tables)
    con.register("segments_df", pd.DataFrame({"seg": range(len(starts)), "d": starts}))
    con.execute("CREATE TEMP TABLE segments AS SELECT seg::INTEGER AS seg, d FROM segments_df")
    units = sorted(set(tables["periods"]["unit"]))
    periods = ", ".join(f"date_trunc('{u}', l.entry_date)::DATE AS p_{u}" for u in units)
    aggregate = AGGREGATE.format(
        periods=periods,
        period_names=", ".join(f"p_{u}" for u in units),
        segment=_segment_case(starts, "l.entry_date"),
    )
    con.execute(CODE_CLASSES, {"ledger": ledger})
    if explain:
        text = con.execute("EXPLAIN ANALYZE " + aggregate, {"ledger": ledger}).fetchall()
        con.close()
        return "\n".join(str(row[1]) for row in text)
    con.execute(aggregate, {"ledger": ledger})
    con.execute(CELLS)
    con.execute(RATED)
    con.execute(CELL_RATES)
    period_key = "CASE p.unit " + " ".join(f"WHEN '{u}' THEN a.p_{u}" for u in units) + " END"
    parts = [
        con.execute(BY_MEASURE).df().assign(table="measure"),
        con.execute(PRICED.format(key=f"({period_key})::VARCHAR", which="a.by_period = 1"))
        .df()
        .assign(table="period"),
        con.execute(PRICED.format(key="a.sku", which="a.by_period = 0")).df().assign(table="sku"),
        con.execute(UNCOVERED).df().assign(table="uncovered", key=""),
    ]
    con.close()
    return pd.concat(parts, ignore_index=True)


ENGINE = "streaming"


def polars_expert(ledger: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The same plan in polars: ``scan_parquet`` → ``group_by`` → joins to small tables.

    The lines are summed in one lazy, streaming scan to (SKU, code, origin, period,
    segment); the period and SKU aggregates follow from that table in memory (a
    ``GROUPING SETS`` equivalent: polars has none).
    """
    import polars as pl

    measures = pl.from_pandas(tables["measures"])
    prefixes = pl.from_pandas(tables["prefixes"])
    steps = pl.from_pandas(tables["steps"])
    periods = pl.from_pandas(tables["periods"])
    starts = segment_starts(tables)
    units = sorted(set(tables["periods"]["unit"]))
    every = {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q", "year": "1y"}

    codes = (
        pl.scan_parquet(ledger)
        .select(pl.col("hts_code").cast(pl.String))
        .unique()
        .with_columns(
            k=pl.col("hts_code")
            .str.strip_chars()
            .str.replace_all(".", "", literal=True)
            .str.pad_end(10, "0")
            .cast(pl.Int64)
        )
        .collect()
    )
    covered_by = (
        codes.join_where(prefixes, pl.col("k") >= pl.col("lo"), pl.col("k") < pl.col("hi"))
        .group_by("hts_code")
        .agg((pl.col("scenario") + "/" + pl.col("measure")).sort().str.join(",").alias("sig"))
    )
    code_class = (
        codes.join(covered_by, on="hts_code", how="left")
        .with_columns(pl.col("sig").fill_null(""))
        .with_columns(
            cls=pl.col("sig").rank("dense").cast(pl.Int32),
            representative=pl.col("hts_code").min().over("sig"),
        )
    )
    # one scan: the lines summed by (SKU, code, origin, period, segment), then made smaller
    fine = (
        pl.scan_parquet(ledger)
        .with_columns(
            seg=pl.sum_horizontal([(pl.col("entry_date") >= d).cast(pl.Int8) for d in starts[1:]]),
            **{f"p_{u}": pl.col("entry_date").dt.truncate(every[u]) for u in units},
        )
        .group_by("sku", "hts_code", "country_of_origin", *(f"p_{u}" for u in units), "seg")
        .agg(pl.len().alias("n"), pl.col("customs_value_usd").sum().alias("v"))
        .collect(engine=ENGINE)
        .with_columns(pl.col("hts_code", "sku", "country_of_origin").cast(pl.String))
        .rename({"country_of_origin": "raw_origin"})
        .join(code_class.select("hts_code", "cls"), on="hts_code")
    )
    money = [pl.col("n").sum(), pl.col("v").sum()]
    by_period = fine.group_by("cls", "raw_origin", *(f"p_{u}" for u in units), "seg").agg(*money)
    by_sku = fine.group_by("sku", "cls", "raw_origin", "seg").agg(*money)
    segments = pl.DataFrame({"seg": range(len(starts)), "d": starts}).with_columns(
        pl.col("seg").cast(pl.Int8)
    )
    cells = (
        by_period.group_by("cls", "raw_origin", "seg")
        .agg(pl.col("n").sum(), pl.col("v").sum())
        .join(segments, on="seg")
        .join(code_class.select("cls", "representative").unique(), on="cls")
        .with_columns(origin=pl.col("raw_origin").str.strip_chars().str.to_uppercase())
    )
    cell = ["cls", "raw_origin", "seg"]
    code_measures = (
        code_class.filter(pl.col("hts_code") == pl.col("representative"))
        .join_where(prefixes, pl.col("k") >= pl.col("lo"), pl.col("k") < pl.col("hi"))
        .select("cls", "scenario", "measure")
        .unique()
    )
    rated = _stacked(
        pl,
        cells.join(code_measures, on="cls").join(
            measures.rename({"exporter": "origin"}), on=["scenario", "measure", "origin"]
        ),
        steps,
        cell,
    )
    cell_rates = rated.group_by("scenario", *cell).agg(
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

    def priced(frame: pl.DataFrame, key: Any) -> pl.DataFrame:
        return (
            frame.join(periods, how="cross")
            .join(cell_rates, on=["scenario", *cell], how="left")
            .with_columns(pl.col("base_rate", "additional_rate").fill_null(0.0))
            .group_by("scenario", key=key)
            .agg(
                lines=pl.col("n").sum(),
                imports_usd=pl.col("v").sum(),
                base_duty_usd=(pl.col("v") * pl.col("base_rate")).sum(),
                additional_duty_usd=(pl.col("v") * pl.col("additional_rate")).sum(),
            )
        )

    period_key = pl.coalesce(
        [pl.when(pl.col("unit") == u).then(pl.col(f"p_{u}")) for u in units]
    ).cast(pl.String)
    uncovered = (
        cells.join(periods, how="cross")
        .join(
            cell_rates.select("scenario", *cell, hit=pl.lit(True)),
            on=["scenario", *cell],
            how="left",
        )
        .group_by("scenario")
        .agg(
            lines=pl.col("n").filter(pl.col("hit").is_null()).sum(),
            imports_usd=pl.col("v").filter(pl.col("hit").is_null()).sum().cast(pl.Float64),
            base_duty_usd=pl.lit(0.0),
            additional_duty_usd=pl.lit(0.0),
        )
        .with_columns(key=pl.lit(""))
    )
    columns = ["scenario", "key", "lines", "imports_usd", "base_duty_usd", "additional_duty_usd"]
    parts = [
        frame.select(columns).to_pandas().assign(table=name)
        for name, frame in (
            ("measure", by_measure),
            ("period", priced(by_period, period_key)),
            ("sku", priced(by_sku, pl.col("sku"))),
            ("uncovered", uncovered),
        )
    ]
    return pd.concat(parts, ignore_index=True)


def _stacked(pl: Any, covered: Any, steps: Any, cell: list[str]) -> Any:
    """Each covering measure's rate on its cell's date, and which rates the stacking credits."""
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
    whole = ["scenario", *cell]
    return (
        dated.sort(["rate", "ord"], descending=[True, False])
        .with_columns(first_by_rate=pl.int_range(pl.len()).over([*whole, "authority"]) == 0)
        .sort(["base_rate", "ord"], descending=[True, False])
        .with_columns(
            credit_base=pl.int_range(pl.len()).over(whole) == 0,
            credit_additional=(pl.col("rule") != "max") | pl.col("first_by_rate"),
        )
    )
