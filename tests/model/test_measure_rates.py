"""Each duty form on a flow, run end to end from a scenario file and checked by hand.

``tests/data/forms/forms.yaml``: every flow is 365 million USD a year, 1 million USD a day in
2026, so a year of duty at rate τ is 365 τ million USD.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from tariffsim.model import flows
from tariffsim.model.results import Result
from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"
M = 1e6


@pytest.fixture(scope="module")
def duty() -> dict[str, float]:
    result = simulate(load_scenario(FORMS / "forms.yaml"))
    return dict(
        zip(result.tranches["tranche"], result.tranches["additional_duty_usd"], strict=True)
    )


@pytest.mark.parametrize(
    ("tranche", "expected"),
    [
        ("eu_free", 365 * 0.15 * M),  # floor 15 % − MFN 0 %; 292 M EUR at 1.25 USD/EUR
        ("eu_low", 365 * 0.105 * M),  # 15 % − 4.5 %
        ("eu_high", 0.0),  # MFN 20 % is above the floor
        ("timber", 365 * 0.07 * M),  # min(10 %, 15 % − 8 %)
        ("copper", 365 * 0.50 * 0.40 * M),  # 50 % on the 40 % copper share
        ("compound", 365 * (0.024 + 5 * 0.2) * M),  # 2.4 % + 5 USD/kg at 0.2 kg per USD
        ("postal", 200 * 730e3),  # 200 USD an item, 730,000 items
        ("section122", 150 * 0.10 * M),  # 24 Feb to 23 Jul: 5 + 31 + 30 + 31 + 30 + 23 days
        ("same_day", (365 - 98) * 0.84 * M),  # 84 % from 9 April, the 99th day of 2026
    ],
)
def test_each_form_on_a_flow(duty: dict[str, float], tranche: str, expected: float) -> None:
    assert_allclose(duty[tranche], expected, rtol=1e-12, atol=1e-6)


def test_expiry_mid_month_and_the_superseded_step_on_the_timeline() -> None:
    result = simulate(load_scenario(FORMS / "forms.yaml"))
    july = result.periods[
        (result.periods["tranche"] == "section122")
        & (result.periods["period_start"].astype(str) == "2026-07-01")
    ]
    assert_allclose(july["additional_duty_usd"], [23 * 0.10 * M])  # to 23 July, the day before
    events = result.events[result.events["tranche"] == "same_day"]
    assert list(events["status"]) == ["superseded", "in_force"]
    assert list(events["applies"]) == [False, True]
    ends = result.events[result.events["tranche"] == "section122"]
    assert list(ends["status"]) == ["in_force", "expires"]


def test_the_mfn_is_paid_apart_from_the_floor() -> None:
    result = simulate(load_scenario(FORMS / "forms.yaml"))
    base = dict(zip(result.tranches["tranche"], result.tranches["base_duty_usd"], strict=True))
    assert_allclose([base["eu_low"], base["eu_high"]], [365 * 0.045 * M, 365 * 0.20 * M])


@pytest.fixture(scope="module")
def stacked() -> Result:
    return simulate(flows.load_scenario(FORMS / "measures.yaml"))


@pytest.mark.parametrize(
    ("flow", "additional", "base"),
    [
        ("de_sweaters", 365 * 0.105 * M, 365 * 0.045 * M),  # EU floor 15 % over an mfn of 4.5 %
        ("de_other", 365 * 0.15 * M, 0.0),  # the floor over no mfn measure
        ("cl_copper", 365 * 0.20 * M, 0.0),  # 50 % on a 40 % value share
        ("mx_beef", 365 * 1.024 * M, 0.0),  # 2.4 % + 5 USD/kg at 0.2 kg per USD
        ("br_all", 150 * 0.10 * M, 0.0),  # 10 % from 24 Feb, expired on 24 Jul
        ("cn_all", 90 * 0.20 * M, 0.0),  # 20 % until invalidated on 1 Apr: Jan–Mar 2026
    ],
)
def test_each_form_as_a_measure_on_flows(
    stacked: Result, flow: str, additional: float, base: float
) -> None:
    row = stacked.tranches.set_index("tranche").loc[flow]
    assert_allclose(row["additional_duty_usd"], additional, rtol=1e-12, atol=1e-6)
    assert_allclose(row["base_duty_usd"], base, rtol=1e-12, atol=1e-6)


def test_an_invalidated_measure_refunds_its_part_of_each_flow(stacked: Result) -> None:
    assert stacked.refunds is not None
    years = stacked.refunds[stacked.refunds["table"] == "fiscal_year"].set_index("key")
    assert set(stacked.refunds["tranche"]) == {"cn_all"}  # the only flow it hit
    assert set(stacked.refunds["measure"]) == {"ieepa"}
    assert_allclose(years.loc["FY2026", "deposited_usd"], 90 * 0.20 * M)
    assert_allclose(years.loc["FY2026", "refunded_usd"], 90 * 0.20 * M)  # paid 2026-06-01
