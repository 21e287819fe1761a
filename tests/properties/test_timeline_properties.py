"""Step changes by slice replay the step functions they stand for, under hypothesis."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from tariffsim.model.timeline import step_changes, step_function_long


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 6),
    st.lists(st.tuples(st.integers(0, 5), st.integers(-5, 40), st.sampled_from([0.0, 0.1, 0.25])),
             max_size=25),
    st.lists(st.integers(0, 35), min_size=1, max_size=12, unique=True),
    st.sampled_from([0.0, 1.0]),
)  # fmt: skip
def test_replaying_the_changes_gives_the_step_function(
    rows: int, steps: list[tuple[int, int, float]], starts: list[int], before: float
) -> None:
    steps = [(r % rows, d, v) for r, d, v in steps]  # any order, same days, outside days
    row = np.array([r for r, _, _ in steps], dtype=np.int64)
    day = np.array([d for _, d, _ in steps], dtype=np.int64)
    value = np.array([v for _, _, v in steps])
    at = np.array(sorted(starts), dtype=np.int64)
    expected = step_function_long(row, day, value, at, rows=rows, before=before)
    changes = step_changes(row, day, value, at, rows, before=before)
    held = np.full(rows, before)
    for s in range(at.size):
        changed = slice(changes.bounds[s], changes.bounds[s + 1])
        assert np.unique(changes.row[changed]).size == changes.row[changed].size
        held[changes.row[changed]] = changes.value[changed]
        assert_array_equal(held, expected[:, s])
