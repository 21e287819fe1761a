"""Duty forms priced line by line through ``tariffsim exposure`` (``tests/data/forms/lines``).

Every expected number is worked by hand in the test's comment, from the files' rates:
floors and caps over each line's MFN from an MFN file, value shares from the ledger's
``metal_share`` column, measures' specific rates on the ledger's quantities, and the duty
of a measure held invalid: deposited, owed and refunded by period and by year.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app

LINES = Path(__file__).resolve().parents[1] / "data" / "forms" / "lines"
runner = CliRunner()


def exposure(tmp_path: Path, name: str, *extra: str) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(line file, summary file, text) of ``exposure NAME.yaml --ledger NAME.csv``."""
    lines, summary = tmp_path / "lines.csv", tmp_path / "summary.csv"
    args = ["exposure", str(LINES / f"{name}.yaml"), "--ledger", str(LINES / f"{name}.csv")]
    result = runner.invoke(app, [*args, *extra, "--lines", str(lines), "-o", str(summary)])
    assert result.exit_code == 0, result.stderr
    text = runner.invoke(app, [*args, *extra])
    assert text.exit_code == 0, text.stderr
    frame = pd.read_csv(lines, dtype={"hts_code": str}, keep_default_na=False)
    tables = pd.read_csv(summary, dtype={"key": str})
    return frame, tables, text.stdout


