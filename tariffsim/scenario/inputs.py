"""Every input file opened once, bounded, decoded and recorded: the discipline all readers share.

The scenario reader set the rules; every other reader (ledgers, membership files, outlooks,
published figures, official files) takes them from here:

* a file is opened **once** per run and its bytes kept, so a pipe or a FIFO
  (``validate <(cat f)``) reads the same text every time it is asked for;
* it is read up to a limit plus one byte, never trusting the size on disk
  (``/dev/zero`` reports 0 bytes and never ends);
* text is UTF-8 with or without a byte-order mark; another encoding is read
  only when the user declares it (``--encoding latin-1``), else the first bad
  byte is refused with its line and column;
* dates lie between :data:`MIN_DATE` and :data:`MAX_DATE`;
* a path named inside a file stays inside the folder tree of the file named on
  the command line (:func:`confine`);
* every input of a run is recorded by its device and inode, so no output can
  replace it (:mod:`tariffsim.outputs.files` checks before it moves a file in).

The record is kept for one run (:func:`input_run`, opened by the CLI's funnel);
outside a run, files are read fresh every time and nothing is recorded. No parsing here.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tariffsim.errors import TariffsimError

MIN_DATE = dt.date(1900, 1, 1)
"""Earliest date any input may hold (ledger entries, membership dates, figures)."""
MAX_DATE = dt.date(2200, 12, 31)
"""Latest date any input may hold."""

MAX_FIELD_CHARS = 10_000
"""Longest CSV field read [characters]; an HTS code, a country or a supplier name is short."""

MAX_SPOOL_BYTES = 20_000_000_000
"""Most bytes copied from a pipe or FIFO into a temporary file for a reader that must seek."""

ENCODING_HINT = "save it as UTF-8, or name its encoding with --encoding (e.g. latin-1, cp1252)"

Identity = tuple[int, int]
"""A file's (device, inode): the same file whatever the path's spelling or links."""


@dataclass
class _Run:
    """What one command has read: bytes by identity, and every input's first name."""

    data: dict[Identity, bytes] = field(default_factory=dict)
    names: dict[Identity, str] = field(default_factory=dict)
    spooled: dict[Identity, Path] = field(default_factory=dict)


_current: list[_Run] = []


@contextlib.contextmanager
def input_run() -> Iterator[None]:
    """Record the inputs of one command, and read each once, until the block ends."""
    run = _Run()
    _current.append(run)
    try:
        yield
    finally:
        _current.remove(run)
        for path in run.spooled.values():
            with contextlib.suppress(OSError):
                path.unlink()


def recorded_inputs() -> dict[Identity, str]:
    """Identity → path of every input read so far in the current run (empty outside one)."""
    return dict(_current[-1].names) if _current else {}


