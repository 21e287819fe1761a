"""Which measures meet each line of a weights file: the one-pass count against a brute force.

``flows._line_patterns`` reads a line's measures off running counts of covered segments, so
that a weights file of some 14,000 HTS-10 lines is classed in one pass. Here it is set against
the plain definition, on random lines and measures: cut the HTS key line at every line's and
every measure's ends, and a line meets a measure when some segment inside the line is covered.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.model.coverage import Products, product_cover
from tariffsim.model.flows import _line_patterns

DIGITS = st.sampled_from(
    ["85", "8541", "854110", "85411000", "8541100010", "84", "8471", "8471300100"]
)
PREFIX = st.one_of(
    DIGITS,
    st.integers(min_value=10, max_value=99).map(str),
    st.integers(min_value=1000, max_value=9999).map(str),
    st.integers(min_value=10**9, max_value=10**10 - 1).map(str),
)
PRODUCTS = st.builds(
    Products,
    include=st.one_of(st.none(), st.lists(PREFIX, min_size=1, max_size=4).map(tuple)),
    exclude=st.lists(PREFIX, max_size=2).map(tuple),
)


def brute_force(lines: list[str], measures: list[Products]) -> np.ndarray:
    """The definition: one joint segmentation, a line meets m if any of its segments is covered."""
    _, covers = product_cover([*(Products((code,)) for code in lines), *measures])
    inside = covers[:, : len(lines)].T.astype(np.int64)
    return np.asarray((inside @ covers[:, len(lines) :].astype(np.int64)) > 0)


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(PREFIX, min_size=1, max_size=12, unique=True),
    measures=st.lists(PRODUCTS, min_size=1, max_size=5),
)
def test_line_patterns_equal_the_definition(lines: list[str], measures: list[Products]) -> None:
    cols: Any = SimpleNamespace(columns=[SimpleNamespace(products=m) for m in measures])
    assert (_line_patterns(lines, cols) == brute_force(lines, measures)).all()


def test_a_worked_case() -> None:
    """8541.10 is under the electronics exclusion, 8471 whole, 9503 under nothing listed."""
    reciprocal = Products(None, ("8471", "854110"))
    steel = Products(("7208",))
    cols: Any = SimpleNamespace(
        columns=[SimpleNamespace(products=reciprocal), SimpleNamespace(products=steel)]
    )
    got = _line_patterns(["8541100010", "8471300100", "7208101500", "9503000090", "85"], cols)
    expected = [[False, False], [False, False], [True, True], [True, False], [True, False]]
    assert got.tolist() == expected  # chapter 85 as a whole meets the reciprocal measure
