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
    # MFN 1,650 + 340 + 0 + 384; Section 301 25 % of 20,000
    assert "duty $7,374.00 (MFN $2,374.00, additional $5,000.00)" in result.stdout
    assert "not covered by any measure: 4 lines, $26,000.00, paying MFN $2,374.00" in result.stdout


def test_a_specific_mfn_rate_without_a_quantity_is_one_located_line(tmp_path: Path) -> None:
    ledger = tmp_path / "no-quantity.csv"
    ledger.write_text(LEDGER.read_text().replace(",2,t\n", ",,\n"))
    args = ["exposure", str(SCENARIO), "--ledger", str(ledger), "--mfn", str(MFN)]
    result = runner.invoke(app, [*args, "--unpriced", "error"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"tariffsim: error: {ledger}: row 2: the MFN rate of 02011005")
    assert "the line's quantity or its unit is blank; give it in kg" in result.stderr


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


def test_lines_a_specific_rate_cannot_price_are_reported_not_refused(tmp_path: Path) -> None:
    # Beef without its 2 t: its ad valorem part is priced (2.4 % of $10,000 = 240), its
    # 5 cents/kg is not; the line is listed by its HTS-8 code with the rate text.
    ledger = tmp_path / "no-quantity.csv"
    ledger.write_text(LEDGER.read_text().replace(",2,t\n", ",,\n"))
    frame = summary(tmp_path, ledger)
    assert_allclose(frame.loc["total", "base_duty_usd"], 1650 + 240 + 0 + 384)
    unpriced = frame.loc["mfn_unpriced"]
    assert (unpriced["key"], unpriced["label"]) == ("02011005", "2.4% + 5 cents/kg")
    assert (unpriced["lines"], unpriced["imports_usd"]) == (1, 10000)
    assert_allclose(unpriced["base_duty_usd"], 240)
    estimate = frame.loc["mfn_estimate"]  # brooms: 32 cents each on 1,200 items
    assert (estimate["lines"], estimate["imports_usd"], estimate["base_duty_usd"]) == (1, 1000, 384)
    args = ["exposure", str(SCENARIO), "--ledger", str(ledger), "--mfn", str(MFN)]
    text = runner.invoke(app, args).stdout
    assert (
        "MFN specific part unpriced (no quantity in its unit): 1 line, $10,000.00 on 1 HTS-8 "
        "rate, e.g. 0201.10.05 '2.4% + 5 cents/kg' $10,000.00" in text
    )
    lines = tmp_path / "lines.csv"
    assert runner.invoke(app, [*args, "--lines", str(lines)]).exit_code == 0
    rows = pd.read_csv(lines, keep_default_na=False)
    assert list(rows["base_rate_basis"]) == [
        "ad valorem",
        "unpriced",
        "ad valorem",
        "estimate",
        "unknown",
    ]
    assert list(rows["mfn_rate_text"]) == ["16.5%", "2.4% + 5 cents/kg", "Free", "32¢ each", ""]


def test_mfn_on_parallel_workers_gives_the_one_process_tables(tmp_path: Path) -> None:
    frame = pd.read_csv(LEDGER, dtype=str, keep_default_na=False)
    frame["customs_value_usd"] = frame["customs_value_usd"].astype(float)
    ledger = tmp_path / "ledger.parquet"
    frame.to_parquet(ledger, row_group_size=2, index=False)
    found = []
    for workers in ("1", "3"):
        out = tmp_path / f"summary-{workers}.csv"
        args = ["exposure", str(SCENARIO), "--ledger", str(ledger), "--mfn", str(MFN)]
        result = runner.invoke(app, [*args, "-o", str(out), "--workers", workers])
        assert result.exit_code == 0, result.stderr
        found.append(pd.read_csv(out, keep_default_na=False))
    pd.testing.assert_frame_equal(found[0], found[1])
    total = found[1].set_index("table").loc["total"]
    assert_allclose(total["base_duty_usd"], 1650 + 340 + 0 + 384)
