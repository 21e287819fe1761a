"""The running sums of a ledger's lines under each scenario, and how parts of them merge.

:mod:`tariffsim.ledger.pricing` adds each chunk into a :class:`Sums`; parts priced in
other processes or on a Dask cluster add up with :func:`merge_sums` (in ledger order),
and :mod:`tariffsim.ledger.summary` turns the merged sums into tables. Values are whole
cents and duties fixed-point parts (:mod:`tariffsim.ledger.cents`), so every sum is exact
and the same in any order. No file reading or writing, no pandas.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from tariffsim._types import FloatArray, IndexArray, IntArray
from tariffsim.ledger.cents import (
    PARTS,
    parts_bincount,
)

CHAPTERS = 100
"""HTS chapters are the first two digits of a code: 01 to 99 (00 unused)."""


@dataclass
class ScenarioSums:
    """Running sums of one scenario over a part of the ledger.

    Attributes
    ----------
    value, lines : period ordinal → (keys,) customs value [cents, whole] and line count of the
        lines of each key.
    group_base, group_additional : optional column → per group id, base and additional
        duty [USD] of its lines, as fixed-point parts (ids, :data:`PARTS`)
        (:func:`tariffsim.ledger.cents.fixed_parts`: sums exact in any order).
    chapter_value, chapter_lines : (:data:`CHAPTERS`,) customs value [cents] and lines no
        measure covers, by HTS chapter.
    by_file : whether base duty is MFN by line from an MFN file.
    mfn : period ordinal → (keys, PARTS) MFN duty [USD, parts] of the lines of each key
        (``by_file``).
    mfn_unknown : lines and value [cents] whose HTS-8 line the MFN file lacks or could not
        parse (they pay no MFN).
    mfn_unpriced : HTS-8 code → (rate text, [lines, value [cents], *MFN duty [USD, parts]])
        of lines whose specific MFN part was not priced for want of a quantity (the duty is
        the ad valorem part).
    mfn_estimate : lines, value [cents] and MFN duty [USD, parts] of lines whose specific MFN
        part was priced from their quantity (their ad valorem equivalent is an estimate).
    extra : period ordinal → (keys, PARTS) additional duty of the measures priced line by
        line beyond what their key's rate gives [USD, parts].
    extra_measure : the same by key and measure, (keys, measures, PARTS), empty until needed.
    deposits : entry day [day number] → duty each invalidated measure deposited [USD, parts],
        (M, PARTS).
    """

    value: dict[int, FloatArray] = field(default_factory=dict)
    lines: dict[int, IntArray] = field(default_factory=dict)
    group_base: dict[str, FloatArray] = field(default_factory=dict)
    group_additional: dict[str, FloatArray] = field(default_factory=dict)
    chapter_value: FloatArray = field(default_factory=lambda: np.zeros(CHAPTERS))
    chapter_lines: FloatArray = field(default_factory=lambda: np.zeros(CHAPTERS))
    by_file: bool = False
    mfn: dict[int, FloatArray] = field(default_factory=dict)
    mfn_unknown: FloatArray = field(default_factory=lambda: np.zeros(2))
    mfn_unpriced: dict[str, tuple[str, FloatArray]] = field(default_factory=dict)
    mfn_estimate: FloatArray = field(default_factory=lambda: np.zeros(2 + PARTS))
    extra: dict[int, FloatArray] = field(default_factory=dict)
    extra_measure: FloatArray = field(default_factory=lambda: np.zeros((0, 0, PARTS)))
    deposits: dict[int, FloatArray] = field(default_factory=dict)


@dataclass
class Sums:
    """The sums of a part of a ledger under every scenario, ready to merge or summarise.

    Attributes
    ----------
    scenarios : one :class:`ScenarioSums` per scenario, in the order of the measures.
    group_value, group_lines : optional column → per group id, customs value [cents] and lines.
    names : optional column → the name of each group id.
    rows : lines read.
    first_day, last_day : earliest and latest entry date [day number] (meaningless
        while ``rows`` is 0).
    """

    scenarios: list[ScenarioSums]
    group_value: dict[str, FloatArray] = field(default_factory=dict)
    group_lines: dict[str, FloatArray] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)
    rows: int = 0
    first_day: int = int(np.iinfo(np.int64).max)
    last_day: int = int(np.iinfo(np.int64).min)


def add_row(sums: ScenarioSums, ordinal: int, value: FloatArray, lines: IntArray) -> None:
    if ordinal in sums.value:
        sums.value[ordinal] += value
        sums.lines[ordinal] += lines
    else:
        sums.value[ordinal] = value.copy()
        sums.lines[ordinal] = lines.copy()


def add_to(totals: dict[int, FloatArray], ordinal: int, amount: FloatArray) -> None:
    if ordinal in totals:
        totals[ordinal] = totals[ordinal] + amount
    else:
        totals[ordinal] = amount.copy()


def accumulate(
    totals: dict[str, FloatArray], name: str, ids: IndexArray, weights: FloatArray | None
) -> None:
    sums = np.bincount(ids, weights=weights).astype(np.float64)
    old = totals.get(name, np.zeros(0))
    if old.size < sums.size:
        old = np.concatenate([old, np.zeros(sums.size - old.size)])
    old[: sums.size] += sums
    totals[name] = old


def accumulate_parts(
    totals: dict[str, FloatArray], name: str, ids: IndexArray, parts: FloatArray
) -> None:
    """Add amounts held as parts (n, PARTS) to their ids' rows of ``totals[name]`` (exact)."""
    size = int(ids.max(initial=-1)) + 1
    sums = parts_bincount(ids, parts, size)
    old = totals.get(name, np.zeros((0, PARTS)))
    if old.shape[0] < size:
        old = np.concatenate([old, np.zeros((size - old.shape[0], PARTS))])
    old[:size] += sums
    totals[name] = old


