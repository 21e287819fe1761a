"""Which announced increases importers buy ahead of, over which days, and what they expected.

Front-loading reacts to what is known on the day goods are bought, never to what
a path decides later: an increase announced and still scheduled is anticipated in
every path, and a path that suspends or cancels it stops the anticipation only
from the day it is called off. This module turns a scenario's dated steps into
those windows and into the rates importers expected; the arithmetic of the shift
is :func:`tariffsim.model.behaviour.front_load`. No pint, no pandas, no I/O.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tariffsim._types import FloatArray
from tariffsim.model import measure_rates
from tariffsim.model.timeline import Grid, day_number, step_function
from tariffsim.scenario.assumptions import Assumptions, FrontLoading
from tariffsim.scenario.schema import Scenario, ScheduleStep, Tranche
from tariffsim.scenario.steps import StepStatus

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """One anticipated step of a tranche, whole days.

    Attributes
    ----------
    first : first day of buying ahead: the latest of the announcement, ``window``
        before the step and the horizon's start.
    day : the day the step was to take effect.
    last : the day after the window after the step (at most the day after the horizon).
    until : the day buying ahead stops: ``day``, or the day a suspended or cancelled
        step was called off when that is earlier.
    known : the day whose knowledge importers act on: the later of the announcement and
        the scenario's ``as_of`` date (see :func:`known_tranche`).
    applies : whether the step applies in this scenario (False: suspended or cancelled).
    """

    first: dt.date
    day: dt.date
    last: dt.date
    until: dt.date
    known: dt.date
    applies: bool


def called_off_on(step: ScheduleStep, day: dt.date, a: FrontLoading, as_of: dt.date) -> dt.date:
    """The day importers stop buying ahead of a suspended or cancelled step.

    Its ``decided`` date if written; otherwise the step's own date with
    ``postponed: true`` (importers did not see it coming), else the scenario's
    ``as_of`` date: the facts of that day (the step announced and scheduled) are
    shared by every path, and a path can call the step off no earlier. Never
    after the step's date.
    """
    if step.decided is not None:
        return min(step.decided, day)
    return day if a.postponed else min(as_of, day)


def window(
    tranche: Tranche,
    day: dt.date,
    step: ScheduleStep,
    a: FrontLoading,
    scenario: Scenario,
    applies: bool,
) -> Window | None:
    """The window of one announced step, or None when it is not anticipated.

    It is anticipated when, had it applied, it would raise the rate in force the
    day before, and buying ahead began before it stopped (see :func:`called_off_on`)
    and before the horizon's end.
    """
    if step.announced is None:
        return None
    start, stop = scenario.horizon.start, scenario.horizon.end + _DAY
    width = dt.timedelta(days=round(a.window.value))
    first = max(step.announced, day - width, start)
    until = day if applies else called_off_on(step, day, a, scenario.as_of)
    raises = measure_rates.step_rate(tranche, step) > measure_rates.flow_rate_on(
        tranche, day - _DAY
    )
    if not (raises and first < until and day < stop):
        return None
    known = max(step.announced, scenario.as_of)
    return Window(first, day, min(day + width, stop), until, known, applies)


def windows(scenario: Scenario, assumptions: dict[str, Assumptions]) -> list[list[Window]]:
    """Per tranche, the windows of its anticipated steps, in date order: the steps that
    apply and those suspended or cancelled (see :func:`window`)."""
    found: list[list[Window]] = []
    for tid, tranche in scenario.tranches.items():
        a = assumptions[tid].front_loading
        row: list[Window] = []
        for day, step in sorted(tranche.schedule.items()):
            w = None if a is None else window(tranche, day, step, a, scenario, step.status.applies)
            if w is not None:
                row.append(w)
        found.append(row)
    return found


def known_tranche(tranche: Tranche, w: Window, a: FrontLoading, as_of: dt.date) -> Tranche:
    """The tranche as importers buying ahead in window ``w`` knew it: the schedule they expected.

    The window's own step as announced; the steps dated on or before ``w.known`` as they
    were (facts by then); and the steps announced by then for a later date as announced,
    unless called off by then (:func:`called_off_on`). Steps neither dated nor announced
    by then are unknown to them.
    """
    schedule: dict[dt.date, ScheduleStep] = {}
    for day, step in tranche.schedule.items():
        if day == w.day:
            schedule[day] = step.model_copy(update={"status": StepStatus.SCHEDULED})
        elif day <= w.known:
            schedule[day] = step
        elif step.announced is not None and step.announced <= w.known:
            off = not step.status.applies and called_off_on(step, day, a, as_of) <= w.known
            if not off:
                schedule[day] = step.model_copy(update={"status": StepStatus.SCHEDULED})
    return tranche.model_copy(update={"schedule": schedule})


def tranche_rates(tranches: list[Tranche], grid: Grid) -> FloatArray:
    """Total rate of each tranche on each slice [fraction], (N, S), exclusions applied."""
    steps = [measure_rates.flow_steps(t) for t in tranches]
    kept = [t.exclusion_steps() for t in tranches]
    at = grid.slice_start
    additional = step_function(
        [[day_number(d) for d, _ in s] for s in steps], [[r for _, r in s] for s in steps], at
    )
    share = step_function(
        [[day_number(d) for d, _ in k] for k in kept],
        [[f for _, f in k] for k in kept],
        at,
        before=1.0,
    )
    base = np.array([t.base_rate.value for t in tranches], dtype=np.float64)
    rates: FloatArray = base[:, None] + additional * share
    return rates


def expected_rates(
    scenario: Scenario,
    assumptions: dict[str, Assumptions],
    found: list[list[Window]],
    grid: Grid,
    total_rate: FloatArray,
) -> list[tuple[int, int, FloatArray]]:
    """(k, n, rates (S,)) for the k-th window of row n whose known schedule differs from
    the scenario's on the grid [fraction]; importers there expected other rates than came.

    Where the two agree (every step that applies was known, as in a path that keeps the
    schedule), nothing is listed and the window uses the row's own imports.
    """
    wanted = [
        (k, n, known_tranche(t, w, _loading(assumptions[tid]), scenario.as_of))
        for n, ((tid, t), row) in enumerate(zip(scenario.tranches.items(), found, strict=True))
        for k, w in enumerate(row)
    ]
    if not wanted:
        return []
    rates = tranche_rates([t for _, _, t in wanted], grid)
    return [
        (k, n, rates[i])
        for i, (k, n, _) in enumerate(wanted)
        if not np.array_equal(rates[i], total_rate[n])
    ]


def _loading(a: Assumptions) -> FrontLoading:
    if a.front_loading is None:  # pragma: no cover - a row without it has no windows
        raise ValueError("front_loading missing")
    return a.front_loading
