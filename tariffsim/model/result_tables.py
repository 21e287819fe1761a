"""A result's arrays laid out as tables: per period, per tranche, per importer and period.

Each function reads :class:`tariffsim.model.results.PeriodArrays` and returns a
:class:`tariffsim.model.tables.Table` whose columns are those of ``Result.periods``,
``Result.tranches`` and ``Result.importers`` (names and units in
:mod:`tariffsim.model.results`). Text and dates are coded once per distinct value, the
numbers are the result's own arrays (the per-period columns are views, not copies).
No pandas, no file I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tariffsim.model import engine
from tariffsim.model.period_arrays import BEHAVIOUR_COLUMNS, PERIOD_COLUMNS, TRANCHE_SUMS
from tariffsim.model.tables import (
    Coded,
    Column,
    Table,
    constant,
    factorized,
    group_sums,
    ids_in_order,
    repeated,
    tiled,
)

if TYPE_CHECKING:
    from tariffsim.model.period_arrays import PeriodArrays

_VALUE_COLUMNS = PERIOD_COLUMNS[PERIOD_COLUMNS.index("imports_usd") :]

IMPORTER_SUMS = ["imports_usd", "additional_duty_usd", "total_duty_usd"]
"""The money columns of ``Result.importers`` [USD], summed over an importer's rows."""


def _identity(a: PeriodArrays, times: int) -> dict[str, Coded]:
    """The row identity columns, each row's value ``times`` times in a row."""
    r = a.rows
    modes = factorized(a.modes.tolist())
    return {
        "mode": Coded(np.repeat(modes.codes, times), modes.values),
        "tranche": repeated(r.ids, times),
        "label": repeated(r.labels, times),
        "importer": repeated(r.importers, times),
        "exporter": repeated(r.exporters, times),
    }


def period_table(scenario: str, a: PeriodArrays) -> Table:
    """One row per result row × period: the columns of :data:`PERIOD_COLUMNS`."""
    n_rows, p = len(a.modes), len(a.starts)
    n = n_rows * p
    columns: dict[str, Column] = {
        "scenario": constant(scenario, n),
        **_identity(a, p),
        "period_start": tiled(a.starts.tolist(), n_rows),
        "period_end": tiled(a.ends.tolist(), n_rows),
        "days": np.tile(a.period_days(), n_rows),
        **{c: a.values[c].reshape(n) for c in _VALUE_COLUMNS},
    }
    return Table(n, {c: columns[c] for c in PERIOD_COLUMNS})


def tranche_table(scenario: str, a: PeriodArrays) -> Table:
    """One row per result row: horizon sums [USD] and long-run run-rates [USD/year]."""
    n = len(a.modes)
    return Table(
        n,
        {
            "scenario": constant(scenario, n),
            **_identity(a, 1),
            **{c: a.values[c].sum(axis=1) for c in TRANCHE_SUMS[:4]},
            "run_rate_additional_usd": a.run_rate_additional,
            "run_rate_total_usd": a.run_rate_total,
            **{c: a.values[c].sum(axis=1) for c in BEHAVIOUR_COLUMNS},
        },
    )


def importer_table(scenario: str, a: PeriodArrays) -> Table:
    """One row per mode × importer × period: summed money [USD] and effective rates [1].

    Groups in the order they first appear (mode and importer of the rows, then the
    periods); ``effective_additional_rate`` = Σ additional duty ÷ Σ imports and
    ``effective_total_rate`` = Σ total duty ÷ Σ imports, 0 without imports.
    """
    p = len(a.starts)
    pairs = factorized(list(zip(a.modes.tolist(), a.rows.importers, strict=True)))
    g = len(pairs.values)
    stacked = np.concatenate([a.values[c] for c in IMPORTER_SUMS], axis=1)
    in_order = ids_in_order(pairs.codes, p)
    sums = group_sums(stacked, pairs.codes, g, ids_sorted=in_order).reshape(
        g, len(IMPORTER_SUMS), p
    )
    money = {c: sums[:, i, :].reshape(g * p) for i, c in enumerate(IMPORTER_SUMS)}
    modes = factorized([m for m, _ in pairs.values])
    importers = factorized([i for _, i in pairs.values])
    n = g * p
    return Table(
        n,
        {
            "scenario": constant(scenario, n),
            "mode": Coded(np.repeat(modes.codes, p), modes.values),
            "importer": Coded(np.repeat(importers.codes, p), importers.values),
            "period_start": tiled(a.starts.tolist(), g),
            "period_end": tiled(a.ends.tolist(), g),
            **money,
            "effective_additional_rate": engine.weighted_rate(
                money["additional_duty_usd"], money["imports_usd"]
            ),
            "effective_total_rate": engine.weighted_rate(
                money["total_duty_usd"], money["imports_usd"]
            ),
        },
    )
