"""The Monte Carlo sweep over an outlook: draws × tranches as rows of the engine's arrays.

The steps, in order: lay every branch's tranches and steps onto one grid of
slices (cut at every date any branch, outcome or front-loading window uses);
draw each sample's branch (stratified), each uncertain step's outcome and the
assumptions that carry distributions; then, chunk by chunk, build one row per
draw × tranche with that draw's step dates, evaluate the rate step functions,
and run the engine's kernels on all rows at once, with the behavioural
response (:mod:`tariffsim.uncertainty.response`) when the branches state
assumptions. There is no Python loop per draw. Statistics live in
:mod:`tariffsim.uncertainty.stats`; this module does no I/O and no printing (progress is
reported through a callback).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim._types import FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.model import budget, engine, invalidation, measure_rates
from tariffsim.model.timeline import Grid, build_grid, day_number
from tariffsim.scenario.schema import Step
from tariffsim.uncertainty import draws
from tariffsim.uncertainty import response as sweep_response
from tariffsim.uncertainty.outlook import Outlook
from tariffsim.uncertainty.response import ASSUMPTIONS, NEVER, BehaviourPlan

CHUNK_ELEMENTS = 1 << 18
"""Rows × steps × slices of one chunk's largest array [elements]; bounds peak memory."""

MIN_CHUNK_DRAWS = 512
"""Fewest draws per chunk: the response loops over slices, so tiny chunks on long daily
grids would spend their time in Python instead of numpy."""

Progress = Callable[[int, int], None]
"""Called as ``progress(draws_done, draws_total)`` after each chunk."""


@dataclass(frozen=True)
class SweepPlan:
    """An outlook as arrays on one grid: B branches, T tranches, K steps, U uncertain steps.

    Attributes
    ----------
    grid : the common grid of slices and periods.
    branch_ids, tranche_ids : names, in file order (tranches: union over branches).
    probability : branch probabilities [1], shape (B,).
    annual_flow : import value [USD/year], shape (B, T); 0 where a branch lacks the tranche.
    base_rate : MFN rate [fraction], shape (B, T).
    step_day : day number of each applied step, shape (B, T, K); ``NEVER`` pads.
    step_rate : additional rate from that day [fraction], shape (B, T, K).
    step_uncertain : index of the uncertain step a slot follows, or -1, shape (B, T, K).
    outcome_day : day number of each outcome, ``NEVER`` if cancelled, shape (U, J).
    outcome_probability : shape (U, J); 0 pads.
    behaviour : the branches' behavioural facts, or None when they state no assumptions.
    behavioural : whether imports respond (False: the static sweep, ``--static``).
    owed_window, owed_parts : where a branch holds a measure invalid with a refund: the share
        of each slice's days whose duty is owed back [1] and the rate owed back of measures
        covering a flow [fraction], shape (B, T, S); None when no branch does. The duty
        weighed is then what is *owed*: deposited less owed back
        (:func:`tariffsim.model.invalidation.owed_back_rate`).
    """

    grid: Grid
    branch_ids: list[str]
    tranche_ids: list[str]
    probability: FloatArray
    annual_flow: FloatArray
    base_rate: FloatArray
    step_day: IntArray
    step_rate: FloatArray
    step_uncertain: IntArray
    outcome_day: IntArray
    outcome_probability: FloatArray
    behaviour: BehaviourPlan | None
    behavioural: bool
    owed_window: FloatArray | None = None
    owed_parts: FloatArray | None = None

    @property
    def mode(self) -> str:
        return "behavioural" if self.behavioural else "static"


@dataclass(frozen=True)
class Draws:
    """The random part of a sweep, shape N draws, ordered by branch.

    Attributes
    ----------
    branch : branch index of each draw, shape (N,).
    weight : ``p_b / n_b`` of each draw [1], shape (N,); sums to 1.
    outcome : outcome index of each uncertain step in each draw, shape (U, N).
    parameters : drawn assumptions by name (elasticity [1], pass_through [1],
        half_life [d]), each shape (N,); only those the outlook gives distributions for.
    """

    branch: IntArray
    weight: FloatArray
    outcome: IntArray
    parameters: dict[str, FloatArray]


