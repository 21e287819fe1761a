"""Draws: branch allocation, categorical outcomes, distributions of assumptions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from pydantic import ValidationError

from tariffsim.errors import TariffsimError
from tariffsim.scenario.distributions import Distribution
from tariffsim.uncertainty.draws import allocate_draws, draw_categories, draw_weights
from tariffsim.uncertainty.outlook import load_outlook
from tests.outlooks import ONE_BRANCH, outlook_folder

N = 200_000


def make(assumption: str, **fields: Any) -> Distribution:
    return Distribution.model_validate({"assumption": assumption, "source": "judgement", **fields})


def test_units_are_parsed() -> None:
    d = make("half_life", distribution="uniform", low="3 months", high="9 months")
    assert_allclose((d.low, d.high), (365.25 / 4, 3 * 365.25 / 4))
    p = make("pass_through", distribution="triangular", low="80 %", mode=0.95, high="100 %")
    assert (p.low, p.mode, p.high) == (0.8, 0.95, 1.0)


@pytest.mark.parametrize(
    ("fields", "mean", "sd"),
    [
        ({"distribution": "uniform", "low": 1, "high": 3}, 2.0, 2 / math.sqrt(12)),
        # triangular: mean (a+b+c)/3, variance (a²+b²+c²−ab−ac−bc)/18
        ({"distribution": "triangular", "low": 1, "mode": 2, "high": 4}, 7 / 3, math.sqrt(7 / 18)),
        ({"distribution": "normal", "mean": 2, "sd": 0.5, "low": 0}, 2.0, 0.5),
        # lognormal: mean m·e^(σ²/2), variance (e^(σ²) − 1)·m²·e^(σ²)
        (
            {"distribution": "lognormal", "median": 2, "sigma": 0.3},
            2 * math.exp(0.045),
            2 * math.exp(0.045) * math.sqrt(math.expm1(0.09)),
        ),
    ],
)
def test_draws_have_the_stated_moments(fields: dict[str, Any], mean: float, sd: float) -> None:
    x = make("elasticity", **fields).draw(np.random.default_rng(1), N)
    # the sample mean is within 5 standard errors; the sd within 2 %
    assert abs(x.mean() - mean) < 5 * sd / math.sqrt(N)
    assert_allclose(x.std(), sd, rtol=0.02)


def test_truncation_keeps_draws_inside_the_bounds() -> None:
    d = make("pass_through", distribution="normal", mean=0.9, sd=0.2, low=0, high=1)
    x = d.draw(np.random.default_rng(2), N)
    assert x.min() >= 0 and x.max() <= 1
    # a normal cut at one sd above the mean keeps Φ(0.5) − Φ(−4.5) of its mass
    assert_allclose(d.kept_mass(), 0.691459, atol=1e-5)


@pytest.mark.parametrize(
    ("fields", "value"),
    [
        ({"distribution": "normal", "mean": 2, "sd": 0, "low": 0}, 2.0),
        ({"distribution": "uniform", "low": 1.5, "high": 1.5}, 1.5),
        ({"distribution": "triangular", "low": 2, "mode": 2, "high": 2}, 2.0),
        ({"distribution": "lognormal", "median": 2.5, "sigma": 0}, 2.5),
    ],
)
def test_degenerate_distributions_give_one_value(fields: dict[str, Any], value: float) -> None:
    x = make("elasticity", **fields).draw(np.random.default_rng(3), 100)
    assert np.all(x == value)


@pytest.mark.parametrize(
    ("assumption", "fields", "message"),
    [
        (
            "elasticity",
            {"distribution": "normal", "mean": 2, "sd": -0.5, "low": 0},
            "the spread 'sd' is negative",
        ),
        (
            "pass_through",
            {"distribution": "normal", "mean": 0.9, "sd": "-5 %", "low": 0, "high": 1},
            "the spread 'sd' is negative",
        ),
        (
            "elasticity",
            {"distribution": "lognormal", "median": 2, "sigma": -1},
            "the spread 'sigma' is negative",
        ),
        (
            "elasticity",
            {"distribution": "normal", "mean": 2, "sd": 0.5},
            "reaches below 0: give 'low'",
        ),
        (
            "pass_through",
            {"distribution": "normal", "mean": 0.9, "sd": 0.1, "low": 0},
            "reaches above 1: give 'high'",
        ),
        (
            "pass_through",
            {"distribution": "lognormal", "median": 0.9, "sigma": 0.1},
            "reaches above 1: give 'high'",
        ),
        (
            "pass_through",
            {"distribution": "uniform", "low": 0.5, "high": "150 %"},
            "between 0 and 100 %",
        ),
        (
            "half_life",
            {"distribution": "normal", "mean": "6 months", "sd": "2 months"},
            "give 'low'",
        ),
        ("elasticity", {"distribution": "uniform", "low": 3, "high": 1}, "low 3 is above high 1"),
        (
            "elasticity",
            {"distribution": "triangular", "low": 1, "mode": 5, "high": 3},
            "mode 5 lies outside",
        ),
        ("elasticity", {"distribution": "normal", "mean": 2}, "a normal distribution needs 'sd'"),
        (
            "elasticity",
            {"distribution": "uniform", "low": 1, "high": 2, "mode": 1},
            "'mode' is not a parameter",
        ),
        (
            "elasticity",
            {"distribution": "normal", "mean": 2, "sd": 0.1, "low": 5},
            "of the distribution's probability, less than 0.001",
        ),
        (
            "elasticity",
            {"distribution": "lognormal", "median": 0, "sigma": 1},
            "median must be above 0",
        ),
    ],
)
def test_bad_distributions(assumption: str, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        make(assumption, **fields)


DISTRIBUTION = """\
assumptions:
  elasticity:
    distribution: normal
    mean: 2
    sd: 0.5
    source: judgement
