"""Orchestration of the behavioural run: assumptions → per-row arrays → kernels.

The steps, in order: read each tranche's effective assumptions into per-row
arrays (:func:`parameters`); add the dates the response needs to the grid
(:func:`cut_dates`); trace the adjustment from the reference date to the
horizon's start (:func:`warm_up`); on the horizon, the long-run multiplier,
its lagged slice means, the diverted flow and the front-loading shifts
(:func:`respond`). The arithmetic lives in :mod:`tariffsim.model.behaviour`; this
module only lays dated facts onto arrays. No pint, no pandas, no I/O.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray
from tariffsim.model import anticipation, behaviour, measure_rates
from tariffsim.model.timeline import Grid, build_grid, day_number, from_day_number, step_function
from tariffsim.scenario.assumptions import LAG_FREE, Assumptions
from tariffsim.scenario.schema import Scenario, Tranche

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Parameters:
    """Each row's assumptions as arrays, shape (N,).

    Attributes
    ----------
    elasticity : ε, import-demand elasticity magnitude [1].
    pass_through : ρ, share of the tariff in the import price [1].
    half_life : half-life of the adjustment [d]; 0 for an immediate response.
    slow_share : w, share of the response adjusting with ``slow_half_life`` [1].
    slow_half_life : half-life of the slow part [d]; 0 where there is none.
    reference_rate : τ_0, total rate on the reference date [fraction].
    reference_day : the reference date [day number].
    front_share : φ, share of the after-window's imports bought early [1].
    diversion_share : δ, share of lost imports moved to another exporter [1].
    """

    elasticity: FloatArray
    pass_through: FloatArray
    half_life: FloatArray
    slow_share: FloatArray
    slow_half_life: FloatArray
    reference_rate: FloatArray
    reference_day: IntArray
    front_share: FloatArray
    diversion_share: FloatArray


def parameters(scenario: Scenario, assumptions: dict[str, Assumptions]) -> Parameters:
    """Per-tranche arrays of the effective assumptions (checked complete at load time)."""
    rows = [(t, assumptions[tid]) for tid, t in scenario.tranches.items()]

    def column(values: list[float]) -> FloatArray:
        return np.array(values, dtype=np.float64)

    return Parameters(
        elasticity=column([a.elasticity.value if a.elasticity else 0.0 for _, a in rows]),
        pass_through=column([a.pass_through.value if a.pass_through else 0.0 for _, a in rows]),
        half_life=column([a.half_life.value if a.half_life else LAG_FREE for _, a in rows]),
        slow_share=column(
            [a.slow_response.share.value if a.slow_response else 0.0 for _, a in rows]
        ),
        slow_half_life=column(
            [a.slow_response.half_life.value if a.slow_response else LAG_FREE for _, a in rows]
        ),
        reference_rate=column([_total_rate(t, _reference(a)) for t, a in rows]),
        reference_day=np.array([day_number(_reference(a)) for _, a in rows], dtype=np.int64),
        front_share=column(
            [a.front_loading.share.value if a.front_loading else 0.0 for _, a in rows]
        ),
        diversion_share=column([a.diversion.share.value if a.diversion else 0.0 for _, a in rows]),
    )


def _reference(a: Assumptions) -> dt.date:
    if a.reference_date is None:  # pragma: no cover - check_assumptions refuses this at load time
        raise ValueError("reference_date missing")
    return a.reference_date.value


def _total_rate(tranche: Tranche, day: dt.date) -> float:
    return tranche.base_rate.value + measure_rates.flow_rate_on(tranche, day)


def cut_dates(scenario: Scenario, assumptions: dict[str, Assumptions]) -> list[dt.date]:
    """Dates the grid must cut at: front-loading window edges, diversion rate changes."""
    dates = [
        d
        for row in anticipation.windows(scenario, assumptions)
        for w in row
        for d in (w.first, w.day, w.last, w.until)
    ]
    for a in assumptions.values():
        if a.diversion:
            dates += list(a.diversion.schedule)
    return dates


def window_masks(
    windows: list[list[anticipation.Window]], grid: Grid
) -> tuple[FloatArray, BoolArray]:
    """Before-window day weights and after-window masks, each (K, N, S).

    A slice's weight is its days over the days of the whole window before the
    step, [first, day), on the slices where buying ahead still went on, [first, until).
    """
    k = max((len(w) for w in windows), default=0)
    before = np.zeros((k, len(windows), grid.n_slices))
    after = np.zeros((k, len(windows), grid.n_slices), dtype=bool)
    for n, row in enumerate(windows):
        for i, w in enumerate(row):
            inside = (grid.slice_start >= day_number(w.first)) & (
                grid.slice_start < day_number(w.until)
            )
            before[i, n] = np.where(inside, grid.days, 0.0) / (w.day - w.first).days
            after[i, n] = (grid.slice_start >= day_number(w.day)) & (
                grid.slice_start < day_number(w.last)
            )
    return before, after


def seasonal_fraction(
    scenario: Scenario, assumptions: dict[str, Assumptions], grid: Grid
) -> FloatArray | None:
    """Each row's share of the annual flow per slice under its monthly profile, or None."""
    profiles = [assumptions[tid].seasonality for tid in scenario.tranches]
    if all(p is None for p in profiles):
        return None
    flat = (1.0,) * 12
    weights = np.array([p.value if p else flat for p in profiles], dtype=np.float64)
    starts = [from_day_number(int(d)) for d in grid.slice_start]
    month_days = np.array(
        [calendar.monthrange(d.year, d.month)[1] for d in starts], dtype=np.float64
    )
    return behaviour.seasonal_year_fraction(weights, grid.month, grid.days, month_days)


