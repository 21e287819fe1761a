"""Tables of columns: pandas' grouped sums to the bit, records and frames from codes."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tariffsim.model.tables import (
    Coded,
    Table,
    constant,
    factorized,
    group_sums,
    ids_in_order,
    repeated,
    sequence_sum,
    tiled,
)

money = (
    # −0.0 left out: pandas' sum of negative zeros comes out −0.0 or 0.0 depending on how
    # many there are ([−0.0] and [−0.0, −0.0] differ); this sum gives 0.0, a zero either way.
    # Every other value must match to the bit
    st.floats(min_value=-1e12, max_value=1e12).filter(lambda x: x != 0 or str(x) == "0.0")
    | st.just(float("nan"))
)


@settings(max_examples=60, deadline=None)
@given(
    values=hnp.arrays(np.float64, st.tuples(st.integers(1, 30), st.integers(1, 4)), elements=money),
    data=st.data(),
)
def test_group_sums_are_pandas_groupby_sums_bit_for_bit(
    values: np.ndarray, data: st.DataObject
) -> None:
    # pandas adds a group one of two ways (reduceat when its ids are in order and nothing
    # is NaN, else compensated): both are drawn, groups sorted or not, with NaN or not
    n_groups = data.draw(st.integers(1, 5))
    labels = st.integers(0, n_groups - 1)
    groups = np.array(data.draw(st.lists(labels, min_size=len(values), max_size=len(values))))
    if data.draw(st.booleans()):
        groups = np.sort(groups)
    if data.draw(st.booleans()):
        values = np.nan_to_num(values)
    ours = group_sums(values, groups, n_groups)
    theirs = pd.DataFrame(values).groupby(groups).sum().reindex(range(n_groups), fill_value=0.0)
    assert ours.tobytes() == theirs.to_numpy().tobytes()


@settings(max_examples=60, deadline=None)
@given(st.lists(money, min_size=1, max_size=40))
def test_sequence_sum_is_a_pandas_sum_bit_for_bit(values: list[float]) -> None:
    # a row of another group in between: pandas' ids out of order, so it compensates
    groups = [0, 1] + [0] * (len(values) - 1)
    cells = [values[0], 5.0, *values[1:]]
    theirs = pd.Series(cells).groupby(groups).sum().iloc[0]
    assert np.float64(sequence_sum(values)).tobytes() == np.float64(theirs).tobytes()


def test_pandas_own_ways_differ_so_both_are_needed() -> None:
    hexes = ["0x1.881bfafa0715cp+39", "-0x1.0fe969fad0a14p+39", "-0x1.cf65f23e20845p+39"]
    a, b, c = (float.fromhex(h) for h in hexes)  # a + b exact, then one rounding or another
    values = np.array([[a], [b], [c]])
    in_order = group_sums(values, np.array([0, 0, 0]), 1)[0, 0]
    scattered = group_sums(np.array([[a], [9.0], [b], [c]]), np.array([0, 1, 0, 0]), 2)[0, 0]
    assert in_order == a + (b + c) == pd.Series([a, b, c]).groupby([0, 0, 0]).sum().iloc[0]
    assert scattered == (a + b) + c != in_order
    assert scattered == pd.Series([a, 9.0, b, c]).groupby([0, 1, 0, 0]).sum().iloc[0]


def test_ids_in_order_when_rows_stand_for_several_periods() -> None:
    assert ids_in_order(np.array([0, 1, 2]), 12)
    assert not ids_in_order(np.array([0, 0, 1]), 12)  # ids 0..11, 0..11: back to the start
    assert ids_in_order(np.array([0, 0, 1]), 1)
    assert not ids_in_order(np.array([1, 0]), 1)


def test_compensation_keeps_what_plain_addition_loses() -> None:
    # 1 + 1e-16 + 1e-16 ...: each small term alone is below half an ulp of 1
    values = [1.0] + [1e-16] * 10
    assert sum(values) == 1.0
    assert sequence_sum(values) == math.fsum(values) > 1.0


def test_codes_place_values() -> None:
    assert repeated(["a", "b"], 2).cells() == ["a", "a", "b", "b"]
    assert tiled(["a", "b"], 2).cells() == ["a", "b", "a", "b"]
    assert constant("x", 3).cells() == ["x", "x", "x"]
    coded = factorized(["b", "a", "b", "c"])
    assert coded.values == ["b", "a", "c"]
    assert coded.codes.tolist() == [0, 1, 0, 2]


def _table() -> Table:
    days = [dt.date(2019, 1, 1), dt.date(2019, 2, 1)]
    return Table(
        4,
        {
            "mode": repeated(["static", "behavioural"], 2),
            "day": tiled(days, 2),
            "note": Coded(np.array([0, 1, 0, 1]), ["x", None]),
            "n": np.array([1, 2, 3, 4]),
            "v": np.array([0.5, np.nan, 2.0, 3.0]),
        },
    )


def test_records_are_pandas_records_of_the_same_cells() -> None:
    table = _table()
    frame = pd.DataFrame({c: pd.Series(table.cells(c), dtype=object) for c in table.columns})
    frame = frame.astype({"n": np.int64, "v": np.float64})
    expected = frame.to_dict(orient="records")
    got = table.records()
    assert [list(r) for r in got] == [list(r) for r in expected]
    for ours, theirs in zip(got, expected, strict=True):
        for key in ours:
            a, b = ours[key], theirs[key]
            assert a == b or (a != a and b != b), key
            assert type(a) is type(b) or a is None, key


def test_frames_hold_categories_and_datetimes() -> None:
    frame = _table().to_frame()
    assert isinstance(frame["mode"].dtype, pd.CategoricalDtype)
    assert list(frame["mode"].cat.categories) == ["static", "behavioural"]
    assert frame["mode"].tolist() == ["static", "static", "behavioural", "behavioural"]
    assert str(frame["day"].dtype) == "datetime64[s]"
    assert frame["day"].dt.date.tolist() == [dt.date(2019, 1, 1), dt.date(2019, 2, 1)] * 2
    assert frame["note"].isna().tolist() == [False, True, False, True]
    assert frame["n"].dtype == np.int64
    assert frame["v"].isna().tolist() == [False, True, False, False]


def test_a_frame_of_codes_is_smaller_than_one_of_objects() -> None:
    n = 10_000
    table = Table(n, {"tranche": repeated([f"list{i}" for i in range(10)], n // 10)})
    coded = table.to_frame().memory_usage(deep=True).sum()
    plain = pd.DataFrame({"tranche": np.array(table.cells("tranche"), dtype=object)})
    assert coded < plain.memory_usage(deep=True).sum() / 5
