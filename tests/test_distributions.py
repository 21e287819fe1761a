"""Distributions of assumptions: parameters, bounds, and the moments of their draws."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose
from pydantic import ValidationError

from tariffsim.distributions import Distribution
from tariffsim.errors import TariffsimError
from tariffsim.outlook import load_outlook
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
            "keep almost none",
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
