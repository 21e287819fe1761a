"""Price every line of an import ledger under scenarios, streaming, and total it.

The steps, per chunk of ledger lines (:class:`tariffsim.ledger.reader.LedgerReader`)
and per scenario (:class:`tariffsim.ledger.coverage.Measures`):

1. each line's *key* from its HTS code, origin and entry date (array gathers);
2. per (period × key), the lines and their customs value in whole cents (two ``bincount``s);
3. per SKU and supplier, the duty of the lines (``bincount`` with weights);
4. optionally, each line's rates and duties, handed to a sink that writes them.

Duties then follow from the per-key sums: on key k every line pays the same
rates, so Σ duty = Σ_k τ_k · M_k. Values are summed in whole cents, so every value sum is
exact and the same in any order; each duty total is the exact Σ_k τ_k · M_k rounded once
(:mod:`tariffsim.ledger.cents`). Memory is bounded by one chunk plus the
tallies (periods × keys, and one row per distinct SKU or supplier), never by
the ledger's length. No file reading or writing here; no pandas until the
final summary frame.

The sums of a part of the ledger (:class:`Sums`) are small, picklable and add
up: parts priced in other processes or on a Dask cluster
(:mod:`tariffsim.ledger.parallel`, :mod:`tariffsim.ledger.cluster`) are merged
with :func:`merge_sums` and summarised by the same :func:`summarise`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tariffsim._types import FloatArray, IndexArray, IntArray
from tariffsim.ledger.cells import Cells, CellTally, GroupTotals, Joint
from tariffsim.ledger.cents import (
    CENTS_PER_USD,
    PARTS,
    exact_dot,
    fixed_parts,
    parts_bincount,
    parts_total,
    parts_value,
)
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.lines import LineDuties, LinePricing, adjusted_measures, price_lines
from tariffsim.ledger.mfn import MfnSchedule
from tariffsim.ledger.periods import period_bounds, period_ordinals
from tariffsim.ledger.reader import OPTIONAL, Chunk
from tariffsim.ledger.refunds import refund_frame
from tariffsim.model.timeline import from_day_number
from tariffsim.scenario import hts
from tariffsim.scenario.schema import Step

SUMMARY_COLUMNS = [
    "scenario",
    "table",
    "key",
    "label",
    "period_start",
    "period_end",
    "lines",
    "imports_usd",
    "base_duty_usd",
    "additional_duty_usd",
    "total_duty_usd",
]
CHAPTERS = 100
"""HTS chapters are the first two digits of a code: 01 to 99 (00 unused)."""
LineSink = Callable[[Measures, Chunk, IntArray, LineDuties], None]
"""Called per chunk and scenario with the compiled measures, the chunk, each line's key and
each line's duties (:class:`tariffsim.ledger.lines.LineDuties`)."""


@dataclass
class _Days:
    """The calendar days a chunk spans, so per-day work is done once per day, not per line.

    ``calendar`` holds every day number from the chunk's first to its last entry date;
    ``offset`` is each line's index into it.
    """

    calendar: IntArray
    offset: IndexArray
    _periods: dict[str, tuple[int, IntArray]] = field(default_factory=dict)

    @classmethod
    def of(cls, day: IndexArray) -> _Days:
        first = int(day.min())
        return cls(np.arange(first, int(day.max()) + 1, dtype=np.int64), day - first)

    def periods(self, step: Step) -> tuple[int, IntArray]:
        """The first period's ordinal, and each calendar day's period counted from it."""
        if step not in self._periods:
            ordinal = period_ordinals(self.calendar, step)
            self._periods[step] = (int(ordinal[0]), ordinal - ordinal[0])
        return self._periods[step]


