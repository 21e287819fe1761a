"""Ledger and sweep on a Dask cluster: a LocalCluster of two worker processes, as CI runs it.

The cluster's results must equal the single-process ones: the ledger's tables to
the cent (a folder of Parquet files, and the file they were cut from), the sweep's
statistics exactly for 100,000 draws with the same seed. Skipped, with the reason,
where the ``dask`` extra is not installed.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

pytest.importorskip("distributed", reason='Dask is an optional extra: pip install ".[dask]"')

from tariffsim.cli import app
from tariffsim.ledger.cluster import dataset_files, dataset_parts, price_on_cluster
from tariffsim.ledger.coverage import load_measures
from tariffsim.ledger.parallel import plan_parts, price_in_parallel
from tariffsim.ledger.pricing import price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.synth import synthetic_batches
from tariffsim.uncertainty.outlook import load_outlook
from tariffsim.uncertainty.stats import summarise
from tariffsim.uncertainty.sweep import sweep
from tests.conftest import ROOT, SCENARIOS

runner = CliRunner()
MEMBERSHIPS = ROOT / "docs" / "examples" / "section301-illustrative.csv"
PATHS = [SCENARIOS / f"{name}.yaml" for name in ("hold", "escalate", "ceasefire")]
MONEY = ["imports_usd", "base_duty_usd", "additional_duty_usd", "total_duty_usd"]


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One Parquet file of 20,000 lines, and the same lines cut into a folder of 3 files."""
    folder = tmp_path_factory.mktemp("ledger")
    table = pa.Table.from_batches(
        list(synthetic_batches(20_000, 11, dt.date(2018, 6, 1), dt.date(2019, 12, 31)))
    )
    whole = folder / "whole.parquet"
    pq.write_table(table, whole, row_group_size=5_000)
    parts = folder / "parts"
    parts.mkdir()
    for i, (lo, hi) in enumerate([(0, 7_000), (7_000, 15_000), (15_000, 20_000)]):
        pq.write_table(table.slice(lo, hi - lo), parts / f"part-{i}.parquet", row_group_size=3_000)
    return whole, parts


def same_to_the_cent(one: pd.DataFrame, other: pd.DataFrame) -> None:
    text = ["scenario", "table", "key", "label"]
    assert one[text].equals(other[text])
    assert one["lines"].tolist() == other["lines"].tolist()
    for column in MONEY:
        assert np.abs(one[column].to_numpy() - other[column].to_numpy()).max() < 0.005, column


def test_a_ledger_folder_on_the_cluster_equals_one_pass_and_two_workers(
    client: Any, ledger: tuple[Path, Path]
) -> None:
    whole, parts = ledger
    measures = [load_measures(p, memberships=MEMBERSHIPS) for p in PATHS]
    reader = LedgerReader(whole)
    one = price_ledger(measures, reader, group_names=reader.group_names).summary
    files = dataset_files(parts)
    assert [Path(f).name for f in files] == ["part-0.parquet", "part-1.parquet", "part-2.parquet"]
    cut = dataset_parts(files)
    assert len(cut) == 3 + 3 + 2 and cut[-1].first_row == 18_000
    on_cluster = price_on_cluster(measures, cut, client)
    assert on_cluster.rows == 20_000
    same_to_the_cent(one, on_cluster.summary)
    same_to_the_cent(one, price_in_parallel(measures, plan_parts(whole, 2)).summary)


@pytest.mark.parametrize("named", ["glob", "file-url"])
def test_exposure_with_scheduler_through_the_cli(
    client: Any, ledger: tuple[Path, Path], tmp_path: Path, named: str
) -> None:
    """A glob of the parts, or the same glob as a ``file://`` URL each worker opens through
    fsspec, priced on the cluster: the tables of one pass over the whole file."""
    whole, parts = ledger
    glob = f"{parts}/*.parquet" if named == "glob" else f"file://{parts}/*.parquet"
    outputs = []
    for source, extra in (
        (str(whole), []),
        (glob, ["--scheduler", client.scheduler.address]),
    ):
        out = tmp_path / f"s{len(outputs)}.parquet"
        args = [*map(str, PATHS), "--ledger", str(source), "--memberships", str(MEMBERSHIPS)]
        result = runner.invoke(app, ["exposure", *args, *extra, "-o", str(out)])
        assert result.exit_code == 0, result.output
        outputs.append(pd.read_parquet(out))
    same_to_the_cent(*outputs)


def test_a_sweep_of_100000_draws_gives_the_same_statistics(client: Any) -> None:
    outlook = load_outlook(SCENARIOS / "outlook.yaml")
    here = sweep(outlook, 100_000, seed=5)
    there = sweep(outlook, 100_000, seed=5, client=client)
    np.testing.assert_array_equal(here.total_duty, there.total_duty)
    np.testing.assert_array_equal(here.additional_duty, there.additional_duty)
    ours, theirs = summarise(here, "total", 150e9), summarise(there, "total", 150e9)
    pd.testing.assert_frame_equal(ours.periods, theirs.periods)
    assert sys.modules.get("dask") is not None  # the cluster path did run through Dask


def test_mfn_and_refunds_on_the_cluster_equal_one_pass(client: Any, tmp_path: Path) -> None:
    """``--mfn`` (unpriced lines reported) and an invalidated measure's refunds, priced on
    the cluster from a folder of two files: the tables of one pass over the CSV ledger."""
    forms = ROOT / "tests" / "data" / "forms"
    cases = [
        (forms / "ledger-301.yaml", forms / "ledger.csv", ["--mfn", str(forms / "mfn.csv")]),
        (forms / "lines" / "refunds.yaml", forms / "lines" / "refunds.csv", []),
    ]
    for number, (scenario, ledger_csv, extra) in enumerate(cases):
        frame = pd.read_csv(ledger_csv, dtype=str, keep_default_na=False)
        frame["customs_value_usd"] = frame["customs_value_usd"].astype(float)
        folder = tmp_path / f"parts{number}"
        folder.mkdir()
        frame.iloc[:2].to_parquet(folder / "a.parquet", index=False)
        frame.iloc[2:].to_parquet(folder / "b.parquet", index=False)
        outputs = []
        for source, where in (
            (str(ledger_csv), []),
            (str(folder), ["--scheduler", client.scheduler.address]),
        ):
            out = tmp_path / f"s{number}-{len(outputs)}.csv"
            args = ["exposure", str(scenario), "--ledger", source, *extra, *where, "-o", str(out)]
            result = runner.invoke(app, args)
            assert result.exit_code == 0, result.output
            outputs.append(pd.read_csv(out, keep_default_na=False))
        pd.testing.assert_frame_equal(outputs[0], outputs[1])
