"""Ledgers named by URL: found and read through fsspec, priced as the local files are.

fsspec's ``memory://`` file system stands for a remote store (S3, GCS): the
files exist only in this process's memory, so nothing local can be read by
mistake. Skipped, with the reason, where fsspec (the ``dask`` extra) is absent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tariffsim.errors import TariffsimError
from tariffsim.ledger import remote
from tariffsim.ledger.cluster import dataset_files, dataset_parts
from tariffsim.ledger.coverage import load_measures
from tariffsim.ledger.parallel import tally_part
from tariffsim.ledger.pricing import price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.summary import summarise
from tariffsim.ledger.sums import merge_sums
from tariffsim.ledger.synth import synthetic_batches
from tests.conftest import ROOT, SCENARIOS

fsspec = pytest.importorskip("fsspec", reason='URLs are read through fsspec: pip install ".[dask]"')
MEMBERSHIPS = ROOT / "docs" / "examples" / "section301-illustrative.csv"
PATHS = [SCENARIOS / f"{name}.yaml" for name in ("hold", "escalate")]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A 6,000-line ledger as one local file, and cut into 3 files under memory://ledger/."""
    table = pa.Table.from_batches(
        list(synthetic_batches(6_000, 3, dt.date(2018, 6, 1), dt.date(2019, 12, 31)))
    )
    whole = tmp_path / "whole.parquet"
    pq.write_table(table, whole, row_group_size=2_500)
    fs = fsspec.filesystem("memory")
    for i, (lo, hi) in enumerate([(0, 1_000), (1_000, 4_500), (4_500, 6_000)]):
        with fs.open(f"/ledger/year=2019/part-{i}.parquet", "wb") as out:
            pq.write_table(table.slice(lo, hi - lo), out, row_group_size=1_500)
    with fs.open("/ledger/README.txt", "wb") as out:
        out.write(b"not a ledger")
    yield whole, "memory://ledger"
    fs.rm("/ledger", recursive=True)


def test_urls_are_told_from_paths() -> None:
    assert remote.is_url("s3://bucket/ledger/*.parquet")
    assert remote.is_url("memory://ledger")
    assert not remote.is_url("/data/ledger.parquet")
    assert not remote.is_url("C:/data/ledger.parquet")


def test_a_folder_and_a_glob_by_url_list_the_parquet_files_in_order(
    store: tuple[Path, str],
) -> None:
    _, url = store
    expected = [f"memory:///ledger/year=2019/part-{i}.parquet" for i in range(3)]
    assert dataset_files(url) == expected
    assert dataset_files(url + "/*/*.parquet") == expected
    parts = dataset_parts(expected)
    # row groups of 1,500 lines: 1,000 → 1; 3,500 → 3; 1,500 → 1
    assert [p.rows for p in parts] == [1_000, 1_500, 1_500, 500, 1_500]
    assert [p.first_row for p in parts] == [0, 1_000, 2_500, 4_000, 4_500]


def test_the_parts_read_by_url_give_the_tables_of_the_local_file(
    store: tuple[Path, str],
) -> None:
    whole, url = store
    measures = [load_measures(p, memberships=MEMBERSHIPS) for p in PATHS]
    reader = LedgerReader(whole)
    one = price_ledger(measures, reader, group_names=reader.group_names).summary
    parts = dataset_parts(dataset_files(url))
    merged = summarise(measures, merge_sums(tally_part(measures, p) for p in parts))
    assert merged.rows == 6_000
    text = ["scenario", "table", "key", "label"]
    assert one[text].equals(merged.summary[text])
    assert one["lines"].tolist() == merged.summary["lines"].tolist()
    for column in ("imports_usd", "base_duty_usd", "additional_duty_usd"):
        gap = np.abs(one[column].to_numpy() - merged.summary[column].to_numpy()).max()
        assert gap < 0.005, column


def test_a_url_with_no_parquet_files_is_one_clear_error(store: tuple[Path, str]) -> None:
    _, url = store
    with pytest.raises(TariffsimError, match="no Parquet files found"):
        dataset_files(url + "/README.txt")
    with pytest.raises(TariffsimError, match="no Parquet files found"):
        dataset_files("memory://nowhere/*.parquet")


def test_exposure_of_a_url_without_a_cluster_says_how(store: tuple[Path, str]) -> None:
    from typer.testing import CliRunner

    from tariffsim.cli import app

    _, url = store
    args = ["exposure", str(PATHS[0]), "--ledger", url + "/*/*.parquet"]
    result = CliRunner().invoke(app, [*args, "--memberships", str(MEMBERSHIPS)])
    assert result.exit_code == 2
    assert "read on a Dask cluster" in result.output and "--dask" in result.output
    assert "Traceback" not in result.output
