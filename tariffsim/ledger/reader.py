"""Read an import ledger (Parquet or CSV) in chunks, checked, as arrays.

A ledger has one row per entry line with the columns of :data:`REQUIRED` and,
optionally, :data:`OPTIONAL`. The reader streams it with pyarrow in chunks of
about ``chunk_rows`` lines, so memory is bounded by one chunk, whatever the
ledger's size. Text columns are dictionary-encoded: HTS codes, countries and
dates are checked and converted once per distinct value, not once per line.
Every problem becomes one :class:`~tariffsim.errors.TariffsimError` naming the
1-based data row (and, in a CSV, the file line). No pricing here
(:mod:`tariffsim.ledger.coverage`, :mod:`tariffsim.ledger.pricing`).
"""

from __future__ import annotations

import contextlib
import csv
import queue
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tariffsim._types import FloatArray, IndexArray, IntArray
from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.ledger import columns
from tariffsim.ledger.cents import to_cents, to_the_cent
from tariffsim.ledger.columns import DictionaryCache
from tariffsim.scenario import inputs

REQUIRED = ("hts_code", "country_of_origin", "customs_value_usd", "entry_date")
"""Columns every ledger has: HTS code (text), ISO alpha-2 origin, value [USD], date."""
OPTIONAL = ("sku", "supplier")
"""Columns a ledger may have; totals by each are reported when present."""
QUANTITY = ("quantity", "quantity_unit")
"""Columns of the quantity entered and its unit (``kg``, ``t``, ``item``, ``DOZ``, ``liter``),
read when present; specific rates need them."""
SHARES = ("metal_share",)
"""Column of each line's content share [fraction, 0 to 1] for measures on part of the value."""
_KNOWN = (*REQUIRED, *OPTIONAL, *QUANTITY, *SHARES)

CHUNK_ROWS = 1_000_000
"""Default lines per chunk; about 100 MB of working arrays for three scenarios."""
MAX_CHUNK_ROWS = 20_000_000
"""Most lines per chunk (``--chunk-rows``): about 2 GB of working arrays for three scenarios."""
_CSV_BYTES_PER_ROW = 64


@dataclass(frozen=True)
class Chunk:
    """One chunk of ledger lines as arrays, shape (n,) unless stated.

    Attributes
    ----------
    first_row : 0-based index of the chunk's first line in the ledger.
    hts_keys : HTS key of each distinct code in the chunk (:func:`hts.code_keys`); the same
        array object for chunks whose Parquet dictionaries are equal.
    hts_index : index into ``hts_keys`` of each line (int32 or int64).
    origins : distinct ISO codes of origin in the chunk.
    origin_index : index into ``origins`` of each line (int32 or int64).
    day : entry date [day number, days since 1970-01-01] (int32 or int64).
    value : customs value [USD], to the cent (:func:`tariffsim.ledger.cents.to_the_cent`).
    groups : per optional column present, each line's id in :attr:`LedgerReader.names`
        (int32 while there are fewer than 2³¹ names, else int64).
    quantity : quantity entered in its base unit (kg, item, liter), NaN where blank;
        None when the ledger has no quantity column.
    quantity_unit : each line's base unit, an index into
        :data:`tariffsim.scenario.duty_rates.BASE_UNITS`, −1 where it has none.
    metal_share : the line's content share [fraction], NaN where blank; None without the column.
    """

    first_row: int
    hts_keys: IntArray
    hts_index: IndexArray
    origins: list[str]
    origin_index: IndexArray
    day: IndexArray
    value: FloatArray
    groups: dict[str, IndexArray]
    quantity: FloatArray | None = None
    quantity_unit: IntArray | None = None
    metal_share: FloatArray | None = None

    @property
    def size(self) -> int:
        return int(self.value.size)

    @cached_property
    def cents(self) -> FloatArray:
        """Customs value [cents, whole numbers]: the amounts every value sum adds, exactly."""
        return to_cents(self.value)


