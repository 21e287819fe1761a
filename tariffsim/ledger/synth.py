"""Synthetic import ledgers that look like a real importer's, for trying and testing.

A ledger is drawn in three layers, all from one seeded generator:

* suppliers, each in one country of origin (China-heavy weights, :data:`ORIGINS`);
* SKUs, each with one HTS-10 code (heading-weighted, :data:`HEADINGS`) and one
  supplier; SKU popularity is Zipf-like, so a few SKUs carry many lines;
* lines: a SKU, an entry date with the seasonal month profile of US imports
  from China (:data:`SEASON`: an autumn peak, a Lunar New Year dip in February) and
  a log-normal customs value (median ≈ 8,000 USD, a long right tail).

The HTS codes have real four-digit headings but random lower digits, so they
look like HTS-10 codes without claiming to exist. The weights are rough
shapes chosen for realism, not statistics. Pure generation into Arrow record
batches; writing is done by :func:`write_ledger` through
:func:`tariffsim.outputs.files.write_atomic`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa

from tariffsim.errors import TariffsimError
from tariffsim.model.timeline import day_number
from tariffsim.outputs.files import write_atomic

HEADINGS = {
    # machinery, motors, vehicle parts, medical devices
    "8481": 1.5, "8413": 1, "8501": 1.5, "8504": 1, "8708": 1.5, "9018": 1,
    # semiconductors, plastic tubes and sheets, trailers
    "8541": 1, "8542": 0.5, "3917": 0.5, "3920": 0.5, "8716": 0.5,
    # furniture, lamps, bags, appliances, hardware, tyres, computer parts, wiring
    "9401": 4, "9403": 4, "9405": 3, "4202": 3, "8418": 1.5, "8516": 2.5, "8450": 0.5,
    "7318": 2, "7326": 2, "7323": 1.5, "4011": 1.5, "4819": 1, "8302": 2, "8473": 3,
    "8544": 2, "8536": 2, "3924": 1.5, "4412": 1, "0304": 0.5, "2933": 0.5, "8415": 1,
    "8467": 1,
    # computers, phones, toys, screens, apparel, footwear, consoles and other consumer goods
    "8471": 12, "8517": 10, "9503": 6, "8528": 3, "6110": 2, "6204": 1.5, "6402": 2,
    "6404": 1, "9506": 1.5, "8443": 2, "8525": 1, "8518": 1.5, "6302": 1, "9504": 2,
    "8509": 1, "3926": 1.5,
}  # fmt: skip
"""HTS heading → relative weight of its SKUs [%]: roughly the make-up of US imports from China
in 2017, computers and phones about a fifth (US Census Bureau, "Trade in Goods with China";
rounded by the tariffsim authors, not statistics)."""

ORIGINS = {
    "CN": 45, "VN": 10, "MX": 8, "DE": 5, "JP": 5, "KR": 4, "TW": 4, "IN": 4, "TH": 3,
    "IT": 3, "CA": 3, "MY": 2, "ID": 2, "FR": 1, "GB": 1,
}  # fmt: skip
"""Country of origin → relative weight of its suppliers."""

SEASON = np.array([41.3, 32.8, 34.2, 37.4, 41.8, 42.3, 43.6, 45.8, 45.4, 48.1, 48.1, 44.4])
"""Relative lines per month, January first: US goods imports from China in 2017 [billion USD]
(US Census Bureau, "Trade in Goods with China", not seasonally adjusted)."""

VALUE_MEDIAN = 8_000.0
"""Median customs value of a line [USD]."""
VALUE_SIGMA = 1.4
"""Standard deviation of the log of a line's value [1]."""
COLUMN_NAMES = (
    "hts_code",
    "country_of_origin",
    "customs_value_usd",
    "entry_date",
    "sku",
    "supplier",
)


def _weights(table: Mapping[str, float]) -> tuple[list[str], np.ndarray]:
    names = list(table)
    weights = np.array([table[n] for n in names], dtype=np.float64)
    return names, weights / weights.sum()


