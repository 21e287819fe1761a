"""Price a partitioned Parquet ledger on a Dask cluster: the same plan, tallied on the workers.

A ledger too large for one machine is a folder (or glob) of Parquet files. Each
row group of each file is one part (:class:`~tariffsim.ledger.parallel.Part`,
numbered across the files in path order, so an error names the ledger-wide
row); each part is tallied on a worker by the function the local workers run
(:func:`~tariffsim.ledger.parallel.tally_part`), neighbouring tallies are merged
pairwise on the cluster, and the client prices the one merged tally with the one
stacking module. So the tables equal a single pass over the files in path order,
to the cent.

Dask is imported only here and only when a cluster is asked for
(``pip install "tariffsim[dask]"``). Each worker opens its parts itself: local
paths must be on storage every worker sees; URLs (``s3://``, ``gs://``, … through
fsspec, :mod:`tariffsim.ledger.remote`) are read by each worker from the store.
"""

from __future__ import annotations

import glob
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tariffsim.errors import TariffsimError
from tariffsim.ledger import remote
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.lines import LinePricing
from tariffsim.ledger.parallel import Part, tally_part
from tariffsim.ledger.reader import CHUNK_ROWS
from tariffsim.ledger.summary import Exposure, summarise
from tariffsim.ledger.sums import Sums, merge_sums


def dataset_files(source: str | Path) -> list[str]:
    """The Parquet files of a ledger given as a file, a folder (searched below) or a glob.

    ``source`` may be a URL (``s3://bucket/ledger/*.parquet``, ``memory://…``,
    ``file://…``): the files are then found through fsspec and returned as URLs.
    """
    text = str(source)
    if remote.is_url(text):
        return _remote_files(text)
    if any(ch in text for ch in "*?["):
        found = [Path(p) for p in sorted(glob.glob(text, recursive=True))]
    elif Path(text).is_dir():
        found = sorted(Path(text).rglob("*.parquet"))
    else:
        found = [Path(text)]
    files = [str(p) for p in found if p.is_file() and p.suffix.lower() == ".parquet"]
    if not files:
        raise _none_found(text)
    return files


def _remote_files(url: str) -> list[str]:
    fs, path = remote.filesystem(url)
    if any(ch in path for ch in "*?["):
        found = sorted(fs.glob(path))
    elif fs.isdir(path):
        found = sorted(fs.find(path))
    else:
        found = [path] if fs.exists(path) else []
    files = [
        remote.qualified(fs, p) for p in found if p.lower().endswith(".parquet") and not fs.isdir(p)
    ]
    if not files:
        raise _none_found(url)
    return files


def _none_found(text: str) -> TariffsimError:
    return TariffsimError(
        "no Parquet files found",
        file=text,
        hint="give a .parquet file, a folder of them or a glob like 'ledger/*.parquet'",
    )


def dataset_parts(
    files: list[str], columns: Mapping[str, str] | None = None, chunk_rows: int = CHUNK_ROWS
) -> list[Part]:
    """One part per non-empty row group of each file, numbered across the files."""
    import pyarrow.parquet as pq

    parts: list[Part] = []
    first = 0
    for path in files:
        try:
            if remote.is_url(path):
                fs, inside = remote.filesystem(path)
                with fs.open(inside, "rb") as stream:
                    metadata = pq.ParquetFile(stream, pre_buffer=False).metadata
            else:
                metadata = pq.ParquetFile(path, pre_buffer=False).metadata
        except TariffsimError:
            raise
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise TariffsimError(f"not a readable Parquet file ({exc})", file=path) from None
        for group in range(metadata.num_row_groups):
            rows = metadata.row_group(group).num_rows
            if rows:
                parts.append(Part(path, [group], first, rows, dict(columns or {}), chunk_rows))
                first += rows
    if not parts:
        raise TariffsimError("the ledger has no lines", file=files[0])
    return parts


def price_on_cluster(
    measures: list[Measures], parts: list[Part], client: Any, pricing: LinePricing | None = None
) -> Exposure:
    """Tally ``parts`` on the cluster of a ``distributed.Client``, merge there, price here."""
    import dask

    shared = dask.delayed(measures, traverse=False)
    tallies = [dask.delayed(tally_part, pure=True)(shared, part, pricing) for part in parts]
    while len(tallies) > 1:  # neighbours only, so the merged order is the ledger's
        tallies = [
            dask.delayed(_merge_pair, pure=True)(*tallies[i : i + 2])
            for i in range(0, len(tallies), 2)
        ]
    merged: Sums = client.compute(tallies[0]).result()
    return summarise(measures, merged)


def _merge_pair(first: Sums, second: Sums | None = None) -> Sums:
    return first if second is None else merge_sums([first, second])