def identity(path: str | Path) -> Identity | None:
    """``(st_dev, st_ino)`` of an existing path (links followed), or None."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def record(path: str | Path) -> None:
    """Count ``path`` as an input of the current run (for files a library opens itself)."""
    key = identity(path)
    if _current and key is not None:
        _current[-1].names.setdefault(key, str(path))


def _stat(path: Path, what: str) -> os.stat_result:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise TariffsimError(f"{what} not found", file=path) from None
    except OSError as exc:
        raise TariffsimError(f"cannot read {what}: {exc.strerror}", file=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise TariffsimError(f"is a directory, expected a {what}", file=path)
    return info


def read_bytes(path: str | Path, limit: int, what: str = "file", hint: str | None = None) -> bytes:
    """The bytes of ``path``, at most ``limit`` of them, read once per run.

    Raises
    ------
    TariffsimError
        when the file is missing, a directory, unreadable, or longer than ``limit``
        (a device or pipe that does not end is "endless").
    """
    source = Path(path)
    info = _stat(source, what)
    key = (info.st_dev, info.st_ino)
    run = _current[-1] if _current else None
    if run is not None and key in run.data:
        return run.data[key]
    raw = b""
    regular = stat.S_ISREG(info.st_mode)
    if not regular or info.st_size <= limit:
        try:
            with source.open("rb") as stream:
                raw = stream.read(limit + 1)
        except OSError as exc:
            raise TariffsimError(f"cannot read {what}: {exc.strerror}", file=path) from None
    if (regular and info.st_size > limit) or len(raw) > limit:
        found = f"{info.st_size:,} bytes" if regular else "endless (a device or pipe)"
        raise TariffsimError(
            f"file is {found}; {what}s are limited to {limit:,} bytes", file=path, hint=hint
        )
    if run is not None:
        run.data[key] = raw
        run.names.setdefault(key, str(path))
    return raw


def seekable_path(path: str | Path, what: str = "file") -> Path:
    """A regular file holding ``path``'s bytes: the path itself, or a pipe's copy in a temp file.

    Readers that seek (Parquet) or read twice (a CSV's header, then its rows) call
    this, so a FIFO or ``<(command)`` is drained once and read from the copy.
    """
    source = Path(path)
    info = _stat(source, what)
    record(source)
    if stat.S_ISREG(info.st_mode):
        return source
    key = (info.st_dev, info.st_ino)
    run = _current[-1] if _current else None
    if run is not None and key in run.spooled:
        return run.spooled[key]
    handle, name = tempfile.mkstemp(prefix="tariffsim-input-", suffix=source.suffix)
    copy = Path(name)
    try:
        with source.open("rb") as stream, os.fdopen(handle, "wb") as out:
            copied = 0
            while chunk := stream.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_SPOOL_BYTES:
                    raise TariffsimError(
                        f"a pipe or device gave more than {MAX_SPOOL_BYTES:,} bytes", file=path
                    )
                out.write(chunk)
    except OSError as exc:
        copy.unlink(missing_ok=True)
        raise TariffsimError(f"cannot read {what}: {exc.strerror}", file=path) from None
    except BaseException:
        copy.unlink(missing_ok=True)
        raise
    if run is not None:
        run.spooled[key] = copy
    return copy


def check_encoding(encoding: str | None, option: str = "--encoding") -> str | None:
    """The codec's canonical name, or an error naming the option; None stays None."""
    if encoding is None:
        return None
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise TariffsimError(
            f"unknown encoding '{encoding}'",
            field=option,
            hint="e.g. utf-8, latin-1, cp1252",
        ) from None


def decode(raw: bytes, file: str | Path, encoding: str | None = None) -> str:
    """Text of ``raw``: UTF-8 (a byte-order mark dropped) unless ``encoding`` is declared.

    Raises
    ------
    TariffsimError
        naming the line and column of the first byte that is not UTF-8 (or not
        ``encoding``), with a hint to save as UTF-8 or declare the encoding.
    """
    codec = check_encoding(encoding) or "utf-8-sig"
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        raise bad_byte(raw, exc.start, file, codec) from None


def bad_byte(raw: bytes, offset: int, file: str | Path, codec: str = "utf-8") -> TariffsimError:
    """The error for an undecodable byte at ``offset``: its line and column (1-based)."""
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    name = "UTF-8" if codec.startswith("utf-8") else codec
    return TariffsimError(
        f"not {name} text: byte 0x{raw[offset]:02x} at column {column}",
        file=file,
        line=line,
        hint=ENCODING_HINT if name == "UTF-8" else "check the declared --encoding",
    )


def first_bad_utf8(path: str | Path, block: int = 1 << 20) -> tuple[int, int, int] | None:
    """(line, column, byte) of the first byte of a file that is not UTF-8, streaming; or None."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line, column = 1, 1
    with open(path, "rb") as stream:
        while True:
            chunk = stream.read(block)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                head = chunk[: exc.start]
                newlines = head.count(b"\n")
                if newlines:
                    line += newlines
                    column = exc.start - head.rfind(b"\n")
                else:
                    column += exc.start
                return line, column, chunk[exc.start]
            if not chunk:
                return None
            newlines = chunk.count(b"\n")
            if newlines:
                line += newlines
                column = len(chunk) - chunk.rfind(b"\n")
            else:
                column += len(chunk)


def check_date(day: dt.date, file: str | Path | None, line: int | None, field: str) -> dt.date:
    """``day`` if it lies in :data:`MIN_DATE` … :data:`MAX_DATE`, else an error."""
    if not MIN_DATE <= day <= MAX_DATE:
        raise TariffsimError(
            f"date {day} lies outside {MIN_DATE} to {MAX_DATE}",
            file=file,
            line=line,
            field=field,
            hint="check the year",
        )
    return day


def confine(
    ref: str, named_in: str | Path, root: Path, field: str, line: int | None = None
) -> Path:
    """The path ``ref`` (relative to the file that names it) if it stays under ``root``.

    The same rule as ``extends``: symlinks and ``..`` resolved, the target inside the
    folder of the file named on the command line or below it, and a regular file.
    """
    target = Path(named_in).parent / ref
    try:
        real = target.resolve()
    except (OSError, RuntimeError) as exc:
        raise TariffsimError(
            f"cannot resolve '{ref}': {exc}", file=named_in, line=line, field=field
        ) from None
    if not real.is_relative_to(root):
        raise TariffsimError(
            f"'{ref}' lies outside the scenario's folder tree ({root.name}/)",
            file=named_in,
            line=line,
            field=field,
            hint="keep the file next to the scenario or below its folder",
        )
    return target


def shown(path: Path) -> str:
    """``path`` as a user would type it here: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
