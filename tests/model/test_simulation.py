"""Hand-computed duty cases for the static engine (issue: day-exact accrual)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose

from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario
from tests.conftest import SCENARIOS

BILLION = 1e9


def additional_duty_between(result_periods, start: dt.date, end: dt.date) -> float:
    rows = result_periods[
        (result_periods.period_start >= pd.Timestamp(start))
        & (result_periods.period_end <= pd.Timestamp(end))
    ]
    return float(rows.additional_duty_usd.sum())


@pytest.mark.parametrize(
    ("path", "expected"),
    [("hold", 62.5 * BILLION), ("ceasefire", 32.5 * BILLION), ("base", 62.5 * BILLION)],
)
def test_calendar_2019_additional_duty(path: str, expected: float) -> None:
    # hold: 34e9·25% + 16e9·25% + 200e9·25% = 62.5e9; ceasefire keeps List 3 at 10%: 32.5e9
    result = simulate(load_scenario(SCENARIOS / f"{path}.yaml"))
    got = additional_duty_between(
        result.periods_of("static"), dt.date(2019, 1, 1), dt.date(2019, 12, 31)
    )
    assert_allclose(got, expected, rtol=1e-12)


def test_list3_first_quarter_2019_at_25_percent() -> None:
    result = simulate(load_scenario(SCENARIOS / "hold.yaml"), step="quarter")
    p = result.periods_of("static")
    q1 = p[(p.tranche == "list3") & (p.period_start == pd.Timestamp(2019, 1, 1))]
    assert_allclose(q1.additional_duty_usd.item(), 200e9 * 0.25 * 90 / 365, rtol=1e-12)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


ONE_TRANCHE = """
title: one tranche
as_of: 2018-09-01
horizon: {{start: {start}, end: {end}, step: {step}}}
tranches:
  t:
    label: T
    importer: US
    exporter: CN
    imports: {imports}
    base_rate: {base}
    schedule:
{schedule}
"""


def one_tranche(
    tmp_path: Path,
    *,
    start: str = "2018-09-01",
    end: str = "2019-12-31",
    step: str = "month",
    imports: str = "200 billion USD/year",
    base: str = "0 %",
    schedule: dict[str, str] | None = None,
):
    steps = schedule if schedule is not None else {"2018-09-24": "10 %"}
    lines = "\n".join(f"      {day}: {rate}" for day, rate in steps.items()) or "      {}"
    text = ONE_TRANCHE.format(
        start=start, end=end, step=step, imports=imports, base=base, schedule=lines
    )
    return load_scenario(write(tmp_path, text))


def test_september_2018_accrues_seven_thirtieths(tmp_path: Path) -> None:
    result = simulate(one_tranche(tmp_path))
    september = result.periods.iloc[0]
    full_month = 200e9 * 0.10 * 30 / 365
    assert september.period_start == pd.Timestamp(2018, 9, 1)
    assert_allclose(september.additional_duty_usd, full_month * 7 / 30, rtol=1e-12)
    assert_allclose(september.additional_rate, 0.10 * 7 / 30, rtol=1e-12)


@pytest.mark.parametrize("step", ["day", "week", "month", "quarter", "year"])
def test_totals_do_not_depend_on_the_step(tmp_path: Path, step: str) -> None:
    schedule = {"2018-09-24": "10 %", "2019-01-01": "25 %", "2019-05-10": "7.5 %"}
    reference = simulate(one_tranche(tmp_path, schedule=schedule, step="day")).totals()
    got = simulate(one_tranche(tmp_path, schedule=schedule, step=step)).totals()
    for key, value in reference.items():
        assert_allclose(got[key], value, rtol=1e-12, err_msg=key)


def test_whole_leap_year_accrues_value_times_rate_and_29_february_counts(tmp_path: Path) -> None:
    # 2020 has 366 days; the change on 29 February applies from that day on, so February
    # has 28 days at 10 % and 1 day at 20 %, and the year 59 days at 10 % and 307 at 20 %.
    scenario = one_tranche(
        tmp_path,
        start="2020-01-01",
        end="2020-12-31",
        schedule={"2020-01-01": "10 %", "2020-02-29": "20 %"},
    )
    result = simulate(scenario)
    p = result.periods
    february = p[p.period_start == pd.Timestamp(2020, 2, 1)].iloc[0]
    daily = 200e9 / 366
    assert_allclose(february.imports_usd, daily * 29, rtol=1e-12)
    assert_allclose(february.additional_duty_usd, daily * (28 * 0.10 + 0.20), rtol=1e-12)
    expected_year = daily * (59 * 0.10 + 307 * 0.20)
    assert_allclose(result.totals()["additional_duty_usd"], expected_year, rtol=1e-12)
    assert_allclose(result.totals()["imports_usd"], 200e9, rtol=1e-12)


def test_nothing_is_carried_back_before_the_first_step(tmp_path: Path) -> None:
    scenario = one_tranche(
        tmp_path, start="2018-01-01", end="2018-12-31", schedule={"2018-07-01": "25 %"}
    )
    p = simulate(scenario, step="quarter").periods
    assert_allclose(p.additional_duty_usd.to_numpy()[:2], [0.0, 0.0], atol=0)
    assert_allclose(p.additional_duty_usd.to_numpy()[2:], [200e9 * 0.25 * 92 / 365] * 2)


def test_base_duty_run_rate_and_effective_rate(tmp_path: Path) -> None:
    scenario = one_tranche(
        tmp_path,
        start="2019-01-01",
        end="2019-12-31",
        base="3.1 %",
        step="year",
        schedule={"2019-07-01": "25 %"},
    )
    result = simulate(scenario)
    totals = result.totals()
    assert_allclose(totals["base_duty_usd"], 200e9 * 0.031, rtol=1e-12)
    assert_allclose(totals["additional_duty_usd"], 200e9 * 0.25 * 184 / 365, rtol=1e-12)
    assert_allclose(totals["run_rate_additional_usd"], 200e9 * 0.25, rtol=1e-12)
    assert_allclose(totals["run_rate_total_usd"], 200e9 * (0.25 + 0.031), rtol=1e-12)
    importer = result.importers.iloc[0]
    assert_allclose(importer.effective_additional_rate, 0.25 * 184 / 365, rtol=1e-12)
    assert_allclose(importer.effective_total_rate, 0.25 * 184 / 365 + 0.031, rtol=1e-12)


def test_monthly_flow_equals_annual_flow(tmp_path: Path) -> None:
    yearly = simulate(one_tranche(tmp_path, imports="'120 billion USD/year'")).totals()
    monthly = simulate(one_tranche(tmp_path, imports="'10 billion USD/month'")).totals()
    assert_allclose(monthly["additional_duty_usd"], yearly["additional_duty_usd"], rtol=1e-12)


def test_suspended_step_does_not_apply_but_is_listed() -> None:
    result = simulate(load_scenario(SCENARIOS / "ceasefire.yaml"))
    events = result.events.set_index(["tranche", "date"])
    step = events.loc[("list3", dt.date(2019, 1, 1))]
    assert step.status == "suspended"
    assert not step.applies
    assert_allclose(result.totals("static")["run_rate_additional_usd"], 50e9 * 0.25 + 200e9 * 0.10)


def test_escalate_totals_by_hand() -> None:
    result = simulate(load_scenario(SCENARIOS / "escalate.yaml"), step="year")
    p = result.periods_of("static")
    y2019 = p[p.period_start == pd.Timestamp(2019, 1, 1)].set_index("tranche")
    # next round: 10 % from 1 March (92 days to 31 May), 25 % from 1 June (214 days)
    expected = 267e9 * (0.10 * 92 + 0.25 * 214) / 365
    assert_allclose(y2019.loc["next-round", "additional_duty_usd"], expected, rtol=1e-12)
