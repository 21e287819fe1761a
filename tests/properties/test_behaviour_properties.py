"""Hypothesis invariants of the behavioural response: monotone in the rate and in ε,
never above static duty for an increase, and rows evaluated together equal rows alone."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose

from tariffsim.model import behaviour
from tariffsim.model.simulation import simulate
from tariffsim.scenario.schema import Scenario

S = 6


def floats(low: float, high: float) -> st.SearchStrategy[float]:
    # rounded to 1e-9: rates, elasticities and days finer than that mean nothing
    return st.floats(low, high).map(lambda x: round(x, 9))


rates = arrays(np.float64, (2, S), elements=floats(0.0, 2.0))
days = arrays(np.float64, S, elements=floats(1.0, 400.0))
eps = floats(0.0, 10.0)
rho = floats(0.0, 1.0)
half_lives = st.sampled_from([0.0, 1.0, 30.0, 182.625, 2000.0])


def responded(rate, tau0, e, r, h, d):
    """Slice-mean multiplier of per-row parameters, starting at the reference level."""
    n = rate.shape[0]
    target = behaviour.constant_elasticity_multiplier(
        rate, np.full(n, tau0), np.full(n, e), np.full(n, r)
    )
    mean, _ = behaviour.lagged_multiplier(target, d, np.full(n, h), np.ones(n))
    return mean


@given(rates, floats(0.0, 2.0), floats(0.0, 1.0), eps, rho, half_lives, days)
def test_a_higher_rate_never_raises_imports(rate, tau0, extra, e, r, h, d) -> None:
    low = rate[:1]
    high = low + extra * rate[1:]  # elementwise at least as high
    assert np.all(responded(high, tau0, e, r, h, d) <= responded(low, tau0, e, r, h, d) + 1e-12)


@given(rates, floats(0.0, 1.0), eps, rho, half_lives, days)
def test_for_an_increase_behavioural_duty_is_at_most_static(rate, tau0, e, r, h, d) -> None:
    increased = tau0 + rate  # every slice at or above the reference rate
    static = increased * d  # duty on one unit of imports a day
    assert np.all(responded(increased, tau0, e, r, h, d) * static <= static * (1 + 1e-12))


@given(rates, floats(0.0, 2.0), eps, eps, rho, half_lives, days)
def test_the_response_is_monotone_in_elasticity(rate, tau0, e1, e2, r, h, d) -> None:
    low_e, high_e = sorted((e1, e2))
    up = tau0 + rate  # an increase: more elastic → fewer imports
    assert np.all(
        responded(up, tau0, high_e, r, h, d) <= responded(up, tau0, low_e, r, h, d) + 1e-12
    )
    down = np.minimum(rate, tau0)  # a cut: more elastic → more imports
    assert np.all(
        responded(down, tau0, high_e, r, h, d) >= responded(down, tau0, low_e, r, h, d) - 1e-12
    )


@given(rates, floats(0.0, 1.0), arrays(np.float64, 2, elements=eps), rho, days)
def test_stacked_rows_equal_rows_alone(rate, tau0, e, r, d) -> None:
    # a Monte Carlo run stacks draws as rows: each row must not depend on the others
    n = 2
    h = np.array([0.0, 45.0])
    target = behaviour.constant_elasticity_multiplier(rate, np.full(n, tau0), e, np.full(n, r))
    together, _ = behaviour.lagged_multiplier(target, d, h, np.ones(n))
    for i in range(n):
        alone, _ = behaviour.lagged_multiplier(target[i : i + 1], d, h[i : i + 1], np.ones(1))
        assert_allclose(together[i], alone[0], rtol=0, atol=0)


def one_tranche(rate: float, e: float, h: str | None) -> Scenario:
    assumptions = {"reference_date": "2019-01-01", "elasticity": e, "pass_through": "100 %"}
    if h:
        assumptions["half_life"] = h
    return Scenario.model_validate(
        {
            "name": "p",
            "title": "p",
            "as_of": "2019-01-01",
            "assumptions": assumptions,
            "horizon": {"start": "2019-01-01", "end": "2019-12-31", "step": "quarter"},
            "tranches": {
                "t": {
                    "label": "t",
                    "importer": "US",
                    "exporter": "CN",
                    "imports": "100 billion USD/year",
                    "base_rate": "3 %",
                    "schedule": {dt.date(2019, 4, 1): {"rate": f"{rate} %"}},
                }
            },
        }
    )


@settings(max_examples=25, deadline=None)
@given(floats(0.0, 100.0), floats(0.0, 50.0), eps, st.sampled_from([None, "30 days", "1 year"]))
def test_end_to_end_higher_rate_lower_imports_and_duty_capped(rate, more, e, h) -> None:
    low = simulate(one_tranche(rate, e, h))
    high = simulate(one_tranche(rate + more, e, h))
    assert high.totals()["imports_usd"] <= low.totals()["imports_usd"] * (1 + 1e-12)
    assert low.totals()["total_duty_usd"] <= low.totals("static")["total_duty_usd"] * (1 + 1e-12)


@settings(max_examples=60, deadline=None)
@given(
    imports=arrays(np.float64, (3, S), elements=floats(0.0, 1e9)),
    expected=arrays(np.float64, (3, S), elements=floats(0.0, 1e9)),
    share=floats(0.0, 1.0),
    cut=st.integers(0, 3),
    off=arrays(np.bool_, 3),
)
def test_front_loading_conserves_volume_when_importers_expected_other_imports(
    imports, expected, share, cut, off
) -> None:
    # window before: slices 0-2 (equal days), buying ahead on the first `cut` of them;
    # window after: slices 3-5
    before = np.zeros((1, 3, S))
    before[0, :, :cut] = 1.0 / 3.0
    after = np.zeros((1, 3, S), dtype=bool)
    after[0, :, 3:] = True
    told = np.where(off[:, None], expected, np.nan)[None]  # NaN: the row's own imports
    out, shift = behaviour.front_load(imports, before, after, np.full(3, share), told)
    assert_allclose(shift.sum(axis=1), 0.0, atol=1e-6)
    assert_allclose(out, imports + shift)
    basis = np.where(off[:, None], expected, imports)[:, 3:].sum(axis=1)
    own = imports[:, 3:].sum(axis=1)
    # never more than the window after holds: it gives up exactly what is bought early
    bought = np.minimum(share * basis * cut / 3.0, own)
    assert_allclose(shift[:, :3].sum(axis=1), bought, rtol=1e-9, atol=1e-6)
    assert_allclose(-shift[:, 3:].sum(axis=1), bought, rtol=1e-9, atol=1e-6)
    assert (out >= -1e-6).all()