def one_line_error(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.count("\n") == 1
    return result.stderr


def test_the_eu_floor_is_measured_against_each_line_s_mfn(tmp_path: Path) -> None:
    # MFN from the file: Free, 4.5 %, 20 %, 2.4 % + 5 cents/kg on 20 kg (24 + 1 = $25 on
    # $1,000, 2.5 %), 8 %. Floor 15 %: 150, 105, 0, 150 − 25 = 125. Timber at 10 % capped at
    # 15 % all in: min(10 %, 15 % − 8 %) = 7 %, $70.
    frame, tables, _ = exposure(tmp_path, "floors", "--mfn", str(LINES / "floors-mfn.csv"))
    assert_allclose(frame["base_duty_usd"], [0, 45, 200, 25, 80])
    assert_allclose(frame["additional_duty_usd"], [150, 105, 0, 125, 70])
    assert_allclose(frame["additional_rate"], [0.15, 0.105, 0.0, 0.125, 0.07])
    measures = tables[tables["table"] == "measure"].set_index("key")
    assert_allclose(measures.loc["eu_deal", "additional_duty_usd"], 150 + 105 + 0 + 125)
    assert_allclose(measures.loc["timber", "additional_duty_usd"], 70)
    total = tables[tables["table"] == "total"].iloc[0]
    assert_allclose(total["additional_duty_usd"], 450)
    period = tables[tables["table"] == "period"]
    assert_allclose(period["additional_duty_usd"].sum(), 450)
    assert list(frame["base_rate_basis"]) == [
        "ad valorem",
        "ad valorem",
        "ad valorem",
        "estimate",
        "ad valorem",
    ]


def test_without_an_mfn_file_the_floor_uses_the_scenario_s_mfn(tmp_path: Path) -> None:
    # The scenario states no MFN: every EU line pays 15 %, timber its 10 % (15 % − 0 ≥ 10 %).
    frame, _, _ = exposure(tmp_path, "floors")
    assert_allclose(frame["additional_duty_usd"], [150, 150, 150, 150, 100])


def test_value_shares_come_from_the_metal_share_column(tmp_path: Path) -> None:
    # Copper 50 % on the line's share: 0.40 → 200; 0.10 → 50; blank → the measure's 40 % → 200.
    # Derivatives 25 %, full value at a share of 15 % or more: 0.10 → 25; 0.20 → 250.
    frame, tables, _ = exposure(tmp_path, "shares")
    assert_allclose(frame["additional_duty_usd"], [200, 50, 200, 25, 250, 0])
    authority = tables[tables["table"] == "authority"].set_index("key")
    assert_allclose(authority.loc["section232_copper", "additional_duty_usd"], 450)
    assert_allclose(authority.loc["section232_derivatives", "additional_duty_usd"], 275)


def test_a_metal_share_above_100_percent_is_one_located_line(tmp_path: Path) -> None:
    ledger = tmp_path / "shares.csv"
    ledger.write_text((LINES / "shares.csv").read_text().replace(",0.20\n", ",1.5\n"))
    error = one_line_error(["exposure", str(LINES / "shares.yaml"), "--ledger", str(ledger)])
    assert error.startswith(f"tariffsim: error: {ledger}:6: row 5: metal_share: expected a value")
    assert "between 0 and 100 %, got 1.5 (write a share as a fraction: 0.4 for 40 %)" in error


def test_specific_measures_are_priced_on_the_line_s_quantity(tmp_path: Path) -> None:
    # Postal 200 USD/item: 3 items → 600; 1 DOZ → 12 items → 2,400. Beef 2.4 % + 5 USD/kg on
    # $10,000 and 2 t: 240 + 10,000 = 10,240. The rates they amount to are estimates.
    frame, tables, _ = exposure(tmp_path, "specific")
    assert_allclose(frame["additional_duty_usd"], [600, 10240, 2400, 0])
    assert_allclose(frame["additional_rate"], [600 / 50, 10240 / 10000, 2400 / 80, 0])
    assert list(frame["additional_rate_basis"]) == ["estimate"] * 3 + ["ad valorem"]
    total = tables[tables["table"] == "total"].iloc[0]
    assert_allclose(total["additional_duty_usd"], 600 + 10240 + 2400)


@pytest.mark.parametrize(
    ("old", "new", "hint"),
    [
        (",3,item\n", ",,\n", "the line's quantity or its unit is blank; give it in item"),
        (",3,item\n", ",3,kg\n", "the line's quantity is in kg, the rate per item"),
    ],
)
def test_a_specific_measure_without_a_quantity_is_one_located_line(
    tmp_path: Path, old: str, new: str, hint: str
) -> None:
    ledger = tmp_path / "specific.csv"
    ledger.write_text((LINES / "specific.csv").read_text().replace(old, new))
    error = one_line_error(["exposure", str(LINES / "specific.yaml"), "--ledger", str(ledger)])
    assert error.startswith(
        f"tariffsim: error: {ledger}: row 1: the specific rate of 'postal' on 6109100012 "
        "needs the line's quantity in item"
    )
    assert hint in error


def interest(amount: float, entry: str, paid: str) -> float:
    """Simple interest at 7 % a year, actual/365, from the entry day to the payment day."""
    days = (dt.date.fromisoformat(paid) - dt.date.fromisoformat(entry)).days
    return amount * 0.07 * days / 365


def test_a_ledger_s_duty_under_an_invalidated_measure(tmp_path: Path) -> None:
    # 20 % from 2025-03-04, invalidated 2026-02-20; owed back on entries from 2025-04-01.
    # Lines from CN: 2025-02-10 (before the measure) 0; 2025-03-10 $1M → 200,000, stands;
    # 2025-10-15 $500k → 100,000 owed back; 2026-01-20 $250k → 50,000 owed back; 2026-03-01
    # (after the ruling) 0. 80 % claimed (120,000), paid in halves on 2026-05-01 (FY2026)
    # and 2026-11-02 (FY2027), with 7 % simple interest from each entry day.
    _, tables, text = exposure(tmp_path, "refunds")
    years = tables[tables["table"] == "refund_fiscal_year"].set_index("key")
    assert list(years.index) == ["FY2025", "FY2026", "FY2027"]
    assert_allclose(years["deposited_usd"], [200_000, 150_000, 0])
    assert_allclose(years["owed_usd"], [200_000, 0, 0])
    assert_allclose(years["owed_back_usd"], [0, 150_000, 0])
    assert_allclose(years["unclaimed_usd"], [0, 30_000, 0])
    assert_allclose(years["principal_usd"], [0, 60_000, 60_000])
    first = 0.5 * (
        interest(80_000, "2025-10-15", "2026-05-01") + interest(40_000, "2026-01-20", "2026-05-01")
    )
    second = 0.5 * (
        interest(80_000, "2025-10-15", "2026-11-02") + interest(40_000, "2026-01-20", "2026-11-02")
    )
    cent = {"rtol": 0, "atol": 0.005}  # the summary CSV carries money to the cent
    assert_allclose(years["interest_usd"], [0, first, second], **cent)
    assert_allclose(years["refunded_usd"], [0, 60_000 + first, 60_000 + second], **cent)
    calendar = tables[tables["table"] == "refund_calendar_year"].set_index("key")
    assert_allclose(calendar["deposited_usd"], [300_000, 50_000])
    assert_allclose(calendar["refunded_usd"], [0, 120_000 + first + second], **cent)
    quarters = tables[tables["table"] == "refund_period"].set_index("key")
    assert_allclose(quarters.loc["2025-01-01", "deposited_usd"], 200_000)
    assert_allclose(quarters.loc["2025-10-01", "deposited_usd"], 100_000)
    assert_allclose(quarters.loc["2026-01-01", "deposited_usd"], 50_000)
    assert_allclose(quarters.loc["2026-04-01", "refunded_usd"], 60_000 + first, **cent)
    assert_allclose(quarters.loc["2026-10-01", "refunded_usd"], 60_000 + second, **cent)
    row = next(x.split() for x in text.splitlines() if x.split()[:2] == ["ieepa", "FY2026"])
    assert row[2:] == [
        "$150,000.00",
        "$0.00",
        "$150,000.00",
        "$30,000.00",
        "$60,000.00",
        f"${first:,.2f}",  # 1,906.30
        f"${60_000 + first:,.2f}",
    ]


def test_refund_tables_are_the_same_on_parallel_workers(tmp_path: Path) -> None:
    ledger = tmp_path / "refunds.parquet"
    frame = pd.read_csv(LINES / "refunds.csv", dtype=str)
    frame["customs_value_usd"] = frame["customs_value_usd"].astype(float)
    frame.to_parquet(ledger, row_group_size=2, index=False)
    found = []
    for workers in ("1", "3"):
        out = tmp_path / f"summary-{workers}.csv"
        args = ["exposure", str(LINES / "refunds.yaml"), "--ledger", str(ledger), "-o", str(out)]
        result = runner.invoke(app, [*args, "--workers", workers, "--chunk-rows", "1000"])
        assert result.exit_code == 0, result.stderr
        found.append(pd.read_csv(out, keep_default_na=False))
    pd.testing.assert_frame_equal(found[0], found[1])


def test_a_specific_measure_on_a_ledger_without_quantities_is_one_located_line(
    tmp_path: Path,
) -> None:
    ledger = tmp_path / "specific.csv"
    frame = pd.read_csv(LINES / "specific.csv", dtype=str)
    frame.drop(columns=["quantity", "quantity_unit"]).to_csv(ledger, index=False)
    error = one_line_error(["exposure", str(LINES / "specific.yaml"), "--ledger", str(ledger)])
    assert "row 1: the specific rate of 'postal'" in error
    assert "add 'quantity' and 'quantity_unit' (item) columns" in error


@pytest.mark.parametrize(
    "args",
    [
        ["floors", "--mfn", str(LINES / "floors-mfn.csv")],
        ["shares"],
        ["specific"],
        ["refunds"],
    ],
)
def test_the_outputs_in_the_docs_are_the_measured_ones(args: list[str]) -> None:
    name, *extra = args
    ledger = ["--ledger", str(LINES / f"{name}.csv")]
    result = runner.invoke(app, ["exposure", str(LINES / f"{name}.yaml"), *ledger, *extra])
    assert result.exit_code == 0, result.stderr
    docs = (LINES.parents[2].parent / "docs" / "duty-forms.md").read_text(encoding="utf-8")
    for line in result.stdout.splitlines():
        if line.strip():
            assert line in docs, line


def test_money_in_the_importer_s_currency_at_the_scenario_s_rate(tmp_path: Path) -> None:
    # 25 % on $1,000 and $3,000 of soybeans: $1,000 of duty; at 7.2 CNY/USD, CNY 7,200 on
    # CNY 43,200 of customs value ($6,000 with the uncovered line).
    _, tables, text = exposure(tmp_path, "currency", "--currency", "CNY")
    total = tables[tables["table"] == "total"].iloc[0]
    assert_allclose(total[["total_duty_usd", "total_duty_cny"]].astype(float), [1000, 7200])
    assert_allclose(total["imports_cny"], 43_200)
    assert (
        "  in CNY at 7.2 CNY/USD (pboc, 2025-12-31): customs value CNY 43,200.00; "
        "duty CNY 7,200.00 (MFN CNY 0.00, additional CNY 7,200.00)" in text
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("XYZ", "--currency: unknown currency 'XYZ' (tariffsim knows USD, EUR, CNY"),
        ("EUR", "--currency: scenario 'currency' states no exchange rate for EUR"),
    ],
)
def test_a_currency_without_a_stated_rate_is_one_located_line(code: str, message: str) -> None:
    args = ["exposure", str(LINES / "currency.yaml"), "--ledger", str(LINES / "currency.csv")]
    error = one_line_error([*args, "--currency", code])
    assert error.startswith(f"tariffsim: error: {LINES / 'currency.yaml'}: {message}")


