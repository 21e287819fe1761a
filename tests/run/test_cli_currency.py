"""``run --currency``: the duty in the currency asked for, at the scenario's stated rate.

``tests/data/forms/forms.yaml`` states ``EUR: 1.25 USD/EUR``; every euro figure is the run's own
USD total divided by 1.25.
"""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tariffsim.cli import app

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"
runner = CliRunner()


def test_run_shows_euros_beside_dollars() -> None:
    args = ["run", str(FORMS / "forms.yaml"), "--currency", "EUR"]
    payload = runner.invoke(app, [*args, "--format", "json"])
    assert payload.exit_code == 0, payload.stderr
    record = json.loads(payload.stdout)[0]
    assert record["currency"] == {
        "code": "EUR",
        "usd_per_unit": 1.25,
        "rate": "1.25 USD/EUR",
        "date": "2025-12-31",
        "source": "ecb",
    }
    totals = record["totals"]
    text = runner.invoke(app, args).stdout
    row = next(line for line in text.splitlines() if line.startswith("  US  "))
    cells = row.split()
    expected = [
        totals["additional_duty_usd"] / 1.25,
        totals["total_duty_usd"] / 1.25,
        totals["additional_duty_usd"],
        totals["total_duty_usd"],
    ]
    assert cells[1:] == [f"{x / 1e9:,.2f}" for x in expected]
    assert "(EUR at 1.25 USD/EUR, ecb, 2025-12-31: the scenario's stated rate)" in text


def test_a_currency_the_scenario_gives_no_rate_for_is_one_located_line() -> None:
    result = runner.invoke(app, ["run", str(FORMS / "forms.yaml"), "--currency", "JPY"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "--currency: scenario 'forms' states no exchange rate for JPY" in result.stderr
