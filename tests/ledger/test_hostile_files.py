"""One bad ledger or membership file per failure mode: one located line, exit 2, no output.

The files live in ``tests/data/hostile/`` (as ``tests/data/invalid/`` holds bad scenarios);
each is priced with ``tests/data/hostile/hand.yaml``, the hand-computed scenario of
``tests/ledgers.py``. The good twins (a byte-order mark, spaces around header names, a
declared Latin-1 or cp1252 encoding) price to the same duty as the plain UTF-8 file.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tariffsim.cli import app

HOSTILE = Path(__file__).resolve().parent.parent / "data" / "hostile"
SCENARIO = HOSTILE / "hand.yaml"
runner = CliRunner()


def exposure(tmp_path: Path, *args: str) -> tuple[int, list[str], Path]:
    out = tmp_path / "summary.csv"
    result = runner.invoke(app, ["exposure", str(SCENARIO), *args, "-o", str(out)])
    errors = [line for line in result.stderr.splitlines() if "tariffsim: error" in line]
    assert "Traceback" not in result.output
    return result.exit_code, errors, out


LEDGERS = [
    # file, where the message starts (after the path), words it holds
    ("latin1.csv", ":2: ", ["not UTF-8 text: byte 0xe9 at column 35", "--encoding"]),
    ("cp1252.csv", ":2: ", ["not UTF-8 text: byte 0x93 at column 31", "--encoding"]),
    ("year_9999.csv", ":3: row 2: entry_date: ", ["from 1900-01-01 to 2200-12-31"]),
    ("year_0.csv", ":2: row 1: entry_date: ", ["from 1900-01-01 to 2200-12-31"]),
    ("field_too_long.csv", ":2: row 1: supplier: ", ["20,000 characters, more than 10,000"]),
    ("sum_to_infinity.csv", ":2: row 1: customs_value_usd: ", ["at most 1e+15 USD"]),
    ("header_too_long.csv", ":1: ", ["header line is longer than 100,000 bytes"]),
    ("uint64_max.parquet", ": row 1: customs_value_usd: ", ["got 1.8446744073709552e+19"]),
    ("date32_max.parquet", ": row 1: entry_date: ", ["got day 2,147,483,647"]),
    ("date32_min.parquet", ": row 1: entry_date: ", ["got day -2,147,483,648"]),
    ("duplicate_columns.parquet", ": ", ["'country_of_origin' appears 2 times"]),
    ("corrupt_pages.parquet", ": ", ["not a readable Parquet file", "truncated or corrupt"]),
    ("truncated.parquet", ": ", ["not a readable Parquet file"]),
    ("column_name_not_utf8.parquet", ": ", ["not a readable Parquet file"]),
    ("text_not_utf8.parquet", ": ", ["unreadable text in the ledger"]),
]


MEMBERSHIPS = [
    ("latin1.csv", ":2: ", ["not UTF-8 text: byte 0xe9 at column 12", "--encoding"]),
    ("code_as_float.csv", ":3: hts_code: ", ["got '8501.0'", "read as a number"]),
    ("field_over_csv_limit.csv", ":2: ", ["field larger than field limit"]),
]


def _reader_args(kind: str, path: Path) -> list[str]:
    if kind == "ledger":
        return ["--ledger", str(path)]
    return ["--ledger", str(HOSTILE / "ledger" / "good.csv"), "--memberships", str(path)]


@pytest.mark.parametrize(
    ("kind", "name", "place", "says"),
    [("ledger", *case) for case in LEDGERS] + [("memberships", *case) for case in MEMBERSHIPS],
)
def test_bad_file_is_one_located_line(
    tmp_path: Path, kind: str, name: str, place: str, says: list[str]
) -> None:
    path = HOSTILE / kind / name
    code, errors, out = exposure(tmp_path, *_reader_args(kind, path))
    assert code == 2
    [line] = errors
    assert line.startswith(f"tariffsim: error: {path}{place}"), line
    for words in says:
        assert words in line
    assert not out.exists()


def _duty(summary: Path) -> float:
    frame = pd.read_csv(summary)
    return float(frame.loc[frame["table"] == "total", "total_duty_usd"].iloc[0])


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("bom.csv", []),
        ("spaced_header.csv", []),
        ("latin1.csv", ["--encoding", "latin-1"]),
        ("cp1252.csv", ["--encoding", "cp1252"]),
    ],
)
def test_good_twins_price_like_the_plain_file(
    tmp_path: Path, name: str, options: list[str]
) -> None:
    # One line 8501104000 from CN on 2019-02-15, 1,000 USD: measure a at 10 %, base 3 % (b's).
    code, errors, out = exposure(tmp_path, "--ledger", str(HOSTILE / "ledger" / name), *options)
    assert code == 0, errors
    assert _duty(out) == pytest.approx(1000 * 0.10 + 1000 * 0.03)


def test_declared_encoding_keeps_the_supplier_name(tmp_path: Path) -> None:
    ledger = HOSTILE / "ledger" / "latin1.csv"
    code, errors, out = exposure(tmp_path, "--ledger", str(ledger), "--encoding", "latin-1")
    assert code == 0, errors
    frame = pd.read_csv(out)
    suppliers = frame.loc[frame["table"] == "supplier", "key"].tolist()
    assert suppliers == ["Société Générale"]


def test_unknown_encoding_is_a_usage_line(tmp_path: Path) -> None:
    code, errors, _ = exposure(
        tmp_path, "--ledger", str(HOSTILE / "ledger" / "good.csv"), "--encoding", "klingon"
    )
    assert code == 2
    assert errors == [
        "tariffsim: error: --encoding: unknown encoding 'klingon' (e.g. utf-8, latin-1, cp1252)"
    ]


def test_two_ledger_columns_on_one_file_column(tmp_path: Path) -> None:
    code, errors, _ = exposure(
        tmp_path,
        "--ledger",
        str(HOSTILE / "ledger" / "good.csv"),
        "--column",
        "sku=supplier",
    )
    assert code == 2
    assert "'sku' and 'supplier' both read the column 'supplier'" in errors[0]


@pytest.mark.parametrize(("rows", "says"), [("2000000000", "expected 1 to 20,000,000 lines")])
def test_chunk_rows_beyond_the_bound(tmp_path: Path, rows: str, says: str) -> None:
    code, errors, _ = exposure(
        tmp_path, "--ledger", str(HOSTILE / "ledger" / "good.csv"), "--chunk-rows", rows
    )
    assert code == 2
    assert says in errors[0] or "GB of memory" in errors[0]


def test_membership_file_outside_the_scenario_folder_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "lists.csv").write_text("hts_code,measure\n8501,a\n", encoding="utf-8")
    text = SCENARIO.read_text(encoding="utf-8").replace(
        "stacking:", "memberships: ../lists.csv\nstacking:"
    )
    scenario = inner / "s.yaml"
    scenario.write_text(text, encoding="utf-8")
    result = runner.invoke(
        app, ["exposure", str(scenario), "--ledger", str(HOSTILE / "ledger" / "good.csv")]
    )
    assert result.exit_code == 2
    [line] = [x for x in result.stderr.splitlines() if "error" in x]
    assert line.startswith(f"tariffsim: error: {scenario}:")
    assert "memberships: '../lists.csv' lies outside the scenario's folder tree" in line


def test_membership_file_with_a_bom_reads_like_without(tmp_path: Path) -> None:
    ledger = HOSTILE / "ledger" / "good.csv"
    code, errors, _ = exposure(
        tmp_path, "--ledger", str(ledger), "--memberships", str(HOSTILE / "memberships" / "bom.csv")
    )
    assert code == 0, errors
