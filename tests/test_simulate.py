"""Hand-computed duty cases for the static engine (issue: day-exact accrual)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from numpy.testing import assert_allclose

from tariffsim.scenario import load_scenario
from tariffsim.simulate import simulate
from tests.conftest import SCENARIOS

BILLION = 1e9


def additional_duty_between(result_periods, start: dt.date, end: dt.date) -> float:
    rows = result_periods[
        (result_periods.period_start >= start) & (result_periods.period_end <= end)
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
    q1 = p[(p.tranche == "list3") & (p.period_start == dt.date(2019, 1, 1))]
    assert_allclose(q1.additional_duty_usd.item(), 200e9 * 0.25 * 90 / 365, rtol=1e-12)


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