def warm_up(scenario: Scenario, p: Parameters) -> tuple[FloatArray, FloatArray]:
    """The fast and slow parts of the multiplier on the horizon's first day [1], each (N,).

    Traced from each reference date; before it a row stays at 1 (the import
    value describes that date).
    """
    start = scenario.horizon.start
    first = from_day_number(int(p.reference_day.min()))
    if first >= start:
        return np.ones_like(p.elasticity), np.ones_like(p.elasticity)
    steps = [measure_rates.flow_steps(t) for t in scenario.tranches.values()]
    references = [from_day_number(int(d)) for d in p.reference_day]
    grid = build_grid(
        first, start - _DAY, "year", change_dates=[d for s in steps for d, _ in s] + references
    )
    rate = _rates_on(scenario, steps, grid.slice_start)
    target = behaviour.constant_elasticity_multiplier(
        rate, p.reference_rate, p.elasticity, p.pass_through
    )
    target = np.where(grid.slice_start[None, :] < p.reference_day[:, None], 1.0, target)
    ones = np.ones_like(p.elasticity)
    _, end = behaviour.two_speed_multiplier(
        target, grid.days, (p.half_life, p.slow_half_life), p.slow_share, (ones, ones)
    )
    return end


def _rates_on(
    scenario: Scenario, steps: list[list[tuple[dt.date, float]]], days: IntArray
) -> FloatArray:
    base = np.array([t.base_rate.value for t in scenario.tranches.values()], dtype=np.float64)
    additional = step_function(
        [[day_number(d) for d, _ in s] for s in steps], [[r for _, r in s] for s in steps], days
    )
    rates: FloatArray = base[:, None] + additional
    return rates


@dataclass(frozen=True)
class Diversions:
    """The diverted flows: one row per tranche that diverts, shape (D,) or (D, S).

    Attributes
    ----------
    source : the tranche row each diverted flow comes from, (D,).
    base_rate : base rate of each diverted flow [fraction], (D,).
    additional_rate : its additional rate on each slice [fraction], (D, S).
    additional_rate_at_end : its additional rate on the horizon's last day [fraction], (D,).
    """

    source: IntArray
    base_rate: FloatArray
    additional_rate: FloatArray
    additional_rate_at_end: FloatArray


