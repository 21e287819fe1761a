"""A court ruling that may or may not come: invalidation as an outlook branch with a probability.

``tests/data/forms/ruling``: $1B a month (12e9 USD a year) under 20 % from 2025-03-04, a day of
entries depositing 0.20 × 12e9 / 365 USD. If the measure stands (40 %), 2025–2026 holds
303 + 365 = 668 days of deposits; if it is held invalid on 2026-02-20 (60 %), 303 + 50 = 353,
all owed back and refunded on 2026-05-01. Expected deposits: (0.4 × 668 + 0.6 × 353) days.
"""

from __future__ import annotations

from pathlib import Path

from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.model.simulation import simulate
from tariffsim.uncertainty.outlook import load_outlook

RULING = Path(__file__).resolve().parents[1] / "data" / "forms" / "ruling"
DAY = 0.20 * 12e9 / 365


def test_each_branch_deposits_and_the_invalid_one_refunds() -> None:
    outlook = load_outlook(RULING / "outlook.yaml")
    assert outlook.probabilities == {"stands": 0.4, "invalid": 0.6}
    stands = simulate(outlook.scenarios["stands"])
    invalid = simulate(outlook.scenarios["invalid"])
    assert_allclose(stands.totals()["additional_duty_usd"], 668 * DAY)
    assert_allclose(invalid.totals()["additional_duty_usd"], 353 * DAY)
    assert stands.refunds is None
    assert invalid.refunds is not None
    years = invalid.refunds[invalid.refunds["table"] == "fiscal_year"].set_index("key")
    assert_allclose(years.loc["FY2026", "refunded_usd"], 353 * DAY)


def test_the_sweep_weighs_the_ruling_by_its_probability() -> None:
    result = CliRunner().invoke(app, ["sweep", str(RULING / "outlook.yaml"), "--samples", "20"])
    assert result.exit_code == 0, result.stderr
    expected = (0.4 * 668 + 0.6 * 353) * DAY
    assert f"Expected value across branches: ${expected / 1e9:.2f}B" in result.stdout