def merge_sums(parts: Iterable[Sums]) -> Sums:
    """The sums of consecutive parts of one ledger, as if read in one pass.

    Group ids are renumbered by name in order of first appearance, part after
    part, so the SKU and supplier tables come out in the order one pass gives.
    """
    merged: Sums | None = None
    for part in parts:
        if merged is None:
            merged = Sums([ScenarioSums() for _ in part.scenarios])
        _merge_into(merged, part)
    if merged is None:
        raise ValueError("no parts to merge")
    return merged


def _merge_into(merged: Sums, part: Sums) -> None:
    remap: dict[str, IntArray] = {}
    for name, labels in part.names.items():
        known = merged.names.setdefault(name, [])
        where = {label: i for i, label in enumerate(known)}
        found = []
        for label in labels:
            if label not in where:
                where[label] = len(known)
                known.append(label)
            found.append(where[label])
        remap[name] = np.asarray(found, dtype=np.int64)
    for name in part.group_value:
        ids = remap[name][: part.group_value[name].size]
        accumulate(merged.group_value, name, ids, part.group_value[name])
        accumulate(merged.group_lines, name, ids, part.group_lines[name])
    for into, scenario in zip(merged.scenarios, part.scenarios, strict=True):
        into.chapter_value += scenario.chapter_value
        into.chapter_lines += scenario.chapter_lines
        into.by_file |= scenario.by_file
        into.mfn_unknown += scenario.mfn_unknown
        into.mfn_estimate += scenario.mfn_estimate
        for code, (text, amounts) in scenario.mfn_unpriced.items():
            _, old = into.mfn_unpriced.get(code, (text, np.zeros(2 + PARTS)))
            into.mfn_unpriced[code] = (text, old + amounts)
        for totals, more in (
            (into.mfn, scenario.mfn),
            (into.extra, scenario.extra),
            (into.deposits, scenario.deposits),
        ):
            for ordinal, amount in more.items():
                add_to(totals, ordinal, amount)
        if scenario.extra_measure.size:
            if into.extra_measure.shape != scenario.extra_measure.shape:
                into.extra_measure = np.zeros(scenario.extra_measure.shape)
            into.extra_measure = into.extra_measure + scenario.extra_measure
        for ordinal in scenario.value:
            add_row(into, ordinal, scenario.value[ordinal], scenario.lines[ordinal])
        for name, values in scenario.group_base.items():
            where_ids = remap[name][: values.shape[0]]
            accumulate_parts(into.group_base, name, where_ids, values)
            additional = scenario.group_additional[name]
            accumulate_parts(into.group_additional, name, where_ids, additional)
    merged.rows += part.rows
    merged.first_day = min(merged.first_day, part.first_day)
    merged.last_day = max(merged.last_day, part.last_day)
