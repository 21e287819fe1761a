"""How the sweep spends its draws: draws allocated to branches by probability, each draw's
weight, and categorical outcomes.

The distributions of assumptions (their file model, checks and value draws) live in
:mod:`tariffsim.scenario.distributions`; this module only plans and weights the draws.
"""

from __future__ import annotations

import numpy as np

from tariffsim._types import FloatArray, IntArray
from tariffsim.errors import TariffsimError


def allocate_draws(probability: FloatArray, samples: int) -> IntArray:
    """Draws per branch, in proportion to the branch probabilities [count], shape (B,).

    Notes
    -----
    Stratified allocation: branch b gets ``floor(p_b·N)`` draws and the
    remaining draws go to the largest remainders (Hamilton's method), so the
    counts sum to N and differ from ``p_b·N`` by less than one. A branch with
    ``p_b > 0`` gets at least one draw (taken from the largest branch), so its
    conditional mean is always estimated. Each draw of branch b then carries
    the weight ``p_b / n_b`` (:func:`draw_weights`), which makes weighted
    statistics exact mixtures of the branches whatever the rounding.
    """
    positive = probability > 0
    if samples < int(positive.sum()):
        raise TariffsimError(
            f"{samples} samples cannot cover {int(positive.sum())} branches",
            field="--samples",
            hint="give at least one sample per branch",
        )
    ideal = probability * samples
    counts = np.floor(ideal).astype(np.int64)
    spare = samples - int(counts.sum())
    order = np.argsort(-(ideal - counts), kind="stable")
    counts[order[:spare]] += 1
    for b in np.flatnonzero(positive & (counts == 0)):
        counts[int(np.argmax(counts))] -= 1
        counts[b] = 1
    return counts


def draw_weights(probability: FloatArray, counts: IntArray) -> FloatArray:
    """Weight of each draw, ``p_b / n_b`` for a draw of branch b [1], shape (N,).

    Draws are ordered by branch: the first ``n_0`` belong to branch 0, and so on.
    """
    per_branch = np.divide(probability, counts, out=np.zeros_like(probability), where=counts > 0)
    return np.repeat(per_branch, counts)


def draw_categories(rng: np.random.Generator, probability: FloatArray, size: int) -> IntArray:
    """Indices drawn from a categorical distribution, shape (size,).

    Notes
    -----
    Inverse CDF: with ``u ~ U[0, 1)`` the category is the first k with
    ``u < Σ_{j≤k} p_j / Σ_j p_j``. A category of probability 0 is never drawn.
    """
    cdf = np.cumsum(probability)
    cdf /= cdf[-1]
    index = np.searchsorted(cdf, rng.random(size), side="right")
    return np.minimum(index, probability.size - 1).astype(np.int64)
