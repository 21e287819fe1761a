"""Sum a chunk's lines once for every scenario: the tally in *joint cells*.

Pricing several scenarios needs, per scenario, sums by (period × key) and by SKU
and supplier (:mod:`tariffsim.ledger.pricing`). Those sums are all sums over
groups of lines that every scenario treats alike, so the lines are summed once,
into cells fine enough for every scenario at once:

* the *joint product class* of an HTS code: its chapter and its product class
  under each scenario (tens of classes for tens of thousands of codes);
* the *joint exporter class* of an origin: its exporter class under each scenario;
* the *union segment* of a date: between consecutive change days of any scenario,
  so each scenario's date segment is a function of it;
* the calendar period of each distinct period step of the scenarios.

On a cell (joint class × union segment) every scenario's key is fixed
(:attr:`Joint.keys`), so a scenario's per-key sums are a scatter-add of the
cells' sums, with no further pass over the lines. Per SKU and supplier the lines
are summed by (id, joint class) pair and union segment (:class:`GroupTotals`),
priced once per pair by the caller; an SKU usually has one pair (one HTS code, one
origin). A ledger with too many ids for the pair index is priced line by line by
the caller.

Per chunk this costs a few passes over the lines whatever the number of
scenarios. No file reading; no pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from tariffsim._types import FloatArray, IndexArray, IntArray
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.periods import period_ordinals
from tariffsim.ledger.reader import Chunk
from tariffsim.scenario import hts
from tariffsim.scenario.schema import Step

_CHAPTER = 10 ** (hts.DIGITS - 2)
"""An HTS key divided by this is its chapter (the code's first two digits)."""


def _joint(labels: list[IntArray], n: int) -> tuple[IntArray, IntArray]:
    """Joint class of ``n`` items labelled by several arrays, and the first item of each class.

    Labels are combined one array at a time and renumbered after each, so the
    combined numbers stay below ``n`` times the largest label.
    """
    joint = np.zeros(n, dtype=np.int64)
    for label in labels:
        combined = joint * (int(label.max(initial=0)) + 1) + label
        _, joint = np.unique(combined, return_inverse=True)
        joint = joint.ravel()
    _, first = np.unique(joint, return_index=True)
    return joint, first


@dataclass(frozen=True)
class Joint:
    """The joint classes of one chunk's code and origin dictionaries.

    Attributes
    ----------
    of_code : joint product class of each code of the dictionary, shape (codes,).
    of_origin : joint exporter class of each origin of the dictionary, shape (origins,).
    n_origin_classes : number of joint exporter classes.
    chapter : HTS chapter of each joint class (product × exporter), shape (J,).
    keys : per scenario, its key on each joint class and union segment, shape (J, U).
    """

    of_code: IntArray
    of_origin: IntArray
    n_origin_classes: int
    chapter: IntArray
    keys: list[IntArray]

    @property
    def size(self) -> int:
        return int(self.chapter.size)


@dataclass
class Cells:
    """One chunk's lines summed by joint cell.

    Attributes
    ----------
    joint : the chunk's joint classes.
    low : per period step, the ordinal of the chunk's first period.
    value, lines : per period step, customs value [cents] and lines per
        (period, joint class, union segment), shape (P, J, U).
    cell : each line's joint class, shape (n,).
    segment : each line's union segment, shape (n,).
    """

    joint: Joint
    low: dict[str, int]
    value: dict[str, FloatArray]
    lines: dict[str, FloatArray]
    cell: IntArray
    segment: IntArray


class CellTally:
    """Sums chunks into :class:`Cells` for a list of compiled scenarios.

    The joint classes of a dictionary are computed once and reused while the
    reader hands the same dictionary arrays (:class:`tariffsim.ledger.columns.DictionaryCache`).
    """

    def __init__(self, measures: list[Measures]) -> None:
        self.measures = measures
        self.change_days = np.unique(
            np.concatenate([m.change_days for m in measures] + [np.zeros(0, np.int64)])
        ).astype(np.int64)
        # a day standing for each union segment: the day before the first change, then each change
        first = self.change_days[:1] - 1
        self.segment_day = np.concatenate([first, self.change_days]).astype(np.int64)
        self.steps: list[Step] = list(dict.fromkeys(m.scenario.horizon.step for m in measures))
        self._codes: tuple[Any, IntArray, list[IntArray]] | None = None
        self._origins: tuple[Any, IntArray, list[IntArray], int] | None = None
        self._joint: Joint | None = None

    @property
    def n_segments(self) -> int:
        return int(self.change_days.size) + 1

    def joint(self, chunk: Chunk) -> Joint:
        """The joint classes of the chunk's dictionaries (cached while they repeat)."""
        fresh = False
        if self._codes is None or self._codes[0] is not chunk.hts_keys:
            classes = [m.product_classes(chunk.hts_keys) for m in self.measures]
            chapter = chunk.hts_keys // _CHAPTER
            of_code, first = _joint([chapter, *classes], chunk.hts_keys.size)
            self._codes = (chunk.hts_keys, of_code, [chapter[first], *(c[first] for c in classes)])
            fresh = True
        if self._origins is None or self._origins[0] != chunk.origins:
            classes = [m.exporter_classes(chunk.origins) for m in self.measures]
            of_origin, first = _joint(classes, len(chunk.origins))
            picked = [c[first] for c in classes]
            self._origins = (list(chunk.origins), of_origin, picked, int(first.size))
            fresh = True
        if fresh or self._joint is None:
            _, of_code, code_labels = self._codes
            _, of_origin, origin_labels, n_origin = self._origins
            self._joint = self._build(of_code, code_labels, of_origin, origin_labels, n_origin)
        return self._joint

    def _build(
        self, of_code: IntArray, code_labels: list[IntArray], of_origin: IntArray,
        origin_labels: list[IntArray], n_origin: int,
    ) -> Joint:  # fmt: skip
        chapter, product = code_labels[0], code_labels[1:]
        keys = []
        for m, p, e in zip(self.measures, product, origin_labels, strict=True):
            segment = np.searchsorted(m.change_days, self.segment_day, side="right")
            combo = (p[:, None] * m.n_exporter_classes + e[None, :]).ravel()
            n_segments = m.change_days.size + 1
            keys.append(combo[:, None] * n_segments + segment[None, :])
        return Joint(
            of_code=of_code,
            of_origin=of_origin,
            n_origin_classes=n_origin,
            chapter=np.repeat(chapter, n_origin),
            keys=keys,
        )

    def tally(self, chunk: Chunk) -> Cells:
        """Sum one chunk's lines by joint cell, and by SKU and supplier."""
        joint = self.joint(chunk)
        cell = joint.of_code[chunk.hts_index] * joint.n_origin_classes
        cell += joint.of_origin[chunk.origin_index]
        first = int(chunk.day.min())
        offset = chunk.day - first
        calendar = np.arange(first, int(chunk.day.max()) + 1, dtype=np.int64)
        n_segments = self.n_segments
        segment_of_day = np.searchsorted(self.change_days, calendar, side="right")
        low: dict[str, int] = {}
        value: dict[str, FloatArray] = {}
        lines: dict[str, FloatArray] = {}
        for step in self.steps:
            ordinal = period_ordinals(calendar, step)
            low[step] = int(ordinal[0])
            period = ordinal - ordinal[0]
            n_periods = int(period[-1]) + 1
            day_code = period * n_segments + segment_of_day
            bins = cell * (n_periods * n_segments) + day_code[offset]
            size = joint.size * n_periods * n_segments
            shape = (joint.size, n_periods, n_segments)
            sums = np.bincount(bins, weights=chunk.cents, minlength=size)
            value[step] = np.asarray(sums, dtype=np.float64).reshape(shape).transpose(1, 0, 2)
            lines[step] = (  # counts as floats: they are summed with the values' weights
                np.bincount(bins, minlength=size)
                .astype(np.float64)
                .reshape(shape)
                .transpose(1, 0, 2)
            )
        return Cells(joint, low, value, lines, cell, segment_of_day[offset])


MAX_PAIRS = 2**24
"""Most (id × joint class) slots a :class:`GroupTotals` indexes [1]: 64 MB of int32."""


class GroupTotals:
    """Per (SKU or supplier id, joint class) pair: value per union segment, and lines.

    A line adds to its pair's row; pairs are numbered in order of first appearance
    (chunk by chunk) through a dense index of every (id, class) slot. Most SKUs
    have one joint class (one HTS code, one origin), so each id also remembers its
    first pair (its *home*): while every line of a chunk is in its id's home pair,
    the slot index is not consulted. The totals hold while the joint classes do
    (one set of dictionaries); the caller prices them (:attr:`pair_id`,
    :attr:`pair_cell`, :meth:`sums`) and starts afresh when the classes change.
    """

    def __init__(self, n_cells: int, n_segments: int) -> None:
        self.n_cells = n_cells
        self.n_segments = n_segments
        self.slot = np.full(0, -1, dtype=np.int32)
        self.home = np.full(0, -1, dtype=np.int32)
        self.home_cell = np.full(0, -1, dtype=np.int32)
        self.by_home = True  # until a chunk shows ids of several classes
        self.n_pairs = 0
        self._id = np.zeros(0, dtype=np.int64)
        self._cell = np.zeros(0, dtype=np.int64)
        self._value = np.zeros(0)
        self._lines = np.zeros(0)

    @property
    def pair_id(self) -> IntArray:
        return self._id[: self.n_pairs]

    @property
    def pair_cell(self) -> IntArray:
        return self._cell[: self.n_pairs]

    def sums(self) -> tuple[FloatArray, FloatArray]:
        """Value [cents] per pair and union segment, shape (pairs, U), and lines per pair."""
        shape = (self.n_pairs, self.n_segments)
        return self._value[: self.n_pairs * self.n_segments].reshape(shape), self._lines[
            : self.n_pairs
        ]

    def add(self, ids: IndexArray, cell: IntArray, segment: IntArray, value: FloatArray) -> bool:
        """Add a chunk's lines; False (nothing added) when the index would be too large."""
        n_ids = int(ids.max(initial=-1)) + 1
        if n_ids * self.n_cells > MAX_PAIRS:
            return False
        self._room(n_ids)
        pair = None
        if self.by_home:
            home = self.home[ids]
            at_home = self.home_cell[ids] == cell
            if at_home.all():
                pair = home
            elif np.count_nonzero(~at_home & (home >= 0)) > ids.size // 20:
                self.by_home = False  # ids spread over classes: the slot index is cheaper
        if pair is None:
            key = ids * self.n_cells + cell
            pair = self.slot[key]
            new = pair < 0
            if new.any():
                self._number(key[new])
                pair = self.slot[key]
        bins = pair * self.n_segments + segment
        size = self.n_pairs * self.n_segments
        self._value[:size] += np.bincount(bins, weights=value, minlength=size)
        self._lines[: self.n_pairs] += np.bincount(pair, minlength=self.n_pairs)
        return True

    def _room(self, n_ids: int) -> None:
        if n_ids * self.n_cells > self.slot.size:
            more = n_ids * self.n_cells - self.slot.size
            self.slot = np.concatenate([self.slot, np.full(more, -1, dtype=np.int32)])
        if n_ids > self.home.size:
            more = n_ids - self.home.size
            self.home = np.concatenate([self.home, np.full(more, -1, dtype=np.int32)])
            self.home_cell = np.concatenate([self.home_cell, np.full(more, -1, dtype=np.int32)])

    def _number(self, keys: IntArray) -> None:
        """Number the pairs of slots ``keys`` (repeats allowed) not numbered yet."""
        self.slot[keys] = -2
        fresh = np.flatnonzero(self.slot == -2)
        start, self.n_pairs = self.n_pairs, self.n_pairs + fresh.size
        numbers = np.arange(start, self.n_pairs, dtype=np.int32)
        self.slot[fresh] = numbers
        if self.n_pairs > self._id.size:  # room for twice the pairs, so growth is rare
            room = 2 * self.n_pairs
            self._id = np.resize(self._id, room)
            self._cell = np.resize(self._cell, room)
            self._value = _grown(self._value, room * self.n_segments)
            self._lines = _grown(self._lines, room)
        ids, cells = fresh // self.n_cells, fresh % self.n_cells
        self._id[start : self.n_pairs] = ids
        self._cell[start : self.n_pairs] = cells
        homeless = self.home[ids] < 0  # an id's first pair becomes its home
        self.home[ids[homeless]] = numbers[homeless]
        self.home_cell[ids[homeless]] = cells[homeless]


def _grown(values: FloatArray, size: int) -> FloatArray:
    out = np.zeros(size)
    out[: values.size] = values
    return out
