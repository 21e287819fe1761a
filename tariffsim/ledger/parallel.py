"""Price a Parquet ledger on several cores: one process per run of row groups.

The plan (:func:`plan_parts`) cuts the ledger's row groups into consecutive
runs of about equal line counts, one per worker. Each worker reads its run
(:class:`~tariffsim.ledger.reader.LedgerReader` with ``row_groups``) and tallies
it to the grain the outputs need (:func:`~tariffsim.ledger.pricing.tally_chunks`:
periods × keys, and per SKU and supplier); the parent merges the small sums in
ledger order (:func:`~tariffsim.ledger.sums.merge_sums`) and prices them with
the one stacking module, so the tables are those of a single pass, to the cent
(sums added in another order differ in the last bits of a float only).

The same parts run on a Dask cluster in :mod:`tariffsim.ledger.cluster`.
Workers are started from a fork server (fresh processes, not forks of a
parent that may hold pyarrow's threads), which imports this module once.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tariffsim.ledger import remote
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.lines import LinePricing
from tariffsim.ledger.pricing import tally_chunks
from tariffsim.ledger.reader import CHUNK_ROWS, LedgerReader
from tariffsim.ledger.summary import Exposure, summarise
from tariffsim.ledger.sums import Sums, merge_sums


@dataclass(frozen=True)
class Part:
    """A run of consecutive row groups of one Parquet ledger, and how to price it.

    Attributes
    ----------
    path : the Parquet file.
    row_groups : the indices of the run's row groups.
    first_row : the 0-based ledger row of the run's first line.
    rows : lines in the run.
    """

    path: str
    row_groups: list[int]
    first_row: int
    rows: int
    columns: Mapping[str, str] = field(default_factory=dict)
    chunk_rows: int = CHUNK_ROWS


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(total_rows: int, chunk_rows: int = CHUNK_ROWS) -> int:
    """One worker per two cores, but no more workers than chunks.

    Each worker keeps two cores busy (one thread reads and checks the next chunk
    while the other tallies this one), so one process per two cores; a small
    ledger is read in one process, where starting workers would cost more than
    it saves.
    """
    return max(1, min(available_cores() // 2, total_rows // chunk_rows))


def plan_parts(
    path: str | Path,
    workers: int,
    columns: Mapping[str, str] | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> list[Part]:
    """Cut the ledger's non-empty row groups into at most ``workers`` runs of similar size."""
    import pyarrow.parquet as pq

    metadata = pq.ParquetFile(path, pre_buffer=False).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    total = sum(sizes)
    parts: list[Part] = []
    run: list[int] = []
    first = done = 0
    for index, size in enumerate(sizes):
        if size == 0:
            continue
        run.append(index)
        done += size
        # Close the run when it reaches its share of the lines (the last run takes the rest).
        if done * workers >= total * (len(parts) + 1) and len(parts) < workers - 1:
            parts.append(Part(str(path), run, first, done - first, dict(columns or {}), chunk_rows))
            run, first = [], done
    if run:
        parts.append(Part(str(path), run, first, done - first, dict(columns or {}), chunk_rows))
    return parts


def tally_part(measures: list[Measures], part: Part, pricing: LinePricing | None = None) -> Sums:
    """The sums of one part under every scenario, with its SKU and supplier names.

    A part named by URL (:mod:`tariffsim.ledger.remote`) is read through fsspec.
    """
    fs, path = remote.filesystem(part.path) if remote.is_url(part.path) else (None, part.path)
    reader = LedgerReader(
        path,
        part.columns,
        part.chunk_rows,
        row_groups=part.row_groups,
        first_row=part.first_row,
        filesystem=fs,
    )
    sums = tally_chunks(measures, reader, pricing=pricing)
    sums.names = reader.group_names()
    return sums


def _context() -> multiprocessing.context.BaseContext:
    """Workers start from a fork server (or are spawned where there is none)."""
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["tariffsim.ledger.parallel"])
    return context


def start_workers() -> None:
    """Start the fork server now, so it imports tariffsim while the caller does other work.

    Starting it costs about half a second of imports; ``exposure`` calls this before
    it reads the scenarios, so the two overlap. A no-op without a fork server.
    """
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def price_in_parallel(
    measures: list[Measures],
    parts: list[Part],
    *,
    progress: Callable[[int], None] | None = None,
    pricing: LinePricing | None = None,
) -> Exposure:
    """Price ``parts`` in one process each and summarise them as one ledger.

    The first part to fail in ledger order raises its error, so a bad line is
    reported as a single pass would report it.
    """
    with ProcessPoolExecutor(max_workers=len(parts), mp_context=_context()) as pool:
        futures = [pool.submit(tally_part, measures, part, pricing) for part in parts]
        sums: list[Sums] = []
        for future in futures:  # in ledger order: the earliest failure is raised
            sums.append(future.result())
            if progress is not None:
                progress(sum(s.rows for s in sums))
    return summarise(measures, merge_sums(sums))
