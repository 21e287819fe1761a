"""Invariants of the static engine, over generated scenarios (hypothesis)."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.model.simulation import simulate
from tariffsim.scenario.schema import Scenario

STEPS = ["day", "week", "month", "quarter", "year"]

dates = st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2024, 12, 31))
rates = st.floats(min_value=0.0, max_value=2.0, allow_subnormal=False)
flows = st.floats(min_value=0.0, max_value=1e13, allow_subnormal=False)


@st.composite
def scenarios(draw: st.DrawFn) -> dict[str, object]:
    start = draw(dates)
    end = start + dt.timedelta(days=draw(st.integers(0, 3 * 366)))
    n = draw(st.integers(1, 4))
    tranches = {}
    for i in range(n):
        steps = draw(st.dictionaries(dates, rates, max_size=4))
        tranches[f"t{i}"] = {
            "label": f"T{i}",
            "importer": "US",
            "exporter": "CN",
            "imports": f"{draw(flows)!r} USD/year",
            "base_rate": draw(st.floats(0.0, 0.5, allow_subnormal=False)),
            "schedule": {d.isoformat(): f"{r * 100!r} %" for d, r in steps.items()},
        }
    return {
        "name": "generated",
        "title": "generated",
        "as_of": start.isoformat(),
        "horizon": {"start": start.isoformat(), "end": end.isoformat(), "step": "month"},
        "tranches": tranches,
    }


def build(data: dict[str, object], **changes: object) -> Scenario:
    return Scenario.model_validate({**data, **changes})


def _flow(tranche: dict[str, str]) -> float:
    return float(tranche["imports"].split()[0])


def _with_flows(data: dict[str, object], factor: float) -> dict[str, object]:
    tranches = {
        k: {**v, "imports": f"{_flow(v) * factor!r} USD/year"}
        for k, v in data["tranches"].items()  # type: ignore[attr-defined]
    }
    return {**data, "tranches": tranches}


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_duty_is_never_negative_and_sums_match(data: dict[str, object]) -> None:
    result = simulate(build(data))
    p = result.periods
    assert (p.additional_duty_usd >= 0).all() and (p.base_duty_usd >= 0).all()
    totals = result.totals()
    assert_allclose(p.total_duty_usd.sum(), totals["total_duty_usd"], rtol=1e-12)
    assert_allclose(
        p.groupby("tranche", sort=False).total_duty_usd.sum().to_numpy(),
        result.tranches.total_duty_usd.to_numpy(),
        rtol=1e-12,
    )


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_zero_rates_give_zero_additional_duty(data: dict[str, object]) -> None:
    tranches = {
        k: {**v, "schedule": {d: 0.0 for d in v["schedule"]}}  # type: ignore[index]
        for k, v in data["tranches"].items()  # type: ignore[attr-defined]
    }
    result = simulate(build(data, tranches=tranches))
    assert (result.periods.additional_duty_usd == 0).all()


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.floats(min_value=0.0, max_value=1e3))
def test_duty_is_linear_in_import_value(data: dict[str, object], factor: float) -> None:
    base = simulate(build(data)).periods.total_duty_usd.to_numpy()
    scaled = simulate(build(_with_flows(data, factor))).periods.total_duty_usd.to_numpy()
    assert_allclose(scaled, base * factor, rtol=1e-9, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(scenarios(), st.sampled_from(STEPS))
def test_totals_are_the_same_for_every_step(data: dict[str, object], step: str) -> None:
    monthly = simulate(build(data)).totals()
    other = simulate(build(data), step=step).totals()  # type: ignore[arg-type]
    for key in monthly:
        assert_allclose(other[key], monthly[key], rtol=1e-9, atol=1e-6, err_msg=key)


@settings(max_examples=40, deadline=None)
@given(scenarios())
def test_a_flow_per_month_equals_twelve_times_per_year(data: dict[str, object]) -> None:
    monthly_text = {
        k: {**v, "imports": f"{_flow(v) / 12!r} USD/month"}
        for k, v in data["tranches"].items()  # type: ignore[attr-defined]
    }
    yearly = simulate(build(data)).periods.total_duty_usd.to_numpy()
    monthly = simulate(build(data, tranches=monthly_text)).periods.total_duty_usd.to_numpy()
    assert_allclose(monthly, yearly, rtol=1e-9, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(scenarios())
def test_vector_run_equals_one_tranche_at_a_time(data: dict[str, object]) -> None:
    together = simulate(build(data)).periods
    for tid, tranche in data["tranches"].items():  # type: ignore[attr-defined]
        alone = simulate(build(data, tranches={tid: tranche})).periods
        mine = together[together.tranche == tid]
        assert_allclose(
            alone.total_duty_usd.to_numpy(), mine.total_duty_usd.to_numpy(), rtol=1e-12, atol=1e-6
        )
    assert np.isfinite(together.total_duty_usd).all()
