"""JSON with lists of records written in chunks: the text of the whole document, byte for byte."""

from __future__ import annotations

import datetime as dt
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from tariffsim.outputs.files import to_json_text
from tariffsim.outputs.json_rows import LazyRows, json_chunks

cells = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_infinity=False)
    | st.text(max_size=5)
    | st.dates()
)
records = st.lists(st.dictionaries(st.text(min_size=1, max_size=4), cells, max_size=4), max_size=6)


def lazy(rows: list[dict[str, object]], size: int) -> LazyRows:
    return LazyRows(lambda: (rows[i : i + size] for i in range(0, len(rows), size)))


@settings(max_examples=80, deadline=None)
@given(records, records, st.integers(1, 4), st.sampled_from([0, 1, 2]))
def test_the_text_of_the_whole_list(
    rows: list[dict[str, object]], others: list[dict[str, object]], size: int, depth: int
) -> None:
    whole: object = {"periods": rows, "n": 3}
    chunked: object = {"periods": lazy(rows, size), "n": 3}
    for level in range(depth):  # the list inside records inside a list, as run writes it
        whole = [{"record": level, "inner": whole, "more": others}]
        chunked = [{"record": level, "inner": chunked, "more": others}]
    assert "".join(json_chunks(chunked)) == to_json_text(whole)


def test_two_lists_empty_ones_and_values_made_plain() -> None:
    rows = [{"day": dt.date(2019, 1, 1), "x": math.nan}, {"day": dt.date(2019, 2, 1), "x": 1.5}]
    payload = {"a": lazy(rows, 1), "b": lazy([], 5), "c": "\x00rows:0\x00 is text"}
    text = "".join(json_chunks(payload))
    assert text == to_json_text({"a": rows, "b": [], "c": "\x00rows:0\x00 is text"})
    assert json.loads(text)["a"][0] == {"day": "2019-01-01", "x": None}


def test_records_are_made_only_when_written() -> None:
    made: list[int] = []

    def chunks():  # type: ignore[no-untyped-def]
        for i in range(3):
            made.append(i)
            yield [{"i": i}]

    pieces = json_chunks({"rows": LazyRows(chunks)})
    assert made == []
    "".join(pieces)
    assert made == [0, 1, 2]