@dataclass(frozen=True)
class _Pairs:
    """Per (HTS code × origin) pair of a chunk: its HTS chapter, lines and customs value [cents]."""

    chapter: IntArray
    lines: FloatArray
    value: FloatArray

    @classmethod
    def of(cls, chunk: Chunk, combo: IntArray) -> _Pairs:
        n = chunk.hts_keys.size * len(chunk.origins)
        chapter = np.repeat(chunk.hts_keys // 10 ** (hts.DIGITS - 2), len(chunk.origins))
        return cls(
            chapter=chapter,
            lines=np.bincount(combo, minlength=n).astype(np.float64),
            value=np.bincount(combo, weights=chunk.cents, minlength=n).astype(np.float64),
        )


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


def _add_chunk(
    m: Measures,
    step: Step,
    sums: ScenarioSums,
    chunk: Chunk,
    combo: IntArray,
    pairs: _Pairs,
    days: _Days,
    sink: LineSink | None,
    pricing: LinePricing,
) -> None:
    """Add a chunk's lines; ``combo`` is each line's (HTS code × origin) dictionary pair."""
    product = m.product_classes(chunk.hts_keys)
    exporter = m.exporter_classes(chunk.origins)
    table = (product[:, None] * m.n_exporter_classes + exporter[None, :]).ravel()
    # Per calendar day of the chunk: its period row and date segment, folded into one code.
    low, period_of_day = days.periods(step)
    n_periods, n_keys, n_segments = (
        int(period_of_day.max()) + 1,
        m.n_keys,
        m.change_days.size + 1,
    )
    segment_of_day = np.searchsorted(m.change_days, days.calendar, side="right")
    day_code = period_of_day * n_keys + segment_of_day
    bins = table[combo] * n_segments + day_code[days.offset]
    _add_uncovered(m, sums, chunk, combo, table, bins, pairs)
    value = np.bincount(bins, weights=chunk.cents, minlength=n_periods * n_keys)
    count = np.bincount(bins, minlength=n_periods * n_keys)
    value, count = value.reshape(n_periods, n_keys), count.reshape(n_periods, n_keys)
    rows = np.flatnonzero(count.any(axis=1))
    for row in rows:
        _add_row(sums, low + int(row), value[row], count[row])
    by_file = pricing.mfn is not None
    sums.by_file |= by_file
    line_level = by_file or bool(chunk.groups) or sink is not None
    if not (line_level or adjusted_measures(m, chunk, by_file).size):
        return
    key = bins % n_keys
    duties = price_lines(m, chunk, key, pricing)

    def per_key(weights: FloatArray) -> FloatArray:
        out = parts_bincount(bins, fixed_parts(weights), n_periods * n_keys)
        return out.reshape(n_periods, n_keys, PARTS)

    if duties.mfn is not None:
        _add_mfn_lines(sums, chunk, duties, pricing.mfn)
        duty = per_key(duties.base)
        for row in rows:
            _add_to(sums.mfn, low + int(row), duty[row])
    if duties.adjusted.size:
        _add_adjusted(m, sums, chunk, key, days, duties)
        extra = per_key((duties.measure_duty - duties.key_duty).sum(axis=1))
        for row in rows:
            _add_to(sums.extra, low + int(row), extra[row])
    for name, ids in chunk.groups.items():
        _accumulate_parts(sums.group_base, name, ids, fixed_parts(duties.base))
        _accumulate_parts(sums.group_additional, name, ids, fixed_parts(duties.additional))
    if sink is not None:
        sink(m, chunk, key, duties)


def _add_mfn_lines(
    sums: ScenarioSums, chunk: Chunk, duties: LineDuties, schedule: MfnSchedule | None
) -> None:
    """Tally the lines the MFN file lacks, those it could not price and its estimates."""
    mfn = duties.mfn
    if mfn is None or schedule is None:
        return
    sums.mfn_unknown += [np.count_nonzero(~mfn.known), chunk.cents[~mfn.known].sum()]
    sums.mfn_estimate += [
        np.count_nonzero(mfn.estimate),
        chunk.cents[mfn.estimate].sum(),
        *fixed_parts(mfn.duty[mfn.estimate]).sum(axis=0),
    ]
    if not mfn.unpriced.any():
        return
    lines = mfn.line[mfn.unpriced]
    unique, where = np.unique(lines, return_inverse=True)
    found = np.column_stack(
        [
            np.bincount(where, minlength=unique.size).astype(np.float64),
            np.bincount(where, weights=chunk.cents[mfn.unpriced], minlength=unique.size),
            parts_bincount(where, fixed_parts(mfn.duty[mfn.unpriced]), unique.size),
        ]
    )
    for i, line in enumerate(unique.tolist()):
        code = str(int(schedule.keys[line])).zfill(hts.DIGITS)[:8]
        text, old = sums.mfn_unpriced.get(code, (schedule.text[line], np.zeros(2 + PARTS)))
        sums.mfn_unpriced[code] = (text, old + found[i])


def _add_adjusted(
    m: Measures,
    sums: ScenarioSums,
    chunk: Chunk,
    key: IntArray,
    days: _Days,
    duties: LineDuties,
) -> None:
    """Tally, by key and measure, what line-by-line pricing adds, and the invalidated deposits."""
    n_measures = len(m.ids)
    if sums.extra_measure.shape != (m.n_keys, n_measures, PARTS):
        sums.extra_measure = np.zeros((m.n_keys, n_measures, PARTS))
    delta = duties.measure_duty - duties.key_duty
    refunded = m.forms.refunded if m.forms is not None else np.zeros(n_measures, np.bool_)
    deposit = np.zeros((days.calendar.size, n_measures, PARTS))
    for j, a in enumerate(duties.adjusted.tolist()):
        sums.extra_measure[:, a] += parts_bincount(key, fixed_parts(delta[:, j]), m.n_keys)
        if refunded[a]:
            deposit[:, a] = parts_bincount(
                days.offset, fixed_parts(duties.measure_duty[:, j]), days.calendar.size
            )
    if refunded.any():
        for i in np.flatnonzero(deposit.any(axis=(1, 2))):
            _add_to(sums.deposits, int(days.calendar[i]), deposit[i])


def _add_uncovered(
    m: Measures,
    sums: ScenarioSums,
    chunk: Chunk,
    combo: IntArray,
    table: IntArray,
    bins: IntArray,
    pairs: _Pairs,
) -> None:
    """Add the lines no measure covers to the tallies by HTS chapter.

    When no (HTS code × origin) pair of the chunk changes coverage between date
    segments, per-pair sums suffice; otherwise each line's key decides.
    """
    n_segments = m.change_days.size + 1
    by_segment = m.covered[(table * n_segments)[:, None] + np.arange(n_segments)]
    if (by_segment == by_segment[:, :1]).all():
        uncovered = ~by_segment[:, 0]
        chapter, lines, value = pairs.chapter, pairs.lines, pairs.value
    else:
        uncovered = ~m.covered[bins % m.n_keys]
        chapter, lines, value = pairs.chapter[combo], np.ones(combo.size), chunk.cents
    chapter = chapter[uncovered]
    sums.chapter_value += np.bincount(chapter, weights=value[uncovered], minlength=CHAPTERS)
    sums.chapter_lines += np.bincount(chapter, weights=lines[uncovered], minlength=CHAPTERS)


def _add_row(sums: ScenarioSums, ordinal: int, value: FloatArray, lines: IntArray) -> None:
    if ordinal in sums.value:
        sums.value[ordinal] += value
        sums.lines[ordinal] += lines
    else:
        sums.value[ordinal] = value.copy()
        sums.lines[ordinal] = lines.copy()


def _add_to(totals: dict[int, FloatArray], ordinal: int, amount: FloatArray) -> None:
    if ordinal in totals:
        totals[ordinal] = totals[ordinal] + amount
    else:
        totals[ordinal] = amount.copy()


def _accumulate(
    totals: dict[str, FloatArray], name: str, ids: IndexArray, weights: FloatArray | None
) -> None:
    sums = np.bincount(ids, weights=weights).astype(np.float64)
    old = totals.get(name, np.zeros(0))
    if old.size < sums.size:
        old = np.concatenate([old, np.zeros(sums.size - old.size)])
    old[: sums.size] += sums
    totals[name] = old


def _accumulate_parts(
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


@dataclass(frozen=True)
class Exposure:
    """The exposure of one ledger under several scenarios.

    Attributes
    ----------
    summary : tidy frame, one row per scenario × table × key; ``table`` is one of
        ``total``, ``uncovered`` (lines no measure covers), ``uncovered_chapter``
        (the same lines by HTS chapter, keyed ``01`` to ``99``), ``measure`` (duty
        credited to each measure; ``imports_usd`` is the value of the lines it
        covers, so overlapping measures count a line each), ``authority`` (the same by
        legal authority: its measures' duty, the lines any of them covers), ``period``
        (calendar-aligned, with ``period_start`` and ``period_end``), ``sku``
        and ``supplier`` (when the ledger has those columns). ``lines`` [1];
        ``imports_usd``, ``base_duty_usd``, ``additional_duty_usd``,
        ``total_duty_usd`` [USD].
        With an MFN file, ``mfn_unknown`` (lines the file has no parsed rate for),
        ``mfn_unpriced`` (per HTS-8 code, keyed by it and labelled with its rate text: lines
        whose specific MFN part was not priced for want of a quantity; their base duty is
        the ad valorem part) and ``mfn_estimate`` (lines whose specific MFN part was priced
        from their quantity; the rate it amounts to is an estimate at their unit value).
    rows : number of ledger lines priced.
    entries : first and last entry date of the ledger's lines (None for no lines).
    refunds : duty deposited, owed and refunded under invalidated measures
        (:data:`tariffsim.ledger.refunds.COLUMNS`), empty when there are none.
    """

    summary: pd.DataFrame
    rows: int
    entries: tuple[dt.date, dt.date] | None = None
    refunds: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self, name: str, scenario: str | None = None) -> pd.DataFrame:
        """The rows of one table (optionally of one scenario)."""
        rows = self.summary[self.summary["table"] == name]
        if scenario is not None:
            rows = rows[rows["scenario"] == scenario]
        return rows.reset_index(drop=True)


def price_ledger(
    measures: list[Measures],
    chunks: Iterable[Chunk],
    *,
    group_names: dict[str, list[str]] | Callable[[], dict[str, list[str]]] | None = None,
    sink: LineSink | None = None,
    progress: Callable[[int], None] | None = None,
    pricing: LinePricing | None = None,
) -> Exposure:
    """Price every line of a ledger under each scenario and total the duties.

    Parameters
    ----------
    measures : compiled scenarios (:func:`tariffsim.ledger.coverage.load_measures`).
    chunks : the ledger's chunks (:class:`tariffsim.ledger.reader.LedgerReader`).
    group_names : per optional column, the names of its ids (or a function
        giving them once the chunks are read).
    sink : receives each chunk's line rates, to write line-level output.
    progress : called with the number of lines read after each chunk.
    pricing : an MFN file by HTS-8 line (every line then pays its MFN from the file, in
        place of the scenario's base rates) and what to do with lines it cannot price.
    """
    sums = tally_chunks(measures, chunks, sink=sink, progress=progress, pricing=pricing)
    sums.names = group_names() if callable(group_names) else (group_names or {})
    return summarise(measures, sums)


def tally_chunks(
    measures: list[Measures],
    chunks: Iterable[Chunk],
    *,
    sink: LineSink | None = None,
    progress: Callable[[int], None] | None = None,
    pricing: LinePricing | None = None,
) -> Sums:
    """The sums of ``chunks`` under every scenario (group names left to the caller).

    Without a line sink or an MFN file, and when no measure is priced line by line
    (:func:`_priced_by_key`), each chunk is summed once for all scenarios into joint
    cells (:mod:`tariffsim.ledger.cells`) and each scenario's sums follow from the
    cells; otherwise every line is keyed under each scenario.
    """
    pricing = pricing or LinePricing()
    if sink is None and pricing.mfn is None and all(_priced_by_key(m) for m in measures):
        return _tally_cells(measures, chunks, progress)
    sums = Sums([ScenarioSums() for _ in measures])
    for chunk in chunks:
        combo = chunk.hts_index.astype(np.int64) * len(chunk.origins) + chunk.origin_index
        pairs = _Pairs.of(chunk, combo)
        days = _Days.of(chunk.day)
        sums.first_day = min(sums.first_day, int(chunk.day.min()))
        sums.last_day = max(sums.last_day, int(chunk.day.max()))
        for name, ids in chunk.groups.items():
            _accumulate(sums.group_value, name, ids, chunk.cents)
            _accumulate(sums.group_lines, name, ids, None)
        for m, scenario in zip(measures, sums.scenarios, strict=True):
            _add_chunk(
                m, m.scenario.horizon.step, scenario, chunk, combo, pairs, days, sink, pricing
            )
        sums.rows += chunk.size
        if progress is not None:
            progress(sums.rows)
    return sums


def _priced_by_key(m: Measures) -> bool:
    """Whether every measure's duty follows from the line's key alone, whatever the chunk.

    Specific rates, refunds and value shares are priced line by line
    (:func:`tariffsim.ledger.lines.adjusted_measures`).
    """
    forms = m.forms
    if forms is None:
        return True
    additional = np.array([a != "mfn" for a in m.authorities], dtype=np.bool_)
    return not bool(((forms.has_specific | forms.refunded | forms.shared) & additional).any())


def _tally_cells(
    measures: list[Measures], chunks: Iterable[Chunk], progress: Callable[[int], None] | None
) -> Sums:
    sums = Sums([ScenarioSums() for _ in measures])
    tally = CellTally(measures)
    totals: dict[str, GroupTotals] = {}
    joint: Joint | None = None  # the joint classes the totals are summed by
    for chunk in chunks:
        cells = tally.tally(chunk)
        if joint is not None and cells.joint is not joint:  # new dictionaries, new classes
            for name, total in totals.items():
                _add_group_totals(measures, sums, name, total, joint.keys)
            totals = {}
        joint = cells.joint
        sums.first_day = min(sums.first_day, int(chunk.day.min()))
        sums.last_day = max(sums.last_day, int(chunk.day.max()))
        for m, scenario, key in zip(measures, sums.scenarios, joint.keys, strict=True):
            _add_cells(m, scenario, key, cells)
        for name, ids in chunk.groups.items():
            total = totals.setdefault(name, GroupTotals(joint.size, tally.n_segments))
            if not total.add(ids, cells.cell, cells.segment, chunk.cents):
                _add_group_lines(measures, sums, name, ids, cells, chunk)
        sums.rows += chunk.size
        if progress is not None:
            progress(sums.rows)
    for name, total in totals.items():
        if joint is not None:
            _add_group_totals(measures, sums, name, total, joint.keys)
    return sums


def _add_cells(m: Measures, sums: ScenarioSums, key: IntArray, cells: Cells) -> None:
    """Add one scenario's sums of a chunk from the chunk's joint cells (no pass over lines).

    ``key`` (J, U) is the scenario's key on each joint class and union segment.
    """
    step = m.scenario.horizon.step
    value, lines = cells.value[step], cells.lines[step]  # (P, J, U)
    n_periods = value.shape[0]
    bins = (np.arange(n_periods)[:, None, None] * m.n_keys + key[None]).ravel()
    size = n_periods * m.n_keys
    by_key = np.bincount(bins, weights=value.ravel(), minlength=size).reshape(n_periods, -1)
    count = np.bincount(bins, weights=lines.ravel(), minlength=size).reshape(n_periods, -1)
    count = np.rint(count).astype(np.int64)
    for row in np.flatnonzero(count.any(axis=1)):
        _add_row(sums, cells.low[step] + int(row), by_key[row], count[row])
    uncovered = ~m.covered[key]
    chapter = np.broadcast_to(cells.joint.chapter[:, None], key.shape)[uncovered]
    sums.chapter_value += np.bincount(
        chapter, weights=value.sum(axis=0)[uncovered], minlength=CHAPTERS
    )
    sums.chapter_lines += np.bincount(
        chapter, weights=lines.sum(axis=0)[uncovered], minlength=CHAPTERS
    )


def _add_group_totals(
    measures: list[Measures], sums: Sums, name: str, total: GroupTotals, keys: list[IntArray]
) -> None:
    """Price per-pair sums: Σ_u V[pair, u] · rate(key of the pair's class on segment u).

    ``V`` is in cents; the duties are in USD.
    """
    ids = total.pair_id
    value, lines = total.sums()
    _accumulate(sums.group_value, name, ids, value.sum(axis=1))
    _accumulate(sums.group_lines, name, ids, lines)
    for m, scenario, key in zip(measures, sums.scenarios, keys, strict=True):
        of_pair = key[total.pair_cell]  # (pairs, U)
        base = np.einsum("pu,pu->p", value, m.base_rate[of_pair]) / CENTS_PER_USD
        additional = np.einsum("pu,pu->p", value, m.additional_rate[of_pair]) / CENTS_PER_USD
        _accumulate_parts(scenario.group_base, name, ids, fixed_parts(base))
        _accumulate_parts(scenario.group_additional, name, ids, fixed_parts(additional))


def _add_group_lines(
    measures: list[Measures], sums: Sums, name: str, ids: IndexArray, cells: Cells, chunk: Chunk
) -> None:
    """Price a chunk's lines by id, line by line (too many ids for :class:`GroupTotals`)."""
    _accumulate(sums.group_value, name, ids, chunk.cents)
    _accumulate(sums.group_lines, name, ids, None)
    for m, scenario, key in zip(measures, sums.scenarios, cells.joint.keys, strict=True):
        line_key = key.ravel()[cells.cell * key.shape[1] + cells.segment]
        base, additional = (chunk.value * r[line_key] for r in (m.base_rate, m.additional_rate))
        _accumulate_parts(scenario.group_base, name, ids, fixed_parts(base))
        _accumulate_parts(scenario.group_additional, name, ids, fixed_parts(additional))


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
        _accumulate(merged.group_value, name, ids, part.group_value[name])
        _accumulate(merged.group_lines, name, ids, part.group_lines[name])
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
                _add_to(totals, ordinal, amount)
        if scenario.extra_measure.size:
            if into.extra_measure.shape != scenario.extra_measure.shape:
                into.extra_measure = np.zeros(scenario.extra_measure.shape)
            into.extra_measure = into.extra_measure + scenario.extra_measure
        for ordinal in scenario.value:
            _add_row(into, ordinal, scenario.value[ordinal], scenario.lines[ordinal])
        for name, values in scenario.group_base.items():
            where_ids = remap[name][: values.shape[0]]
            _accumulate_parts(into.group_base, name, where_ids, values)
            additional = scenario.group_additional[name]
            _accumulate_parts(into.group_additional, name, where_ids, additional)
    merged.rows += part.rows
    merged.first_day = min(merged.first_day, part.first_day)
    merged.last_day = max(merged.last_day, part.last_day)


def summarise(measures: list[Measures], sums: Sums) -> Exposure:
    """The exposure tables of merged sums."""
    frames = [
        _summary(m, m.scenario.horizon.step, s, sums.group_value, sums.group_lines, sums.names)
        for m, s in zip(measures, sums.scenarios, strict=True)
    ]
    entries = (
        (from_day_number(sums.first_day), from_day_number(sums.last_day)) if sums.rows else None
    )
    refunds = [
        refund_frame(
            m.scenario,
            m.ids,
            m.labels,
            [c.tranche for c in m.columns.columns],
            {day: parts_value(amount) for day, amount in s.deposits.items()},
            m.scenario.horizon.step,
        )
        for m, s in zip(measures, sums.scenarios, strict=True)
        if m.forms is not None and m.forms.refunded.any()
    ]
    return Exposure(
        summary=pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS],
        rows=sums.rows,
        entries=entries,
        refunds=pd.concat(refunds, ignore_index=True) if refunds else pd.DataFrame(),
    )