@dataclass(frozen=True)
class SweepResult:
    """Duty of every draw, per period.

    Attributes
    ----------
    outlook : the outlook swept.
    plan : its arrays; ``plan.grid`` gives the periods.
    draws : branches, weights and outcomes of the draws.
    seed : the seed of the random generator.
    step : the reporting period.
    additional_duty : additional duty of each draw and period [USD], shape (N, P).
    total_duty : additional plus base (MFN) duty [USD], shape (N, P).
    """

    outlook: Outlook
    plan: SweepPlan
    draws: Draws
    seed: int
    step: str
    additional_duty: FloatArray
    total_duty: FloatArray

    @property
    def samples(self) -> int:
        return int(self.draws.branch.size)


def plan_outlook(outlook: Outlook, step: Step | None = None, behavioural: bool = True) -> SweepPlan:
    """Lay the branches' tranches, steps and uncertain outcomes onto one grid.

    When the branches state behavioural assumptions, the grid also cuts where
    the response needs it, and imports respond unless ``behavioural`` is False.
    """
    scenarios = outlook.scenarios
    branch_ids = list(scenarios)
    tranche_ids = list(dict.fromkeys(t for s in scenarios.values() for t in s.tranches))
    uncertain = list(outlook.spec.uncertain_steps.items())
    b_n, t_n = len(branch_ids), len(tranche_ids)
    steps = {
        (b, t): measure_rates.flow_steps(scenarios[bid].tranches[tid])
        for b, bid in enumerate(branch_ids)
        for t, tid in enumerate(tranche_ids)
        if tid in scenarios[bid].tranches
    }
    k_n = max((len(s) for s in steps.values()), default=0)
    annual_flow = np.zeros((b_n, t_n))
    base_rate = np.zeros((b_n, t_n))
    step_day = np.full((b_n, t_n, k_n), NEVER, dtype=np.int64)
    step_rate = np.zeros((b_n, t_n, k_n))
    step_uncertain = np.full((b_n, t_n, k_n), -1, dtype=np.int64)
    for (b, t), tranche_steps in steps.items():
        tranche = scenarios[branch_ids[b]].tranches[tranche_ids[t]]
        annual_flow[b, t] = tranche.imports.value
        base_rate[b, t] = tranche.base_rate.value
        for k, (day, rate) in enumerate(tranche_steps):
            step_day[b, t, k] = day_number(day)
            step_rate[b, t, k] = rate
            for u, (uid, spec) in enumerate(uncertain):
                follows = branch_ids[b] in outlook.applies[uid]
                if follows and spec.tranche == tranche_ids[t] and spec.date == day:
                    step_uncertain[b, t, k] = u
    j_n = max((len(s.outcomes) for _, s in uncertain), default=0)
    outcome_day = np.full((len(uncertain), j_n), NEVER, dtype=np.int64)
    outcome_probability = np.zeros((len(uncertain), j_n))
    for u, (_, spec) in enumerate(uncertain):
        for j, (when, outcome) in enumerate(
            zip(spec.outcome_dates(), spec.outcomes.values(), strict=True)
        ):
            outcome_day[u, j] = NEVER if when is None else day_number(when)
            outcome_probability[u, j] = outcome.probability
    first = next(iter(scenarios.values()))
    change_dates = {day for s in steps.values() for day, _ in s}
    change_dates.update(d for _, spec in uncertain for d in spec.outcome_dates() if d is not None)
    responds = outlook.has_assumptions
    cuts, split_months = sweep_response.cut_dates(outlook) if responds else ([], False)
    grid = build_grid(
        first.horizon.start,
        first.horizon.end,
        step or first.horizon.step,
        sorted(change_dates.union(cuts)),
        split_months=split_months,
    )
    return SweepPlan(
        grid=grid,
        branch_ids=branch_ids,
        tranche_ids=tranche_ids,
        probability=np.array([outlook.probabilities[b] for b in branch_ids]),
        annual_flow=annual_flow,
        base_rate=base_rate,
        step_day=step_day,
        step_rate=step_rate,
        step_uncertain=step_uncertain,
        outcome_day=outcome_day,
        outcome_probability=outcome_probability,
        behaviour=sweep_response.plan_behaviour(outlook, tranche_ids, step_day, grid)
        if responds
        else None,
        behavioural=responds and behavioural,
        **_owed(outlook, branch_ids, tranche_ids, grid),
    )


