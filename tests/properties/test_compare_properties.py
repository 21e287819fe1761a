"""Invariants of comparison: a scenario compared with itself differs by zero, everywhere."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.comparison.chart_data import cumulative_duty_data, duty_per_period_data, totals_data
from tariffsim.comparison.compute import as_results, compare, period_differences
from tariffsim.scenario.schema import Scenario, ScheduleStep

STEPS = st.sampled_from(["day", "week", "month", "quarter", "year"])


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    start = draw(st.dates(dt.date(2015, 1, 1), dt.date(2024, 12, 31)))
    end = start + dt.timedelta(days=draw(st.integers(0, 400)))
    tranches = {}
    for i in range(draw(st.integers(1, 3))):
        days = draw(st.lists(st.integers(-100, 600), max_size=3, unique=True))
        rates = draw(st.lists(st.integers(0, 100), min_size=len(days), max_size=len(days)))
        tranches[f"t{i}"] = {
            "label": f"Tranche {i}",
            "importer": "US",
            "exporter": "CN",
            "imports": f"{draw(st.integers(0, 500))} billion USD/year",
            "base_rate": f"{draw(st.integers(0, 10))} %",
            "schedule": {
                start + dt.timedelta(days=d): f"{r} %" for d, r in zip(days, rates, strict=True)
            },
        }
    return Scenario.model_validate(
        {
            "name": "a",
            "title": "A",
            "as_of": start,
            "horizon": {"start": start, "end": end, "step": draw(STEPS)},
            "tranches": tranches,
        }
    )


@settings(max_examples=15, deadline=None)
@given(scenarios())
def test_a_scenario_compared_with_itself_differs_by_zero(scenario: Scenario) -> None:
    twin = scenario.model_copy(update={"name": "b"})
    results = as_results([scenario, twin])
    frame = compare(results, reference="a")
    for column in ["additional_duty_difference_usd", "total_duty_difference_usd"]:
        assert (frame[column] == 0).all()
    detail = period_differences(results, results[0])
    assert (detail["additional_duty_difference_usd"] == 0).all()
    assert (detail["total_duty_difference_usd"] == 0).all()
    assert (totals_data(results, "b")["additional_duty_difference_usd"] == 0).all()
    for data in (duty_per_period_data(results), cumulative_duty_data(results)):
        a, b = (data[data["scenario"] == n].drop(columns="scenario") for n in "ab")
        assert a.reset_index(drop=True).equals(b.reset_index(drop=True))


@settings(max_examples=15, deadline=None)
@given(scenarios(), st.integers(0, 50))
def test_differences_are_antisymmetric(scenario: Scenario, rate: int) -> None:
    flat = ScheduleStep.model_validate(f"{rate} %")
    other = scenario.model_copy(
        update={
            "name": "b",
            "tranches": {
                k: t.model_copy(update={"schedule": {scenario.horizon.start: flat}})
                for k, t in scenario.tranches.items()
            },
        }
    )
    results = as_results([scenario, other])
    ab = compare(results, reference="b").set_index("scenario")
    ba = compare(results, reference="a").set_index("scenario")
    assert_allclose(
        ab.loc["a", "additional_duty_difference_usd"],
        -ba.loc["b", "additional_duty_difference_usd"],
    )
