"""Views for reading a path against history: average-tariff step series and yearly totals.

Two views that published figures are quoted in: the trade-weighted average
tariff (base + additional) on all imports from an exporter, per importer, as
a step series by entry date; and imports and duties summed by calendar year
or US federal fiscal year (1 October – 30 September, named after the year it
ends in). Arrays come from :mod:`tariffsim.model.simulation` and
:mod:`tariffsim.model.timeline`; this module does no file I/O and no unit parsing.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd

from tariffsim._types import FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.model import engine, measure_rates
from tariffsim.model.breakdown import scenario_authority_steps
from tariffsim.model.results import Result
from tariffsim.model.timeline import build_grid, day_number, from_day_number, step_function
from tariffsim.scenario.schema import Scenario, Tranche

YearKind = Literal["calendar", "fiscal"]

SERIES_COLUMNS = [
    "importer",
    "exporter",
    "start",
    "end",
    "days",
    "applied_rate",
    "applied_additional_rate",
    "planned_rate",
    "weight_usd_per_year",
]


def average_tariff_series(scenario: Scenario) -> pd.DataFrame:
    """Trade-weighted average tariff per importer × exporter as a step series.

    One row per run of days on which the averages do not change: ``start``
    and ``end`` (inclusive) [date], ``applied_rate`` (base + additional,
    in-transit grace and exclusions applied), ``applied_additional_rate``,
    ``planned_rate`` (base + every announced step on its date, whatever its
    status, no grace, no exclusions) [1], and ``weight_usd_per_year``, the
    annual import value the average is taken over [USD/year].

    Notes
    -----
    With fixed annual import values ``V_i`` as weights (pre-substitution, as
    in published trackers that weight by a base year's trade):

        τ̄(t) = Σ_i V_i · (b_i + a_i(t) · (1 − s_i(t))) / Σ_i V_i

    where ``b_i`` is the base rate, ``a_i(t)`` the additional rate on goods
    entered on day t and ``s_i(t)`` the excluded share.
    """
    frames = []
    pairs = sorted({(t.importer, t.exporter) for t in scenario.tranches.values()})
    for importer, exporter in pairs:
        tranches = [
            t
            for t in scenario.tranches.values()
            if (t.importer, t.exporter) == (importer, exporter)
        ]
        frames.append(_pair_series(scenario, importer, exporter, tranches))
    return pd.concat(frames, ignore_index=True)[SERIES_COLUMNS]


def _pair_series(
    scenario: Scenario, importer: str, exporter: str, tranches: list[Tranche]
) -> pd.DataFrame:
    applied = [measure_rates.flow_steps(t) for t in tranches]
    planned = [t.planned_steps() for t in tranches]
    kept = [t.exclusion_steps() for t in tranches]
    changes = [d for steps in (*applied, *planned, *kept) for d, _ in steps]
    horizon = scenario.horizon
    grid = build_grid(horizon.start, horizon.end, "year", change_dates=changes)
    at = grid.slice_start
    weights = np.array([t.imports.value for t in tranches], dtype=np.float64)
    base = np.array([t.base_rate.value for t in tranches], dtype=np.float64)
    additional = _evaluate(applied, at) * _evaluate(kept, at, before=1.0)
    planned_rate = base[:, None] + _evaluate(planned, at)
    total_weight = np.full(at.size, weights.sum())
    frame = pd.DataFrame(
        {
            "start": grid.slice_start,
            "end": grid.slice_end - 1,
            "applied_rate": engine.weighted_rate(
                weights @ (base[:, None] + additional), total_weight
            ),
            "applied_additional_rate": engine.weighted_rate(weights @ additional, total_weight),
            "planned_rate": engine.weighted_rate(weights @ planned_rate, total_weight),
        }
    )
    frame = _merge_equal_runs(frame)
    frame["days"] = frame["end"] - frame["start"] + 1
    frame["start"] = [from_day_number(d) for d in frame["start"]]
    frame["end"] = [from_day_number(d) for d in frame["end"]]
    frame["importer"] = importer
    frame["exporter"] = exporter
    frame["weight_usd_per_year"] = float(weights.sum())
    return frame


def _evaluate(
    steps: list[list[tuple[dt.date, float]]], at: IntArray, before: float = 0.0
) -> FloatArray:
    days = [[day_number(d) for d, _ in s] for s in steps]
    values = [[v for _, v in s] for s in steps]
    return step_function(days, values, at, before=before)


def _merge_equal_runs(
    frame: pd.DataFrame,
    columns: tuple[str, ...] = ("applied_rate", "applied_additional_rate", "planned_rate"),
) -> pd.DataFrame:
    """Join neighbouring slices whose rates are all equal (year boundaries, no-op steps)."""
    rates = frame[list(columns)].to_numpy()
    new_run = np.ones(len(frame), dtype=bool)
    new_run[1:] = np.any(rates[1:] != rates[:-1], axis=1)
    run = np.cumsum(new_run) - 1
    merged = frame[new_run].reset_index(drop=True)
    merged["end"] = frame.groupby(run)["end"].max().to_numpy()
    return merged


def authority_series(scenario: Scenario) -> pd.DataFrame:
    """The average tariff per importer × exporter as a step series, split by authority.

    One row per run of days on which no part changes: ``importer``, ``exporter``,
    ``start``, ``end`` (inclusive) [date], ``days``, ``total`` (MFN + every
    authority), ``mfn`` (the base rate) and one column per authority found on the
    rows (``section301``, ``ieepa_fentanyl``, …; ``tranche`` for a tranche written
    without one) [1], each averaged over all the pair's imports.

    Notes
    -----
    With fixed annual values ``V_i`` of the rows (a flow's product classes, or
    tranches), authority a's part on day t is

        τ̄_a(t) = Σ_i V_i · τ_{a,i}(t) · (1 − s_i(t)) / Σ_i V_i

    with ``τ_{a,i}`` authority a's part of row i's stacked rate
    (:mod:`tariffsim.model.flows`) and ``s_i`` its excluded share. The parts and
    ``mfn`` add up to ``total``, which equals ``applied_rate`` of
    :func:`average_tariff_series`.
    """
    parts = scenario_authority_steps(scenario)
    authorities = list(dict.fromkeys(a for steps in parts.values() for a in steps))
    frames = []
    for importer, exporter in sorted(
        {(t.importer, t.exporter) for t in scenario.tranches.values()}
    ):
        ids = [
            tid
            for tid, t in scenario.tranches.items()
            if (t.importer, t.exporter) == (importer, exporter)
        ]
        tranches = [scenario.tranches[tid] for tid in ids]
        kept = [t.exclusion_steps() for t in tranches]
        changes = [d for tid in ids for steps in parts[tid].values() for d, _ in steps]
        changes += [d for steps in kept for d, _ in steps]
        horizon = scenario.horizon
        grid = build_grid(horizon.start, horizon.end, "year", change_dates=changes)
        at = grid.slice_start
        weights = np.array([t.imports.value for t in tranches], dtype=np.float64)
        total_weight = np.full(at.size, weights.sum())
        share = _evaluate(kept, at, before=1.0)
        columns = {
            "mfn": engine.weighted_rate(
                weights @ np.array([[t.base_rate.value] * at.size for t in tranches]),
                total_weight,
            )
        }
        for authority in authorities:
            rates = _evaluate([parts[tid].get(authority, []) for tid in ids], at) * share
            columns[authority] = engine.weighted_rate(weights @ rates, total_weight)
        frame = pd.DataFrame({"start": grid.slice_start, "end": grid.slice_end - 1, **columns})
        frame["total"] = frame[["mfn", *authorities]].sum(axis=1)
        frame = _merge_equal_runs(frame, ("mfn", *authorities))
        frame["days"] = frame["end"] - frame["start"] + 1
        frame["start"] = [from_day_number(d) for d in frame["start"]]
        frame["end"] = [from_day_number(d) for d in frame["end"]]
        frame["importer"], frame["exporter"] = importer, exporter
        frames.append(frame)
    names = ["importer", "exporter", "start", "end", "days", "total", "mfn", *authorities]
    if not frames:
        return pd.DataFrame(columns=names)
    return pd.concat(frames, ignore_index=True)[names]


def invalidation_drops(scenario: Scenario, series: pd.DataFrame) -> pd.DataFrame:
    """The average tariff the day before and the day a measure is held invalid [1].

    Columns ``importer``, ``exporter``, ``date``, ``measures`` (the ids invalidated
    that day, comma-separated), ``before`` and ``after`` (``total`` of
    :func:`authority_series` on the day before and on the day). Days whose day before
    lies outside the horizon are left out.
    """
    by_day: dict[dt.date, list[str]] = {}
    for mid, measure in scenario.measures.items():
        if measure.invalidated is not None:
            by_day.setdefault(measure.invalidated, []).append(mid)
    rows = []
    for day, measures in sorted(by_day.items()):
        for (importer, exporter), pair in series.groupby(["importer", "exporter"], sort=False):
            total = {
                d: pair[(pair["start"] <= d) & (pair["end"] >= d)]["total"]
                for d in (day - dt.timedelta(days=1), day)
            }
            if any(v.empty for v in total.values()):
                continue
            before, after = (float(v.iloc[0]) for v in total.values())
            rows.append([importer, exporter, day, ", ".join(measures), before, after])
    return pd.DataFrame(
        rows, columns=["importer", "exporter", "date", "measures", "before", "after"]
    )


REFUND_AMOUNTS = ["deposited_usd", "owed_usd", "owed_back_usd", "refunded_usd", "interest_usd"]


def refund_years(result: Result, kind: YearKind = "fiscal") -> pd.DataFrame:
    """Deposited, owed, owed back and refunded duty per invalidated measure × year [USD].

    Columns: ``measure`` (``all`` for the sum of every measure), ``year`` (``FY2026``
    or ``2026``) and :data:`REFUND_AMOUNTS`: deposited, owed (what stands,
    deposited − owed back) and owed back by entry date; refunded (principal) and
    interest by payment date, so a year after the horizon can hold refunds only.
    Summed over the rows of ``result.refunds``; empty without invalidated measures.
    """
    table = "fiscal_year" if kind == "fiscal" else "calendar_year"
    refunds = result.refunds
    if refunds is None or refunds.empty:
        return pd.DataFrame(columns=["measure", "year", *REFUND_AMOUNTS])
    rows = refunds[refunds["table"] == table].copy()
    rows["measure"] = rows["measure"].where(rows["measure"] != "", rows["tranche"])
    rows["refunded_usd"] = rows["principal_usd"]
    each = rows.groupby(["measure", "key"], sort=False)[REFUND_AMOUNTS].sum().reset_index()
    every = rows.groupby("key", sort=False)[REFUND_AMOUNTS].sum().reset_index()
    every.insert(0, "measure", "all")
    frame = pd.concat([each, every], ignore_index=True).rename(columns={"key": "year"})
    order = {m: i for i, m in enumerate(dict.fromkeys(frame["measure"]))}
    frame = frame.sort_values(
        ["measure", "year"], key=lambda c: c.map(order) if c.name == "measure" else c
    )
    return frame.reset_index(drop=True)[["measure", "year", *REFUND_AMOUNTS]]


def average_tariff_on(series: pd.DataFrame, importer: str, exporter: str, day: dt.date) -> float:
    """The applied average tariff of one importer × exporter on ``day`` [1].

    Raises
    ------
    TariffsimError
        if the pair is not in the series or ``day`` is outside the horizon.
    """
    rows = series[
        (series["importer"] == importer)
        & (series["exporter"] == exporter)
        & (series["start"] <= day)
        & (series["end"] >= day)
    ]
    if rows.empty:
        raise TariffsimError(
            f"no average tariff for imports into {importer} from {exporter} on {day}",
            hint="the date must be inside the scenario's horizon and the pair among its tranches",
        )
    return float(rows["applied_rate"].iloc[0])


def year_of(day: dt.date, kind: YearKind) -> int:
    """The calendar year, or the US fiscal year (October–September, named by its end)."""
    if kind == "fiscal" and day.month >= 10:
        return day.year + 1
    return day.year


def yearly_totals(result: Result, kind: YearKind = "calendar") -> pd.DataFrame:
    """Imports and duties per mode × importer × exporter × year [USD].

    Columns: ``mode``, ``importer``, ``exporter``, ``year``, ``first_day``,
    ``last_day`` (the part of the year inside the horizon), ``imports_usd``,
    ``additional_duty_usd``, ``base_duty_usd``, ``total_duty_usd``.

    Raises
    ------
    TariffsimError
        if a reporting period straddles two years (weekly periods can);
        simulate with ``step`` day, month, quarter or year instead.
    """
    a = result.arrays
    first = [year_of(d, kind) for d in a.starts.tolist()]
    last = [year_of(d, kind) for d in a.ends.tolist()]
    if first != last:
        raise TariffsimError(
            f"a {result.step}ly period straddles two {kind} years",
            hint="simulate with step day, month or quarter to sum by year",
        )
    keys = ["mode", "importer", "exporter", "year"]
    money = ["imports_usd", "additional_duty_usd", "base_duty_usd", "total_duty_usd"]
    periods = result.periods
    text = {c: "str" for c in keys[:3]}  # plain text keys, as the tables print them
    frame = periods.astype(text).assign(year=np.tile(first, len(a.modes)))
    sums = frame.groupby(keys, sort=False)[money].sum()
    spans = frame.groupby(keys, sort=False).agg(
        first_day=("period_start", "min"), last_day=("period_end", "max")
    )
    spans = spans.assign(first_day=spans["first_day"].dt.date, last_day=spans["last_day"].dt.date)
    return sums.join(spans).reset_index()[[*keys, "first_day", "last_day", *money]]