def diversion_arrays(
    scenario: Scenario, assumptions: dict[str, Assumptions], grid: Grid
) -> Diversions:
    """The rates of each diverted flow on the grid; the base rate defaults to the tranche's."""
    chosen = [
        (i, t, d)
        for i, (tid, t) in enumerate(scenario.tranches.items())
        if (d := assumptions[tid].diversion)
    ]
    steps = [sorted(d.schedule.items()) for _, _, d in chosen]
    days = [[day_number(day) for day, _ in s] for s in steps]
    rates = [[rate.value for _, rate in s] for s in steps]
    last = np.array([day_number(scenario.horizon.end)], dtype=np.int64)
    return Diversions(
        source=np.array([i for i, _, _ in chosen], dtype=np.int64),
        base_rate=np.array(
            [d.base_rate.value if d.base_rate else t.base_rate.value for _, t, d in chosen],
            dtype=np.float64,
        ),
        additional_rate=step_function(days, rates, grid.slice_start).reshape(
            len(chosen), grid.n_slices
        ),
        additional_rate_at_end=step_function(days, rates, last).reshape(len(chosen)),
    )


def expected_imports(
    p: Parameters,
    grid: Grid,
    start: tuple[FloatArray, FloatArray],
    static_imports: FloatArray,
    expected: list[tuple[int, int, FloatArray]],
    k: int,
) -> FloatArray | None:
    """Imports importers expected, per window, where their known rates differ [USD],
    (K, N, S), NaN elsewhere (the row's own imports); None when they never differ."""
    if not expected:
        return None
    n = np.array([row for _, row, _ in expected], dtype=np.int64)
    target = behaviour.constant_elasticity_multiplier(
        np.stack([rates for _, _, rates in expected]),
        p.reference_rate[n],
        p.elasticity[n],
        p.pass_through[n],
    )
    mean, _ = behaviour.two_speed_multiplier(
        target,
        grid.days,
        (p.half_life[n], p.slow_half_life[n]),
        p.slow_share[n],
        (start[0][n], start[1][n]),
    )
    out = np.full((k, p.elasticity.size, grid.n_slices), np.nan)
    out[[w for w, _, _ in expected], n] = static_imports[n] * mean
    return out


@dataclass(frozen=True)
class Response:
    """The behavioural arrays of a run, per tranche row × slice unless stated.

    Attributes
    ----------
    responded : imports after the lagged price response, before front-loading [USD], (N, S).
    imports : behavioural imports, after front-loading [USD], (N, S).
    frontloaded : imports moved by front-loading, + added, − taken [USD], (N, S).
    long_run_end : long-run multiplier at the rates of the horizon's last day [1], (N,).
    diversions : the diverted flows' sources and rates.
    diverted : imports of the diverted flows [USD], (D, S).
    """

    responded: FloatArray
    imports: FloatArray
    frontloaded: FloatArray
    long_run_end: FloatArray
    diversions: Diversions
    diverted: FloatArray


def respond(
    scenario: Scenario,
    assumptions: dict[str, Assumptions],
    p: Parameters,
    grid: Grid,
    total_rate: FloatArray,
    total_rate_end: FloatArray,
    static_imports: FloatArray,
) -> Response:
    """Behavioural imports on the grid: price response, lag, diversion, front-loading."""
    target = behaviour.constant_elasticity_multiplier(
        total_rate, p.reference_rate, p.elasticity, p.pass_through
    )
    start = warm_up(scenario, p)
    mean, _ = behaviour.two_speed_multiplier(
        target, grid.days, (p.half_life, p.slow_half_life), p.slow_share, start
    )
    responded = static_imports * mean
    found = anticipation.windows(scenario, assumptions)
    before, after = window_masks(found, grid)
    known = anticipation.expected_rates(scenario, assumptions, found, grid, total_rate)
    expected = expected_imports(p, grid, start, static_imports, known, before.shape[0])
    imports, shift = behaviour.front_load(responded, before, after, p.front_share, expected)
    diversions = diversion_arrays(scenario, assumptions, grid)
    src = diversions.source
    return Response(
        responded=responded,
        imports=imports,
        frontloaded=shift,
        long_run_end=behaviour.constant_elasticity_multiplier(
            total_rate_end, p.reference_rate, p.elasticity, p.pass_through
        ),
        diversions=diversions,
        diverted=behaviour.diverted_imports(
            static_imports[src], responded[src], p.diversion_share[src]
        ),
    )
