"""The Monte Carlo sweep: equal to `run` when nothing is uncertain, reproducible, convergent."""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario
from tariffsim.uncertainty import sweep as sweep_module
from tariffsim.uncertainty.outlook import load_outlook
from tariffsim.uncertainty.response import NEVER
from tariffsim.uncertainty.stats import ALL, PERCENTILES, summarise
from tariffsim.uncertainty.sweep import draw_duty, plan_outlook, row_step_function, sweep
from tests.conftest import SCENARIOS
from tests.outlooks import BRANCHES_ONLY, ONE_BRANCH, outlook_folder


def run_periods(path: Path, mode: str = "behavioural") -> pd.DataFrame:
    """A `run` of one scenario: total and additional duty per period over all rows of a mode."""
    result = simulate(load_scenario(path), behavioural=mode == "behavioural")
    periods = result.periods[result.periods["mode"] == mode]
    return periods.groupby("period_start", sort=True)[
        ["additional_duty_usd", "total_duty_usd"]
    ].sum()


def test_row_step_function_by_hand() -> None:
    days = np.array([[10, 5, NEVER], [NEVER, NEVER, NEVER]], dtype=np.int64)
    rates = np.array([[0.25, 0.10, 0.90], [0.5, 0.5, 0.5]])
    at = np.array([0, 5, 9, 10, 11], dtype=np.int64)
    got = row_step_function(days, rates, at)
    assert_array_equal(got, [[0, 0.10, 0.10, 0.25, 0.25], [0, 0, 0, 0, 0]])


@pytest.mark.parametrize("mode", ["behavioural", "static"])
def test_degenerate_sweep_equals_run_exactly(tmp_path: Path, mode: str) -> None:
    outlook = load_outlook(outlook_folder(tmp_path, ONE_BRANCH))
    result = sweep(outlook, samples=500, seed=1, behavioural=mode == "behavioural")
    assert result.plan.mode == mode
    expected = run_periods(tmp_path / "hold.yaml", mode)
    for column, duty in (
        ("total_duty_usd", result.total_duty),
        ("additional_duty_usd", result.additional_duty),
    ):
        wanted = np.tile(expected[column].to_numpy(), (500, 1))
        if mode == "static":
            assert_array_equal(duty, wanted)  # the same arithmetic, bit for bit
        else:  # diverted rows are summed in another order: one rounding unit
            assert_allclose(duty, wanted, rtol=1e-15, atol=0)
        assert np.all(duty == duty[0])  # every draw is the same run
    summary = summarise(result)
    everything = summary.totals[summary.totals.branch == ALL].iloc[0]
    total = result.total_duty[0].sum()
    for q in PERCENTILES:
        assert everything[f"p{q}_usd"] == total
    assert_allclose(summary.expected_usd, total, rtol=1e-13)  # a mean of 500 equal floats


DEGENERATE = """\
assumptions:
  elasticity: {distribution: normal, mean: 2, sd: 0, low: 0, source: judgement}
  pass_through: {distribution: uniform, low: 100 %, high: 100 %, source: judgement}
  half_life: {distribution: triangular, low: 6 months, mode: 6 months, high: 6 months,
              source: judgement}
"""


def test_degenerate_distributions_equal_run(tmp_path: Path) -> None:
    # base.yaml states ε = 2, ρ = 100 %, a half-life of 6 months: the same values, drawn
    path = outlook_folder(tmp_path, ONE_BRANCH + DEGENERATE)
    result = sweep(load_outlook(path), samples=300, seed=2)
    assert set(result.draws.parameters) == {"elasticity", "pass_through", "half_life"}
    expected = run_periods(tmp_path / "hold.yaml")["total_duty_usd"].to_numpy()
    assert_allclose(result.total_duty, np.tile(expected, (300, 1)), rtol=1e-15, atol=0)