"""


def test_outlook_distribution_error_is_located(tmp_path: Path) -> None:
    path = outlook_folder(tmp_path, ONE_BRANCH + DISTRIBUTION)
    with pytest.raises(TariffsimError) as info:
        load_outlook(path)
    assert (info.value.line, info.value.field) == (6, "assumptions.elasticity")
    assert "give 'low'" in info.value.render()


def test_outlook_unknown_assumption_is_located(tmp_path: Path) -> None:
    path = outlook_folder(tmp_path, ONE_BRANCH + DISTRIBUTION.replace("elasticity:", "elasticty:"))
    with pytest.raises(TariffsimError) as info:
        load_outlook(path)
    assert (info.value.line, info.value.field) == (6, "assumptions.elasticty")
    assert "'elasticity', 'pass_through' or 'half_life'" in info.value.render()


def test_allocation_by_largest_remainder() -> None:
    # 0.25·10 = 2.5, 0.45·10 = 4.5, 0.3·10 = 3: floors 2, 4, 3 leave one draw, to the
    # first of the two equal remainders (a stable order)
    assert_array_equal(allocate_draws(np.array([0.25, 0.45, 0.3]), 10), [3, 4, 3])


def test_every_positive_branch_gets_a_draw() -> None:
    counts = allocate_draws(np.array([0.995, 0.004, 0.001]), 100)
    assert_array_equal(counts, [98, 1, 1])
    assert_array_equal(allocate_draws(np.array([1.0, 0.0]), 5), [5, 0])


def test_too_few_samples_for_the_branches() -> None:
    with pytest.raises(TariffsimError, match="2 samples cannot cover 3 branches"):
        allocate_draws(np.array([0.2, 0.3, 0.5]), 2)


def test_weights_make_each_branch_weigh_its_probability() -> None:
    probability = np.array([0.995, 0.004, 0.001])
    counts = allocate_draws(probability, 100)
    weight = draw_weights(probability, counts)
    assert weight.shape == (100,)
    assert_allclose([weight[:98].sum(), weight[98], weight[99]], probability, rtol=1e-12)
    assert_allclose(weight.sum(), 1.0, rtol=1e-12)


def test_categorical_draws_follow_the_probabilities() -> None:
    rng = np.random.default_rng(7)
    n = 200_000
    index = draw_categories(rng, np.array([0.6, 0.0, 0.3, 0.1]), n)
    share = np.bincount(index, minlength=4) / n
    # four standard errors of a binomial share with p ≤ 0.6 at this n
    assert_allclose(share, [0.6, 0.0, 0.3, 0.1], atol=4 * np.sqrt(0.25 / n))
    assert share[1] == 0.0


def test_categorical_draws_are_reproducible() -> None:
    p = np.array([0.5, 0.5])
    a = draw_categories(np.random.default_rng(3), p, 50)
    b = draw_categories(np.random.default_rng(3), p, 50)
    assert_array_equal(a, b)
