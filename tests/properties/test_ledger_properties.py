"""Invariants of ledger exposure (hypothesis): linearity, chunking, stacking, aggregation."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from functools import cache
from pathlib import Path

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from tariffsim.ledger.coverage import Measures, compile_measures, load_measures
from tariffsim.ledger.pricing import price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.summary import Exposure
from tests.ledgers import HAND_SCENARIO, usd_to_the_cent, write_parquet, write_scenario

CODES = ["8501104000", "8504400000", "9401610000", "7208100000", "4202920000", "8500000000"]
ORIGINS = ["CN", "VN", "MX"]

lines = st.lists(
    st.tuples(
        st.sampled_from(CODES),
        st.sampled_from(ORIGINS),
        st.one_of(st.just(0.0), usd_to_the_cent(0.01, 1e9)),
        st.dates(dt.date(2017, 6, 1), dt.date(2021, 6, 30)),
    ),
    min_size=1,
    max_size=40,
)


@cache
def measures(rule: str) -> Measures:
    with tempfile.TemporaryDirectory() as folder:
        return load_measures(write_scenario(Path(folder), HAND_SCENARIO % {"rule": rule}))


def price(
    rule: str,
    rows: list[tuple[str, str, float, dt.date]],
    scale: float = 1.0,
    chunk_rows: int = 1000,
) -> Exposure:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        codes, origins, values, days = zip(*rows, strict=True)
        ledger = write_parquet(
            root,
            {
                "hts_code": list(codes),
                "country_of_origin": list(origins),
                "customs_value_usd": pa.array(np.array(values) * scale),
                "entry_date": list(days),
            },
        )
        return price_ledger([measures(rule)], LedgerReader(ledger, chunk_rows=chunk_rows))


def totals(exposure: Exposure) -> np.ndarray:
    row = exposure.table("total").iloc[0]
    return np.array([row["imports_usd"], row["base_duty_usd"], row["additional_duty_usd"]])


@settings(max_examples=25, deadline=None)
@given(lines, st.integers(1, 1000))  # values stay to the cent
def test_duty_is_linear_in_value_and_not_negative(rows, scale) -> None:
    once, scaled = totals(price("max", rows)), totals(price("max", rows, scale))
    assert (once >= 0).all()
    assert_allclose(scaled, once * scale, rtol=1e-9, atol=1e-6)


@settings(max_examples=25, deadline=None)
@given(lines, st.integers(1, 7))
def test_chunk_size_does_not_matter(rows, chunk_rows) -> None:
    # exactly: values are summed in whole cents, duties as one correctly rounded sum
    assert (totals(price("add", rows, chunk_rows=chunk_rows)) == totals(price("add", rows))).all()


@settings(max_examples=25, deadline=None)
@given(lines)
def test_max_never_exceeds_add_and_tables_agree(rows) -> None:
    by_max, by_add = price("max", rows), price("add", rows)
    assert totals(by_max)[2] <= totals(by_add)[2] * (1 + 1e-12) + 1e-9
    for exposure in (by_max, by_add):
        total = totals(exposure)
        for table in ("measure", "period"):
            frame = exposure.table(table)
            assert_allclose(frame["additional_duty_usd"].sum(), total[2], rtol=1e-9, atol=1e-6)
            assert_allclose(frame["base_duty_usd"].sum(), total[1], rtol=1e-9, atol=1e-6)
        covered = (
            exposure.table("total")["lines"].item() - exposure.table("uncovered")["lines"].item()
        )
        assert covered == sum(1 for c, o, _, _ in rows if o == "CN" and c[:2] in ("85", "94", "72"))
        # The uncovered lines by HTS chapter add up to the uncovered lines, chapter by chapter.
        uncovered, chapters = (
            exposure.table("uncovered").iloc[0],
            exposure.table("uncovered_chapter"),
        )
        assert chapters["lines"].sum() == uncovered["lines"]
        assert_allclose(chapters["imports_usd"].sum(), uncovered["imports_usd"], rtol=1e-12)
        expected = Counter(
            c[:2] for c, o, _, _ in rows if not (o == "CN" and c[:2] in ("85", "94", "72"))
        )
        assert dict(zip(chapters["key"], chapters["lines"], strict=True)) == expected


def test_zero_rates_give_zero_additional_duty() -> None:
    scenario = measures("max")
    m = compile_measures(
        scenario.scenario.model_copy(
            update={
                "tranches": {
                    k: t.model_copy(update={"schedule": {}})
                    for k, t in scenario.scenario.tranches.items()
                }
            }
        )
    )
    assert (m.additional_rate == 0).all()
