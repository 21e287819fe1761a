"""A court ruling that may or may not come: invalidation as an outlook branch with a probability.

``tests/data/forms/ruling``: $1B a month (12e9 USD a year) under 20 % from 2025-03-04, a day of
entries depositing 0.20 × 12e9 / 365 USD. If the measure stands (40 %), 2025–2026 holds
303 + 365 = 668 days of deposits; if it is held invalid on 2026-02-20 (60 %), 303 + 50 = 353,
all owed back and refunded on 2026-05-01. The sweep weighs what is owed: 668 days if the measure
stands, none if it falls (every deposit of the ruling branch is owed back): 0.4 × 668 days.
With refunds owed only on entries from 2025-10-01, the ruling branch owes the 211 days of
FY2025 (4 March to 30 September 2025): (0.4 × 668 + 0.6 × 211) days.
"""

from __future__ import annotations

import json
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


def test_the_sweep_weighs_what_is_owed_by_each_branch_s_probability() -> None:
    result = CliRunner().invoke(app, ["sweep", str(RULING / "outlook.yaml"), "--samples", "20"])
    assert result.exit_code == 0, result.stderr
    expected = 0.4 * 668 * DAY
    assert f"Expected value across branches: ${expected / 1e9:.2f}B" in result.stdout
    assert "duty owed: deposits less what invalidated measures owe back" in result.stdout


def test_a_partial_refund_window_leaves_the_earlier_deposits_owed(tmp_path: Path) -> None:
    for name in ("outlook.yaml", "no-ruling.yaml"):
        (tmp_path / name).write_text((RULING / name).read_text())
    ruling = (RULING / "ruling.yaml").read_text().replace("2025-03-04", "2025-10-01")
    (tmp_path / "ruling.yaml").write_text(ruling)
    args = ["sweep", str(tmp_path / "outlook.yaml"), "--samples", "20", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    record = record[0] if isinstance(record, list) else record
    assert record["duty_basis"] == "owed"
    assert_allclose(record["expected_usd"], (0.4 * 668 + 0.6 * 211) * DAY, rtol=1e-9)


def test_the_sweep_output_in_the_docs_is_the_measured_one() -> None:
    result = CliRunner().invoke(app, ["sweep", str(RULING / "outlook.yaml"), "--samples", "20"])
    docs = (RULING.parents[3] / "docs" / "duty-forms.md").read_text(encoding="utf-8")
    head = result.stdout.split("Duty by period")[0]
    for line in head.splitlines():
        assert line in docs, line
