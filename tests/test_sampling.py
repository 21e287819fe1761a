"""Draw allocation, weights and categorical draws."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.errors import TariffsimError
from tariffsim.sampling import allocate_draws, draw_categories, draw_weights


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
