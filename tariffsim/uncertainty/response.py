"""The behavioural response in a sweep: the behaviour kernels on draw × tranche rows.

The same steps as :func:`tariffsim.model.response.respond`, laid out so that every
row is one draw of one tranche: each row has its own elasticity, pass-through
and half-life (drawn), and its own step dates (uncertain dates moved), so the
front-loading windows are built per row. Per-branch facts (reference rates,
seasonal profiles, diversion rates, the warm-up rates before the horizon)
come from the behaviour model's own helpers, once per branch, and are indexed
by each row's branch. The arithmetic is the behaviour model's kernels
(:mod:`tariffsim.model.behaviour`); no I/O, no pint, no pandas here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tariffsim._types import FloatArray, IntArray
from tariffsim.model import anticipation, behaviour, engine, measure_rates, response
from tariffsim.model.timeline import Grid, build_grid, day_number, from_day_number
from tariffsim.scenario.assumptions import Assumptions
from tariffsim.scenario.distributions import Assumption
from tariffsim.scenario.schema import Scenario, tranche_assumptions
from tariffsim.uncertainty.outlook import Outlook

NEVER = np.iinfo(np.int64).max
"""Day number of a step that never happens (a cancelled outcome, or padding)."""
_DAY = dt.timedelta(days=1)

ASSUMPTIONS: tuple[Assumption, ...] = ("elasticity", "pass_through", "half_life")
"""Assumptions a sweep may draw, in the order they are drawn."""


@dataclass(frozen=True)
class BehaviourPlan:
    """Per branch × tranche behavioural facts, shapes (B, T) unless stated.

    Attributes
    ----------
    elasticity, pass_through, half_life : the branch's own values [1], [1], [d].
    reference_rate : total rate τ_0 on the reference date [fraction].
    reference_day : the reference date [day number].
    front_share : front-loaded share φ [1]; window_days : its window [d].
    announced : announcement day of each step slot, ``NEVER`` if none, (B, T, K).
    diversion_share : δ [1]; diversion_base : base rate of the diverted flow [fraction].
    diversion_rate : additional rate of the diverted flow per slice [fraction], (B, T, S).
    accrual : share of the annual flow accrued per slice [1], (B, T, S).
    warm_rate : total rate per slice of the warm-up grid [fraction], (B, T, W).
    warm_grid : the slices from the earliest reference date to the horizon's start, or None.
    off : the windows of steps called off, (B, T, X): a branch's own suspended or
        cancelled steps, and the uncertain steps' scheduled dates in draws that move or
        cancel them (see :class:`CalledOff`).
    """

    elasticity: FloatArray
    pass_through: FloatArray
    half_life: FloatArray
    reference_rate: FloatArray
    reference_day: IntArray
    front_share: FloatArray
    window_days: IntArray
    announced: IntArray
    diversion_share: FloatArray
    diversion_base: FloatArray
    diversion_rate: FloatArray
    accrual: FloatArray
    warm_rate: FloatArray
    warm_grid: Grid | None
    off: CalledOff


@dataclass(frozen=True)
class CalledOff:
    """Front-loading windows of steps called off, per branch × tranche × slot, (B, T, X).

    Attributes
    ----------
    before : each slice's share of the window before the step, where buying ahead went on
        [1], (B, T, X, S).
    after : whether a slice lies in the window after the step, (B, T, X, S).
    day : the step's entry day [day number], ``NEVER`` pads, (B, T, X).
    slot : the applied step slot whose move or cancellation calls it off, or -1 for a
        step the branch itself suspends or cancels (called off in every draw), (B, T, X).
    rate : total rate importers expected on each slice [fraction], (B, T, X, S).
    """

    before: FloatArray
    after: FloatArray
    day: IntArray
    slot: IntArray
    rate: FloatArray


def cut_dates(outlook: Outlook) -> tuple[list[dt.date], bool]:
    """Dates the sweep's grid must cut at for the response, and whether months split.

    Front-loading windows are cut around every date a step may take: its own
    and each outcome's. Diversion rate changes are cut as in a single run.
    """
    dates: list[dt.date] = []
    seasonal = False
    moves = {
        (bid, spec.tranche, spec.date): [d for d in spec.outcome_dates() if d is not None]
        for uid, spec in outlook.spec.uncertain_steps.items()
        for bid in outlook.applies[uid]
    }
    for bid, scenario in outlook.scenarios.items():
        assumptions = tranche_assumptions(scenario)
        if assumptions is None:
            continue
        dates += response.cut_dates(scenario, assumptions)
        seasonal = seasonal or any(a.seasonality for a in assumptions.values())
        start, stop = scenario.horizon.start, scenario.horizon.end + _DAY
        for tid, tranche in scenario.tranches.items():
            loading = assumptions[tid].front_loading
            if loading is None:
                continue
            width = dt.timedelta(days=round(loading.window.value))
            for day, step in tranche.schedule.items():
                if (bid, tid, day) in moves:  # the scheduled date, when a draw calls it off
                    w = anticipation.window(tranche, day, step, loading, scenario, False)
                    dates += [w.first, w.until] if w else []
                for moved in moves.get((bid, tid, day), []):
                    first = max(step.announced or moved, moved - width, start)
                    dates += [first, moved, min(moved + width, stop)]
    return dates, seasonal


def plan_behaviour(
    outlook: Outlook, tranche_ids: list[str], step_day: IntArray, grid: Grid
) -> BehaviourPlan:
    """Gather each branch's behavioural facts into (B, T) arrays on the sweep's grid."""
    scenarios = list(outlook.scenarios.values())
    b_n, t_n, s_n = len(scenarios), len(tranche_ids), grid.n_slices
    shape = (b_n, t_n)
    out: dict[str, FloatArray] = {
        name: np.zeros(shape)
        for name in (
            "elasticity",
            "pass_through",
            "half_life",
            "reference_rate",
            "front_share",
            "diversion_share",
            "diversion_base",
        )
    }
    # a tranche a branch lacks has no imports; its reference day only must not be the earliest
    reference_day = np.full(shape, day_number(scenarios[0].horizon.start), dtype=np.int64)
    window_days = np.zeros(shape, dtype=np.int64)
    announced = np.full(step_day.shape, NEVER, dtype=np.int64)
    diversion_rate = np.zeros((b_n, t_n, s_n))
    accrual = np.broadcast_to(grid.year_fraction, (b_n, t_n, s_n)).copy()
    for b, scenario in enumerate(scenarios):
        assumptions = tranche_assumptions(scenario)
        assert assumptions is not None  # checked by load_outlook when the sweep is behavioural
        p = response.parameters(scenario, assumptions)
        columns = [tranche_ids.index(tid) for tid in scenario.tranches]
        for name in ("elasticity", "pass_through", "half_life", "reference_rate"):
            out[name][b, columns] = getattr(p, name)
        out["front_share"][b, columns] = p.front_share
        out["diversion_share"][b, columns] = p.diversion_share
        reference_day[b, columns] = p.reference_day
        seasonal = response.seasonal_fraction(scenario, assumptions, grid)
        if seasonal is not None:
            accrual[b, columns] = seasonal
        for i, (tid, tranche) in enumerate(scenario.tranches.items()):
            t = columns[i]
            a = assumptions[tid]
            out["diversion_base"][b, t] = tranche.base_rate.value
            if a.front_loading is not None:
                window_days[b, t] = round(a.front_loading.window.value)
            applied = [step for _, step in tranche.applied_entries()]
            for k, step in enumerate(applied):
                if step is not None and step.announced is not None:
                    announced[b, t, k] = day_number(step.announced)
            if a.diversion is not None:
                if a.diversion.base_rate is not None:
                    out["diversion_base"][b, t] = a.diversion.base_rate.value
                for day, rate in sorted(a.diversion.schedule.items()):
                    diversion_rate[b, t, grid.slice_start >= day_number(day)] = rate.value
    warm_grid, warm_rate = _warm_up_rates(outlook, tranche_ids, reference_day)
    return BehaviourPlan(
        **out,
        reference_day=reference_day,
        window_days=window_days,
        announced=announced,
        diversion_rate=diversion_rate,
        accrual=accrual,
        warm_rate=warm_rate,
        warm_grid=warm_grid,
        off=called_off_windows(outlook, tranche_ids, step_day, grid),
    )


def called_off_windows(
    outlook: Outlook, tranche_ids: list[str], step_day: IntArray, grid: Grid
) -> CalledOff:
    """The windows of steps called off, as a single run lays them out
    (:mod:`tariffsim.model.anticipation`): bought ahead until called off, against the
    imports expected at the rates known then."""
    found: dict[tuple[int, int], list[tuple[int, int, anticipation.Window, FloatArray]]] = {}
    for b, (bid, scenario) in enumerate(outlook.scenarios.items()):
        assumptions = tranche_assumptions(scenario)
        assert assumptions is not None
        uncertain = {
            (spec.tranche, spec.date)
            for uid, spec in outlook.spec.uncertain_steps.items()
            if bid in outlook.applies[uid]
        }
        for tid in scenario.tranches:
            t = tranche_ids.index(tid)
            found[b, t] = _tranche_called_off(
                scenario, assumptions[tid], tid, uncertain, step_day[b, t], grid
            )
    b_n, t_n, s_n = step_day.shape[0], len(tranche_ids), grid.n_slices
    x_n = max((len(v) for v in found.values()), default=0)
    off = CalledOff(
        before=np.zeros((b_n, t_n, x_n, s_n)),
        after=np.zeros((b_n, t_n, x_n, s_n)),
        day=np.full((b_n, t_n, x_n), NEVER, dtype=np.int64),
        slot=np.full((b_n, t_n, x_n), -1, dtype=np.int64),
        rate=np.zeros((b_n, t_n, x_n, s_n)),
    )
    for (b, t), rows in found.items():
        if not rows:
            continue
        windows = [w for _, _, w, _ in rows]
        before, after = response.window_masks([windows], grid)
        for x, (entry, slot, _, rate) in enumerate(rows):
            off.before[b, t, x], off.after[b, t, x] = before[x, 0], after[x, 0]
            off.day[b, t, x], off.slot[b, t, x], off.rate[b, t, x] = entry, slot, rate
    return off


def _tranche_called_off(
    scenario: Scenario,
    a: Assumptions,
    tid: str,
    uncertain: set[tuple[str, dt.date]],
    step_day: IntArray,
    grid: Grid,
) -> list[tuple[int, int, anticipation.Window, FloatArray]]:
    """(entry day, slot, window, expected rates) of one tranche's called-off windows."""
    loading = a.front_loading
    if loading is None:
        return []
    tranche = scenario.tranches[tid]
    rows = []
    for day, step in sorted(tranche.schedule.items()):
        if step.status.applies and (tid, day) not in uncertain:
            continue
        w = anticipation.window(tranche, day, step, loading, scenario, False)
        if w is None:
            continue
        slot = -1
        if step.status.applies:  # an uncertain step: called off in the draws that move it
            slot = int(np.flatnonzero(step_day == day_number(day))[0])
        known = anticipation.known_tranche(tranche, w, loading, scenario.as_of)
        rate = anticipation.tranche_rates([known], grid)[0]
        rows.append((day_number(day), slot, w, rate))
    return rows


