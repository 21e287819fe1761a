"""Synthetic ledgers: reproducible, realistic in shape, readable by the ledger reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tariffsim.errors import TariffsimError
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.synth import HEADINGS, synthetic_batches, write_ledger


def table(rows: int, seed: int = 0, chunk_rows: int = 1_000_000) -> pa.Table:
    return pa.Table.from_batches(list(synthetic_batches(rows, seed, chunk_rows=chunk_rows)))


def test_same_seed_same_ledger() -> None:
    assert table(3000, seed=4).equals(table(3000, seed=4))
    assert not table(3000, seed=4).equals(table(3000, seed=5))


def test_shape_of_a_synthetic_ledger() -> None:
    t = table(20_000, chunk_rows=7000)
    assert t.num_rows == 20_000
    codes = t.column("hts_code").cast(pa.string()).to_pylist()
    assert all(len(c) == 10 and c[:4] in HEADINGS for c in codes)
    origins = np.array(t.column("country_of_origin").cast(pa.string()).to_pylist())
    shares = {c: np.mean(origins == c) for c in set(origins)}
    assert max(shares, key=shares.__getitem__) == "CN"
    days = t.column("entry_date").to_pylist()
    assert min(days) >= dt.date(2019, 1, 1) and max(days) <= dt.date(2019, 12, 31)
    values = t.column("customs_value_usd").to_numpy()
    assert (values > 0).all() and np.mean(values) > np.median(values)  # right-skewed
    february = np.mean([d.month == 2 for d in days])
    october = np.mean([d.month == 10 for d in days])
    assert february < october


def test_a_sku_keeps_its_code_and_supplier() -> None:
    t = table(5000).to_pandas()
    assert (t.groupby("sku", observed=True)["hts_code"].nunique() == 1).all()
    assert (t.groupby("sku", observed=True)["supplier"].nunique() == 1).all()


@pytest.mark.parametrize("suffix", ["parquet", "csv"])
def test_written_ledgers_read_back(tmp_path: Path, suffix: str) -> None:
    path = write_ledger(tmp_path / f"l.{suffix}", synthetic_batches(2500, chunk_rows=1000))
    chunks = list(LedgerReader(path, chunk_rows=1000))
    assert sum(c.size for c in chunks) == 2500
    if suffix == "parquet":
        assert pq.ParquetFile(path).metadata.num_rows == 2500


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(TariffsimError, match="expected at least 1 row"):
        next(synthetic_batches(0))
    with pytest.raises(TariffsimError, match="is before start"):
        next(synthetic_batches(10, start=dt.date(2019, 2, 1), end=dt.date(2019, 1, 1)))
    with pytest.raises(TariffsimError, match=r"\.parquet or \.csv"):
        write_ledger(tmp_path / "l.xlsx", synthetic_batches(10))
