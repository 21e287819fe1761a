"""In-transit grace, exclusions and planned steps in the schema (hand-computed cases)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario

D = dt.date

HEAD = """
title: t
as_of: 2019-01-01
sources:
  s: {title: a source}
horizon: {start: 2019-01-01, end: 2019-12-31, step: month}
tranches:
  t:
    label: T
    importer: US
    exporter: CN
    imports: 365 billion USD/year
"""


def scenario_file(tmp_path: Path, tail: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(HEAD + tail, encoding="utf-8")
    return path


def grace(lag: str, entered_by: str = "2019-06-15") -> str:
    return f"""    schedule:
      2019-01-01: 10 %
      2019-05-10:
        rate: 25 %
        in_transit: {{shipped_before: 2019-05-10, entered_by: {entered_by}, shipping_lag: {lag}}}
"""


@pytest.mark.parametrize(
    ("lag", "switch"),
    [
        ("30 days", D(2019, 6, 9)),  # shipped_before + 30 d comes first
        ("60 days", D(2019, 6, 16)),  # the entry deadline + 1 d comes first
        ("0 days", D(2019, 5, 10)),  # no lag: no grace at all
    ],
)
def test_grace_switch_date(tmp_path: Path, lag: str, switch: dt.date) -> None:
    tranche = load_scenario(scenario_file(tmp_path, grace(lag))).tranches["t"]
    assert tranche.rate_on(switch - dt.timedelta(days=1)) == 0.10
    assert tranche.rate_on(switch) == 0.25
    assert tranche.applied_steps() == [(D(2019, 1, 1), 0.10), (switch, 0.25)]
    assert tranche.planned_steps() == [(D(2019, 1, 1), 0.10), (D(2019, 5, 10), 0.25)]


def test_grace_duty_2019(tmp_path: Path) -> None:
    # 1e9 USD a day; 10 % for 1 Jan – 8 Jun (159 days), 25 % for the other 206 days
    result = simulate(load_scenario(scenario_file(tmp_path, grace("30 days"))))
    assert_allclose(
        result.periods.additional_duty_usd.sum(), 1e9 * (0.10 * 159 + 0.25 * 206), rtol=1e-12
    )
    june = result.periods[result.periods.period_start == pd.Timestamp(2019, 6, 1)]
    assert_allclose(june.additional_duty_usd.item(), 1e9 * (0.10 * 8 + 0.25 * 22), rtol=1e-12)


EXCLUDED = """    schedule:
      2019-01-01: 25 %
    exclusions:
      - {share: 40 %, start: 2019-03-01, end: 2019-03-31, source: s}
      - {share: 10 %, start: 2019-03-20, end: 2019-04-09}
"""


def test_exclusions_duty(tmp_path: Path) -> None:
    scenario = load_scenario(scenario_file(tmp_path, EXCLUDED))
    tranche = scenario.tranches["t"]
    assert tranche.effective_rate_on(D(2019, 2, 28)) == 0.25
    assert_allclose(tranche.effective_rate_on(D(2019, 3, 25)), 0.25 * 0.5)
    assert_allclose(tranche.effective_rate_on(D(2019, 4, 9)), 0.25 * 0.9)
    assert tranche.effective_rate_on(D(2019, 4, 10)) == 0.25
    result = simulate(scenario)
    # 0.25e9 a day, less 40 % for 31 days and 10 % for 21 days (20 Mar – 9 Apr)
    expected = 0.25e9 * (365 - 0.4 * 31 - 0.1 * 21)
    assert_allclose(result.periods.additional_duty_usd.sum(), expected, rtol=1e-12)
    march = result.periods[result.periods.period_start == pd.Timestamp(2019, 3, 1)]
    assert_allclose(
        march.additional_duty_usd.item(), 0.25e9 * (31 - 0.4 * 31 - 0.1 * 12), rtol=1e-12
    )


@pytest.mark.parametrize(
    ("tail", "field", "message"),
    [
        (
            grace("30 days", entered_by="2019-05-01"),
            "tranches.t.schedule.2019-05-10.in_transit",
            "entered_by 2019-05-01 is before shipped_before 2019-05-10",
        ),
        (grace("2.5 days"), "shipping_lag", "whole number of days"),
        (
            "    exclusions:\n      - {share: 70 %, start: 2019-03-01, end: 2019-03-31}\n"
            "      - {share: 40 %, start: 2019-03-15, end: 2019-04-30}\n",
            "tranches.t",
            "add up to over 100 %",
        ),
        (
            "    exclusions:\n      - {share: 10 %, start: 2019-03-01, end: 2019-02-01}\n",
            "tranches.t.exclusions.0",
            "end 2019-02-01 is before start 2019-03-01",
        ),
        (
            "    exclusions:\n"
            "      - {share: 10 %, start: 2019-03-01, end: 2019-04-01, source: x}\n",
            "tranches.t.exclusions.0.source",
            "unknown source 'x'",
        ),
    ],
)
def test_bad_grace_and_exclusions(tmp_path: Path, tail: str, field: str, message: str) -> None:
    with pytest.raises(TariffsimError) as caught:
        load_scenario(scenario_file(tmp_path, tail))
    rendered = caught.value.render()
    assert field in rendered
    assert message in rendered
    assert "s.yaml:" in rendered


def test_grace_may_not_jump_the_next_step(tmp_path: Path) -> None:
    tail = grace("60 days") + "      2019-06-01: 30 %\n"
    with pytest.raises(TariffsimError, match="not before the next step 2019-06-01"):
        load_scenario(scenario_file(tmp_path, tail))
