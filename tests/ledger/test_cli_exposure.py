"""The exposure and synth-ledger commands through typer's CliRunner."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from tariffsim.cli import app
from tests.conftest import SCENARIOS
from tests.ledgers import (
    HAND_LINES,
    HAND_SCENARIO,
    HEADER,
    write_csv,
    write_parquet,
    write_scenario,
)

runner = CliRunner()


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"}, "hand.yaml")
    return scenario, write_csv(tmp_path, HAND_LINES)


def test_table_on_stdout(files: tuple[Path, Path]) -> None:
    scenario, ledger = files
    result = runner.invoke(app, ["exposure", str(scenario), "--ledger", str(ledger)])
    assert result.exit_code == 0, result.output
    # HAND_LINES' comments: additional 100 + 250 + 300 + 250, MFN 30 + 30 + 60 + 8
    assert (
        "7 lines, $6,000.00 customs value; duty $1,028.00 (MFN $128.00, additional $900.00)"
        in result.stdout
    )
    assert "not covered by any measure: 2 lines, $600.00" in result.stdout
    assert "priced 7 ledger lines" in result.stderr


CENT_LINES = [  # both under tranche a alone (10 %), with b's MFN of 3 %
    ("8501.10.4000", "CN", "1234.56", "2019-02-15", "S1"),
    ("8501104000", "CN", "10.07", "2019-02-16", "S2"),
]


def test_money_to_the_cent_in_the_table_and_in_csv_files(tmp_path: Path) -> None:
    scenario = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "max"}, "hand.yaml")
    ledger = write_csv(tmp_path, CENT_LINES)
    text = runner.invoke(app, ["exposure", str(scenario), "--ledger", str(ledger)]).stdout
    # value 1244.63; additional 123.456 + 1.007 = 124.463; MFN 37.0368 + 0.3021 = 37.3389;
    # duty 161.8019
    assert "2 lines, $1,244.63 customs value; duty $161.80 (MFN $37.34, additional $124.46)" in text
    summary, lines = tmp_path / "summary.csv", tmp_path / "lines.csv"
    args = ["exposure", str(scenario), "--ledger", str(ledger), "-o", str(summary)]
    result = runner.invoke(app, [*args, "--lines", str(lines)])
    assert result.exit_code == 0, result.output
    total = next(x for x in summary.read_text().splitlines() if ",total," in x)
    assert total.endswith(",2,1244.63,37.34,124.46,161.80")
    rows = [x.split(",") for x in lines.read_text().splitlines()]
    money = [rows[0].index(f'"{c}"') for c in ("customs_value_usd", "base_duty_usd")]
    money += [rows[0].index(f'"{c}"') for c in ("additional_duty_usd", "total_duty_usd")]
    # 1234.56: 37.0368, 123.456 → 37.04 + 123.46 = 160.50 (not the exact 160.4928 rounded:
    # a line's total adds its rounded duties, as an entry summary's line does); 10.07: 0.3021,
    # 1.007 → 0.30 + 1.01 = 1.31
    assert [[r[i] for i in money] for r in rows[1:]] == [
        ["1234.56", "37.04", "123.46", "160.50"],
        ["10.07", "0.30", "1.01", "1.31"],
    ]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_summary_and_line_files(tmp_path: Path, files: tuple[Path, Path], suffix: str) -> None:
    scenario, ledger = files
    summary, lines = tmp_path / f"summary.{suffix}", tmp_path / f"lines.{suffix}"
    other = write_scenario(tmp_path, HAND_SCENARIO % {"rule": "add"}, "other.yaml")
    args = ["exposure", str(scenario), str(other), "--ledger", str(ledger)]
    result = runner.invoke(app, [*args, "-o", str(summary), "--lines", str(lines)])
    assert result.exit_code == 0, result.output
    read = pd.read_csv if suffix == "csv" else pd.read_parquet
    frame = read(summary)
    assert set(frame["scenario"]) == {"hand", "other"}
    line_frame = read(lines)
    assert len(line_frame) == 2 * len(HAND_LINES)
    hand = line_frame[line_frame["scenario"] == "hand"]
    assert hand["row"].tolist() == list(range(1, 8))
    assert_allclose(hand["additional_duty_usd"], [100, 250, 300, 0, 0, 250, 0])
    assert hand["measures"].tolist() == [2, 2, 1, 0, 1, 1, 0]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_memberships_option(tmp_path: Path, files: tuple[Path, Path]) -> None:
    _, ledger = files
    lists = tmp_path / "lists.csv"
    lists.write_text("hts_code,measure\n7208,list1\n4202,list2\n85,list3\n", encoding="utf-8")
    args = ["exposure", str(SCENARIOS / "hold.yaml"), "--ledger", str(ledger)]
    result = runner.invoke(app, [*args, "--memberships", str(lists), "-o", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(tmp_path / "s.csv")
    measures = frame[frame["table"] == "measure"].set_index("key")["lines"]
    # next-round is `products: rest`: of the six lines from China only 9401611000 is on no list.
    assert measures.to_dict() == {"list1": 1, "list2": 1, "list3": 3, "next-round": 1}


def test_a_tranche_without_products_is_refused(tmp_path: Path, files: tuple[Path, Path]) -> None:
    _, ledger = files
    out = tmp_path / "s.csv"
    args = ["exposure", str(SCENARIOS / "hold.yaml"), "--ledger", str(ledger), "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert re.search(
        r"base\.yaml:\d+: tranches\.list1\.products: tranche 'list1' names no products "
        r"\(pass --memberships FILE or give the tranche `products:`",
        lines[0],
    ), lines[0]
    assert not out.exists()


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        (["-o", "s.csv", "--lines", "nowhere/l.csv"], r"--lines: folder .* does not exist"),
        (["--lines", "l.csv", "-o", "nowhere/s.csv"], r"--output: folder .* does not exist"),
        (["--lines", "l.csv", "-o", "s.xlsx"], r"--output: unknown file type '\.xlsx'"),
        (["-o", "s.csv", "--lines", "l.txt"], r"--lines: unknown file type '\.txt'"),
    ],
)
def test_output_targets_checked_before_reading(
    tmp_path: Path, targets: list[str], message: str
) -> None:
    # The ledger does not exist: a target error must come first, and nothing is written.
    args = ["exposure", str(SCENARIOS / "hold.yaml"), "--ledger", str(tmp_path / "no.csv")]
    targets = [t if t.startswith("-") else str(tmp_path / t) for t in targets]
    result = runner.invoke(app, [*args, *targets])
    assert result.exit_code == 2
    assert re.search(message, result.stderr), result.stderr
    assert list(tmp_path.iterdir()) == []


def bad_parquet(tmp_path: Path) -> Path:
    return write_parquet(
        tmp_path,
        {
            "hts_code": [8501104000],
            "country_of_origin": ["CN"],
            "customs_value_usd": [1.0],
            "entry_date": ["2019-01-01"],
        },
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: write_csv(
                p,
                [HAND_LINES[0]],
                header=["hts_code", "country_of_origin", "value", "entry_date", "sku"],
            ),
            r"ledger\.csv:1: missing column 'customs_value_usd'",
        ),
        (
            lambda p: write_csv(p, [HAND_LINES[0], ("8501", "CN", "ten", "2019-01-01", "S")]),
            r"ledger\.csv:3: row 2: customs_value_usd: expected a number in USD, got 'ten'",
        ),
        (
            lambda p: write_csv(p, [HAND_LINES[0], ("8501", "CN", "10", "2019-31-01", "S")]),
            r"ledger\.csv:3: row 2: entry_date: expected a date like",
        ),
        (bad_parquet, r"ledger\.parquet: row 1: hts_code: expected text, got int64"),
        (
            lambda p: write_csv(p, [("101210000", "CN", "10", "2019-01-01", "S")]),
            r"row 1: hts_code: .*lost a leading zero",
        ),
        (lambda p: write_csv(p, []), r"ledger\.csv: the ledger has no lines"),
    ],
)
def test_bad_ledgers_one_line_exit_2(
    tmp_path: Path, files: tuple[Path, Path], make, message: str
) -> None:
    scenario, _ = files
    ledger = make(tmp_path)
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["exposure", str(scenario), "--ledger", str(ledger), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tariffsim: error: ")
    assert re.search(message, lines[0]), lines[0]
    assert not out.exists()


def test_refuses_to_overwrite_the_ledger(files: tuple[Path, Path]) -> None:
    scenario, ledger = files
    args = ["exposure", str(scenario), "--ledger", str(ledger), "--lines", str(ledger)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "refusing to overwrite an input file" in result.stderr


def test_synth_ledger_command(tmp_path: Path) -> None:
    out = tmp_path / "demo.parquet"
    result = runner.invoke(app, ["synth-ledger", "--rows", "500", "--seed", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_parquet(out)) == 500
    result = runner.invoke(
        app, ["synth-ledger", "--rows", "5", "--start", "2019-13-01", "-o", str(out)]
    )
    assert result.exit_code == 2 and "--start: expected a date like 2019-01-01" in result.stderr


INDEX_SCENARIO = """
title: the worked example of docs/validation.md, Index definitions
as_of: 2019-01-01
horizon: {start: 2019-01-01, end: 2019-12-31}
tranches:
  listed:
    label: one listed line of 8504.40
    importer: US
    exporter: CN
    imports: 6 billion USD/year
    products: ["8504409580"]
    schedule: {2019-01-01: 25 %}
"""


def test_index_option_gives_both_definitions(tmp_path: Path) -> None:
    # 8504.40: a listed line ($6) and two unlisted ($3, $1); 9503.00: one unlisted line ($10)
    scenario = write_scenario(tmp_path, INDEX_SCENARIO, "index.yaml")
    rows = [
        ("8504409580", "CN", "6", "2019-03-01"),
        ("8504409590", "CN", "3", "2019-03-01"),
        ("8504409595", "CN", "1", "2019-03-01"),
        ("9503000090", "CN", "10", "2019-03-01"),
    ]
    ledger = write_csv(tmp_path, rows, HEADER[:4])
    args = ["exposure", str(scenario), "--ledger", str(ledger), "--index"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    # by hand: 6·25/20 = 7.50 %; mean 10·(25/3)/20 = 4.17 %; highest 10·25/20 = 12.50 %
    assert (
        "7.50 % line by line; by HS-6 subheading 4.17 % (simple mean of its lines), "
        "12.50 % (its highest line)" in result.stdout
    )
    without = runner.invoke(app, ["exposure", str(scenario), "--ledger", str(ledger)])
    assert "HS-6" not in without.stdout
