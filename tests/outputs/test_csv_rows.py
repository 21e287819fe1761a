"""CSV from tables of columns: the bytes pandas' ``to_csv`` writes, chunk by chunk."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.model.tables import Coded, Table, tiled
from tariffsim.outputs import csv_rows
from tariffsim.outputs.csv_rows import column_union, csv_text, quoted
from tariffsim.outputs.text import csv_text as frame_csv_text

texts = st.text(alphabet=st.sampled_from(list('ab ,"\n\r;é→$%')), max_size=6)
floats = st.floats(allow_nan=True, allow_infinity=True, width=64)
days = st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31))


def pandas_csv(table: Table, names: list[str]) -> str:
    """The same cells in a pandas frame, written the way the files were written before."""
    frame = pd.DataFrame(
        {
            n: pd.Series(table.cells(n), dtype=object)
            if isinstance(table.columns[n], Coded)
            else table.columns[n]
            for n in names
        }
    )
    return frame_csv_text(frame)


@settings(max_examples=80, deadline=None)
@given(
    data=st.data(),
    n=st.integers(0, 12),
)
def test_the_bytes_of_pandas_to_csv(data: st.DataObject, n: int) -> None:
    words = data.draw(st.lists(texts | st.none(), min_size=1, max_size=4))
    when = data.draw(st.lists(days, min_size=1, max_size=3))
    table = Table(
        n,
        {
            "text": Coded(
                np.array(
                    data.draw(st.lists(st.integers(0, len(words) - 1), min_size=n, max_size=n)),
                    dtype=np.int64,
                ),
                words,
            ),
            "day": Coded(
                np.array(
                    data.draw(st.lists(st.integers(0, len(when) - 1), min_size=n, max_size=n)),
                    dtype=np.int64,
                ),
                when,
            ),
            "value": np.array(
                data.draw(st.lists(floats, min_size=n, max_size=n)), dtype=np.float64
            ),
            "days": np.array(
                data.draw(st.lists(st.integers(-(2**40), 2**40), min_size=n, max_size=n)),
                dtype=np.int64,
            ),
            "flag": np.array(
                data.draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool
            ),
        },
    )
    names = list(table.columns)
    assert "".join(csv_text([table], names)) == pandas_csv(table, names)


def test_chunks_join_to_the_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    table = Table(7, {"row": Coded(np.arange(7) % 2, ["a", "b,c"]), "v": np.arange(7) / 4})
    whole = "".join(csv_text([table], ["row", "v"]))
    monkeypatch.setattr(csv_rows, "CHUNK_ROWS", 3)
    chunks = list(csv_text([table], ["row", "v"]))
    assert len(chunks) == 1 + 3  # the header, then rows 0-2, 3-5 and 6
    assert "".join(chunks) == whole
    assert chunks[2] == '"b,c",0.750000\na,1.000000\n"b,c",1.250000\n'
    assert chunks[3] == "a,1.500000\n"


def test_tables_with_other_columns_leave_gaps() -> None:
    first = Table(2, {"a": np.array([1.5, 2.0]), "b": tiled(["x", "y"], 1)})
    second = Table(1, {"a": np.array([3.0]), "c": np.array([np.nan])})
    names = column_union([first, second])
    assert names == ["a", "b", "c"]
    assert "".join(csv_text([first, second], names)) == (
        "a,b,c\n1.500000,x,\n2.000000,y,\n3.000000,,\n"
    )


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("plain", "plain"),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("", ""),
        ("x\ny", '"x\ny"'),
    ],
)
def test_quoting_is_the_csv_modules(text: str, field: str) -> None:
    assert quoted(text) == field