def _summary(
    m: Measures,
    step: Step,
    tally: ScenarioSums,
    group_value: dict[str, FloatArray],
    group_lines: dict[str, FloatArray],
    names: dict[str, list[str]],
) -> pd.DataFrame:
    """One scenario's tables from its sums.

    Values are exact sums of whole cents; a duty priced by key is Σ_k τ_k · M_k summed with
    :func:`~tariffsim.ledger.cents.exact_dot`, with what line-by-line pricing adds (exact sums
    of the lines' fixed-point parts) in the same sum: one rounding, whatever the keys or the
    order of the lines.
    """
    ordinals = sorted(tally.value)
    value = np.array([tally.value[o] for o in ordinals]).reshape(len(ordinals), m.n_keys)
    lines = np.array([tally.lines[o] for o in ordinals]).reshape(len(ordinals), m.n_keys)
    key_value, key_lines = value.sum(axis=0), lines.sum(axis=0)  # whole cents: exact
    # additional duty beyond the key's rate, by period and key: what line-by-line forms add
    nothing = np.zeros((m.n_keys, PARTS))
    shape = (*value.shape, PARTS)
    extra = np.array([tally.extra.get(o, nothing) for o in ordinals]).reshape(shape)
    extra_measure = (
        tally.extra_measure if tally.extra_measure.size else np.zeros((m.n_keys, len(m.ids), PARTS))
    ).sum(axis=0)  # (measures, PARTS): exact
    covers = m.covers.astype(np.float64)
    uncovered = ~m.covered
    by_file = tally.by_file
    # base duty by period and key from the MFN file line by line [USD], or the scenario's rates
    mfn = np.array([tally.mfn.get(o, nothing) for o in ordinals]).reshape(shape)
    if by_file:
        total_base = parts_total(mfn)
        uncovered_base = parts_total(mfn[:, uncovered])
        period_base = np.array([parts_total(row) for row in mfn])
    else:
        total_base = float(exact_dot(key_value, m.base_rate)) / CENTS_PER_USD
        uncovered_base = (
            float(exact_dot(key_value[uncovered], m.base_rate[uncovered])) / CENTS_PER_USD
        )
        period_base = _per_period(value, m.base_rate) / CENTS_PER_USD
    extra_levels = extra.reshape(-1, PARTS).sum(axis=0)  # exact
    total_additional = float(exact_dot(key_value, m.additional_rate, extra_levels)) / CENTS_PER_USD
    period_additional = _per_period(value, m.additional_rate, extra.sum(axis=1)) / CENTS_PER_USD
    bounds = [period_bounds(o, step) for o in ordinals]
    chapters = np.flatnonzero(tally.chapter_lines)
    parts = [
        _rows(
            "total",
            [""],
            [m.scenario.title],
            [key_lines.sum()],
            [key_value.sum() / CENTS_PER_USD],
            [total_base],
            [total_additional],
        ),
        _rows(
            "uncovered",
            [""],
            ["lines no measure covers"],
            [key_lines[uncovered].sum()],
            [key_value[uncovered].sum() / CENTS_PER_USD],
            [uncovered_base],
            [0.0],
        ),
        _rows(
            "uncovered_chapter",
            [f"{c:02d}" for c in chapters],
            [f"HTS chapter {c:02d}" for c in chapters],
            tally.chapter_lines[chapters],
            tally.chapter_value[chapters] / CENTS_PER_USD,
            np.zeros(chapters.size),
            np.zeros(chapters.size),
        ),
        _rows(
            "measure",
            m.ids,
            m.labels,
            key_lines @ covers,
            (key_value @ covers) / CENTS_PER_USD,
            np.zeros(len(m.ids)) if by_file else exact_dot(key_value, m.base_share) / CENTS_PER_USD,
            exact_dot(key_value, m.additional_share, extra_measure) / CENTS_PER_USD,
        ),
        _authority_rows(m, key_lines, key_value, extra_measure),
        _rows(
            "period",
            [s.isoformat() for s, _ in bounds],
            [""] * len(bounds),
            lines.sum(axis=1),
            value.sum(axis=1) / CENTS_PER_USD,
            period_base,
            period_additional,
        ),
    ]
    parts[-1]["period_start"] = [s for s, _ in bounds]
    parts[-1]["period_end"] = [e for _, e in bounds]
    if by_file:
        parts.append(
            _rows(
                "mfn_unknown",
                [""],
                ["lines whose HTS-8 rate the MFN file lacks or could not parse (no MFN)"],
                [tally.mfn_unknown[0]],
                [tally.mfn_unknown[1] / CENTS_PER_USD],
                [0.0],
                [0.0],
            )
        )
        codes = sorted(tally.mfn_unpriced)
        found = np.array([tally.mfn_unpriced[c][1] for c in codes]).reshape(len(codes), 2 + PARTS)
        parts.append(
            _rows(
                "mfn_unpriced",
                codes,
                [tally.mfn_unpriced[c][0] for c in codes],
                found[:, 0],
                found[:, 1] / CENTS_PER_USD,
                np.array([parts_total(row) for row in found[:, 2:]]),
                np.zeros(len(codes)),
            )
        )
        parts.append(
            _rows(
                "mfn_estimate",
                [""],
                [
                    "lines whose specific MFN part is priced from their quantity (the rate it "
                    "amounts to is an estimate at their unit value)"
                ],
                [tally.mfn_estimate[0]],
                [tally.mfn_estimate[1] / CENTS_PER_USD],
                [parts_total(tally.mfn_estimate[2:])],
                [0.0],
            )
        )
    for name in OPTIONAL:
        if name not in group_value:
            continue
        labels = names.get(name, [str(i) for i in range(group_value[name].size)])
        n = group_value[name].size
        parts.append(
            _rows(
                name,
                labels[:n],
                [""] * n,
                group_lines[name],
                group_value[name] / CENTS_PER_USD,
                _padded(tally.group_base.get(name), n),
                _padded(tally.group_additional.get(name), n),
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "scenario", m.scenario.name)
    return frame


def _per_period(
    value: FloatArray, rate: FloatArray, plus_usd: FloatArray | None = None
) -> FloatArray:
    """Σ_k value[p, k] · rate[k] (+ ``plus_usd[p]``, parts) for each period p [cents], each
    correctly rounded."""
    if not value.shape[0]:
        return np.zeros(0)
    found = exact_dot(rate, value.T, plus_usd)
    return np.asarray(found, dtype=np.float64).reshape(value.shape[0])


def _authority_rows(
    m: Measures, key_lines: FloatArray, key_value: FloatArray, extra: FloatArray
) -> pd.DataFrame:
    """Duty per legal authority: its measures' parts of the base and additional duty.

    ``key_value`` [cents]; ``extra`` (measures, PARTS) [USD, parts]. ``lines`` and
    ``imports_usd`` count the lines any of its measures cover.
    """
    names = list(dict.fromkeys(m.authorities))
    member = np.array([[a == name for a in m.authorities] for name in names], dtype=np.float64)
    reach = (m.covers.astype(np.float64) @ member.T) > 0  # (K, A)
    return _rows(
        "authority",
        names,
        [""] * len(names),
        key_lines @ reach,
        (key_value @ reach) / CENTS_PER_USD,
        exact_dot(key_value, m.base_share @ member.T) / CENTS_PER_USD,
        exact_dot(key_value, m.additional_share @ member.T, member @ extra) / CENTS_PER_USD,
    )


def _padded(parts: FloatArray | None, n: int) -> FloatArray:
    """Amounts [USD] of ``n`` ids from their summed parts (ids, PARTS); 0 for ids beyond."""
    out = np.zeros(n)
    if parts is not None:
        out[: parts.shape[0]] = parts_value(parts)
    return out


def _rows(
    table: str,
    keys: list[str],
    labels: list[str],
    lines: object,
    imports: object,
    base: object,
    additional: object,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "table": table,
            "key": keys,
            "label": labels,
            "period_start": None,
            "period_end": None,
            "lines": np.rint(np.asarray(lines, dtype=np.float64)).astype(np.int64),
            "imports_usd": np.asarray(imports, dtype=np.float64),
            "base_duty_usd": np.asarray(base, dtype=np.float64),
            "additional_duty_usd": np.asarray(additional, dtype=np.float64),
        }
    )
    frame["total_duty_usd"] = frame["base_duty_usd"] + frame["additional_duty_usd"]
    return frame
