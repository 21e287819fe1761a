"""The outlook models on their own: probabilities, outcomes, sources, distributions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from pydantic import ValidationError

from tariffsim.uncertainty.outlook_model import Branch, OutlookSpec, UncertainStep

BRANCHES = {
    "a": {"file": "a.yaml", "probability": "30 %", "source": "judgement"},
    "b": {"file": "b.yaml", "probability": 0.7, "source": "judgement"},
}


def spec(**more: Any) -> OutlookSpec:
    return OutlookSpec.model_validate(
        {"title": "t", "as_of": "2018-11-16", "branches": BRANCHES, **more}
    )


def test_probabilities_parse_and_keep_their_text() -> None:
    branch = Branch.model_validate(BRANCHES["a"])
    assert (branch.probability, branch.text) == (0.3, "30 %")
    assert spec().branches["b"].probability == 0.7


def test_outcomes_in_file_order_with_cancellation() -> None:
    step = UncertainStep.model_validate(
        {
            "tranche": "x",
            "date": "2019-01-01",
            "outcomes": {
                "2019-03-01": {"probability": 0.5, "source": "judgement"},
                "cancelled": {"probability": 0.25, "source": "judgement"},
                "2019-01-01": {"probability": 0.25, "source": "judgement"},
            },
        }
    )
    assert step.outcome_dates() == [dt.date(2019, 3, 1), None, dt.date(2019, 1, 1)]


def test_assumption_names_reach_the_distributions() -> None:
    s = spec(
        assumptions={
            "half_life": {
                "distribution": "uniform",
                "low": "3 months",
                "high": "1 year",
                "source": "judgement",
            }
        }
    )
    d = s.assumptions["half_life"]
    assert d.assumption == "half_life" and d.high == pytest.approx(365.25)
    assert (("assumptions", "half_life", "source"), "judgement") in s.source_refs()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"b": {**BRANCHES["b"], "probability": 0.6}}, "branch probabilities sum to 0.9"),
        ({"b": {**BRANCHES["b"], "probability": -0.1}}, "at least 0 %"),
        ({"b": {"file": "b.yaml", "probability": 0.7}}, "cite a source id"),
        ({"b": {**BRANCHES["b"], "file": ""}}, "at least 1 character"),
    ],
)
def test_bad_branches(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        OutlookSpec.model_validate(
            {"title": "t", "as_of": "2018-11-16", "branches": {**BRANCHES, **change}}
        )
