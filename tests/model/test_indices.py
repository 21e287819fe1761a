"""Two average-tariff definitions: a hand-computed subheading, invariants, real 2024 lines."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.model.indices import line_average, subheading_index
from tests.conftest import ROOT

# docs/validation.md, "Index definitions": one subheading, three lines, one of them listed at
# 25 %, beside a subheading with one unlisted line; all lines at 0 % MFN for clarity
CODES = np.array(["8504409580", "8504409590", "8504409595", "9503000090"])
IMPORTS = np.array([6.0, 3.0, 1.0, 10.0])  # $B
RATES = np.array([0.25, 0.0, 0.0, 0.0])


def test_worked_example_by_hand() -> None:
    assert_allclose(line_average(IMPORTS, RATES), 6 * 0.25 / 20, rtol=1e-15)  # 7.5 %
    assert_allclose(subheading_index(CODES, IMPORTS, RATES, "trade"), 0.075, rtol=1e-15)
    # simple mean of the three lines: 25/3 % on the subheading's $10B
    assert_allclose(subheading_index(CODES, IMPORTS, RATES, "mean"), 10 * 0.25 / 3 / 20)
    # covered if any line is: 25 % on $10B
    assert_allclose(subheading_index(CODES, IMPORTS, RATES, "max"), 0.125, rtol=1e-15)


lines = st.lists(
    st.tuples(
        st.sampled_from(["850440", "850450", "950300", "010121"]),
        st.floats(0.01, 1e3),
        st.sampled_from([0.0, 0.025, 0.075, 0.10, 0.25]),
    ),
    min_size=1,
    max_size=30,
)


@given(rows=lines)
def test_trade_weighted_subheadings_aggregate_back_to_lines(
    rows: list[tuple[str, float, float]],
) -> None:
    codes = np.array([c + f"{i:04d}" for i, (c, _, _) in enumerate(rows)])
    imports = np.array([v for _, v, _ in rows])
    rates = np.array([r for _, _, r in rows])
    line = line_average(imports, rates)
    assert_allclose(subheading_index(codes, imports, rates, "trade"), line, rtol=1e-12)
    # covering a whole subheading at its highest line rate can only raise the average
    assert subheading_index(codes, imports, rates, "max") >= line - 1e-12


DATA = ROOT.parent / "shared" / "data"


@pytest.mark.skipif(
    not (DATA / "china_imports_2024_hs10.csv").exists(),
    reason="needs ../shared/data (2024 imports by HTS-10 and the 2020 Section 301 lists)",
)
def test_real_lines_2024_imports_2020_lists() -> None:
    imports = pd.read_csv(DATA / "china_imports_2024_hs10.csv", comment="#", dtype={"hts10": str})
    imports["imports_usd"] = imports["imports_usd"].fillna(0.0)  # 59 lines carry no value
    lists = pd.read_csv(DATA / "section301_usitc_2020-01-01.csv", comment="#", dtype={"hts": str})
    rate_of = {"1": 0.25, "2": 0.25, "3": 0.25, "4A": 0.075, "4B": 0.0}  # 4B suspended
    lists["rate"] = lists["list"].astype(str).map(rate_of)
    by10 = lists[lists.hts.str.len() == 10].groupby("hts")["rate"].max()
    by8 = lists[lists.hts.str.len() == 8].groupby("hts")["rate"].max()
    rate = imports.hts10.map(by10).fillna(imports.hts10.str[:8].map(by8)).fillna(0.0)
    codes = imports.hts10.to_numpy(dtype=str)
    values = imports.imports_usd.to_numpy(dtype=float)
    line = line_average(values, rate.to_numpy())
    # an independent computation with pandas
    assert_allclose(line, float((imports.imports_usd * rate).sum() / imports.imports_usd.sum()))
    assert_allclose(subheading_index(codes, values, rate.to_numpy(), "trade"), line, rtol=1e-12)
    assert subheading_index(codes, values, rate.to_numpy(), "max") > line + 0.01