def _owed(
    outlook: Outlook, branch_ids: list[str], tranche_ids: list[str], grid: Grid
) -> dict[str, FloatArray]:
    """The owed-back shares and rates of every branch × tranche (empty: no refunds)."""
    refunded = [
        (b, t)
        for b, bid in enumerate(branch_ids)
        for t, tid in enumerate(tranche_ids)
        if tid in outlook.scenarios[bid].tranches
        and (
            outlook.scenarios[bid].tranches[tid].refund is not None
            or outlook.scenarios[bid].tranches[tid].refund_parts
        )
    ]
    if not refunded:
        return {}
    shape = (len(branch_ids), len(tranche_ids), grid.n_slices)
    window, parts = np.zeros(shape), np.zeros(shape)
    for b, t in refunded:
        window[b, t], parts[b, t] = invalidation.owed_back_rate(
            outlook.scenarios[branch_ids[b]], tranche_ids[t], grid.slice_start, grid.slice_end
        )
    return {"owed_window": window, "owed_parts": parts}


def draw(plan: SweepPlan, outlook: Outlook, samples: int, seed: int) -> Draws:
    """Draw every sample's branch (stratified), uncertain outcomes and assumptions, at once.

    The order of the draws is fixed (outcomes, then elasticity, pass-through,
    half-life), so a seed gives the same numbers on every machine numpy supports.
    """
    rng = np.random.default_rng(seed)
    counts = draws.allocate_draws(plan.probability, samples)
    outcome = np.empty((plan.outcome_day.shape[0], samples), dtype=np.int64)
    for u, probability in enumerate(plan.outcome_probability):  # one row per uncertain step
        outcome[u] = draws.draw_categories(rng, probability, samples)
    branch = np.repeat(np.arange(plan.probability.size, dtype=np.int64), counts)
    parameters = draw_assumptions(outlook, rng, branch) if plan.behavioural else {}
    return Draws(
        branch=branch,
        weight=draws.draw_weights(plan.probability, counts),
        outcome=outcome,
        parameters=parameters,
    )


def draw_assumptions(
    outlook: Outlook, rng: np.random.Generator, branch: IntArray
) -> dict[str, FloatArray]:
    """Each draw's assumptions [1], [1], [d], by name, each (N,); NaN keeps a branch's own.

    The outlook's distribution of an assumption applies to every branch; without
    one, a branch scenario's own ``uncertainty:`` distribution applies to its draws.
    """
    parameters: dict[str, FloatArray] = {}
    for name in ASSUMPTIONS:
        if name in outlook.spec.assumptions:
            parameters[name] = outlook.spec.assumptions[name].draw(rng, branch.size)
            continue
        own = [s.uncertainty.get(name) for s in outlook.scenarios.values()]
        if any(own):
            values = np.full(branch.size, np.nan)
            for b, distribution in enumerate(own):  # one draw of many values per branch
                if distribution is not None:
                    mine = branch == b
                    values[mine] = distribution.draw(rng, int(mine.sum()))
            parameters[name] = values
    return parameters


