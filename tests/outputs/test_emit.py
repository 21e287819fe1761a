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


def test_result_frames_are_written_as_text_and_dates(tmp_path: Path) -> None:
    # result frames hold text as categoricals and days as datetime64 midnights; the
    # file holds them as text and dates, as it always did
    frame = pd.DataFrame(
        {
            "tranche": pd.Categorical(["list1", "list3", None]),
            "day": pd.to_datetime(["2019-01-01", "2019-02-28", None]).astype("datetime64[s]"),
            "at": pd.to_datetime(["2019-01-01 12:00", "2019-01-02 00:00", None]),
        }
    )
    target = tmp_path / "f.parquet"
    emit("parquet", target, table=str, frame=lambda: frame, payload=dict)
    schema = pq.read_schema(target)
    assert str(schema.field("tranche").type) == "large_string"
    assert str(schema.field("day").type) == "date32[day]"
    assert str(schema.field("at").type).startswith("timestamp")  # a time of day: kept
    back = pd.read_parquet(target)
    assert back["tranche"].tolist()[:2] == ["list1", "list3"]
    assert back["tranche"].isna().tolist() == [False, False, True]
    assert back["day"].iloc[1] == dt.date(2019, 2, 28)
