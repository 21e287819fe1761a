"""Outlook files: the shipped outlook loads; each kind of bad outlook gets one located error."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tariffsim.errors import TariffsimError
from tariffsim.uncertainty.outlook import load_outlook
from tests.conftest import SCENARIOS
from tests.outlooks import outlook_folder

HEAD = """\
title: t
as_of: 2018-11-16
"""

STEP = """\
uncertain_steps:
  rise:
    tranche: list3
    date: 2019-01-01
    outcomes:
      2019-01-01: {probability: 60 %, source: judgement}
      2019-03-01: {probability: 30 %, source: judgement}
      cancelled: {probability: 10 %, source: judgement}
"""

BRANCHES = """\
branches:
  hold: {file: hold.yaml, probability: 70 %, source: judgement}
  ceasefire: {file: ceasefire.yaml, probability: 30 %, source: judgement}
"""


def test_shipped_outlook_loads() -> None:
    outlook = load_outlook(SCENARIOS / "outlook.yaml")
    assert outlook.probabilities == {"escalate": 0.25, "hold": 0.45, "ceasefire": 0.3}
    assert outlook.applies == {"list3-rise": ["escalate", "hold"], "next-round-start": ["escalate"]}
    rise = outlook.spec.uncertain_steps["list3-rise"]
    assert rise.outcome_dates() == [dt.date(2019, 1, 1), dt.date(2019, 3, 1), None]
    assert rise.outcomes["2019-01-01"].source == "ustr-list3"


def test_probabilities_accept_percent_and_fraction(tmp_path: Path) -> None:
    text = HEAD + BRANCHES.replace("70 %", "0.7") + STEP
    outlook = load_outlook(outlook_folder(tmp_path, text))
    assert outlook.probabilities == {"hold": 0.7, "ceasefire": 0.3}
    assert outlook.applies == {"rise": ["hold"]}  # ceasefire suspends the step


def test_sum_within_tolerance_is_accepted(tmp_path: Path) -> None:
    text = HEAD + BRANCHES.replace("70 %", "0.7000000000001")
    assert load_outlook(outlook_folder(tmp_path, text)).probabilities["hold"] == 0.7000000000001


BAD = [
    (
        "sum",
        HEAD + BRANCHES.replace("70 %", "60 %"),
        3,
        "branches",
        "branch probabilities sum to 0.9, expected 1 (tolerance 1e-09)",
    ),
    (
        "outcome-sum",
        HEAD + BRANCHES + STEP.replace("10 %", "20 %"),
        10,
        "uncertain_steps.rise.outcomes",
        "outcome probabilities sum to 1.1",
    ),
    (
        "unknown-file",
        HEAD + BRANCHES.replace("hold.yaml", "hodl.yaml"),
        4,
        "branches.hold.file",
        "branch scenario 'hodl.yaml' not found (did you mean 'hold.yaml'?)",
    ),
    (
        "outside",
        HEAD + BRANCHES.replace("hold.yaml", "../hold.yaml"),
        4,
        "branches.hold.file",
        "lies outside the outlook's folder tree",
    ),
    (
        "no-source",
        HEAD + BRANCHES.replace(", source: judgement}", "}", 1),
        4,
        "branches.hold",
        "cite a source id or write 'source: judgement'",
    ),
    (
        "unknown-source",
        HEAD + BRANCHES.replace("judgement", "judgment", 1),
        4,
        "branches.hold.source",
        "unknown source 'judgment' (did you mean 'judgement'?)",
    ),
    (
        "probability-over-one",
        HEAD + BRANCHES.replace("70 %", "170 %"),
        4,
        "branches.hold.probability",
        "expected a probability like '40 %' or 0.4 between 0 and 100 %",
    ),
    (
        "outcome-key",
        HEAD + BRANCHES + STEP.replace("cancelled:", "never:"),
        10,
        "uncertain_steps.rise.outcomes",
        "outcome 'never' is neither a date like 2019-03-01 nor 'cancelled'",
    ),
    (
        "no-such-step",
        HEAD + BRANCHES + STEP.replace("date: 2019-01-01", "date: 2019-02-01"),
        9,
        "uncertain_steps.rise.date",
        "no branch applies a step on 2019-02-01 to tranche 'list3'",
    ),
    (
        "unknown-tranche",
        HEAD + BRANCHES + STEP.replace("tranche: list3", "tranche: lsit3"),
        8,
        "uncertain_steps.rise.tranche",
        "no branch has a tranche 'lsit3' (did you mean 'list3'?)",
    ),
    (
        "named-branch-lacks-step",
        HEAD
        + BRANCHES
        + STEP.replace("date: 2019-01-01", "date: 2019-01-01\n    branches: [hold, ceasefire]"),
        9,
        "uncertain_steps.rise.date",
        "branch 'ceasefire' applies no step on 2019-01-01 to tranche 'list3'",
    ),
    (
        "unknown-branch",
        HEAD
        + BRANCHES
        + STEP.replace("date: 2019-01-01", "date: 2019-01-01\n    branches: [hodl]"),
        10,
        "uncertain_steps.rise.branches.0",
        "unknown branch 'hodl' (did you mean 'hold'?)",
    ),
    (
        "order",
        HEAD + BRANCHES + STEP.replace("2019-03-01:", "2018-09-01:"),
        12,
        "uncertain_steps.rise.outcomes.2018-09-01",
        "outcome 2018-09-01 would move the step past the tranche's neighbouring step",
    ),
    (
        "unknown-key",
        HEAD + BRANCHES + "uncertian_steps: {}\n",
        6,
        "uncertian_steps",
        "unknown key 'uncertian_steps' (did you mean 'uncertain_steps'?)",
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "field", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_outlook_is_located(
    tmp_path: Path, case: str, text: str, line: int, field: str, message: str
) -> None:
    path = outlook_folder(tmp_path, text)
    with pytest.raises(TariffsimError) as info:
        load_outlook(path)
    error = info.value
    assert (Path(error.file or "").name, error.line, error.field) == ("outlook.yaml", line, field)
    assert message in error.render()
    assert "\n" not in error.render()


def test_branches_must_share_a_horizon(tmp_path: Path) -> None:
    path = outlook_folder(tmp_path, HEAD + BRANCHES)
    (tmp_path / "short.yaml").write_text(
        "extends: hold.yaml\nhorizon: {start: 2019-01-01, end: 2019-06-30}\n", encoding="utf-8"
    )
    path.write_text(path.read_text().replace("ceasefire.yaml", "short.yaml"), encoding="utf-8")
    with pytest.raises(TariffsimError, match="horizon 2019-01-01 to 2019-06-30 differs"):
        load_outlook(path)


def test_error_in_a_branch_file_names_that_file(tmp_path: Path) -> None:
    path = outlook_folder(tmp_path, HEAD + BRANCHES)
    (tmp_path / "hold.yaml").write_text("extends: base.yaml\ntitle: 5 %\nhorizon: 3\n")
    with pytest.raises(TariffsimError) as info:
        load_outlook(path)
    assert Path(info.value.file or "").name == "hold.yaml"


def test_branches_must_all_state_assumptions_or_none(tmp_path: Path) -> None:
    path = outlook_folder(tmp_path, HEAD + BRANCHES)
    (tmp_path / "bare.yaml").write_text("extends: ceasefire.yaml\nassumptions: null\n")
    path.write_text(path.read_text().replace("ceasefire.yaml", "bare.yaml"), encoding="utf-8")
    with pytest.raises(TariffsimError) as info:
        load_outlook(path)
    assert info.value.line == 5
    assert "branch 'ceasefire' states no behavioural assumptions but other branches do" in str(
        info.value
    )


def test_distributions_need_branches_with_assumptions(tmp_path: Path) -> None:
    text = HEAD + "branches:\n  bare: {file: bare.yaml, probability: 1, source: judgement}\n"
    text += (
        "assumptions:\n  elasticity: {distribution: uniform, low: 1, high: 3, source: judgement}\n"
    )
    path = outlook_folder(tmp_path, text)
    (tmp_path / "bare.yaml").write_text("extends: hold.yaml\nassumptions: null\n")
    with pytest.raises(TariffsimError, match="distributions of assumptions need branch scenarios"):
        load_outlook(path)


TWO_STEPS = (
    HEAD
    + """\
