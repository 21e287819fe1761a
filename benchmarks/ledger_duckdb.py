"""The ledger-exposure computation written in DuckDB SQL: the benchmark's peer.

The peer gets each scenario as three small tables built straight from the
validated scenario (not from tariffsim's compiled lookup tables, so it checks
them): measures (exporter, authority, stacking rule, base rate, file order),
HTS prefix ranges as integer keys, and schedule steps as date intervals. The
SQL joins every ledger line to the measures covering it, prices it on its
entry date, applies the stacking rule with window functions and totals by
measure, period and SKU. Written the way an analyst fluent in SQL would write
it, not tuned.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from tariffsim.ledger.coverage import Measures
from tariffsim.scenario import hts

_TRUNC = {"day": "day", "week": "week", "month": "month", "quarter": "quarter", "year": "year"}


def scenario_tables(
    measures: list[Measures], memberships: dict[str, list[str]]
) -> dict[str, pd.DataFrame]:
    """The peer's input tables for compiled scenarios (only their scenario objects are used)."""
    rows: dict[str, list[dict[str, Any]]] = {"measures": [], "prefixes": [], "steps": []}
    for m in measures:
        s = m.scenario
        for order, (tid, t) in enumerate(s.tranches.items()):
            if t.importer != m.importer:
                continue
            authority = t.authority or tid
            rule = s.stacking.get(t.authority or "", "add")
            rows["measures"].append(
                dict(scenario=s.name, measure=tid, exporter=t.exporter, authority=authority,
                     rule=rule, base_rate=t.base_rate.value, ord=order)
            )  # fmt: skip
            ranges = _ranges(m, tid, memberships)
            for low, high in ranges:
                rows["prefixes"].append(dict(scenario=s.name, measure=tid, lo=low, hi=high))
            steps = t.applied_steps()
            for i, (day, rate) in enumerate(steps):
                stop = steps[i + 1][0] if i + 1 < len(steps) else dt.date(9999, 12, 31)
                rows["steps"].append(
                    dict(scenario=s.name, measure=tid, start=day, stop=stop, rate=rate)
                )
    frames = {name: pd.DataFrame(r) for name, r in rows.items()}
    frames["periods"] = pd.DataFrame(
        {
            "scenario": [m.scenario.name for m in measures],
            "unit": [_TRUNC[m.scenario.horizon.step] for m in measures],
        }
    )
    return frames


def _listed(measures: Measures, tid: str, memberships: dict[str, list[str]]) -> list[str]:
    products = measures.scenario.tranches[tid].products
    return [] if isinstance(products, str) else [*products, *memberships.get(tid, [])]


def _ranges(
    measures: Measures, tid: str, memberships: dict[str, list[str]]
) -> list[tuple[int, int]]:
    """Key ranges a measure covers; 'rest' is the gaps between its exporter's listed ranges."""
    tranches = measures.scenario.tranches
    scope = tranches[tid].products
    if scope == "all":
        return [(0, hts.KEY_END)]
    if scope != "rest":
        return [hts.prefix_range(p) for p in _listed(measures, tid, memberships)]
    listed = sorted(
        hts.prefix_range(p)
        for other, t in tranches.items()
        if t.importer == measures.importer and t.exporter == tranches[tid].exporter
        for p in _listed(measures, other, memberships)
    )
    gaps, at = [], 0
    for low, high in listed:
        if low > at:
            gaps.append((at, low))
        at = max(at, high)
    return [*gaps, (at, hts.KEY_END)] if at < hts.KEY_END else gaps


def stacking_sql(source: str, carried: str, grain: str) -> str:
    """The CTEs and SELECT that stack the measures covering each row of ``source``.

    ``source`` is a CTE or table with ``hts_code``, ``origin`` and ``d`` (entry
    date); ``carried`` lists its columns kept in the result (``c.``-prefixed);
    ``grain`` names the columns that identify one of its rows, the partition in
    which the stacking rule credits the highest rate. Shared by the per-line peer
    and the aggregate-first peer of :mod:`benchmarks.ledger_expert`.
    """
    return f"""
codes AS (
    SELECT hts_code, CAST(rpad(replace(trim(hts_code), '.', ''), 10, '0') AS BIGINT) AS k
    FROM (SELECT DISTINCT hts_code FROM {source})
),
code_measures AS (
    SELECT DISTINCT c.hts_code, p.scenario, p.measure
    FROM codes c JOIN prefixes p ON c.k >= p.lo AND c.k < p.hi
),
covered AS (
    SELECT {carried}, m.scenario, m.measure, m.authority, m.rule, m.base_rate, m.ord
    FROM {source} c
    JOIN code_measures cm ON cm.hts_code = c.hts_code
    JOIN measures m ON m.scenario = cm.scenario AND m.measure = cm.measure
                   AND m.exporter = c.origin
),
rated AS (
    SELECT c.*, coalesce(s.rate, 0.0) AS rate
    FROM covered c
    LEFT JOIN steps s ON s.scenario = c.scenario AND s.measure = c.measure
                     AND c.d >= s.start AND c.d < s.stop
)
SELECT *,
    CASE WHEN rule = 'max'
         THEN row_number() OVER (PARTITION BY scenario, {grain}, authority
                                 ORDER BY rate DESC, ord) = 1
         ELSE true END AS credit_additional,
    row_number() OVER (PARTITION BY scenario, {grain} ORDER BY base_rate DESC, ord) = 1
        AS credit_base
FROM rated
"""