def row_step_function(step_day: IntArray, step_rate: FloatArray, at: IntArray) -> FloatArray:
    """Per-row step functions evaluated at day numbers ``at`` [fraction], shape (R, len(at)).

    Notes
    -----
    Row r takes ``step_rate[r, k]`` from ``step_day[r, k]`` until its next step
    and 0 before its first step: with the steps sorted by day,
    ``τ_r(t) = rate_r[c]`` where ``c = #{k : day_rk ≤ t}`` and ``rate_r[0] = 0``.
    Steps on day ``NEVER`` never take effect.
    """
    order = np.argsort(step_day, axis=1, kind="stable")
    days = np.take_along_axis(step_day, order, axis=1)
    rates = np.take_along_axis(step_rate, order, axis=1)
    padded = np.concatenate([np.zeros((rates.shape[0], 1)), rates], axis=1)
    count = (days[:, :, None] <= at[None, None, :]).sum(axis=1)
    return np.take_along_axis(padded, count, axis=1)


def draw_step_days(plan: SweepPlan, branch: IntArray, outcome: IntArray) -> IntArray:
    """Step days of each draw × tranche, with uncertain steps moved, shape (C, T, K)."""
    days = plan.step_day[branch]
    u_n = plan.outcome_day.shape[0]
    if u_n == 0:
        return days
    chosen = np.take_along_axis(plan.outcome_day, outcome, axis=1)  # (U, C)
    table = np.vstack([chosen, np.full((1, branch.size), NEVER, dtype=np.int64)])
    which = plan.step_uncertain[branch]
    slot = np.where(which < 0, u_n, which)
    moved = table[slot, np.arange(branch.size)[:, None, None]]
    return np.where(which < 0, days, moved)


