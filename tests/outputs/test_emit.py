"""emit(): dates stay dates in Parquet and in pandas."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from tariffsim.outputs.emit import emit, with_date_types


def test_parquet_dates_are_dates(tmp_path: Path) -> None:
    days = [dt.date(2019, 1, 1), dt.date(2019, 2, 28), None]
    frame = pd.DataFrame({"day": days, "mixed": ["total", "2019-01-01", None], "x": [1, 2, 3]})
    target = tmp_path / "f.parquet"
    emit("parquet", target, table=str, frame=lambda: frame, payload=dict)
    schema = pq.read_schema(target)
    assert str(schema.field("day").type) == "date32[day]"
    assert "string" in str(schema.field("mixed").type)  # text that looks like dates stays text
    back = pd.read_parquet(target)
    assert str(back["day"].dtype) == "date32[day][pyarrow]"
    assert back["day"].iloc[1] == dt.date(2019, 2, 28)
    assert back["day"].isna().tolist() == [False, False, True]


def test_with_date_types_keeps_values_and_the_input() -> None:
    frame = pd.DataFrame({"day": [dt.date(2020, 2, 29)], "n": [1.5]})
    typed = with_date_types(frame)
    assert typed["day"].iloc[0] == dt.date(2020, 2, 29)
    assert frame["day"].dtype == object  # the caller's frame is not changed
    assert typed["n"].dtype == frame["n"].dtype
