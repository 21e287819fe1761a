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
with :func:`tariffsim.ledger.sums.merge_sums` and summarised by the same
:func:`tariffsim.ledger.summary.summarise`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from tariffsim._types import FloatArray, IndexArray, IntArray
from tariffsim.ledger.cells import Cells, CellTally, GroupTotals, Joint
from tariffsim.ledger.cents import (
    CENTS_PER_USD,
    PARTS,
    fixed_parts,
    parts_bincount,
)
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.lines import LineDuties, LinePricing, adjusted_measures, price_lines
from tariffsim.ledger.mfn import MfnSchedule
from tariffsim.ledger.periods import period_ordinals
from tariffsim.ledger.reader import Chunk
from tariffsim.ledger.summary import Exposure, summarise
from tariffsim.ledger.sums import (
    CHAPTERS,
    ScenarioSums,
    Sums,
    accumulate,
    accumulate_parts,
    add_row,
    add_to,
)
from tariffsim.scenario import hts
from tariffsim.scenario.schema import Step

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
        add_row(sums, low + int(row), value[row], count[row])
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
            add_to(sums.mfn, low + int(row), duty[row])
    if duties.adjusted.size:
        _add_adjusted(m, sums, chunk, key, days, duties)
        extra = per_key((duties.measure_duty - duties.key_duty).sum(axis=1))
        for row in rows:
            add_to(sums.extra, low + int(row), extra[row])
    for name, ids in chunk.groups.items():
        accumulate_parts(sums.group_base, name, ids, fixed_parts(duties.base))
        accumulate_parts(sums.group_additional, name, ids, fixed_parts(duties.additional))
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
            add_to(sums.deposits, int(days.calendar[i]), deposit[i])


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
            accumulate(sums.group_value, name, ids, chunk.cents)
            accumulate(sums.group_lines, name, ids, None)
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
        add_row(sums, cells.low[step] + int(row), by_key[row], count[row])
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
    accumulate(sums.group_value, name, ids, value.sum(axis=1))
    accumulate(sums.group_lines, name, ids, lines)
    for m, scenario, key in zip(measures, sums.scenarios, keys, strict=True):
        of_pair = key[total.pair_cell]  # (pairs, U)
        base = np.einsum("pu,pu->p", value, m.base_rate[of_pair]) / CENTS_PER_USD
        additional = np.einsum("pu,pu->p", value, m.additional_rate[of_pair]) / CENTS_PER_USD
        accumulate_parts(scenario.group_base, name, ids, fixed_parts(base))
        accumulate_parts(scenario.group_additional, name, ids, fixed_parts(additional))


def _add_group_lines(
    measures: list[Measures], sums: Sums, name: str, ids: IndexArray, cells: Cells, chunk: Chunk
) -> None:
    """Price a chunk's lines by id, line by line (too many ids for :class:`GroupTotals`)."""
    accumulate(sums.group_value, name, ids, chunk.cents)
    accumulate(sums.group_lines, name, ids, None)
    for m, scenario, key in zip(measures, sums.scenarios, cells.joint.keys, strict=True):
        line_key = key.ravel()[cells.cell * key.shape[1] + cells.segment]
        base, additional = (chunk.value * r[line_key] for r in (m.base_rate, m.additional_rate))
        accumulate_parts(scenario.group_base, name, ids, fixed_parts(base))
        accumulate_parts(scenario.group_additional, name, ids, fixed_parts(additional))
