"""``exposure --workers N``: the same tables, to the cent, whatever N, and the same errors.

The ledger is synthetic (``tariffsim.ledger.synth``), written in row groups of
4,000 lines, so two and three workers each get several; every scenario shipped
that prices a ledger is used, with the illustrative membership file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from tariffsim.cli import app
from tariffsim.ledger.parallel import plan_parts
from tariffsim.ledger.synth import synthetic_batches
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
LINES = 24_000
GROUP = 4_000
MEMBERSHIPS = ROOT / "docs" / "examples" / "section301-illustrative.csv"
PATHS = [str(SCENARIOS / f"{name}.yaml") for name in ("hold", "escalate", "ceasefire")]
MONEY = ["imports_usd", "base_duty_usd", "additional_duty_usd", "total_duty_usd"]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "ledger.parquet"
    table = pa.Table.from_batches(
        list(synthetic_batches(LINES, 7, dt.date(2018, 6, 1), dt.date(2019, 12, 31)))
    )
    pq.write_table(table, path, row_group_size=GROUP)
    return path


def summary(tmp_path: Path, ledger: Path, *options: str) -> pd.DataFrame:
    out = tmp_path / f"summary{'-'.join(options)}.parquet"
    args = [*PATHS, "--ledger", str(ledger), "--memberships", str(MEMBERSHIPS)]
    result = runner.invoke(
        app, ["exposure", *args, "--chunk-rows", "1500", *options, "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return pd.read_parquet(out)


def test_the_plan_cuts_row_groups_into_runs_of_about_equal_lines(ledger: Path) -> None:
    parts = plan_parts(ledger, 4)
    assert [p.row_groups for p in parts] == [[0, 1], [2], [3, 4], [5]]
    assert [p.first_row for p in parts] == [0, 8_000, 12_000, 20_000]
    assert sum(p.rows for p in parts) == LINES
    assert [p.row_groups for p in plan_parts(ledger, 1)] == [list(range(6))]
    assert len(plan_parts(ledger, 50)) == 6  # never more parts than row groups


@pytest.mark.parametrize("workers", ["2", "3"])
def test_workers_give_the_one_process_tables_to_the_cent(
    tmp_path: Path, ledger: Path, workers: str
) -> None:
    one = summary(tmp_path, ledger, "--workers", "1")
    many = summary(tmp_path, ledger, "--workers", workers)
    text = ["scenario", "table", "key", "label"]
    assert one[text].equals(many[text])  # same rows, same order (SKUs in order of appearance)
    assert one["lines"].tolist() == many["lines"].tolist()
    assert (one.loc[one["table"] == "total", "lines"] == LINES).all()
    for column in MONEY:
        assert np.abs(one[column].to_numpy() - many[column].to_numpy()).max() < 0.005, column
    assert set(one["table"]) >= {"total", "measure", "period", "sku", "supplier", "uncovered"}


def test_a_bad_line_in_a_later_part_is_named_by_its_ledger_row(tmp_path: Path) -> None:
    table = pa.Table.from_batches(list(synthetic_batches(GROUP * 3, 3)))
    codes = table.column("hts_code").to_pylist()
    codes[9_876] = "85O1"  # a letter O for a zero, in the third row group
    table = table.set_column(
        table.schema.get_field_index("hts_code"), "hts_code", pa.array(codes, pa.string())
    )
    path = tmp_path / "bad.parquet"
    pq.write_table(table, path, row_group_size=GROUP)
    messages = []
    for workers in ("1", "3"):
        args = ["exposure", PATHS[0], "--ledger", str(path), "--workers", workers]
        args += ["--memberships", str(MEMBERSHIPS)]
        result = runner.invoke(app, [*args, "--chunk-rows", "1000"])
        assert result.exit_code == 2
        messages.append(result.stderr.strip())
    assert messages[0] == messages[1]
    assert "row 9877: hts_code" in messages[0] and len(messages[0].splitlines()) == 1
