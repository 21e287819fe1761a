"""Small scenarios and ledgers for the ledger-exposure tests, written into tmp_path."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import strategies as st

HAND_SCENARIO = """\
title: hand-computed ledger case
as_of: 2019-01-01
horizon: {start: 2019-01-01, end: 2019-12-31, step: month}
stacking: {section301: %(rule)s}
tranches:
  a:
    label: A
    importer: US
    exporter: CN
    imports: 100 USD/year
    base_rate: 2 %%
    authority: section301
    products: ["8501", "9401.61"]
    schedule:
      2019-01-01: 10 %%
      2019-07-01: 25 %%
  b:
    label: B
    importer: US
    exporter: CN
    imports: 100 USD/year
    base_rate: 3 %%
    authority: section301
    products: ["85"]
    schedule:
      2019-03-01: 15 %%
  c:
    label: C
    importer: US
    exporter: CN
    imports: 100 USD/year
    authority: section232
    products: ["7208"]
    schedule:
      2018-03-23: 25 %%
"""

HEADER = ("hts_code", "country_of_origin", "customs_value_usd", "entry_date", "sku")
HAND_LINES = [
    ("8501.10.4000", "CN", "1000", "2019-02-15", "S1"),  # a 10 %, b not yet: 100; base 3 % (b)
    ("8501104000", "CN", "1000", "2019-07-01", "S1"),  # a 25 %, b 15 %: max 250, add 400
    ("8504400000", "CN", "2000", "2019-04-01", "S2"),  # b 15 %: 300; base 60
    ("9401610000", "VN", "500", "2019-08-01", "S3"),  # not from CN: uncovered
    ("9401611000", "cn", "400", "2018-12-31", "S3"),  # a before its first step: 0; base 8
    ("7208100000", "CN", "1000", "2019-05-05", "S3"),  # c 25 %: 250
    ("4202920000", "CN", "100", "2019-02-20", "S3"),  # no measure: uncovered
]


def usd_to_the_cent(low: float, high: float) -> st.SearchStrategy[float]:
    """Customs values [USD] to the cent, as a ledger holds them (the reader rounds to the cent)."""
    return st.integers(round(low * 100), round(high * 100)).map(lambda cents: cents / 100)


def write_scenario(folder: Path, text: str, name: str = "s.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_csv(
    folder: Path,
    rows: Sequence[Sequence[str]],
    header: Sequence[str] = HEADER,
    name: str = "ledger.csv",
) -> Path:
    path = folder / name
    lines = [",".join(header), *(",".join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_parquet(
    folder: Path, columns: dict[str, pa.Array | list[object]], name: str = "ledger.parquet"
) -> Path:
    path = folder / name
    pq.write_table(pa.table(columns), path)
    return path


ONE_FLOW_SCENARIO = """\
title: one flow, two steps
as_of: 2019-01-01
horizon: {start: 2019-01-01, end: 2019-12-31, step: month}
tranches:
  a:
    label: A
    importer: US
    exporter: CN
    imports: 120 USD/year
    base_rate: 2 %
    products: ["8501"]
    schedule:
      2019-01-01: 10 %
      2019-07-01: 25 %
"""
"""A scenario every command runs (``run``, ``sweep`` branches, ``backtest``): one flow."""
