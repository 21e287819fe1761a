"""The cents ``exposure`` shows do not depend on the order, chunks or keys the lines are summed by.

The same lines, shuffled and read in chunks of any size, priced with or without a line sink
(per-line path or joint cells), under one tranche or the same policy split into two tranches
(other keys, other groupings of the sums) and by month or by quarter: the text shows the same
cents. Values are checked to be the exact sums, duties within half a cent of the exact
Σ value × rate computed with fractions.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import tempfile
from fractions import Fraction
from functools import cache
from pathlib import Path

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.ledger.coverage import Measures, load_measures
from tariffsim.ledger.pricing import Exposure, price_ledger
from tariffsim.ledger.reader import LedgerReader
from tariffsim.ledger.report import render_exposure
from tests.ledgers import ONE_FLOW_SCENARIO, write_parquet, write_scenario

ONE = ONE_FLOW_SCENARIO.replace("    products:", "    authority: section301\n    products:")
"""One tranche (Section 301): 10 %, then 25 % from 1 July 2019, on an MFN of 2 %, on 8501."""
TRANCHE = ONE[ONE.index("  a:") :]
SPLIT = ONE.replace("step: month", "step: quarter").replace(
    '["8501"]', '["8501.10"]'
) + TRANCHE.replace("  a:", "  b:").replace('["8501"]', '["8501.20", "8501.31"]')
"""The same policy as two tranches of one authority: other keys, the same rate on every line."""

CODES = ["8501104000", "8501200000", "8501310000", "9401610000"]
COVERED = ("8501",)
ORIGINS = ["CN", "VN"]
SWITCH = dt.date(2019, 7, 1)
FIRST, LAST = dt.date(2019, 1, 1), dt.date(2019, 12, 31)

# small amounts make half-cent duties (5 cents at 10 %) common
cents = st.one_of(st.integers(0, 99), st.integers(0, 10**11))
line = st.tuples(st.sampled_from(CODES), st.sampled_from(ORIGINS), cents, st.dates(FIRST, LAST))
lines = st.lists(line, min_size=1, max_size=60)


@cache
def measures(text: str) -> Measures:
    with tempfile.TemporaryDirectory() as folder:
        return load_measures(write_scenario(Path(folder), text))


def price(
    text: str, rows: list[tuple[str, str, int, dt.date]], chunk_rows: int, sink: bool
) -> Exposure:
    with tempfile.TemporaryDirectory() as folder:
        codes, origins, cents, days = zip(*rows, strict=True)
        ledger = write_parquet(
            Path(folder),
            {
                "hts_code": list(codes),
                "country_of_origin": list(origins),
                "customs_value_usd": pa.array([c / 100 for c in cents], pa.float64()),
                "entry_date": list(days),
            },
        )
        reader = LedgerReader(ledger, chunk_rows=chunk_rows)
        return price_ledger([measures(text)], reader, sink=(lambda *_: None) if sink else None)


def shown(exposure: Exposure) -> list[str]:
    """The money lines of the text, without the scenario's name and title or the measures."""
    text = render_exposure(exposure).splitlines()
    return [x for x in text if re.match(r"  (\d[\d,]* lines?|not covered|by authority)", x)]


def amounts(line: str) -> list[Fraction]:
    return [Fraction(x.replace(",", "")) for x in re.findall(r"\$([\d,]+\.\d\d)", line)]


@settings(max_examples=60, deadline=None)
@given(
    rows=lines,
    chunk_rows=st.integers(1, 8),
    sink=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_cents_shown_do_not_depend_on_how_lines_are_summed(
    rows: list[tuple[str, str, int, dt.date]], chunk_rows: int, sink: bool, seed: int
) -> None:
    reference = shown(price(ONE, rows, 1000, False))
    shuffled = list(rows)
    random.Random(seed).shuffle(shuffled)
    assert shown(price(ONE, shuffled, chunk_rows, sink)) == reference
    assert shown(price(SPLIT, shuffled, chunk_rows, not sink)) == reference

    # independently: value to the cent exactly, duty within half a cent of the exact sum
    def rate(code: str, origin: str, day: dt.date) -> tuple[Fraction, Fraction]:
        if origin != "CN" or not code.startswith(COVERED):
            return Fraction(0), Fraction(0)
        return Fraction(0.02), Fraction(0.25 if day >= SWITCH else 0.1)

    value = sum((Fraction(c, 100) for _, _, c, _ in rows), Fraction(0))
    base = sum((Fraction(c, 100) * rate(k, o, d)[0] for k, o, c, d in rows), Fraction(0))
    additional = sum((Fraction(c, 100) * rate(k, o, d)[1] for k, o, c, d in rows), Fraction(0))
    uncovered = sum(
        (Fraction(c, 100) for k, o, c, _ in rows if rate(k, o, SWITCH)[1] == 0), Fraction(0)
    )
    total_line, uncovered_line = reference[0], reference[1]
    shown_value, shown_duty, shown_base, shown_additional = amounts(total_line)
    assert shown_value == value
    assert amounts(uncovered_line) == [uncovered]
    half_cent = Fraction(1, 200) + Fraction(1, 10**9)
    for got, exact in (
        (shown_duty, base + additional),
        (shown_base, base),
        (shown_additional, additional),
    ):
        assert abs(got - exact) <= half_cent
