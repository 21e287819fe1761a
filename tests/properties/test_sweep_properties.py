"""Invariants of the sweep's draws and statistics, for any probabilities and values."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.uncertainty.draws import allocate_draws, draw_weights
from tariffsim.uncertainty.stats import exceedance, weighted_percentiles

probabilities = (
    st.lists(st.just(0.0) | st.floats(1e-6, 1.0), min_size=1, max_size=6)
    .filter(lambda p: sum(p) > 0.01)
    .map(lambda p: np.array(p) / sum(p))
)


@settings(max_examples=200, deadline=None)
@given(probabilities, st.integers(6, 5_000))
def test_allocation_is_close_to_proportional_and_weights_are_exact(
    probability: np.ndarray, samples: int
) -> None:
    counts = allocate_draws(probability, samples)
    assert counts.sum() == samples and np.all(counts >= 0)
    assert np.all(counts[probability > 0] >= 1) and np.all(counts[probability == 0] == 0)
    positive = int((probability > 0).sum())
    # proportional within one draw, plus the draws lent to branches that would get none
    assert np.all(np.abs(counts - probability * samples) < 1 + positive)
    weight = draw_weights(probability, counts)
    branch = np.repeat(np.arange(probability.size), counts)
    per_branch = np.bincount(branch, weights=weight, minlength=probability.size)
    assert_allclose(per_branch[counts > 0], probability[counts > 0], rtol=1e-12)


values = st.lists(st.floats(0, 1e12), min_size=1, max_size=200).map(np.array)


@settings(max_examples=200, deadline=None)
@given(values, st.floats(0, 1e12))
def test_percentiles_are_ordered_drawn_values_and_exceedance_is_a_probability(
    x: np.ndarray, threshold: float
) -> None:
    weight = np.full(x.size, 1.0 / x.size)
    cuts = weighted_percentiles(x, weight)
    assert np.all(np.diff(cuts) >= 0)
    assert np.all(np.isin(cuts, x))
    p = exceedance(x, weight, threshold)
    assert 0.0 <= p <= 1.0 + 1e-12
    assert_allclose(p, np.mean(x > threshold), atol=1e-12)
