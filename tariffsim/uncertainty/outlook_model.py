"""The validated content of an outlook file (pydantic models), before any branch is loaded.

Branches with probabilities, uncertain step dates with the probability of each
outcome, and distributions of assumptions (:mod:`tariffsim.scenario.distributions`).
Every probability and distribution cites a source id or says ``judgement``;
probabilities sum to 1. Checks that need the branch scenarios live in
:mod:`tariffsim.uncertainty.outlook`; this module reads no file.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import Field, field_validator, model_validator

from tariffsim.scenario import units
from tariffsim.scenario.distributions import (
    JUDGEMENT,
    Assumption,
    Distribution,
    name_distributions,
)
from tariffsim.scenario.quantities import Frozen, as_value_error
from tariffsim.scenario.schema import Source

PROBABILITY_TOLERANCE = 1e-9
"""Largest accepted distance of a set of probabilities' sum from 1 [1]."""

CANCELLED = "cancelled"
"""The outcome key of an uncertain step that does not happen at all."""


def _probability(value: Any) -> float:
    return as_value_error(
        lambda v: units.parse_fraction(v, "a probability like '40 %' or 0.4"), value
    )


def _check_sum(probabilities: list[float], what: str) -> None:
    total = math.fsum(probabilities)
    if abs(total - 1.0) > PROBABILITY_TOLERANCE:
        raise ValueError(
            f"{what} probabilities sum to {total:.10g}, expected 1 "
            f"(tolerance {PROBABILITY_TOLERANCE:g})"
        )


class _Cited(Frozen):
    """A probability with where it comes from: a source id or ``judgement``."""

    probability: float = Field(description="Probability [1], written '40 %' or 0.4.")
    text: str = Field(description="The probability as written in the file.")
    source: str = Field(description=f"A source id from 'sources:', or '{JUDGEMENT}'.")
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _text_and_source(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "source" not in data:
            raise ValueError(f"cite a source id or write 'source: {JUDGEMENT}'")
        if "probability" in data and "text" not in data:
            return {**data, "text": str(data["probability"])}
        return data

    @field_validator("probability", mode="before")
    @classmethod
    def _parse(cls, value: Any) -> float:
        return _probability(value)


class Branch(_Cited):
    """One path of the talks: a scenario file and its probability."""

    file: str = Field(min_length=1, description="Scenario file, relative to the outlook file.")


class Outcome(_Cited):
    """One possible date of an uncertain step (or its cancellation)."""


class UncertainStep(Frozen):
    """A dated step of one tranche whose date is uncertain.

    The step ``tranche`` / ``date`` of each named branch moves to the drawn
    outcome's date, or is dropped when the outcome is ``cancelled``.
    """

    tranche: str = Field(min_length=1)
    date: dt.date = Field(description="The step's date as written in the branch scenarios.")
    branches: list[str] | None = Field(
        None, description="Branches it applies to; default: every branch applying the step."
    )
    outcomes: dict[str, Outcome] = Field(min_length=1)
    note: str | None = None

    @field_validator("outcomes")
    @classmethod
    def _outcomes(cls, outcomes: dict[str, Outcome]) -> dict[str, Outcome]:
        for key in outcomes:
            if key != CANCELLED:
                try:
                    dt.date.fromisoformat(key)
                except ValueError:
                    raise ValueError(
                        f"outcome '{key}' is neither a date like 2019-03-01 nor '{CANCELLED}'"
                    ) from None
        _check_sum([o.probability for o in outcomes.values()], "outcome")
        return outcomes

    def outcome_dates(self) -> list[dt.date | None]:
        """Each outcome's date, None for a cancellation, in file order."""
        return [None if k == CANCELLED else dt.date.fromisoformat(k) for k in self.outcomes]


MAX_BRANCHES = 100
"""Most branches in an outlook; each is a scenario loaded and simulated per draw."""


class OutlookSpec(Frozen):
    """The validated content of an outlook file."""

    title: str = Field(min_length=1)
    description: str = ""
    as_of: dt.date = Field(description="The date the probabilities describe.")
    sources: dict[str, Source] = Field(default_factory=dict)
    branches: dict[str, Branch] = Field(min_length=1, max_length=MAX_BRANCHES)
    uncertain_steps: dict[str, UncertainStep] = Field(default_factory=dict)
    assumptions: dict[Assumption, Distribution] = Field(
        default_factory=dict,
        description="Distributions of behavioural assumptions, applied to every branch.",
    )

    @field_validator("assumptions", mode="before")
    @classmethod
    def _name_distributions(cls, block: Any) -> Any:
        return name_distributions(block)

    @field_validator("branches")
    @classmethod
    def _branches_sum_to_one(cls, branches: dict[str, Branch]) -> dict[str, Branch]:
        _check_sum([b.probability for b in branches.values()], "branch")
        return branches

    def source_refs(self) -> list[tuple[tuple[str, ...], str]]:
        """Every (field path, source id) pair, ``judgement`` included."""
        refs: list[tuple[tuple[str, ...], str]] = [
            (("branches", b, "source"), br.source) for b, br in self.branches.items()
        ]
        for uid, step in self.uncertain_steps.items():
            for key, outcome in step.outcomes.items():
                refs.append((("uncertain_steps", uid, "outcomes", key, "source"), outcome.source))
        for name, distribution in self.assumptions.items():
            refs.append((("assumptions", name, "source"), distribution.source))
        return refs
