"""The one-pass tally in joint cells gives the tables of keying every line under each scenario.

``price_ledger`` with a line sink keys every line under every scenario (the
path ``--lines`` takes); without one it sums the lines once into joint cells
(:mod:`tariffsim.ledger.cells`). Both must give the same tables to the cent:
with row groups whose dictionaries differ (the joint classes change between
chunks), with chunks that share a row group's dictionary, and when the SKU
index is too large and the per-line fallback prices SKUs and suppliers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tariffsim.ledger import cells
from tariffsim.ledger.coverage import load_measures
from tariffsim.ledger.pricing import price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.synth import synthetic_batches
from tests.conftest import ROOT, SCENARIOS

MEMBERSHIPS = ROOT / "docs" / "examples" / "section301-illustrative.csv"
PATHS = [SCENARIOS / f"{name}.yaml" for name in ("hold", "escalate", "ceasefire")]


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12,000 lines over two years, plain text columns: each row group has its own dictionary."""
    table = pa.Table.from_batches(
        list(synthetic_batches(12_000, 21, dt.date(2018, 3, 1), dt.date(2019, 12, 31)))
    )
    plain = table.cast(
        pa.schema(
            [
                pa.field(f.name, pa.string() if pa.types.is_dictionary(f.type) else f.type)
                for f in table.schema
            ]
        )
    )
    path = tmp_path_factory.mktemp("cells") / "ledger.parquet"
    pq.write_table(plain, path, row_group_size=5_000)
    return path


def priced(path: Path, by_line: bool) -> pd.DataFrame:
    measures = [load_measures(p, memberships=MEMBERSHIPS) for p in PATHS]
    reader = LedgerReader(path, chunk_rows=2_000)  # 3 chunks per row group of 5,000 lines
    sink = (lambda *args: None) if by_line else None
    return price_ledger(measures, reader, group_names=reader.group_names, sink=sink).summary


def same_to_the_cent(one: pd.DataFrame, other: pd.DataFrame) -> None:
    text = ["scenario", "table", "key", "label"]
    assert one[text].equals(other[text])
    assert one["lines"].tolist() == other["lines"].tolist()
    for column in ("imports_usd", "base_duty_usd", "additional_duty_usd", "total_duty_usd"):
        assert np.abs(one[column].to_numpy() - other[column].to_numpy()).max() < 0.005, column


def test_the_joint_cells_give_the_tables_of_keying_every_line(ledger: Path) -> None:
    by_cells, by_line = priced(ledger, False), priced(ledger, True)
    assert set(by_cells["table"]) >= {"total", "period", "measure", "sku", "supplier"}
    assert by_cells.query("table == 'total'")["lines"].tolist() == [12_000] * 3
    same_to_the_cent(by_cells, by_line)


def test_too_many_skus_for_the_index_are_priced_line_by_line(
    ledger: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cells, "MAX_PAIRS", 10)
    same_to_the_cent(priced(ledger, False), priced(ledger, True))


def test_group_totals_number_pairs_in_order_and_sum_by_segment() -> None:
    totals = cells.GroupTotals(n_cells=3, n_segments=2)
    ids = np.array([4, 1, 4, 1, 4])
    cell = np.array([2, 0, 2, 1, 2])  # id 1 has lines of two joint classes
    segment = np.array([0, 1, 1, 1, 0])
    value = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    assert totals.add(ids, cell, segment, value)
    assert totals.add(np.array([1]), np.array([0]), np.array([0]), np.array([32.0]))
    value_by, lines_by = totals.sums()
    keys = zip(totals.pair_id.tolist(), totals.pair_cell.tolist(), strict=True)
    pairs = dict(zip(keys, value_by.tolist(), strict=True))
    assert pairs == {(1, 0): [32.0, 2.0], (1, 1): [0.0, 8.0], (4, 2): [17.0, 4.0]}
    assert lines_by.sum() == 6
