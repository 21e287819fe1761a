"""The benchmark's three implementations agree on a small synthetic case (no timing here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from numpy.testing import assert_allclose, assert_array_equal

from benchmarks.peers import duckdb_connection, duckdb_duty, pandas_duty, tables
from benchmarks.synthetic import make_case
from benchmarks.throughput import tariffsim_duty


@pytest.mark.parametrize("seed", [1, 2])
def test_engine_pandas_and_duckdb_agree(seed: int) -> None:
    pytest.importorskip("duckdb")
    case = make_case(40, seed=seed)
    ours = tariffsim_duty(case)
    tranche_table, step_table = tables(case)
    connection = duckdb_connection(tranche_table, step_table)
    try:
        for theirs in (pandas_duty(case, tranche_table, step_table), duckdb_duty(case, connection)):
            for mine, other in zip(ours, theirs, strict=True):
                assert_allclose(mine, other, rtol=1e-12, atol=0)
    finally:
        connection.close()
    assert ours.imports.shape == (40, 36)
    assert ours.additional_duty.sum() > 0


@pytest.mark.parametrize("seed", [1, 2])
def test_the_expert_peers_agree(seed: int) -> None:
    from benchmarks.expert_peers import (
        duckdb_expert_connection,
        duckdb_expert_duty,
        numba_duty,
        pandas_wide_duty,
    )

    case = make_case(40, seed=seed)
    ours = tariffsim_duty(case)
    tranche_table, step_table = tables(case)
    found = [pandas_wide_duty(case, tranche_table, step_table)]
    if (compiled := numba_duty(case, tranche_table, step_table)) is not None:
        found.append(compiled)
        parallel = numba_duty(case, tranche_table, step_table, parallel=True)
        assert parallel is not None
        found.append(parallel)
    try:
        connection = duckdb_expert_connection(tranche_table, step_table)
        found.append(duckdb_expert_duty(case, connection))
        connection.close()
    except ImportError:
        pass
    for theirs in found:
        for mine, other in zip(ours, theirs, strict=True):
            assert_allclose(mine, other, rtol=1e-12, atol=0)


def test_the_numba_block_kernel_equals_tariffsim_to_the_bit() -> None:
    """The expert compiled peer adds in tariffsim's order, so its sums are equal, not close;
    9,000 tranches make three blocks, the last one short."""
    pytest.importorskip("numba", reason="numba comes with the bench extra")
    from benchmarks.numba_blocks import BLOCK, numba_blocks_duty

    case = make_case(9_000, seed=3)
    assert case.n_tranches > 2 * BLOCK
    theirs = numba_blocks_duty(case)
    assert theirs is not None
    for mine, other in zip(tariffsim_duty(case), theirs, strict=True):
        assert_array_equal(mine, other)


def test_the_ledger_peers_agree_with_tariffsim(tmp_path: Path) -> None:
    """The expert DuckDB and polars ledger queries give tariffsim's tables on a small ledger."""
    pytest.importorskip("duckdb")
    from benchmarks.bench_ledger import MEMBERSHIPS, SCENARIOS, check_equal, tariffsim_summary
    from benchmarks.ledger_duckdb import scenario_tables
    from benchmarks.ledger_expert import duckdb_expert, polars_expert
    from tariffsim.ledger.coverage import load_measures, read_memberships
    from tariffsim.ledger.synth import synthetic_batches, write_ledger

    ledger = tmp_path / "ledger.parquet"
    write_ledger(ledger, synthetic_batches(5_000, 4))
    measures = [load_measures(s, memberships=MEMBERSHIPS) for s in SCENARIOS]
    lists = read_memberships(MEMBERSHIPS, list(measures[0].scenario.tranches))
    ours = tariffsim_summary(measures, str(ledger), 1)
    peers = [duckdb_expert]
    try:
        import polars  # noqa: F401

        peers.append(polars_expert)
    except ImportError:
        pass
    for peer in peers:
        assert check_equal(ours, peer(str(ledger), scenario_tables(measures, lists))) > 100


def test_the_results_section_compares_like_with_like() -> None:
    # section 8's peer is the frame as built before: the same cells, the same CSV bytes
    from benchmarks.results import csv_before, csv_now, earlier_periods_frame, frame_now
    from tariffsim.model.flows import load_scenario
    from tariffsim.model.simulation import simulate
    from tests.conftest import SCENARIOS

    result = simulate(load_scenario(SCENARIOS / "hold.yaml"), "week")
    before, now = earlier_periods_frame(result), frame_now(result)
    assert len(before) == len(now) == result.arrays.values["imports_usd"].size
    assert before["tranche"].tolist() == now["tranche"].tolist()
    assert before["period_start"].tolist() == [d.date() for d in now["period_start"]]
    assert (
        before["total_duty_usd"].to_numpy().tobytes() == now["total_duty_usd"].to_numpy().tobytes()
    )
    assert csv_before(result) == csv_now(result)
