"""Behavioural runs end to end (tariffsim.model.response via simulate): closed forms, identities."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from tariffsim.errors import TariffsimError
from tariffsim.model.results import BEHAVIOUR_COLUMNS
from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario
from tests.conftest import ROOT, SCENARIOS

V = 120e9  # USD/year
MONEY = ["imports_usd", "additional_duty_usd", "base_duty_usd", "total_duty_usd"]


def scenario(
    tmp_path: Path,
    assumptions: str,
    *,
    schedule: str = "      2019-03-01: {rate: 20 %, announced: 2019-01-15}",
    start: str = "2019-01-01",
    end: str = "2020-12-31",
    step: str = "month",
) -> Path:
    """A one-tranche scenario file with the given ``assumptions:`` body."""
    text = f"""\
title: test
as_of: 2019-01-01
assumptions:
{assumptions}
horizon: {{start: {start}, end: {end}, step: {step}}}
tranches:
  t:
    label: T
    importer: US
    exporter: CN
    imports: 120 billion USD/year
    base_rate: 2 %
    schedule:
{schedule}
"""
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows(result, mode: str, tranche: str = "t"):
    p = result.periods
    return p[(p["mode"] == mode) & (p["tranche"] == tranche)].reset_index(drop=True)


def test_docs_worked_example_matches_the_methods_table() -> None:
    result = simulate(load_scenario(ROOT / "docs" / "examples" / "worked-list3.yaml"))
    totals = result.totals()
    assert_allclose(totals["imports_usd"], 176e9, rtol=1e-12)
    assert_allclose(totals["additional_duty_usd"], 44e9, rtol=1e-12)
    assert_allclose(totals["deadweight_loss_usd"], 4.2e9, rtol=1e-12)
    assert_allclose(totals["consumer_cost_usd"], 44e9, rtol=1e-12)
    assert_allclose(result.totals("static")["additional_duty_usd"], 50e9, rtol=1e-12)


@pytest.mark.parametrize(
    "body",
    [
        # ε = 0: no price response at all
        "  reference_date: 2019-01-01\n  elasticity: 0\n  pass_through: 100 %\n"
        "  half_life: 3 months\n  diversion: {to: VN, share: 50 %}",
        # ρ = 0: the tariff never reaches the price
        "  reference_date: 2019-01-01\n  elasticity: 4\n  pass_through: 0 %\n  half_life: 3 months",
    ],
    ids=["elasticity-0", "pass-through-0"],
)
def test_no_response_reproduces_static_exactly(tmp_path: Path, body: str) -> None:
    result = simulate(load_scenario(scenario(tmp_path, body)))
    static, responded = rows(result, "static"), rows(result, "behavioural")
    for column in MONEY:
        assert_array_equal(responded[column], static[column])
    assert_array_equal(responded["import_change_usd"], 0.0)
    assert_array_equal(responded["deadweight_loss_usd"], 0.0)
    assert (result.periods["diverted_usd"] == 0).all()


def test_permanent_step_without_lag_matches_the_closed_form(tmp_path: Path) -> None:
    body = "  reference_date: 2019-01-01\n  elasticity: 2.5\n  pass_through: 80 %"
    result = simulate(load_scenario(scenario(tmp_path, body)))
    r_long = ((1 + 0.8 * 0.22) / (1 + 0.8 * 0.02)) ** -2.5
    before = 59 / 365  # 1 January to 28 February 2019
    expected = V * (before + r_long * ((365 - 59) / 365 + 1.0))
    assert_allclose(result.totals()["imports_usd"], expected, rtol=1e-9)


def test_permanent_step_with_lag_matches_the_integrated_exponential(tmp_path: Path) -> None:
    body = (
        "  reference_date: 2019-01-01\n  elasticity: 2.5\n  pass_through: 80 %\n"
        "  half_life: 45 days"
    )
    result = simulate(load_scenario(scenario(tmp_path, body)))
    r_long = ((1 + 0.8 * 0.22) / (1 + 0.8 * 0.02)) ** -2.5
    k = np.log(2) / 45

    def integral(t: float) -> float:  # ∫_0^t r dt for r = R + (1 − R)·e^(−k t)
        return r_long * t + (1 - r_long) * (1 - np.exp(-k * t)) / k

    after_2019 = 365 - 59  # days of 2019 from the step on
    expected = V * (
        59 / 365
        + integral(after_2019) / 365
        + (integral(after_2019 + 366) - integral(after_2019)) / 366
    )
    assert_allclose(result.totals()["imports_usd"], expected, rtol=1e-9)


def test_lag_is_traced_from_a_reference_date_before_the_horizon(tmp_path: Path) -> None:
    body = (
        "  reference_date: 2018-01-01\n  elasticity: 1\n  pass_through: 100 %\n  half_life: 90 days"
    )
    path = scenario(tmp_path, body, schedule="      2018-07-01: 25 %", end="2019-01-31")
    result = simulate(load_scenario(path))
    r_long, k = (1.27 / 1.02) ** -1, np.log(2) / 90
    r0 = r_long + (1 - r_long) * np.exp(-k * 184)  # 1 July 2018 → 1 January 2019
    mean = r_long + (r0 - r_long) * (1 - np.exp(-k * 31)) / (k * 31)
    assert_allclose(rows(result, "behavioural")["imports_usd"][0], V * 31 / 365 * mean, rtol=1e-12)


def test_lagged_response_converges_to_the_long_run_level(tmp_path: Path) -> None:
    body = (
        "  reference_date: 2019-01-01\n  elasticity: 2\n  pass_through: 100 %\n  half_life: 20 days"
    )
    result = simulate(load_scenario(scenario(tmp_path, body, end="2024-12-31")))
    last = rows(result, "behavioural").iloc[-1]
    static_last = rows(result, "static").iloc[-1]
    r_long = (1.22 / 1.02) ** -2
    assert_allclose(last["imports_usd"], static_last["imports_usd"] * r_long, rtol=1e-9)
    assert_allclose(result.tranches["run_rate_additional_usd"].iloc[-1], V * r_long * 0.2)


def test_front_loading_conserves_volume_over_its_window(tmp_path: Path) -> None:
    body = (
        "  reference_date: 2019-01-01\n  elasticity: 0\n  pass_through: 100 %\n"
        "  front_loading: {share: 20 %, window: 30 days}"
    )
    result = simulate(load_scenario(scenario(tmp_path, body, step="day", end="2019-06-30")))
    static, responded = rows(result, "static"), rows(result, "behavioural")
    day = responded["period_start"]
    before = (day >= pd.Timestamp(2019, 1, 30)) & (day < pd.Timestamp(2019, 3, 1))  # 30 days back
    after = (day >= pd.Timestamp(2019, 3, 1)) & (day < pd.Timestamp(2019, 3, 31))
    moved = 0.2 * static["imports_usd"][after].sum()
    assert_allclose(
        responded["imports_usd"][before].sum(), static["imports_usd"][before].sum() + moved
    )
    assert_allclose(
        responded["imports_usd"][after].sum(), static["imports_usd"][after].sum() - moved
    )
    window = before | after
    assert_allclose(
        responded["imports_usd"][window].sum(), static["imports_usd"][window].sum(), rtol=1e-14
    )
    assert_allclose(responded["frontloaded_usd"].sum(), 0.0, atol=1e-3)
    assert_allclose(result.extra["frontloaded_moved_usd"], moved, rtol=1e-12)
    # goods bought early pay the old rate: duty falls although volume is unchanged
    assert result.totals()["total_duty_usd"] < result.totals("static")["total_duty_usd"]


def test_front_loading_waits_for_the_announcement(tmp_path: Path) -> None:
    body = (
        "  reference_date: 2019-01-01\n  elasticity: 0\n  pass_through: 100 %\n"
        "  front_loading: {share: 20 %, window: 3 months}"
    )
    schedule = "      2019-03-01: {rate: 20 %, announced: 2019-02-20}"
    result = simulate(load_scenario(scenario(tmp_path, body, schedule=schedule, step="day")))
    shifted = rows(result, "behavioural")
    first = shifted[shifted["frontloaded_usd"] > 0]["period_start"].min()
    assert first == pd.Timestamp(2019, 2, 20)


def test_diversion_conserves_the_lost_volume_it_moves(tmp_path: Path) -> None:
    body = (
        "  reference_date: 2019-01-01\n  elasticity: 3\n  pass_through: 100 %\n"
        "  half_life: 2 months\n"
        "  diversion:\n    to: VN\n    share: 40 %\n    schedule: {2019-06-01: 10 %}"
    )
    result = simulate(load_scenario(scenario(tmp_path, body)))
    lost = rows(result, "static")["imports_usd"] - rows(result, "behavioural")["imports_usd"]
    diverted = rows(result, "behavioural", "t→VN")
    assert_allclose(diverted["imports_usd"], 0.4 * lost, rtol=1e-12, atol=1e-3)
    assert_allclose(diverted["diverted_usd"], diverted["imports_usd"])
    assert (diverted["exporter"] == "VN").all()
    assert (diverted["importer"] == "US").all()
    # the diverted flow pays its own rates: MFN 2 % (the tranche's) plus 10 % from June 2019
    june_on = diverted["period_start"] >= pd.Timestamp(2019, 6, 1)
    assert_allclose(
        diverted["additional_duty_usd"], np.where(june_on, 0.1, 0.0) * diverted["imports_usd"]
    )
    assert_allclose(diverted["base_duty_usd"], 0.02 * diverted["imports_usd"])
    assert "t→VN" not in set(rows(result, "static", "t→VN")["tranche"])


def test_seasonal_profile_keeps_the_calendar_year(tmp_path: Path) -> None:
    body = (
        "  reference_date: 2019-01-01\n  elasticity: 0\n  pass_through: 100 %\n"
        "  seasonality: [41.3, 32.8, 34.2, 37.4, 41.8, 42.3, 43.6, 45.8, 45.4, 48.1, 48.1, 44.4]"
    )
    result = simulate(load_scenario(scenario(tmp_path, body)), behavioural=False)
    p = result.periods
    assert_allclose(
        p[p["period_start"] < pd.Timestamp(2020, 1, 1)]["imports_usd"].sum(), V, rtol=1e-14
    )
    feb = p[p["period_start"] == pd.Timestamp(2019, 2, 1)]["imports_usd"].item()
    assert_allclose(feb, V * 32.8 / 505.2, rtol=1e-12)


def test_static_switch_gives_the_static_rows_only() -> None:
    path = SCENARIOS / "escalate.yaml"
    both = simulate(load_scenario(path))
    static = simulate(load_scenario(path), behavioural=False)
    assert both.mode == "behavioural"
    assert static.mode == "static"
    assert set(static.periods["mode"]) == {"static"}
    assert_allclose(
        static.periods[MONEY].to_numpy(), both.periods_of("static")[MONEY].to_numpy(), rtol=1e-12
    )
    assert list(both.periods.columns) == list(static.periods.columns)
    assert set(BEHAVIOUR_COLUMNS) <= set(both.periods.columns)


def test_tranche_override_applies_to_that_tranche_only(tmp_path: Path) -> None:
    shutil.copy(SCENARIOS / "base.yaml", tmp_path / "base.yaml")
    path = tmp_path / "o.yaml"
    path.write_text(
        "extends: base.yaml\ntranches:\n  list3:\n    assumptions: {elasticity: 0}\n",
        encoding="utf-8",
    )
    result = simulate(load_scenario(path))
    change = result.tranches.set_index(["mode", "tranche"])["import_change_usd"]
    assert change["behavioural", "list1"] < 0
    assert change["behavioural", "list3"] == pytest.approx(0.0, abs=1e3)  # front-loading nets out
    assert result.extra["assumptions"]["list3"]["elasticity"] == 0.0
    assert result.extra["assumptions"]["list1"]["elasticity"] == 2.0


def test_shipped_scenarios_run_behavioural_with_lower_duty() -> None:
    for name in ["hold", "escalate", "ceasefire", "deescalate"]:
        result = simulate(load_scenario(SCENARIOS / f"{name}.yaml"))
        assert result.mode == "behavioural"
        assert result.totals()["total_duty_usd"] < result.totals("static")["total_duty_usd"]


def test_slow_response_deepens_over_the_years(tmp_path: Path) -> None:
    # 62 % of the response with a 2.41-year half-life, 38 % with 45 days (BLP 2023 shape)
    body = (
        "  reference_date: 2018-12-31\n  elasticity: 2\n  pass_through: 100 %\n"
        "  half_life: 45 days\n  slow_response: {share: 62 %, half_life: 880 days}"
    )
    path = scenario(tmp_path, body, schedule="      2019-01-01: 20 %", end="2022-12-31")
    result = simulate(load_scenario(path))
    r_long = (1.22 / 1.02) ** -2
    k_f, k_s = np.log(2) / 45, np.log(2) / 880

    def integral(
        t: float,
    ) -> float:  # ∫_0^t r for r = R + (1 − R)((1 − w)e^(−k_f t) + w e^(−k_s t))
        return r_long * t + (1 - r_long) * (
            0.38 * (1 - np.exp(-k_f * t)) / k_f + 0.62 * (1 - np.exp(-k_s * t)) / k_s
        )

    years = (
        rows(result, "behavioural")
        .groupby(rows(result, "behavioural")["period_start"].map(lambda d: d.year))["imports_usd"]
        .sum()
    )
    edges = [0, 365, 731, 1096, 1461]  # 2020 is a leap year
    lengths = [365, 366, 365, 365]
    for i, year in enumerate(range(2019, 2023)):
        expected = V * (integral(edges[i + 1]) - integral(edges[i])) / lengths[i]
        assert_allclose(years[year], expected, rtol=1e-9)
    # deepening: each year's imports lower than the one before
    assert (np.diff(years.to_numpy()) < 0).all()


def test_front_loading_before_a_postponed_rise_only_when_asked(tmp_path: Path) -> None:
    schedule = (
        "      2019-03-01: {rate: 20 %, announced: 2019-01-15, status: suspended}\n"
        "      2019-06-01: {rate: 20 %, announced: 2019-03-10}"
    )
    shifted = {}
    for postponed in (False, True):
        body = (
            "  reference_date: 2019-01-01\n  elasticity: 0\n  pass_through: 100 %\n"
            "  front_loading: {share: 20 %, window: 30 days, postponed: "
            f"{str(postponed).lower()}}}"
        )
        result = simulate(
            load_scenario(scenario(tmp_path, body, schedule=schedule, step="day", end="2019-08-31"))
        )
        rows_ = rows(result, "behavioural")
        feb = rows_[
            (rows_["period_start"] >= pd.Timestamp(2019, 1, 30))
            & (rows_["period_start"] < pd.Timestamp(2019, 3, 1))
        ]
        shifted[postponed] = feb["frontloaded_usd"].sum()
        static = rows(result, "static")
        march = static[
            (static["period_start"] >= pd.Timestamp(2019, 3, 1))
            & (static["period_start"] < pd.Timestamp(2019, 3, 31))
        ]
        if postponed:
            # 20 % of the 30 days after the planned date, bought in the 30 days before it
            assert_allclose(shifted[True], 0.2 * march["imports_usd"].sum(), rtol=1e-12)
    assert shifted[False] == 0.0


ANTICIPATING = (
    "  reference_date: 2019-01-01\n  elasticity: 1\n  pass_through: 100 %\n"
    "  front_loading: {share: 20 %, window: 30 days}"
)
"""ε = 1, ρ = 100 %, no lag: 20 % of the 30 days after a step bought in the 30 days before."""


def daily_shifts(tmp_path: Path, schedule: str, as_of: str = "2019-01-01") -> pd.DataFrame:
    """The behavioural days of a one-tranche scenario anticipating its steps."""
    path = scenario(tmp_path, ANTICIPATING, schedule=schedule, step="day", end="2019-06-30")
    path.write_text(path.read_text().replace("as_of: 2019-01-01", f"as_of: {as_of}"))
    return rows(simulate(load_scenario(path)), "behavioural")


@pytest.mark.parametrize(
    ("decided", "as_of", "until"),
    [
        # written: buying ahead stops on the day the step is called off
        ("2019-02-15", "2019-01-01", pd.Timestamp(2019, 2, 15)),
        # not written: the scenario's as-of date, the earliest a path can call it off
        (None, "2019-02-05", pd.Timestamp(2019, 2, 5)),
    ],
)
def test_a_called_off_rise_is_anticipated_until_it_is_called_off(
    tmp_path: Path, decided: str | None, as_of: str, until: pd.Timestamp
) -> None:
    told = f", decided: {decided}" if decided else ""
    schedule = f"      2019-03-01: {{rate: 20 %, announced: 2019-01-15, status: suspended{told}}}"
    shifted = daily_shifts(tmp_path, schedule, as_of)
    day = shifted["period_start"]
    # By hand. Importers expected the 20 % from 1 March: over the 30 days after it they
    # expected V/365 a day at R = (1.22 / 1.02)^-1, and aimed to buy 20 % of that early,
    # evenly over the 30 days before it (30 January to 28 February): per day
    per_day = 0.2 * (V / 365) * 30 * (1.02 / 1.22) / 30
    bought_days = (until - pd.Timestamp(2019, 1, 30)).days
    bought = per_day * bought_days
    # the rate stays at 2 %, so the 30 days after buy V/365 a day, less bought/30 each
    buying = (day >= pd.Timestamp(2019, 1, 30)) & (day < until)
    assert_allclose(shifted["frontloaded_usd"][buying], per_day, rtol=1e-12)
    stopped = (day >= until) & (day < pd.Timestamp(2019, 3, 1))
    assert (shifted["frontloaded_usd"][stopped] == 0.0).all()
    after = (day >= pd.Timestamp(2019, 3, 1)) & (day < pd.Timestamp(2019, 3, 31))
    assert_allclose(shifted["frontloaded_usd"][after], -bought / 30, rtol=1e-12)
    assert_allclose(shifted["imports_usd"][after], V / 365 - bought / 30, rtol=1e-12)
    assert (shifted["frontloaded_usd"][~(buying | after)] == 0.0).all()


def test_a_rise_that_applies_is_bought_ahead_of_as_before(tmp_path: Path) -> None:
    # the same step in force: 20 % of the after-window's own (responded) imports
    schedule = "      2019-03-01: {rate: 20 %, announced: 2019-01-15, status: scheduled}"
    shifted = daily_shifts(tmp_path, schedule)
    day = shifted["period_start"]
    per_day = 0.2 * (V / 365) * (1.02 / 1.22)
    buying = (day >= pd.Timestamp(2019, 1, 30)) & (day < pd.Timestamp(2019, 3, 1))
    assert_allclose(shifted["frontloaded_usd"][buying], per_day, rtol=1e-12)
    after = (day >= pd.Timestamp(2019, 3, 1)) & (day < pd.Timestamp(2019, 3, 31))
    assert_allclose(shifted["frontloaded_usd"][after], -per_day, rtol=1e-12)


def test_decided_is_refused_on_a_step_that_applies(tmp_path: Path) -> None:
    body = "  reference_date: 2019-01-01\n  elasticity: 1\n  pass_through: 100 %"
    schedule = "      2019-03-01: {rate: 20 %, announced: 2019-01-15, decided: 2019-02-01}"
    path = scenario(tmp_path, body, schedule=schedule)
    with pytest.raises(TariffsimError) as caught:
        load_scenario(path)
    assert "suspended or cancelled" in caught.value.message
    assert caught.value.line == len(path.read_text().splitlines())  # the step's own line


def test_importers_buy_ahead_of_the_rates_they_knew_not_of_later_surprises(
    tmp_path: Path,
) -> None:
    # 20 % announced for 1 March; a path's unannounced rise to 40 % on 16 March is news to
    # importers buying ahead in February: they aim for 20 % of the 30 days at 20 %
    schedule = "      2019-03-01: {rate: 20 %, announced: 2019-01-15}\n      2019-03-16: 40 %"
    shifted = daily_shifts(tmp_path, schedule)
    day = shifted["period_start"]
    per_day = 0.2 * (V / 365) * (1.02 / 1.22)  # by hand, as in the test above
    buying = (day >= pd.Timestamp(2019, 1, 30)) & (day < pd.Timestamp(2019, 3, 1))
    assert_allclose(shifted["frontloaded_usd"][buying], per_day, rtol=1e-12)
    # the 30 days after give it up in proportion to what they buy: 15 days at 20 %, 15 at 40 %
    own = np.array([1.02 / 1.22] * 15 + [1.02 / 1.42] * 15) * V / 365
    after = (day >= pd.Timestamp(2019, 3, 1)) & (day < pd.Timestamp(2019, 3, 31))
    assert_allclose(shifted["frontloaded_usd"][after], -30 * per_day * own / own.sum(), rtol=1e-12)
