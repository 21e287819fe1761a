"""`tariffsim run` on a measure held invalid: deposited, owed and refunded duty, worked by hand.

``tests/data/forms/ieepa-refunds.yaml``: $1B a month (12e9 USD a year, spread over the 365 days
of 2025 and of 2026) under 20 % from 2025-03-04, invalidated on 2026-02-20 (entries from that
day pay nothing), everything owed back, paid on 2026-05-01 without interest. A day of entries
deposits 0.20 × 12e9 / 365 USD: FY2025 (to 30 Sep 2025) holds 211 days of deposits
(28+30+31+30+31+31+30), FY2026 142 (31+30+31+31+19); the calendar years 303 and 50.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app

FILE = Path(__file__).resolve().parents[1] / "data" / "forms" / "ieepa-refunds.yaml"
DAY = 0.20 * 12e9 / 365
runner = CliRunner()


def refunds_of(tmp_path: Path) -> pd.DataFrame:
    target = tmp_path / "out.json"
    result = runner.invoke(app, ["run", str(FILE), "-o", str(target)])
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(target.read_text())
    return pd.DataFrame(record["refunds"])


def test_by_fiscal_and_calendar_year(tmp_path: Path) -> None:
    frame = refunds_of(tmp_path).set_index(["table", "key"])
    fy = frame.loc["fiscal_year"]
    assert_allclose(fy.loc["FY2025", "deposited_usd"], 211 * DAY)
    assert_allclose(fy.loc["FY2026", "deposited_usd"], 142 * DAY)
    assert_allclose(fy["owed_usd"], 0.0, atol=1e-3)  # nothing stands: all of it is owed back
    assert_allclose(fy.loc["FY2025", "refunded_usd"], 0.0)
    assert_allclose(fy.loc["FY2026", "refunded_usd"], 353 * DAY)  # paid in May 2026
    calendar = frame.loc["calendar_year"]
    assert_allclose(calendar.loc["2025", "deposited_usd"], 303 * DAY)
    assert_allclose(calendar.loc["2026", "deposited_usd"], 50 * DAY)
    assert_allclose(calendar.loc["2026", "refunded_usd"], 353 * DAY)


def test_by_month(tmp_path: Path) -> None:
    months = refunds_of(tmp_path)
    months = months[months["table"] == "period"].set_index("key")
    days = [0, 0, 28, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 19] + [0] * 10
    assert_allclose(months["deposited_usd"], [d * DAY for d in days])
    assert_allclose(months["owed_back_usd"], [d * DAY for d in days])
    refunded = months["refunded_usd"]
    assert_allclose(refunded.loc["2026-05-01"], 353 * DAY)
    assert_allclose(refunded.drop("2026-05-01"), 0.0)


def test_the_table_shows_the_fiscal_years() -> None:
    result = runner.invoke(app, ["run", str(FILE)])
    assert result.exit_code == 0, result.stderr
    assert "Invalidated measures: duty deposited, owed (what stands) and refunded, $B" in (
        result.stdout
    )
    fy2026 = next(line for line in result.stdout.splitlines() if "FY2026" in line).split()
    assert fy2026[2] == f"{142 * DAY / 1e9:.2f}"  # deposited in FY2026
    assert fy2026[-1] == f"{353 * DAY / 1e9:.2f}"  # paid in FY2026