class LedgerReader:
    """Iterate over a ledger file's checked chunks.

    Parameters
    ----------
    path : a ``.parquet`` or ``.csv`` file.
    columns : ledger column name → the name in this file, for names that differ.
    chunk_rows : lines per chunk (approximate for CSV), at most :data:`MAX_CHUNK_ROWS`.
    encoding : the CSV's text encoding when it is not UTF-8 (``latin-1``, ``cp1252``).
    row_groups : read only these row groups of a Parquet file (default: all), for a
        part of the ledger priced in another process.
    first_row : the 0-based ledger row of the first line read, so errors name the
        ledger's row when only a part is read.

    Notes
    -----
    Parquet is read without pre-buffering: pyarrow's pre-buffer keeps each row group's
    compressed bytes for the reader's life, so memory would grow with the ledger.
    """

    def __init__(
        self,
        path: str | Path,
        columns: Mapping[str, str] | None = None,
        chunk_rows: int = CHUNK_ROWS,
        encoding: str | None = None,
        *,
        row_groups: list[int] | None = None,
        first_row: int = 0,
        filesystem: Any = None,
    ) -> None:
        self.path: str | Path = Path(path) if filesystem is None else str(path)
        self.filesystem = filesystem
        if not 1 <= chunk_rows <= MAX_CHUNK_ROWS:
            raise TariffsimError(
                f"expected 1 to {MAX_CHUNK_ROWS:,} lines per chunk, got {chunk_rows:,}",
                field="--chunk-rows",
                hint=f"memory grows with the chunk; the default is {CHUNK_ROWS:,}",
            )
        self.chunk_rows = chunk_rows
        self.encoding = inputs.check_encoding(encoding)
        self.row_groups = row_groups
        self.rows_read = first_row
        self.names: dict[str, pa.Array] = {}
        self._dictionaries = DictionaryCache()
        if filesystem is not None:  # a Parquet file in an fsspec file system (s3://, memory://)
            self.source: Any = str(path)
            if not filesystem.exists(self.source):
                raise TariffsimError("no such ledger file", file=self.path)
            if filesystem.size(self.source) == 0:
                raise TariffsimError("the ledger file is empty", file=self.path)
            self.is_csv = False
        else:
            # a pipe or FIFO is drained once into a temporary copy: the reader opens it twice
            self.source = inputs.seekable_path(self.path, "ledger file")
            if self.source.stat().st_size == 0:
                raise TariffsimError("the ledger file is empty", file=self.path)
            self.is_csv = _is_csv(Path(self.path), self.source)
        header = self._header()
        self.header = header
        mapping = {**{c: c for c in _KNOWN}, **dict(columns or {})}
        for name in mapping:
            if name not in _KNOWN:
                raise TariffsimError(
                    f"unknown ledger column '{name}'",
                    field="--column",
                    hint=did_you_mean(name, _KNOWN),
                )
        for name in REQUIRED:
            if mapping[name] not in header:
                raise TariffsimError(
                    f"missing column '{mapping[name]}'",
                    file=self.path,
                    line=1 if self.is_csv else None,
                    hint=did_you_mean(mapping[name], header)
                    or f"found {', '.join(header) or 'no columns'}; map names with "
                    f"--column {name}=YOUR_NAME",
                )
        self.columns = {n: mapping[n] for n in _KNOWN if mapping[n] in header}
        _check_distinct(self.columns, header, str(self.path))
        if ("quantity" in self.columns) != ("quantity_unit" in self.columns):
            have, lack = (
                ("quantity", "quantity_unit")
                if "quantity" in self.columns
                else ("quantity_unit", "quantity")
            )
            raise TariffsimError(
                f"a '{have}' column needs a '{lack}' column",
                file=self.path,
                line=1 if self.is_csv else None,
                hint=f"add '{lack}' (e.g. kg, item, liter), or map it with --column {lack}=NAME",
            )
        self.total_rows = None if self.is_csv else self._parquet().metadata.num_rows

    def _parquet(self) -> Any:
        import pyarrow.parquet as pq

        try:
            return pq.ParquetFile(self._open(), pre_buffer=False)
        except (pa.ArrowException, OSError, ValueError) as exc:  # ValueError: bad UTF-8 names
            raise TariffsimError(f"not a readable Parquet file ({exc})", file=self.path) from None

    def _open(self) -> Any:
        """The Parquet source for pyarrow: the local path, or a file opened through fsspec."""
        if self.filesystem is None:
            return self.source
        return self.filesystem.open(self.source, "rb")

    def _header(self) -> list[str]:
        if not self.is_csv:
            return list(self._parquet().schema_arrow.names)
        with open(self.source, "rb") as stream:
            raw = stream.readline(MAX_HEADER_BYTES + 1)
        if len(raw) > MAX_HEADER_BYTES:
            raise TariffsimError(
                f"the header line is longer than {MAX_HEADER_BYTES:,} bytes",
                file=self.path,
                line=1,
                hint="is this a CSV ledger?",
            )
        text = inputs.decode(raw, self.path, self.encoding)
        try:
            first = next(csv.reader([text]), [])
        except csv.Error as exc:
            raise TariffsimError(f"cannot read the header: {exc}", file=self.path, line=1) from None
        return [c.strip() for c in first]

    def __iter__(self) -> Iterator[Chunk]:
        """The chunks in order; the next one is read in a background thread meanwhile."""
        return _prefetched(self._chunks())

    def _chunks(self) -> Iterator[Chunk]:
        empty = True
        for batch in self._batches():
            if batch.num_rows == 0:
                continue
            empty = False
            chunk = self._chunk(batch)
            self.rows_read += chunk.size
            yield chunk
        if empty:
            raise TariffsimError("the ledger has no lines", file=self.path)

    def _batches(self) -> Iterator[pa.RecordBatch]:
        names = list(self.columns.values())
        if not self.is_csv:
            text = [
                n for n in names if pa.types.is_string(self._parquet().schema_arrow.field(n).type)
            ]
            import pyarrow.parquet as pq

            try:
                source = pq.ParquetFile(self._open(), read_dictionary=text, pre_buffer=False)
                # one thread: the read-ahead thread and the other workers use the other cores
                yield from source.iter_batches(
                    batch_size=self.chunk_rows,
                    columns=names,
                    row_groups=self.row_groups,
                    use_threads=False,
                )
            except (pa.ArrowException, OSError, ValueError) as exc:  # ValueError: bad UTF-8 names
                raise TariffsimError(
                    f"not a readable Parquet file ({' '.join(str(exc).split())[:200]})",
                    file=self.path,
                    hint="the file may be truncated or corrupt; write it again",
                ) from None
            return
        from pyarrow import csv as pacsv

        text_type = pa.dictionary(pa.int32(), pa.string())
        types = {n: text_type for n in names}
        types[self.columns["customs_value_usd"]] = pa.string()
        for name in ("quantity", *SHARES):
            if name in self.columns:
                types[self.columns[name]] = pa.string()
        try:
            reader = pacsv.open_csv(
                self.source,
                read_options=pacsv.ReadOptions(
                    block_size=self.chunk_rows * _CSV_BYTES_PER_ROW,
                    # the header as read and stripped: ' hts_code ' names hts_code
                    column_names=_unique(self.header),
                    skip_rows=1,
                    encoding=self.encoding or "utf8",
                ),
                convert_options=pacsv.ConvertOptions(
                    include_columns=names, column_types=types, strings_can_be_null=True
                ),
            )
            yield from reader
        except pa.ArrowInvalid as exc:
            raise self._csv_problem(exc) from None

    def _csv_problem(self, exc: Exception) -> TariffsimError:
        """Locate a row pyarrow cannot parse (it does not say which), scanning in Python."""
        if self.encoding is None:
            bad = inputs.first_bad_utf8(self.source)
            if bad is not None:
                line, column, byte = bad
                return TariffsimError(
                    f"not UTF-8 text: byte 0x{byte:02x} at column {column}",
                    file=self.path,
                    line=line,
                    hint=inputs.ENCODING_HINT,
                )
        try:
            with open(self.source, newline="", encoding=self.encoding or "utf-8-sig") as stream:
                rows = csv.reader(stream)
                width = len(next(rows, []))
                for number, row in enumerate(rows, start=1):
                    if len(row) != width:
                        return TariffsimError(
                            f"expected {width} fields, got {len(row)}",
                            file=self.path,
                            line=rows.line_num,
                            field=f"row {number}",
                            hint="quote values that contain commas",
                        )
        except (csv.Error, UnicodeDecodeError) as scan:
            return TariffsimError(f"cannot read the CSV ({scan})", file=self.path)
        text = " ".join(str(exc).split())[:200]
        return TariffsimError(f"cannot read the CSV ({text})", file=self.path)

    def _fail(self, row: int, column: str, message: str, hint: str | None = None) -> TariffsimError:
        """An error at 0-based ledger row ``row``."""
        return TariffsimError(
            message,
            file=self.path,
            line=row + 2 if self.is_csv else None,
            field=f"row {row + 1}: {self.columns[column]}",
            hint=hint,
        )

    def _chunk(self, batch: pa.RecordBatch) -> Chunk:
        try:
            return self._checked_chunk(batch)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            # Parquet does not check its strings: text that is not UTF-8 reaches the checks
            raise TariffsimError(
                f"unreadable text in the ledger ({' '.join(str(exc).split())[:120]})",
                file=self.path,
                hint="the file may be corrupt, or its text not UTF-8; write it again",
            ) from None

    def _checked_chunk(self, batch: pa.RecordBatch) -> Chunk:
        first = self.rows_read

        def fail(row: int, column: str, message: str, hint: str | None = None) -> TariffsimError:
            return self._fail(first + row, column, message, hint)

        cache = self._dictionaries
        codes, code_index = columns.hts_keys(batch.column(self.columns["hts_code"]), fail, cache)
        origins, origin_index = columns.origins(
            batch.column(self.columns["country_of_origin"]), fail, cache
        )
        for name in self.columns:
            columns.text_lengths(batch.column(self.columns[name]), name, fail, cache)
        groups = {
            name: self._group_ids(name, batch.column(self.columns[name]))
            for name in OPTIONAL
            if name in self.columns
        }
        return Chunk(
            first_row=first,
            hts_keys=codes,
            hts_index=code_index,
            origins=origins,
            origin_index=origin_index,
            day=columns.entry_days(batch.column(self.columns["entry_date"]), fail),
            value=to_the_cent(
                columns.customs_values(batch.column(self.columns["customs_value_usd"]), fail)
            ),
            groups=groups,
            **self._quantities(batch, fail),
        )

    def _quantities(self, batch: pa.RecordBatch, fail: columns.Fail) -> dict[str, Any]:
        found = {
            name: columns.shares(batch.column(self.columns[name]), name, fail)
            for name in SHARES
            if name in self.columns
        }
        if "quantity" not in self.columns:
            return found
        amount, unit = columns.quantities(
            batch.column(self.columns["quantity"]),
            batch.column(self.columns["quantity_unit"]),
            fail,
        )
        return {**found, "quantity": amount, "quantity_unit": unit}

    def _group_ids(self, name: str, column: pa.Array) -> IndexArray:
        """Ids of an optional text column's values, stable across chunks (missing → '')."""
        if not pa.types.is_dictionary(column.type):
            column = pc.dictionary_encode(column.cast(pa.string()))
        # a dictionary seen before keeps its ids: its names are all known by now
        ids = self._dictionaries.get(
            f"{name} ids", column.dictionary, lambda d: self._new_ids(name, d)
        )
        indices = column.indices
        if indices.null_count:
            known = self.names[name]
            blank = pc.index_in(pa.array([""]), value_set=known)[0].as_py()
            if blank is None:
                blank = len(known)
                self.names[name] = pa.concat_arrays([known, pa.array([""])])
            ids = np.append(ids, blank)
            indices = indices.fill_null(len(ids) - 1)
        if ids.size and ids.max() < np.iinfo(np.int32).max:
            ids = ids.astype(np.int32)  # a gather of half the bytes
        found: IndexArray = ids[indices.to_numpy(zero_copy_only=False)]
        return found

    def _new_ids(self, name: str, dictionary: pa.Array) -> IntArray:
        """Ids of a dictionary's values, naming the values not seen before."""
        dictionary = dictionary.cast(pa.string())
        known = self.names.get(name, pa.array([], pa.string()))
        where = pc.index_in(dictionary, value_set=known).to_numpy(zero_copy_only=False)
        new = np.isnan(where) if where.dtype.kind == "f" else np.zeros(where.size, dtype=np.bool_)
        if new.any():
            fresh = dictionary.filter(pa.array(new))
            where = np.where(new, known.__len__() + np.cumsum(new) - 1, np.nan_to_num(where))
            known = pa.concat_arrays([known, fresh])
        self.names[name] = known
        return np.asarray(where, dtype=np.int64)

    def group_names(self) -> dict[str, list[str]]:
        """Per optional column read, the value of each id of :attr:`Chunk.groups`."""
        return {name: [str(v) for v in names.to_pylist()] for name, names in self.names.items()}


