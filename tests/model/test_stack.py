"""The one stacking function: precedence, then add or max within an authority, add across."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from tariffsim.model.stack import BELOW_MAX, NOT_EXCLUDED, Rule, by_authority, resolve_rules, stack

AUTHORITIES = ["ieepa_fentanyl", "section232", "ieepa_reciprocal"]


def test_precedence_excludes_where_the_excluder_applies() -> None:
    covers = np.array([[True, True, True], [True, False, True]])
    rates = np.array([[0.20, 0.50, 0.10], [0.20, 0.50, 0.10]])
    rules = [Rule("metals", (1,), (2,))]
    s = stack(covers, rates, AUTHORITIES, rules=rules)
    # key 0: steel, 232 applies so reciprocal is out; key 1: no 232, reciprocal paid
    assert_allclose(s.total, [0.70, 0.30])
    assert s.excluded_by.tolist() == [[NOT_EXCLUDED, NOT_EXCLUDED, 0], [NOT_EXCLUDED] * 3]
    assert s.applied.tolist() == [[True, True, False], [True, False, True]]


def test_an_excluder_at_zero_or_excluded_itself_does_not_fire() -> None:
    covers = np.ones((2, 3), dtype=bool)
    rates = np.array([[0.2, 0.0, 0.1], [0.2, 0.3, 0.1]])
    rules = [Rule("first", (0,), (1,)), Rule("second", (1,), (2,))]
    s = stack(covers, rates, AUTHORITIES, rules=rules)
    # key 0: measure 1 is excluded (at 0 %) and cannot exclude 2; key 1: the same chain
    assert_allclose(s.total, [0.3, 0.3])
    assert s.excluded_by[:, 1].tolist() == [0, 0]
    assert s.excluded_by[:, 2].tolist() == [NOT_EXCLUDED, NOT_EXCLUDED]


def test_max_within_and_add_across() -> None:
    covers = np.ones((1, 4), dtype=bool)
    rates = np.array([[0.25, 0.075, 0.10, 0.20]])
    authorities = ["section301", "section301", "section301", "ieepa_fentanyl"]
    s = stack(covers, rates, authorities, {"section301": "max"})
    assert_allclose(s.component, [[0.25, 0.0, 0.0, 0.20]])
    assert s.excluded_by[0].tolist() == [NOT_EXCLUDED, BELOW_MAX, BELOW_MAX, NOT_EXCLUDED]
    added = stack(covers, rates, authorities)
    assert_allclose(added.total, [0.25 + 0.075 + 0.10 + 0.20])
    parts = by_authority(s.component, authorities)
    assert_allclose(parts["section301"], [0.25])
    assert_allclose(parts["ieepa_fentanyl"], [0.20])


def test_a_precedence_loser_does_not_count_for_max() -> None:
    covers = np.ones((1, 3), dtype=bool)
    rates = np.array([[0.5, 0.25, 0.10]])
    authorities = ["section232", "section301", "section301"]
    rules = [Rule("r", (0,), (1,))]
    s = stack(covers, rates, authorities, {"section301": "max"}, rules)
    assert_allclose(s.component, [[0.5, 0.0, 0.10]])  # the 25 % is excluded; 10 % is the max left


def test_rules_by_authority_or_measure_id() -> None:
    ids = ["autos232", "steel232", "recip"]
    authorities = ["section232", "section232", "ieepa_reciprocal"]
    rules = resolve_rules(
        {"a": (("autos232",), ("steel232",)), "b": (("section232",), ("ieepa_reciprocal",))},
        ids,
        authorities,
    )
    assert rules == [Rule("a", (0,), (1,)), Rule("b", (0, 1), (2,))]
    s = stack(np.ones((1, 3), dtype=bool), np.array([[0.25, 0.5, 0.1]]), authorities, rules=rules)
    assert_allclose(s.component, [[0.25, 0.0, 0.0]])  # auto 232 excludes metal 232 and reciprocal


def test_a_rule_naming_one_authority_on_both_sides_never_excludes_itself() -> None:
    rules = [Rule("self", (0, 1), (1,))]
    s = stack(np.ones((1, 2), dtype=bool), np.array([[0.1, 0.2]]), ["x", "x"], rules=rules)
    assert_allclose(s.component, [[0.1, 0.0]])