def test_each_draw_equals_the_run_of_its_own_assumptions(tmp_path: Path) -> None:
    text = (
        ONE_BRANCH
        + """\
assumptions:
  elasticity: {distribution: uniform, low: 0.5, high: 4, source: judgement}
  pass_through: {distribution: triangular, low: 60 %, mode: 90 %, high: 100 %, source: judgement}
  half_life: {distribution: lognormal, median: 6 months, sigma: 0.5, source: judgement}
"""
    )
    result = sweep(load_outlook(outlook_folder(tmp_path, text)), samples=200, seed=3)
    p = result.draws.parameters
    for d in (0, 117):
        (tmp_path / "own.yaml").write_text(
            "extends: hold.yaml\nassumptions:\n"
            f"  elasticity: {float(p['elasticity'][d])!r}\n"
            f"  pass_through: {float(p['pass_through'][d])!r}\n"
            f"  half_life: {float(p['half_life'][d])!r} days\n",
            encoding="utf-8",
        )
        expected = run_periods(tmp_path / "own.yaml")["total_duty_usd"].to_numpy()
        assert_allclose(result.total_duty[d], expected, rtol=1e-12)


def test_higher_elasticity_lower_duty(tmp_path: Path) -> None:
    text = (
        ONE_BRANCH
        + """\
assumptions:
  elasticity: {distribution: uniform, low: 0.5, high: 4, source: judgement}
"""
    )
    result = sweep(load_outlook(outlook_folder(tmp_path, text)), samples=400, seed=4)
    order = np.argsort(result.draws.parameters["elasticity"])
    totals = result.total_duty.sum(axis=1)[order]
    assert np.all(np.diff(totals) < 0)  # hold raises rates above the reference: imports fall


@pytest.mark.parametrize(
    ("outcome", "equivalent"),
    [
        ("2019-01-01", "hold.yaml"),  # the scheduled date, with certainty
        # the rise never happens: the ceasefire's rates, the rise called off on the as-of
        # date (bought ahead of until then, as every path shares that past)
        ("cancelled", "cancelled.yaml"),
        ("2019-03-01", "moved.yaml"),  # the rise two months later, the first date called off
    ],
)
def test_certain_outcome_equals_the_equivalent_run(
    tmp_path: Path, outcome: str, equivalent: str
) -> None:
    text = (
        ONE_BRANCH
        + f"""\
uncertain_steps:
  rise:
    tranche: list3
    date: 2019-01-01
    outcomes:
      {outcome}: {{probability: 1, source: judgement}}
"""
    )
    path = outlook_folder(tmp_path, text)
    (tmp_path / "moved.yaml").write_text(
        "extends: hold.yaml\ntranches:\n  list3:\n    schedule:\n"
        "      2019-01-01: {status: suspended}\n"
        "      2019-03-01: {rate: 25 %, announced: 2018-09-17}\n",
        encoding="utf-8",
    )
    (tmp_path / "cancelled.yaml").write_text(
        "extends: hold.yaml\ntranches:\n  list3:\n    schedule:\n"
        "      2019-01-01: {status: cancelled}\n",
        encoding="utf-8",
    )
    for mode in ("behavioural", "static"):
        result = sweep(load_outlook(path), samples=50, seed=3, behavioural=mode == "behavioural")
        expected = run_periods(tmp_path / equivalent, mode)["total_duty_usd"].to_numpy()
        assert_allclose(result.total_duty, np.tile(expected, (50, 1)), rtol=1e-12, atol=0)