def synthetic_batches(
    rows: int,
    seed: int = 0,
    start: dt.date = dt.date(2019, 1, 1),
    end: dt.date = dt.date(2019, 12, 31),
    chunk_rows: int = 1_000_000,
) -> Iterator[pa.RecordBatch]:
    """Record batches of a synthetic ledger with the columns of :data:`COLUMN_NAMES`.

    Parameters
    ----------
    rows : number of ledger lines.
    seed : seed of the random generator; the same seed gives the same ledger.
    start, end : first and last entry date (inclusive).
    chunk_rows : lines per batch.
    """
    if rows < 1:
        raise TariffsimError(f"expected at least 1 row, got {rows}", field="--rows")
    if end < start:
        raise TariffsimError(f"end {end} is before start {start}", field="--end")
    rng = np.random.default_rng(seed)
    n_suppliers = int(np.clip(rows // 2_000, 20, 5_000))
    n_skus = int(np.clip(rows // 100, 50, 100_000))
    countries, country_w = _weights(ORIGINS)
    supplier_country = rng.choice(len(countries), size=n_suppliers, p=country_w)
    headings, heading_w = _weights(HEADINGS)
    sku_heading = rng.choice(len(headings), size=n_skus, p=heading_w)
    sku_codes = [f"{headings[h]}{rng.integers(0, 10**6):06d}" for h in sku_heading]
    sku_supplier = rng.integers(0, n_suppliers, size=n_skus)
    popularity = 1.0 / np.arange(1, n_skus + 1) ** 0.8
    popularity /= popularity.sum()

    days = np.arange(day_number(start), day_number(end) + 1)
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
    day_w = SEASON[months] / SEASON[months].sum()

    codes, sku_code = np.unique(np.array(sku_codes), return_inverse=True)
    code_dict = pa.array(codes.tolist())
    country_dict = pa.array(countries)
    sku_dict = pa.array([f"SKU-{i:06d}" for i in range(n_skus)])
    supplier_dict = pa.array([f"SUP-{i:05d}" for i in range(n_suppliers)])
    done = 0
    while done < rows:
        n = min(chunk_rows, rows - done)
        sku = rng.choice(n_skus, size=n, p=popularity).astype(np.int32)
        supplier = sku_supplier[sku].astype(np.int32)
        value = np.round(VALUE_MEDIAN * rng.lognormal(0.0, VALUE_SIGMA, size=n), 2)
        day = rng.choice(days, size=n, p=day_w).astype(np.int32)
        yield pa.RecordBatch.from_arrays(
            [
                pa.DictionaryArray.from_arrays(pa.array(sku_code[sku].astype(np.int32)), code_dict),
                pa.DictionaryArray.from_arrays(
                    pa.array(supplier_country[supplier].astype(np.int32)), country_dict
                ),
                pa.array(value),
                pa.array(day, pa.int32()).cast(pa.date32()),
                pa.DictionaryArray.from_arrays(pa.array(sku), sku_dict),
                pa.DictionaryArray.from_arrays(pa.array(supplier), supplier_dict),
            ],
            names=list(COLUMN_NAMES),
        )
        done += n


def write_ledger(path: str | Path, batches: Iterator[pa.RecordBatch]) -> Path:
    """Write ledger batches atomically to ``.parquet`` or ``.csv`` (by the suffix)."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise TariffsimError(
            "expected a file name ending in .parquet or .csv", file=target, field="--output"
        )

    def render(tmp: Path) -> None:
        first = next(batches)
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            with pq.ParquetWriter(tmp, first.schema) as writer:
                writer.write_batch(first)
                for batch in batches:
                    writer.write_batch(batch)
            return
        from pyarrow import csv as pacsv

        plain = pa.schema(
            [
                pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type)
                for f in first.schema
            ]
        )
        with pacsv.CSVWriter(tmp, plain) as writer:
            for batch in itertools.chain([first], batches):
                writer.write_batch(batch.cast(plain))

    return write_atomic(target, render)


def parse_day(text: str, option: str) -> dt.date:
    """An ISO date from a command-line option."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise TariffsimError(
            f"expected a date like 2019-01-01, got {text!r}", field=option
        ) from None
