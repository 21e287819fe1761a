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


def test_the_csv_carries_every_amount_in_euros_too(tmp_path: Path) -> None:
    import pandas as pd
    from numpy.testing import assert_allclose

    out = tmp_path / "periods.csv"
    args = ["run", str(FORMS / "forms.yaml"), "--currency", "EUR", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(out)
    # EU goods, MFN free, 15 % all in: January is 31 days of 1 million USD, $4.65M of duty,
    # EUR 3.72M at 1.25 USD/EUR.
    first = frame[(frame["tranche"] == "eu_free") & (frame["period_start"] == "2026-01-01")]
    assert_allclose(first[["total_duty_usd", "total_duty_eur"]].iloc[0], [4.65e6, 3.72e6])
    for column in ("imports", "additional_duty", "base_duty", "total_duty"):
        assert_allclose(frame[f"{column}_eur"], frame[f"{column}_usd"] / 1.25)