def _warm_up_rates(
    outlook: Outlook, tranche_ids: list[str], reference_day: IntArray
) -> tuple[Grid | None, FloatArray]:
    """The slices before the horizon and each branch × tranche's total rate on them."""
    scenarios = list(outlook.scenarios.values())
    start = scenarios[0].horizon.start
    first = from_day_number(int(reference_day.min()))
    if first >= start:
        return None, np.zeros((len(scenarios), len(tranche_ids), 0))
    steps = [measure_rates.flow_steps(t) for s in scenarios for t in s.tranches.values()]
    references = [from_day_number(int(d)) for d in np.unique(reference_day)]
    grid = build_grid(
        first, start - _DAY, "year", change_dates=[d for s in steps for d, _ in s] + references
    )
    rate = np.zeros((len(scenarios), len(tranche_ids), grid.n_slices))
    for b, scenario in enumerate(scenarios):
        for tid, tranche in scenario.tranches.items():
            t = tranche_ids.index(tid)
            days = [from_day_number(int(d)) for d in grid.slice_start]
            rate[b, t] = tranche.base_rate.value + np.array(
                [measure_rates.flow_rate_on(tranche, d) for d in days]
            )
    return grid, rate


def window_weights(
    days: IntArray, rates: FloatArray, announced: IntArray, width: IntArray, grid: Grid
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Front-loading windows of every row's steps: before-window day weights and after-window
    masks, each (K, R, S), rows' steps in date order, and their days, (R, K).

    Notes
    -----
    As in :func:`tariffsim.model.response.front_loading_steps`: a step is front-loaded when it
    raises the rate in force the day before and was announced before it took effect;
    its window before runs from ``max(announced, day − width, start)`` to the step, the
    window after from the step to ``min(day + width, end + 1)``. Here the days are each
    row's own (uncertain dates moved; a cancelled step never raises anything).
    """
    order = np.argsort(days, axis=1, kind="stable")
    day = np.take_along_axis(days, order, axis=1)
    rate = np.take_along_axis(rates, order, axis=1)
    told = np.take_along_axis(announced, order, axis=1)
    before_rate = np.concatenate([np.zeros((rate.shape[0], 1)), rate[:, :-1]], axis=1)
    start = int(grid.slice_start[0])
    stop = int(grid.slice_end[-1])
    w = width[:, None]
    first = np.maximum(np.maximum(told, day - w), start)
    loaded = (told != NEVER) & (w > 0) & (rate > before_rate) & (first < day) & (day < stop)
    at = grid.slice_start[None, None, :]
    first3, day3 = first.T[:, :, None], day.T[:, :, None]
    inside = loaded.T[:, :, None] & (at >= first3) & (at < day3)
    span = np.where(loaded, day - first, 1).T[:, :, None].astype(np.float64)
    before = np.where(inside, grid.days[None, None, :], 0.0) / span
    last = np.minimum(day + w, stop).T[:, :, None]
    after = loaded.T[:, :, None] & (at >= day3) & (at < last)
    return before, after.astype(np.float64), day


def respond_rows(
    b: BehaviourPlan,
    branch: IntArray,
    parameters: dict[str, FloatArray],
    grid: Grid,
    static: FloatArray,
    total_rate: FloatArray,
    days: IntArray,
    rates: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Behavioural and diverted imports of every row [USD], each (R, S), and diverted rates.

    Parameters
    ----------
    b : the behavioural facts per branch × tranche.
    branch : branch index of each draw, (C,); rows are draws × tranches, R = C·T.
    parameters : drawn values per draw, (C,), by assumption name; absent or NaN ones
        are the branch's own.
    grid : the sweep's slices.
    static : imports without a response [USD], (R, S).
    total_rate : base + additional rate on each slice [fraction], (R, S).
    days, rates : each row's step days and additional rates, (R, K).
    """
    t_n = b.elasticity.shape[1]

    def row(name: str) -> FloatArray:
        own: FloatArray = getattr(b, name)[branch].ravel()
        if name not in parameters:
            return own
        drawn = np.repeat(parameters[name], t_n)
        return np.where(np.isnan(drawn), own, drawn)

    elasticity, pass_through, half_life = row("elasticity"), row("pass_through"), row("half_life")
    reference_rate = b.reference_rate[branch].ravel()
    start = np.ones_like(elasticity)
    if b.warm_grid is not None:
        warm = b.warm_grid
        target = behaviour.constant_elasticity_multiplier(
            b.warm_rate[branch].reshape(-1, warm.n_slices), reference_rate, elasticity, pass_through
        )
        before_reference = warm.slice_start[None, :] < b.reference_day[branch].reshape(-1, 1)
        target = np.where(before_reference, 1.0, target)
        _, start = behaviour.lagged_multiplier(target, warm.days, half_life, start)
    target = behaviour.constant_elasticity_multiplier(
        total_rate, reference_rate, elasticity, pass_through
    )
    mean, _ = behaviour.lagged_multiplier(target, grid.days, half_life, start)
    responded = static * mean
    before, after, day = window_weights(
        days, rates, b.announced[branch].reshape(days.shape), b.window_days[branch].ravel(), grid
    )
    expected = None
    if b.off.day.shape[2]:
        rows = (elasticity, pass_through, half_life, reference_rate, start)
        before, after, expected = _with_called_off(
            b.off, branch, days, rows, static, grid, (before, after, day)
        )
    imports, _ = behaviour.front_load(
        responded, before, after.astype(bool), b.front_share[branch].ravel(), expected
    )
    diverted = behaviour.diverted_imports(static, responded, b.diversion_share[branch].ravel())
    return imports, diverted, b.diversion_rate[branch].reshape(diverted.shape)


def _with_called_off(
    off: CalledOff,
    branch: IntArray,
    days: IntArray,
    rows: tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray],
    static: FloatArray,
    grid: Grid,
    applied: tuple[FloatArray, FloatArray, IntArray],
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The applied windows and the called-off ones of every row, in date order, each
    (K + X, R, S), with the imports importers expected (NaN: the row's own).

    ``rows`` holds each row's elasticity, pass-through, half-life, reference rate and
    multiplier at the horizon's start, each (R,).
    """
    x_n, s_n, r_n = off.day.shape[2], grid.n_slices, days.shape[0]
    slot = off.slot[branch].reshape(r_n, x_n)
    entry = off.day[branch].reshape(r_n, x_n)
    drawn = np.take_along_axis(days, np.maximum(slot, 0), axis=1)
    active = (entry != NEVER) & ((slot < 0) | (drawn != entry))
    before_x = off.before[branch].reshape(r_n, x_n, s_n) * active[:, :, None]
    after_x = off.after[branch].reshape(r_n, x_n, s_n) * active[:, :, None]
    elasticity, pass_through, half_life, reference_rate, start = (np.repeat(v, x_n) for v in rows)
    target = behaviour.constant_elasticity_multiplier(
        off.rate[branch].reshape(r_n * x_n, s_n), reference_rate, elasticity, pass_through
    )
    mean, _ = behaviour.lagged_multiplier(target, grid.days, half_life, start)
    expected_x = static[:, None, :] * mean.reshape(r_n, x_n, s_n)
    before, after, day = applied
    k_n = before.shape[0]
    slot_day = np.concatenate([day, np.where(active, entry, NEVER)], axis=1)
    order = np.argsort(slot_day, axis=1, kind="stable")[:, :, None]

    def sorted_slots(a: FloatArray, x: FloatArray) -> FloatArray:
        joined = np.concatenate([a.transpose(1, 0, 2), x], axis=1)  # (R, K + X, S)
        out: FloatArray = np.take_along_axis(joined, order, axis=1).transpose(1, 0, 2)
        return out

    own = np.full((k_n, r_n, s_n), np.nan)
    return (
        sorted_slots(before, before_x),
        sorted_slots(after, after_x),
        sorted_slots(own, expected_x),
    )


def diverted_duty(
    b: BehaviourPlan, branch: IntArray, diverted: FloatArray, rate: FloatArray, grid: Grid
) -> tuple[FloatArray, FloatArray]:
    """Additional and base duty on the diverted flows per period [USD], each (R, P)."""
    first = grid.period_first_slice
    additional = engine.period_sums(engine.ad_valorem_duty(diverted, rate), first)
    base_rate = b.diversion_base[branch].reshape(-1, 1)
    base = engine.period_sums(engine.ad_valorem_duty(diverted, base_rate), first)
    return additional, base
