"""MFN by line from an MFN file, for every ledger line, through ``tariffsim exposure``.

``tests/data/forms``: an MFN file in the layout ``tariffsim data mfn`` writes (illustrative
rates) and a ledger of five lines; one Section 301 tranche of 25 % covers 8471 from CN.
By hand, line by line:

- 6110.20.2075 CN $10,000, MFN 16.5 %: 1,650 (no measure covers it);
- 0201.10.0510 MX $10,000, 2 t, MFN 2.4 % + 5 cents/kg: 240 + 0.05 × 2,000 = 340;
- 8471.30.0100 CN $20,000, MFN Free, Section 301 25 %: 0 + 5,000;
- 9603.10.0000 CN $1,000, 100 DOZ, MFN 32 cents each: 0.32 × 1,200 = 384;
- 4202.12.2000 VN $5,000: its rate text refers to another line (unparsed): no MFN, counted.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app

FORMS = Path(__file__).resolve().parents[1] / "data" / "forms"
SCENARIO, LEDGER, MFN = FORMS / "ledger-301.yaml", FORMS / "ledger.csv", FORMS / "mfn.csv"
runner = CliRunner()


def summary(tmp_path: Path, ledger: Path = LEDGER) -> pd.DataFrame:
    out = tmp_path / "summary.csv"
    args = ["exposure", str(SCENARIO), "--ledger", str(ledger), "--mfn", str(MFN), "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(out, keep_default_na=False).set_index("table")


def test_every_line_pays_its_mfn_apart_from_the_additional_duty(tmp_path: Path) -> None:
    frame = summary(tmp_path)
    total = frame.loc["total"]
    assert_allclose(total["base_duty_usd"], 1650 + 340 + 0 + 384)
    assert_allclose(total["additional_duty_usd"], 5000)
    uncovered = frame.loc["uncovered"]
    assert uncovered["lines"] == 4
    assert_allclose(uncovered["base_duty_usd"], 1650 + 340 + 384)  # uncovered lines pay MFN
    unknown = frame.loc["mfn_unknown"]
    assert (unknown["lines"], unknown["imports_usd"]) == (1, 5000)


def test_the_text_shows_mfn_and_additional_apart() -> None:
    args = ["exposure", str(SCENARIO), "--ledger", str(LEDGER), "--mfn", str(MFN)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.stderr
    assert "duty $7,374 (MFN $2,374, additional $5,000)" in result.stdout
    assert "not covered by any measure: 4 lines, $26,000, paying MFN $2,374" in result.stdout


def test_a_specific_mfn_rate_without_a_quantity_is_one_located_line(tmp_path: Path) -> None:
    ledger = tmp_path / "no-quantity.csv"
    ledger.write_text(LEDGER.read_text().replace(",2,t\n", ",,\n"))
    args = ["exposure", str(SCENARIO), "--ledger", str(ledger), "--mfn", str(MFN)]
    result = runner.invoke(app, [*args, "--unpriced", "error"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"tariffsim: error: {ledger}: row 2: the MFN rate of 02011005")
    assert "add 'quantity' and 'quantity_unit' (kg) columns" in result.stderr


def test_a_quantity_in_the_wrong_unit_is_refused(tmp_path: Path) -> None:
    ledger = tmp_path / "litres.csv"
    ledger.write_text(LEDGER.read_text().replace(",2,t\n", ",2,liter\n"))
    args = ["exposure", str(SCENARIO), "--ledger", str(ledger), "--mfn", str(MFN)]
    result = runner.invoke(app, [*args, "--unpriced", "error"])
    assert result.exit_code == 2
    assert "the line's quantity is in liter, the rate per kg" in result.stderr


def test_without_an_mfn_file_uncovered_lines_pay_nothing(tmp_path: Path) -> None:
    out = tmp_path / "summary.csv"
    args = ["exposure", str(SCENARIO), "--ledger", str(LEDGER), "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    frame = pd.read_csv(out, keep_default_na=False).set_index("table")
    assert_allclose(frame.loc["total", "base_duty_usd"], 0.0)
    assert "mfn_unknown" not in frame.index


def test_the_line_file_carries_each_line_s_mfn(tmp_path: Path) -> None:
    lines = tmp_path / "lines.csv"
    args = ["exposure", str(SCENARIO), "--ledger", str(LEDGER), "--mfn", str(MFN)]
    result = runner.invoke(app, [*args, "--lines", str(lines)])
    assert result.exit_code == 0, result.stderr
    frame = pd.read_csv(lines)
    base = next(c for c in frame.columns if c.startswith("base") and c.endswith("usd"))
    assert_allclose(frame[base], [1650, 340, 0, 384, 0])