branches:
  escalate: {file: escalate.yaml, probability: 1, source: judgement}
uncertain_steps:
  start:
    tranche: next-round
    date: 2019-03-01
    outcomes:
      2019-03-01: {probability: 50 %, source: judgement}
      2019-05-01: {probability: 50 %, source: judgement}
  rise:
    tranche: next-round
    date: 2019-06-01
    outcomes:
      2019-06-01: {probability: 50 %, source: judgement}
      2019-04-01: {probability: 50 %, source: judgement}
"""
)


def test_two_uncertain_steps_of_a_tranche_may_not_swap(tmp_path: Path) -> None:
    with pytest.raises(TariffsimError) as info:
        load_outlook(outlook_folder(tmp_path, TWO_STEPS))
    assert info.value.field == "uncertain_steps.rise.outcomes"
    assert "an outcome 2019-04-01 of 'rise' is not after every outcome of 'start'" in str(
        info.value
    )
    fine = TWO_STEPS.replace("2019-04-01", "2019-07-01")
    assert load_outlook(outlook_folder(tmp_path, fine)).applies["rise"] == ["escalate"]


def test_one_step_is_uncertain_once(tmp_path: Path) -> None:
    text = (
        TWO_STEPS.replace("date: 2019-06-01", "date: 2019-03-01")
        .replace("2019-06-01: {", "2019-02-01: {")
        .replace("2019-04-01", "2019-02-15")
    )
    with pytest.raises(TariffsimError, match="is already uncertain in 'rise'"):
        load_outlook(outlook_folder(tmp_path, text))
