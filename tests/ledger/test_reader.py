"""Reading ledgers: columns, types, chunks, and one clear error per bad ledger."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from tariffsim.errors import TariffsimError
from tariffsim.ledger.reader import LedgerReader, parse_column_map
from tests.ledgers import HAND_LINES, HEADER, write_csv, write_parquet

GOOD = {
    "hts_code": ["8501104000", "0101210000", "8501.10.40"],
    "country_of_origin": ["CN", "mx", " VN"],
    "customs_value_usd": [1.5, 2.0, 0.0],
    "entry_date": [dt.date(2019, 1, 1), dt.date(2019, 1, 2), dt.date(2020, 2, 29)],
}


def read_all(reader: LedgerReader) -> dict[str, np.ndarray]:
    chunks = list(reader)
    return {
        "keys": np.concatenate([c.hts_keys[c.hts_index] for c in chunks]),
        "origins": np.concatenate([np.array(c.origins)[c.origin_index] for c in chunks]),
        "day": np.concatenate([c.day for c in chunks]),
        "value": np.concatenate([c.value for c in chunks]),
    }


def test_parquet_and_csv_read_the_same(tmp_path: Path) -> None:
    parquet = write_parquet(tmp_path, GOOD)
    rows = [(c, o, str(v), d.isoformat()) for c, o, v, d in zip(*GOOD.values(), strict=True)]
    csv = write_csv(tmp_path, rows, header=list(GOOD))
    for path in (parquet, csv):
        got = read_all(LedgerReader(path))
        np.testing.assert_array_equal(got["keys"], [8501104000, 101210000, 8501104000])
        np.testing.assert_array_equal(got["origins"], ["CN", "MX", "VN"])
        np.testing.assert_array_equal(got["day"], [17897, 17898, 18321])
        np.testing.assert_array_equal(got["value"], [1.5, 2.0, 0.0])


def test_timestamps_and_string_dates_in_parquet(tmp_path: Path) -> None:
    for dates in (
        pa.array([dt.datetime(2019, 1, 1, 12), dt.datetime(2019, 1, 2), dt.datetime(2020, 2, 29)]),
        ["2019-01-01", "2019-01-02", "2020-02-29"],
    ):
        path = write_parquet(tmp_path, {**GOOD, "entry_date": dates})
        np.testing.assert_array_equal(read_all(LedgerReader(path))["day"], [17897, 17898, 18321])


def test_column_mapping(tmp_path: Path) -> None:
    renamed = {"HTS10": GOOD["hts_code"], **{k: v for k, v in GOOD.items() if k != "hts_code"}}
    path = write_parquet(tmp_path, renamed)
    reader = LedgerReader(path, parse_column_map(["hts_code=HTS10"]))
    assert read_all(reader)["keys"][0] == 8501104000
    with pytest.raises(TariffsimError, match="expected NAME=YOUR_COLUMN"):
        parse_column_map(["hts_code"])
    with pytest.raises(TariffsimError, match="unknown ledger column 'hts'"):
        LedgerReader(path, {"hts": "HTS10"})


def test_group_ids_are_stable_across_chunks(tmp_path: Path) -> None:
    path = write_csv(tmp_path, HAND_LINES)
    reader = LedgerReader(path, chunk_rows=2)
    ids = np.concatenate([c.groups["sku"] for c in reader])
    names = reader.group_names()["sku"]
    assert [names[i] for i in ids] == [row[4] for row in HAND_LINES]


def test_missing_optional_values_group_as_blank(tmp_path: Path) -> None:
    path = write_parquet(tmp_path, {**GOOD, "supplier": ["A", None, "A"]})
    reader = LedgerReader(path)
    ids = next(iter(reader)).groups["supplier"]
    assert [reader.group_names()["supplier"][i] for i in ids] == ["A", "", "A"]


def csv_with(tmp_path: Path, row: int, column: int, text: str) -> Path:
    rows = [list(r) for r in HAND_LINES]
    rows[row][column] = text
    return write_csv(tmp_path, rows)


BAD_CSV = [
    (3, 2, "12,5", r"ledger\.csv:5: row 4: expected 5 fields, got 6 \(quote values"),
    (3, 2, '"12,5"', r"ledger\.csv:5: row 4: customs_value_usd: expected a number in USD"),
    (3, 2, "abc", r"ledger\.csv:5: row 4: customs_value_usd: expected a number in USD, got 'abc'"),
    (0, 2, "", r"ledger\.csv:2: row 1: customs_value_usd: missing value"),
    (6, 2, "-5", r"ledger\.csv:8: row 7: customs_value_usd: expected a finite value of at least 0"),
    (2, 3, "2019-02-30", r"ledger\.csv:4: row 3: entry_date: expected a date like 2019-01-31"),
    (2, 3, "2019-2-3", r"ledger\.csv:4: row 3: entry_date: expected a date"),
    (2, 3, "03/02/2019", r"ledger\.csv:4: row 3: entry_date: expected a date"),
    (5, 0, "101210000", r"ledger\.csv:7: row 6: hts_code: expected an HTS code .*read as a number"),
    (5, 0, "8501104000.0", r"row 6: hts_code: expected an HTS code of 2, 4, 6, 8 or 10 digits"),
    (1, 0, "", r"ledger\.csv:3: row 2: hts_code: missing value"),
    (4, 1, "China", r"ledger\.csv:6: row 5: country_of_origin: expected an ISO 3166 alpha-2"),
]


@pytest.mark.parametrize(("row", "column", "text", "message"), BAD_CSV)
def test_bad_csv_cells(tmp_path: Path, row: int, column: int, text: str, message: str) -> None:
    path = csv_with(tmp_path, row, column, text)
    with pytest.raises(TariffsimError, match=message):
        list(LedgerReader(path, chunk_rows=1000))


def test_row_numbers_count_across_chunks(tmp_path: Path) -> None:
    rows = [list(HAND_LINES[0]) for _ in range(5000)]
    rows[4321][3] = "someday"
    path = write_csv(tmp_path, rows)
    with pytest.raises(TariffsimError, match=r"ledger\.csv:4323: row 4322: entry_date"):
        list(LedgerReader(path, chunk_rows=1000))


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        (
            "hts_code",
            [8501104000, 101210000, 8501104000],
            r"row 1: hts_code: expected text, got int64 .*store HTS codes as text",
        ),
        (
            "customs_value_usd",
            ["1", "x", "2"],
            r"row 2: customs_value_usd: expected a number in USD",
        ),
        (
            "customs_value_usd",
            [1.0, float("nan"), 2.0],
            r"row 2: customs_value_usd: expected a finite",
        ),
        (
            "entry_date",
            [dt.date(2019, 1, 1), None, dt.date(2019, 1, 1)],
            r"row 2: entry_date: missing value",
        ),
        ("country_of_origin", ["CN", "CN", None], r"row 3: country_of_origin: missing value"),
    ],
)
def test_bad_parquet_columns(
    tmp_path: Path, column: str, values: list[object], message: str
) -> None:
    path = write_parquet(tmp_path, {**GOOD, column: values})
    with pytest.raises(TariffsimError, match=r"ledger\.parquet: " + message):
        list(LedgerReader(path))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", r"ledger\.csv: the ledger file is empty"),
        (",".join(HEADER) + "\n", r"ledger\.csv: the ledger has no lines"),
        (
            "hts_code,country,customs_value_usd,entry_date\n",
            r"ledger\.csv:1: missing column 'country_of_origin' \(found hts_code, country",
        ),
    ],
)
def test_empty_and_headless_csv(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TariffsimError, match=message):
        list(LedgerReader(path))


def test_not_parquet_and_missing_file(tmp_path: Path) -> None:
    bad = tmp_path / "ledger.parquet"
    bad.write_text("not parquet", encoding="utf-8")
    with pytest.raises(TariffsimError, match="not a readable Parquet file"):
        LedgerReader(bad)
    with pytest.raises(TariffsimError, match="ledger file not found"):
        LedgerReader(tmp_path / "nope.csv")
