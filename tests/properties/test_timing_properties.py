"""Invariants of in-transit grace and exclusions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.model.simulation import simulate
from tariffsim.scenario.schema import Scenario

START = dt.date(2019, 5, 10)


def scenario(schedule: dict[str, Any], exclusions: list[dict[str, Any]] | None = None) -> Scenario:
    return Scenario.model_validate(
        {
            "name": "p",
            "title": "p",
            "as_of": "2019-01-01",
            "horizon": {"start": "2019-01-01", "end": "2019-12-31", "step": "month"},
            "tranches": {
                "t": {
                    "label": "T",
                    "importer": "US",
                    "exporter": "CN",
                    "imports": "100 billion USD/year",
                    "schedule": schedule,
                    "exclusions": exclusions or [],
                }
            },
        }
    )


@settings(max_examples=15, deadline=None)
@given(lag=st.integers(0, 90), deadline=st.integers(0, 90))
def test_grace_switches_between_shipping_and_deadline(lag: int, deadline: int) -> None:
    entered_by = START + dt.timedelta(days=deadline)
    step = {
        "rate": "25 %",
        "in_transit": {
            "shipped_before": START.isoformat(),
            "entered_by": entered_by.isoformat(),
            "shipping_lag": f"{lag} days",
        },
    }
    tranche = scenario({"2019-01-01": "10 %", START.isoformat(): step}).tranches["t"]
    switch = tranche.applied_steps()[1][0]
    assert START <= switch <= entered_by + dt.timedelta(days=1)
    assert tranche.rate_on(switch - dt.timedelta(days=1)) == 0.10
    assert tranche.rate_on(switch) == 0.25
    # grace only ever delays an increase: duty never exceeds the no-grace duty
    with_grace = simulate(scenario({"2019-01-01": "10 %", START.isoformat(): step}))
    without = simulate(scenario({"2019-01-01": "10 %", START.isoformat(): "25 %"}))
    assert with_grace.totals()["additional_duty_usd"] <= without.totals()["additional_duty_usd"]


@settings(max_examples=15, deadline=None)
@given(share=st.floats(0, 1), days=st.integers(1, 200))
def test_exclusion_scales_duty_linearly(share: float, days: int) -> None:
    end = dt.date(2019, 3, 1) + dt.timedelta(days=days - 1)
    window = [{"share": share, "start": "2019-03-01", "end": end.isoformat()}]
    full = simulate(scenario({"2019-01-01": "25 %"}))
    cut = simulate(scenario({"2019-01-01": "25 %"}, window))
    # the duty lost is the share of the duty accrued inside the window: 100e9/365 a day at 25 %
    lost = full.totals()["additional_duty_usd"] - cut.totals()["additional_duty_usd"]
    assert_allclose(lost, share * 0.25 * 100e9 * days / 365, rtol=1e-9, atol=1e-3)
