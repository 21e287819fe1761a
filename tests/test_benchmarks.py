"""The benchmark's three implementations agree on a small synthetic case (no timing here)."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

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