def test_weighted_mean_equals_weighted_sum_of_branch_runs(tmp_path: Path) -> None:
    path = outlook_folder(tmp_path, BRANCHES_ONLY)
    summary = summarise(sweep(load_outlook(path), samples=1_000, seed=5))
    probability = {"escalate": 0.25, "hold": 0.45, "ceasefire": 0.3}
    runs = {
        b: simulate(load_scenario(tmp_path / f"{b}.yaml")).totals()["total_duty_usd"]
        for b in probability
    }
    expected = math.fsum(probability[b] * runs[b] for b in probability)
    assert_allclose(summary.expected_usd, expected, rtol=1e-12)
    totals = summary.totals.set_index("branch")
    for b, total in runs.items():
        assert_allclose(totals.loc[b, "mean_usd"], total, rtol=1e-12)
        assert_allclose(totals.loc[b, "contribution_usd"], probability[b] * total, rtol=1e-12)
    assert_allclose(totals.loc[ALL, "mean_usd"], expected, rtol=1e-12)


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    outlook = load_outlook(SCENARIOS / "outlook.yaml")
    a, b = sweep(outlook, 2_000, seed=1), sweep(outlook, 2_000, seed=1)
    assert_array_equal(a.total_duty, b.total_duty)
    assert_array_equal(a.draws.outcome, b.draws.outcome)
    c = sweep(outlook, 2_000, seed=2)
    assert not np.array_equal(a.draws.outcome, c.draws.outcome)


def test_chunking_does_not_change_the_result(monkeypatch: pytest.MonkeyPatch) -> None:
    outlook = load_outlook(SCENARIOS / "outlook.yaml")
    whole = sweep(outlook, 3_000, seed=4)
    monkeypatch.setattr(sweep_module, "CHUNK_ELEMENTS", 20_000)
    monkeypatch.setattr(sweep_module, "MIN_CHUNK_DRAWS", 1)
    seen: list[int] = []
    pieces = sweep(outlook, 3_000, seed=4, progress=lambda done, total: seen.append(done))
    assert_array_equal(whole.total_duty, pieces.total_duty)
    assert len(seen) > 10 and seen[-1] == 3_000 and seen == sorted(seen)


def dkw(samples: int, alpha: float = 1e-3) -> float:
    """Dvoretzky–Kiefer–Wolfowitz: sup |F_N − F| ≤ ε with probability 1 − α."""
    return math.sqrt(math.log(2 / alpha) / (2 * samples))