PRICED = """
CREATE TEMP TABLE priced AS
WITH lines AS (
    SELECT file_row_number AS line, hts_code, upper(trim(country_of_origin)) AS origin,
           customs_value_usd AS v, entry_date AS d, sku
    FROM read_parquet($ledger, file_row_number = true)
),""" + stacking_sql("lines", "c.line, c.v, c.d, c.sku", "line")


BY_MEASURE = """
SELECT scenario, measure AS key, count(*) AS lines, sum(v) AS imports_usd,
       sum(CASE WHEN credit_base THEN v * base_rate ELSE 0 END) AS base_duty_usd,
       sum(CASE WHEN credit_additional THEN v * rate ELSE 0 END) AS additional_duty_usd
FROM priced GROUP BY ALL
"""

PER_LINE = """
CREATE TEMP TABLE per_line AS
SELECT scenario, line,
       sum(CASE WHEN credit_base THEN v * base_rate ELSE 0 END) AS base_duty_usd,
       sum(CASE WHEN credit_additional THEN v * rate ELSE 0 END) AS additional_duty_usd
FROM priced GROUP BY ALL
"""

BY_GROUP = """
WITH lines AS (
    SELECT file_row_number AS line, customs_value_usd AS v, entry_date AS d, sku
    FROM read_parquet($ledger, file_row_number = true)
),
keyed AS (
    SELECT p.scenario, l.line, l.v,
           CASE WHEN $group = 'period' THEN CAST(date_trunc(p.unit, l.d) AS DATE)::VARCHAR
                ELSE l.sku END AS key
    FROM lines l CROSS JOIN periods p
)
SELECT k.scenario, k.key, count(*) AS lines, sum(k.v) AS imports_usd,
       coalesce(sum(pl.base_duty_usd), 0) AS base_duty_usd,
       coalesce(sum(pl.additional_duty_usd), 0) AS additional_duty_usd
FROM keyed k LEFT JOIN per_line pl ON pl.scenario = k.scenario AND pl.line = k.line
GROUP BY ALL
"""

UNCOVERED = """
SELECT p.scenario, count(*) - coalesce(max(c.n), 0) AS lines,
       sum(l.customs_value_usd) - coalesce(max(c.value), 0) AS imports_usd,
       0.0 AS base_duty_usd, 0.0 AS additional_duty_usd
FROM read_parquet($ledger) l CROSS JOIN periods p
LEFT JOIN (SELECT scenario, count(*) AS n, sum(v) AS value
           FROM (SELECT DISTINCT scenario, line, v FROM priced) GROUP BY scenario) c
       ON c.scenario = p.scenario
GROUP BY p.scenario
"""


def connect(tables: dict[str, pd.DataFrame]) -> Any:
    """An in-memory DuckDB connection holding the scenario ``tables`` as temporary tables."""
    import duckdb

    con = duckdb.connect()
    for name, frame in tables.items():
        con.register(f"{name}_df", frame)
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {name}_df")
    return con


def duckdb_exposure(ledger: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The summary tables (measure, period, sku, uncovered) computed by DuckDB."""
    con = connect(tables)
    con.execute(PRICED, {"ledger": ledger})
    con.execute(PER_LINE)
    parts = [con.execute(BY_MEASURE).df().assign(table="measure")]
    for group in ("period", "sku"):
        parts.append(
            con.execute(BY_GROUP, {"ledger": ledger, "group": group}).df().assign(table=group)
        )
    parts.append(con.execute(UNCOVERED, {"ledger": ledger}).df().assign(table="uncovered", key=""))
    con.close()
    return pd.concat(parts, ignore_index=True)