def draw_duty(
    plan: SweepPlan,
    branch: IntArray,
    outcome: IntArray,
    parameters: dict[str, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray]:
    """Additional and total duty of C draws [USD], each shape (C, P).

    Parameters
    ----------
    plan : the outlook's arrays.
    branch : branch index of each draw, shape (C,).
    outcome : outcome index of each uncertain step in each draw, shape (U, C).
    parameters : drawn assumptions of each draw, each shape (C,).
    """
    grid = plan.grid
    c_n, t_n = branch.size, len(plan.tranche_ids)
    k_n = plan.step_day.shape[2]
    days = draw_step_days(plan, branch, outcome).reshape(c_n * t_n, k_n)
    step_rate = plan.step_rate[branch].reshape(c_n * t_n, k_n)
    rate = row_step_function(days, step_rate, grid.slice_start)
    base_rate = plan.base_rate[branch].reshape(-1, 1)
    b = plan.behaviour
    accrual = grid.year_fraction if b is None else b.accrual[branch].reshape(c_n * t_n, -1)
    imports = engine.accrued_imports(plan.annual_flow[branch].ravel(), accrual)
    first = grid.period_first_slice
    if b is not None and plan.behavioural:
        imports, diverted, diverted_rate = sweep_response.respond_rows(
            b, branch, parameters or {}, grid, imports, base_rate + rate, days, step_rate
        )
    if plan.owed_window is not None and plan.owed_parts is not None:  # weigh what is owed
        owed_back = rate * plan.owed_window[branch].reshape(c_n * t_n, -1)
        rate = rate - owed_back - plan.owed_parts[branch].reshape(c_n * t_n, -1)
    additional = engine.period_sums(engine.ad_valorem_duty(imports, rate), first)
    total = additional + engine.period_sums(engine.ad_valorem_duty(imports, base_rate), first)
    per_draw = (c_n, t_n, grid.n_periods)
    if b is not None and plan.behavioural:  # the diverted flows' duty counts too
        more, more_base = sweep_response.diverted_duty(b, branch, diverted, diverted_rate, grid)
        additional = np.concatenate([additional.reshape(per_draw), more.reshape(per_draw)], axis=1)
        total = np.concatenate(
            [total.reshape(per_draw), (more + more_base).reshape(per_draw)], axis=1
        )
    return additional.reshape(c_n, -1, grid.n_periods).sum(axis=1), total.reshape(
        c_n, -1, grid.n_periods
    ).sum(axis=1)


def _check_finite(total: FloatArray, parameters: dict[str, FloatArray]) -> None:
    """Refuse a sweep whose duties overflowed: an "expected value $nan" is never printed."""
    bad = ~np.isfinite(total).all(axis=1)
    if not bad.any():
        return
    first = int(np.argmax(bad))
    drawn = ", ".join(f"{name} {float(values[first]):.3g}" for name, values in parameters.items())
    raise TariffsimError(
        f"draw {first + 1:,} gives a duty that is not a finite number"
        + (f" (drawn: {drawn})" if drawn else ""),
        field="assumptions",
        hint="bound the distributions with 'low:' and 'high:' inside their physical range",
    )


def _priced_blocks(
    plan: SweepPlan, draws: Draws, blocks: list[tuple[int, int]], client: Any
) -> Iterator[tuple[FloatArray, FloatArray]]:
    """(additional, total) duty of each block of draws, in order: here, or on a cluster."""

    def arguments(lo: int, hi: int) -> tuple[Any, ...]:
        parameters = {name: values[lo:hi] for name, values in draws.parameters.items()}
        return draws.branch[lo:hi], draws.outcome[:, lo:hi], parameters

    if client is None:  # chunks of many draws bound the memory
        for lo, hi in blocks:
            yield draw_duty(plan, *arguments(lo, hi))
        return
    shared = client.scatter(plan, broadcast=True)
    futures = [client.submit(draw_duty, shared, *arguments(lo, hi)) for lo, hi in blocks]
    for future in futures:
        yield future.result()


def sweep(
    outlook: Outlook,
    samples: int,
    seed: int,
    step: Step | None = None,
    progress: Progress | None = None,
    behavioural: bool = True,
    client: Any = None,
) -> SweepResult:
    """Monte Carlo over an outlook's branches and uncertain dates.

    Parameters
    ----------
    outlook : a loaded outlook.
    samples : number of draws N [count].
    seed : seed of the random generator; the same seed gives the same draws.
    step : reporting period, overriding the branches' ``horizon.step``.
    progress : called after each chunk with (draws done, draws in all).
    behavioural : let imports respond when the branches state assumptions; False
        gives the static sweep.
    client : a ``distributed.Client``: the blocks of draws are priced on its cluster's
        workers (at least two blocks per worker). All draws are made here first, with
        ``seed``, and every draw is priced alone, so the result is the one of a run
        in this process.
    """
    plan = plan_outlook(outlook, step, behavioural)
    grid = plan.grid
    width = len(plan.tranche_ids) * max(plan.step_day.shape[2], 1) * grid.n_slices
    chunk = max(MIN_CHUNK_DRAWS, CHUNK_ELEMENTS // max(width, 1))
    budget.check_memory(
        budget.sweep_bytes(samples, grid.n_periods, min(chunk, samples) * width),
        f"{samples:,} draws × {grid.n_periods:,} periods",
        "use fewer --samples or a coarser --step",
    )
    draws = draw(plan, outlook, samples, seed)
    if client is not None:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        chunk = min(chunk, max(1, -(-samples // (2 * workers))))
    blocks = [(lo, min(lo + chunk, samples)) for lo in range(0, samples, chunk)]
    additional = np.empty((samples, grid.n_periods))
    total = np.empty((samples, grid.n_periods))
    priced = _priced_blocks(plan, draws, blocks, client)
    for (lo, hi), (block_additional, block_total) in zip(blocks, priced, strict=True):
        additional[lo:hi], total[lo:hi] = block_additional, block_total
        if progress is not None:
            progress(hi, samples)
    _check_finite(total, draws.parameters)
    return SweepResult(
        outlook=outlook,
        plan=plan,
        draws=draws,
        seed=seed,
        step=step or next(iter(outlook.scenarios.values())).horizon.step,
        additional_duty=additional,
        total_duty=total,
    )
