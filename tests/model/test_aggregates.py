"""Average-tariff step series and calendar / fiscal-year totals (hand-computed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from tariffsim.errors import TariffsimError
from tariffsim.model.aggregates import (
    average_tariff_on,
    average_tariff_series,
    year_of,
    yearly_totals,
)
from tariffsim.model.simulation import simulate
from tariffsim.scenario.validation import load_scenario

D = dt.date

TWO_TRANCHES = """
title: t
as_of: 2018-01-01
horizon: {start: 2018-01-01, end: 2019-12-31, step: month}
tranches:
  a:
    label: A
    importer: US
    exporter: CN
    imports: 100 billion USD/year
    base_rate: 3 %
    schedule:
      2018-07-01: 25 %
      2018-10-01: {rate: 50 %, status: cancelled}
    exclusions:
      - {share: 20 %, start: 2019-01-01, end: 2019-01-31}
  b:
    label: B
    importer: US
    exporter: CN
    imports: 300 billion USD/year
    base_rate: 3 %
  c:
    label: C
    importer: CN
    exporter: US
    imports: 365 billion USD/year
    schedule:
      2018-01-01: 10 %
"""


@pytest.fixture
def scenario_path(tmp_path: Path) -> Path:
    path = tmp_path / "two.yaml"
    path.write_text(TWO_TRANCHES, encoding="utf-8")
    return path


def test_average_series_hand_computed(scenario_path: Path) -> None:
    series = average_tariff_series(load_scenario(scenario_path))
    us = series[series.importer == "US"].reset_index(drop=True)
    # (100·(3 + 25) + 300·3)/400 = 9.25 %; in January 2019 A pays 25 % on 80 % of its imports
    starts = [D(2018, 1, 1), D(2018, 7, 1), D(2018, 10, 1), D(2019, 1, 1), D(2019, 2, 1)]
    assert list(us.start) == starts
    assert list(us.end) == [d - dt.timedelta(days=1) for d in starts[1:]] + [D(2019, 12, 31)]
    assert_allclose(us.applied_rate, [0.03, 0.0925, 0.0925, 0.03 + 0.25 * 0.8 / 4, 0.0925])
    # planned ignores the status (the cancelled 50 % from October) and the exclusion
    assert_allclose(us.planned_rate, [0.03, 0.0925, 0.155, 0.155, 0.155])
    assert us.days.sum() == 730
    assert average_tariff_on(series, "CN", "US", D(2019, 5, 5)) == pytest.approx(0.10)


def test_planned_breaks_at_the_cancelled_date(scenario_path: Path) -> None:
    series = average_tariff_series(load_scenario(scenario_path))
    day = D(2018, 10, 1)
    row = series[(series.importer == "US") & (series.start <= day) & (series.end >= day)]
    assert_allclose(row.planned_rate.item(), 0.03 + 0.5 / 4)
    assert_allclose(row.applied_rate.item(), 0.0925)


def test_average_outside_horizon_is_an_error(scenario_path: Path) -> None:
    series = average_tariff_series(load_scenario(scenario_path))
    with pytest.raises(TariffsimError, match="no average tariff"):
        average_tariff_on(series, "US", "CN", D(2020, 1, 1))


@pytest.mark.parametrize("step", ["day", "month", "quarter"])
def test_fiscal_and_calendar_years(scenario_path: Path, step: str) -> None:
    result = simulate(load_scenario(scenario_path), step=step)  # type: ignore[arg-type]
    fiscal = yearly_totals(result, "fiscal")
    cn = fiscal[fiscal.importer == "CN"].set_index("year")
    # 1e9 USD a day at 10 %: FY2018 in the horizon is 1 Jan – 30 Sep 2018 (273 days),
    # FY2019 is 1 Oct 2018 – 30 Sep 2019 (365 days), FY2020 is Oct – Dec 2019 (92 days)
    assert_allclose(cn.additional_duty_usd, [27.3e9, 36.5e9, 9.2e9], rtol=1e-12)
    assert list(cn.first_day) == [D(2018, 1, 1), D(2018, 10, 1), D(2019, 10, 1)]
    calendar = yearly_totals(result, "calendar")
    cn_cal = calendar[calendar.importer == "CN"]
    assert_allclose(cn_cal.imports_usd, [365e9, 365e9], rtol=1e-12)
    assert_allclose(cn_cal.additional_duty_usd, [36.5e9, 36.5e9], rtol=1e-12)


def test_weekly_periods_cannot_be_split_into_years(scenario_path: Path) -> None:
    result = simulate(load_scenario(scenario_path), step="week")
    with pytest.raises(TariffsimError, match="straddles"):
        yearly_totals(result, "fiscal")


@pytest.mark.parametrize(
    ("day", "kind", "year"),
    [
        (D(2019, 9, 30), "fiscal", 2019),
        (D(2019, 10, 1), "fiscal", 2020),
        (D(2019, 10, 1), "calendar", 2019),
    ],
)
def test_year_of(day: dt.date, kind: str, year: int) -> None:
    assert year_of(day, kind) == year  # type: ignore[arg-type]
