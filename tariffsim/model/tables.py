"""A result's tables as plain columns: what the CSV, JSON and frame outputs are made from.

A :class:`Table` holds n rows as columns: numbers as (n,) numpy arrays, and text or
dates as :class:`Coded` columns (a code per row into a short list of distinct values),
because a row's scenario, mode, tranche and dates repeat over thousands of rows. CSV,
JSON records and (only when asked) a pandas frame with categorical columns are
rendered from it. The sums here follow pandas' grouped sums to the bit (compensated
summation in row order, NaN skipped), so files written from a table carry the same
bytes as the frames they replace.

No pandas at import; no file I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Coded:
    """A column of repeated values: row i holds ``values[codes[i]]``.

    ``values`` are text, ``datetime.date`` or None (a missing cell).
    """

    codes: np.ndarray
    values: Sequence[Any]

    def cells(self) -> list[Any]:
        """The n cells as Python objects."""
        shared = np.empty(len(self.values), dtype=object)
        shared[:] = list(self.values)
        cells: list[Any] = shared[self.codes].tolist()
        return cells


Column = np.ndarray | Coded
"""A table column: numbers as an (n,) array, repeated text or dates as :class:`Coded`."""


def code_type(count: int) -> type[np.signedinteger[Any]]:
    """The smallest signed integer type holding codes 0 … ``count`` − 1 (and −1 for none):
    a code costs one or two bytes a row, not eight."""
    for kind in (np.int8, np.int16, np.int32):
        if count <= np.iinfo(kind).max:
            return kind
    return np.int64


def repeated(values: Sequence[Any], times: int) -> Coded:
    """Each of ``values`` ``times`` times in a row: ``a a b b`` (the rows of a result)."""
    return Coded(np.repeat(np.arange(len(values), dtype=code_type(len(values))), times), values)


def tiled(values: Sequence[Any], times: int) -> Coded:
    """All of ``values``, ``times`` times over: ``a b a b`` (the periods of each row)."""
    return Coded(np.tile(np.arange(len(values), dtype=code_type(len(values))), times), values)


def constant(value: Any, n: int) -> Coded:
    """One value on every row (the codes a read-only view of one zero: no memory a row)."""
    return Coded(np.broadcast_to(np.int8(0), (n,)), [value])


def factorized(cells: Sequence[Any]) -> Coded:
    """Any sequence of hashable cells as codes into its distinct values (first-seen order)."""
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(c, len(index)) for c in cells), np.int64, len(cells))
    return Coded(codes.astype(code_type(len(index))), list(index))


@dataclass(frozen=True)
class Table:
    """n rows of named columns, in order."""

    n: int
    columns: dict[str, Column]

    def cells(self, name: str) -> list[Any]:
        """One column as Python objects: str, ``datetime.date``, float, int, bool or None."""
        column = self.columns[name]
        if isinstance(column, Coded):
            return column.cells()
        cells: list[Any] = column.tolist()
        return cells

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts of Python objects (pandas' ``to_dict(orient="records")``)."""
        names = list(self.columns)
        return [dict(zip(names, row, strict=True)) for row in self.rows()]

    def record_chunks(self, size: int = 50_000) -> Iterator[list[dict[str, Any]]]:
        """:meth:`records` ``size`` rows at a time: a long table is never held as objects whole."""
        names = list(self.columns)
        for start in range(0, self.n, size):
            stop = min(start + size, self.n)
            cells = [_cells(self.columns[c], start, stop) for c in names]
            yield [dict(zip(names, row, strict=True)) for row in zip(*cells, strict=True)]

    def rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows as tuples of Python objects."""
        return zip(*(self.cells(c) for c in self.columns), strict=True)

    def to_frame(self) -> pd.DataFrame:
        """A pandas frame: text as categoricals, dates as ``datetime64[s]``, numbers as they are.

        A coded column holding dates (and no text) becomes datetime64 (None as NaT);
        any other coded column a categorical of its distinct values.
        """
        import pandas as pd

        data: dict[str, Any] = {}
        for name, column in self.columns.items():
            if not isinstance(column, Coded):
                data[name] = column
            elif _all_dates(column.values):
                shared = np.array(
                    [np.datetime64("NaT") if v is None else v for v in column.values],
                    dtype="datetime64[s]",
                )
                data[name] = shared[column.codes]
            else:
                present = [v for v in column.values if v is not None]
                categories = list(dict.fromkeys(present))
                if categories == list(column.values):  # distinct and none missing: as they are
                    # a constant's codes are a read-only view: the frame gets its own
                    codes = column.codes if column.codes.flags.writeable else column.codes.copy()
                else:
                    lookup = {v: i for i, v in enumerate(categories)}
                    remap = [lookup.get(v, -1) for v in column.values] or [0]
                    codes = np.array(remap, code_type(len(categories)))[column.codes]
                data[name] = pd.Categorical.from_codes(codes, categories)
        return pd.DataFrame(data, index=pd.RangeIndex(self.n), columns=list(self.columns))


def _cells(column: Column, start: int, stop: int) -> list[Any]:
    """Rows ``start:stop`` of a column as Python objects."""
    if isinstance(column, Coded):
        return Coded(column.codes[start:stop], column.values).cells()
    cells: list[Any] = column[start:stop].tolist()
    return cells


def _all_dates(values: Sequence[Any]) -> bool:
    present = [v for v in values if v is not None]
    return bool(present) and all(type(v) is dt.date for v in present)


def group_sums(
    values: np.ndarray, groups: np.ndarray, n_groups: int, *, ids_sorted: bool | None = None
) -> np.ndarray:
    """Sums of the rows of ``values`` (N, K) by group, as pandas' ``groupby(...).sum()`` adds them.

    pandas 3 makes a grouped sum one of two ways, and the bits differ: when its group ids
    are in order and no value is NaN, numpy's ``add.reduceat`` over each run of rows (one
    row of its column-major block at a time); otherwise compensated (Kahan) summation in
    row order, NaN skipped. The same way is taken here, so the same bits come out. A group
    without a present value sums to 0.

    Parameters
    ----------
    values : (N, K) numbers.
    groups : (N,) the group of each row, 0 ≤ g < ``n_groups``.
    ids_sorted : whether the group ids pandas sees are in order; by default whether
        ``groups`` are. A caller that lays several of pandas' groups side by side in one
        row (a row's periods) says so itself.

    Returns
    -------
    (n_groups, K) sums.
    """
    n, k = values.shape
    if ids_sorted is None:
        ids_sorted = bool(np.all(groups[1:] >= groups[:-1]))
    total = np.zeros((n_groups, k))
    if n == 0:
        return total
    if ids_sorted and not np.isnan(values).any():
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        # pandas reduces its (K, N) block along the rows' axis: the same memory order here
        block = np.ascontiguousarray(values.T)
        total[groups[starts]] = np.add.reduceat(block, starts, axis=1).T
        return total
    if k == 1:
        sums: dict[int, list[float]] = {}
        for v, g in zip(values[:, 0].tolist(), groups.tolist(), strict=True):
            sums.setdefault(g, []).append(v)
        for g, group in sums.items():
            total[g, 0] = sequence_sum(group)
        return total
    compensation = np.zeros((n_groups, k))
    for row, g in zip(values, groups.tolist(), strict=True):
        present = ~np.isnan(row)
        y = row - compensation[g]
        t = total[g] + y
        c = (t - total[g]) - y
        c[np.isnan(c)] = 0.0  # an infinite value: keep the sum infinite, not NaN
        compensation[g] = np.where(present, c, compensation[g])
        total[g] = np.where(present, t, total[g])
    return total


def ids_in_order(groups: np.ndarray, width: int) -> bool:
    """Whether pandas' group ids are in order when each row of ``groups`` stands for ``width``
    of its rows (one per period), group ``g``'s j-th id being ``g × width + j``."""
    steps = np.diff(groups)
    return bool(np.all(steps > 0) or (width == 1 and np.all(steps >= 0)))


def sequence_sum(values: Sequence[float]) -> float:
    """The compensated sum of ``values`` in order, NaN skipped (pandas' grouped sum of one
    group whose ids are not in order; see :func:`group_sums`)."""
    total = compensation = 0.0
    for v in values:
        if v != v:  # NaN
            continue
        y = v - compensation
        t = total + y
        compensation = (t - total) - y
        if compensation != compensation:
            compensation = 0.0
        total = t
    return total
