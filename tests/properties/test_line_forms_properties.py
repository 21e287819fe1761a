"""Invariants of duty forms priced line by line (hypothesis), on random small ledgers.

Value shares from ``metal_share``, specific rates on quantities, and an invalidated measure's
refunds (``tests/data/forms/lines``): the summary's duty equals an independent line-by-line
computation from the scenario's rates, whatever the chunking, and the refund tables keep
their money: deposited = owed + owed back, owed back = unclaimed + refunded principal.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.ledger.coverage import Measures, load_measures
from tariffsim.ledger.pricing import price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.summary import Exposure
from tests.ledgers import usd_to_the_cent, write_parquet

LINES = Path(__file__).resolve().parents[1] / "data" / "forms" / "lines"


@cache
def measures(name: str) -> Measures:
    return load_measures(LINES / f"{name}.yaml")


def price(name: str, columns: dict[str, object], chunk_rows: int) -> Exposure:
    with tempfile.TemporaryDirectory() as folder:
        ledger = write_parquet(Path(folder), columns)
        return price_ledger([measures(name)], LedgerReader(ledger, chunk_rows=chunk_rows))


share_lines = st.lists(
    st.tuples(
        st.sampled_from(["7408110000", "7326908688", "8501100000"]),
        usd_to_the_cent(0.0, 1e7),
        st.one_of(st.none(), st.floats(0.0, 1.0)),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=30, deadline=None)
@given(rows=share_lines, chunk_rows=st.sampled_from([1, 3, 1000]))
def test_value_shares_line_by_line(
    rows: list[tuple[str, float, float | None]], chunk_rows: int
) -> None:
    codes, values, shares = zip(*rows, strict=True)
    exposure = price(
        "shares",
        {
            "hts_code": list(codes),
            "country_of_origin": ["CN"] * len(rows),
            "customs_value_usd": pa.array(values, pa.float64()),
            "entry_date": [dt.date(2026, 3, 1)] * len(rows),
            "metal_share": pa.array(shares, pa.float64()),
        },
        chunk_rows,
    )
    expected = 0.0
    for code, value, share in rows:
        if code.startswith("7408"):  # copper 50 % on the share; blank: the measure's 40 %
            expected += 0.5 * (0.4 if share is None else share) * value
        elif code.startswith("7326"):  # 25 %, on the full value at a share of 15 % or more
            s = 1.0 if share is None else share
            expected += 0.25 * (1.0 if s >= 0.15 else s) * value
    total = exposure.table("total").iloc[0]
    assert_allclose(total["additional_duty_usd"], expected, rtol=1e-9, atol=1e-6)
    by_measure = exposure.table("measure")["additional_duty_usd"].sum()
    assert_allclose(by_measure, expected, rtol=1e-9, atol=1e-6)
    assert_allclose(
        exposure.table("period")["additional_duty_usd"].sum(), expected, rtol=1e-9, atol=1e-6
    )


specific_lines = st.lists(
    st.tuples(
        st.sampled_from([("6109100012", "CN", "item"), ("0201100510", "MX", "kg")]),
        usd_to_the_cent(0.0, 1e6),
        st.floats(0.0, 1e4),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=30, deadline=None)
@given(rows=specific_lines, chunk_rows=st.sampled_from([2, 1000]))
def test_specific_rates_line_by_line(
    rows: list[tuple[tuple[str, str, str], float, float]], chunk_rows: int
) -> None:
    exposure = price(
        "specific",
        {
            "hts_code": [line[0] for line, _, _ in rows],
            "country_of_origin": [line[1] for line, _, _ in rows],
            "customs_value_usd": pa.array([v for _, v, _ in rows], pa.float64()),
            "entry_date": [dt.date(2026, 3, 1)] * len(rows),
            "quantity": pa.array([q for _, _, q in rows], pa.float64()),
            "quantity_unit": [line[2] for line, _, _ in rows],
        },
        chunk_rows,
    )
    # postal 200 USD/item; beef 2.4 % + 5 USD/kg
    expected = sum(200 * q if line[2] == "item" else 0.024 * v + 5 * q for line, v, q in rows)
    total = exposure.table("total").iloc[0]
    assert_allclose(total["additional_duty_usd"], expected, rtol=1e-9, atol=1e-6)


refund_lines = st.lists(
    st.tuples(
        usd_to_the_cent(0.0, 1e7),
        st.dates(dt.date(2025, 1, 1), dt.date(2026, 6, 30)),
        st.sampled_from(["CN", "MX"]),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=30, deadline=None)
@given(rows=refund_lines, chunk_rows=st.sampled_from([1, 4, 1000]))
def test_refund_money_adds_up(rows: list[tuple[float, dt.date, str]], chunk_rows: int) -> None:
    exposure = price(
        "refunds",
        {
            "hts_code": ["8501100000"] * len(rows),
            "country_of_origin": [c for _, _, c in rows],
            "customs_value_usd": pa.array([v for v, _, _ in rows], pa.float64()),
            "entry_date": [d for _, d, _ in rows],
        },
        chunk_rows,
    )
    # 20 % on CN from 2025-03-04 to 2026-02-19; owed back from 2025-04-01; 80 % claimed
    start, ruling, back = dt.date(2025, 3, 4), dt.date(2026, 2, 20), dt.date(2025, 4, 1)
    deposited = sum(0.2 * v for v, d, c in rows if c == "CN" and start <= d < ruling)
    owed_back = sum(0.2 * v for v, d, c in rows if c == "CN" and back <= d < ruling)
    total = exposure.table("total").iloc[0]
    assert_allclose(total["additional_duty_usd"], deposited, rtol=1e-9, atol=1e-6)
    if exposure.refunds.empty:
        assert deposited == 0
        return
    for table in ("refund_period", "refund_calendar_year", "refund_fiscal_year"):
        frame = exposure.refunds[exposure.refunds["table"] == table]
        sums = frame[["deposited_usd", "owed_usd", "owed_back_usd", "unclaimed_usd"]].sum()
        assert_allclose(sums["deposited_usd"], deposited, rtol=1e-9, atol=1e-6)
        assert_allclose(sums["owed_back_usd"], owed_back, rtol=1e-9, atol=1e-6)
        assert_allclose(sums["owed_usd"], deposited - owed_back, rtol=1e-9, atol=1e-6)
        principal = frame["principal_usd"].sum()
        assert_allclose(principal + sums["unclaimed_usd"], owed_back, rtol=1e-9, atol=1e-6)
        assert (frame["interest_usd"] >= 0).all()
        assert_allclose(principal, 0.8 * owed_back, rtol=1e-9, atol=1e-6)
    assert np.isfinite(exposure.refunds["refunded_usd"]).all()