def test_the_currency_output_in_the_docs_is_the_measured_one() -> None:
    args = ["exposure", str(LINES / "currency.yaml"), "--ledger", str(LINES / "currency.csv")]
    result = runner.invoke(app, [*args, "--currency", "CNY"])
    assert result.exit_code == 0, result.stderr
    docs = (LINES.parents[2].parent / "docs" / "duty-forms.md").read_text(encoding="utf-8")
    for line in result.stdout.splitlines():
        assert line in docs, line


def test_expiry_and_two_steps_on_one_date_on_ledger_lines(tmp_path: Path) -> None:
    # Section 122 at 10 % from 2026-02-24 expiring 2026-07-24: lines of 23 Feb and 24 Jul pay
    # nothing, 24 Feb and 23 Jul pay $100. 34 % then 84 % on 2026-04-09: that day pays 84 %.
    frame, tables, _ = exposure(tmp_path, "dates")
    assert_allclose(frame["additional_duty_usd"], [0, 100, 100, 0, 0, 840])
    months = tables[tables["table"] == "period"].set_index("key")
    assert_allclose(months.loc["2026-07-01", "additional_duty_usd"], 100)


def test_summary_csv_counts_lines_as_whole_numbers_beside_refund_rows(tmp_path: Path) -> None:
    """Refund rows leave ``lines`` blank; the other rows keep it a count, money to the cent."""
    out = tmp_path / "summary.csv"
    args = ["exposure", str(LINES / "refunds.yaml"), "--ledger", str(LINES / "refunds.csv")]
    assert runner.invoke(app, [*args, "-o", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    total = next(r for r in rows if r["table"] == "total")
    assert (total["lines"], total["imports_usd"], total["total_duty_usd"]) == (
        "6",
        "2550000.00",
        "350000.00",  # 20 % of 1,750,000 of covered entries in force (docs/duty-forms.md)
    )
    fiscal = [r for r in rows if r["table"] == "refund_fiscal_year"]
    assert [r["lines"] for r in fiscal] == ["", "", ""]
    assert [r["interest_usd"] for r in fiscal] == ["0.00", "1906.30", "4035.07"]  # by hand above