def _is_csv(path: Path, source: Path) -> bool:
    """A ``.csv`` name, or a name of neither kind (a pipe) whose bytes are not Parquet's."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".parquet"):
        return suffix == ".csv"
    with open(source, "rb") as stream:
        return stream.read(4) != b"PAR1"


MAX_HEADER_BYTES = 100_000
"""Longest CSV header line read [bytes]."""


def _unique(header: list[str]) -> list[str]:
    """Column names for pyarrow: repeated names of columns the ledger does not use made unique."""
    seen: dict[str, int] = {}
    names = []
    for name in header:
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name}\x00{seen[name]}")
    return names


def _check_distinct(columns: Mapping[str, str], header: list[str], path: str) -> None:
    """Two ledger columns read from one file column, or a used column named twice, is refused."""
    used: dict[str, str] = {}
    for name, theirs in columns.items():
        if theirs in used:
            raise TariffsimError(
                f"'{used[theirs]}' and '{name}' both read the column '{theirs}'",
                field="--column",
                hint="map each ledger column to its own column of the file",
            )
        used[theirs] = name
        if header.count(theirs) > 1:
            raise TariffsimError(
                f"the column '{theirs}' appears {header.count(theirs)} times",
                file=path,
                hint="rename the duplicates so each column has one name",
            )


def _prefetched(items: Iterator[Chunk]) -> Iterator[Chunk]:
    """Yield from ``items`` while a worker thread reads one item ahead.

    pyarrow decodes and numpy computes with the GIL released, so reading the
    next chunk overlaps pricing this one. Errors are re-raised in the caller's
    thread; stopping early stops the worker.
    """
    slot: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def work() -> None:
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        slot.put(("item", item), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            slot.put(("end", None))
        except BaseException as exc:  # handed over to the consuming thread, never lost
            slot.put(("error", exc))

    worker = threading.Thread(target=work, name="ledger-reader", daemon=True)
    worker.start()
    try:
        while True:
            kind, payload = slot.get()
            if kind == "end":
                return
            if kind == "error":
                raise payload
            yield payload
    finally:
        stop.set()
        while worker.is_alive():
            with contextlib.suppress(queue.Empty):
                slot.get_nowait()
            worker.join(timeout=0.05)


def parse_column_map(pairs: list[str]) -> dict[str, str]:
    """``['hts_code=HTS10', ...]`` → ``{'hts_code': 'HTS10'}``, from ``--column`` options."""
    mapping: dict[str, str] = {}
    for pair in pairs:
        name, sep, theirs = pair.partition("=")
        if not sep or not name.strip() or not theirs.strip():
            raise TariffsimError(
                f"expected NAME=YOUR_COLUMN, got {pair!r}",
                field="--column",
                hint=f"NAME is one of: {', '.join(_KNOWN)}",
            )
        mapping[name.strip()] = theirs.strip()
    return mapping