def exact_distribution(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Every (branch, outcomes) combination's horizon total and probability."""
    outlook = load_outlook(path)
    plan = plan_outlook(outlook, behavioural=False)
    u_n, j_n = plan.outcome_probability.shape
    combos = list(itertools.product(range(plan.probability.size), *[range(j_n)] * u_n))
    branch = np.array([c[0] for c in combos], dtype=np.int64)
    outcome = np.array([c[1:] for c in combos], dtype=np.int64).T.reshape(u_n, len(combos))
    _, total = draw_duty(plan, branch, outcome)
    probability = plan.probability[branch] * np.prod(
        np.take_along_axis(plan.outcome_probability, outcome, axis=1), axis=0
    )
    return total.sum(axis=1), probability


@pytest.mark.parametrize("samples", [1_000, 5_000, 25_000])
def test_percentiles_converge_within_a_bound_that_shrinks_with_n(samples: int) -> None:
    path = SCENARIOS / "outlook.yaml"
    values, probability = exact_distribution(path)
    assert_allclose(probability.sum(), 1.0, rtol=1e-12)
    summary = summarise(sweep(load_outlook(path), samples, seed=1, behavioural=False))
    row = summary.totals[summary.totals.branch == ALL].iloc[0]
    # stratifying the branches only narrows the error, so the DKW bound holds for the
    # sweep's weighted CDF too
    eps = dkw(samples)
    for q in PERCENTILES:
        x = row[f"p{q}_usd"]
        at_or_below = probability[values <= x * (1 + 1e-12)].sum()
        below = probability[values < x * (1 - 1e-12)].sum()
        assert at_or_below >= q / 100 - eps, (q, at_or_below)
        assert below <= q / 100 + eps, (q, below)
    mean = float(np.sum(values * probability))
    sd = math.sqrt(float(np.sum(probability * (values - mean) ** 2)))
    assert abs(summary.expected_usd - mean) <= 4 * sd / math.sqrt(samples)


@pytest.mark.parametrize("samples", [1_000, 5_000, 25_000])
def test_percentiles_of_a_drawn_elasticity_converge(tmp_path: Path, samples: int) -> None:
    text = (
        ONE_BRANCH
        + """\
assumptions:
  elasticity: {distribution: uniform, low: 0.5, high: 4, source: judgement}
"""
    )
    result = sweep(load_outlook(outlook_folder(tmp_path, text)), samples, seed=1)
    summary = summarise(result)
    row = summary.totals[summary.totals.branch == ALL].iloc[0]
    elasticity = result.draws.parameters["elasticity"]
    totals = result.total_duty.sum(axis=1)
    for q in PERCENTILES:
        # duty falls as ε rises, so the q-th percentile of duty is the duty at the
        # (1 − q)-th percentile of ε, whose exact position in U[0.5, 4] is known
        drawn = elasticity[np.flatnonzero(totals == row[f"p{q}_usd"])[0]]
        position = (drawn - 0.5) / 3.5
        assert abs((1 - position) - q / 100) <= dkw(samples) + 1 / samples, q


def test_a_branch_draws_its_own_uncertainty_the_others_keep_their_values(tmp_path: Path) -> None:
    text = """\
title: two
as_of: 2018-11-16
branches:
  ranges: {file: hold-ranges.yaml, probability: 50 %, source: judgement}
  ceasefire: {file: ceasefire.yaml, probability: 50 %, source: judgement}
"""
    result = sweep(load_outlook(outlook_folder(tmp_path, text)), samples=400, seed=6)
    elasticity = result.draws.parameters["elasticity"]
    ranges = result.draws.branch == 0
    assert np.all((elasticity[ranges] >= 1) & (elasticity[ranges] <= 4))
    assert np.isnan(elasticity[~ranges]).all()
    expected = run_periods(tmp_path / "ceasefire.yaml")["total_duty_usd"].to_numpy()
    assert_allclose(result.total_duty[~ranges], np.tile(expected, (200, 1)), rtol=1e-12)
    assert np.unique(result.total_duty[ranges].sum(axis=1)).size == 200


def test_branches_without_assumptions_sweep_static(tmp_path: Path) -> None:
    text = (
        BRANCHES_ONLY.replace("hold.yaml", "bare-hold.yaml")
        .replace("escalate.yaml", "bare-escalate.yaml")
        .replace("ceasefire.yaml", "bare-ceasefire.yaml")
    )
    path = outlook_folder(tmp_path, text)
    for name in ("hold", "escalate", "ceasefire"):
        (tmp_path / f"bare-{name}.yaml").write_text(f"extends: {name}.yaml\nassumptions: null\n")
    result = sweep(load_outlook(path), samples=100, seed=1)
    assert result.plan.behaviour is None and result.plan.mode == "static"
    hold = run_periods(tmp_path / "bare-hold.yaml", "static")["total_duty_usd"].to_numpy()
    assert_array_equal(result.total_duty[result.draws.branch == 1], np.tile(hold, (45, 1)))


def test_every_draw_shares_the_past_before_the_as_of_date(tmp_path: Path) -> None:
    # the three paths, and the List 3 rise moved or cancelled in hold and escalate: what
    # importers did before the as-of date cannot depend on which comes
    text = (
        BRANCHES_ONLY
        + """\
uncertain_steps:
  rise:
    tranche: list3
    date: 2019-01-01
    branches: [escalate, hold]
    outcomes:
      2019-01-01: {probability: 50 %, source: judgement}
      2019-03-01: {probability: 30 %, source: judgement}
      cancelled: {probability: 20 %, source: judgement}
"""
    )
    outlook = load_outlook(outlook_folder(tmp_path, text))
    result = sweep(outlook, samples=300, seed=2, step="day")
    past = np.array([d < outlook.spec.as_of for d in result.plan.grid.period_start])
    total = result.total_duty[:, past]
    assert past.sum() == 46  # 1 October to 15 November 2018
    assert_allclose(total, np.tile(total[0], (300, 1)), rtol=1e-12)
    # and the draws do part later: the moved and cancelled rises change the duty after
    assert np.unique(result.total_duty.sum(axis=1).round(-3)).size > 3
