"""Every output target of every command: checked first, written whole, all or none.

This module alone decides where a command may write. Each target is checked
before any work (:func:`check_target`: folder, name length, kind, not an input,
not another option's target); each writer renders into a temporary file in the
target folder (:func:`write_atomic`), and at the end of the command
(:func:`command_outputs`) every target is checked again against every input the
command read and all files are moved into place with :func:`os.replace`, so an
error, a full disk or Ctrl-C leaves each previous file or none, never half of
one, and never one output without the others. An existing device or FIFO is
written into, not replaced. Operating-system errors become one located line.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.errors import TariffsimError
from tariffsim.outputs.style import FILE_DPI
from tariffsim.scenario.inputs import identity, input_run, recorded_inputs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_SUFFIXES = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
"""Chart file extension → matplotlib format."""

DATA_SUFFIXES = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
"""Data file extension → output format; any other extension holds the text table, but for
the kinds of file below, which a program would open expecting its own format."""

NOT_TEXT_SUFFIXES = {
    **dict.fromkeys(
        (".xlsx", ".xlsm", ".xls", ".ods", ".numbers"),
        "write .csv (or .parquet) and open it in the spreadsheet",
    ),
    **dict.fromkeys(
        (".png", ".svg", ".pdf", ".jpg", ".jpeg", ".gif", ".tif", ".tiff", ".webp"),
        "charts are written with --plot (and, on compare, --plot-dir)",
    ),
    **dict.fromkeys((".html", ".htm"), "'tariffsim report' writes an HTML page"),
    **dict.fromkeys(
        (".docx", ".doc", ".odt", ".rtf", ".pptx", ".ppt"),
        "write a text table (.txt, .md) or .csv",
    ),
    **dict.fromkeys(
        (
            ".zip",
            ".gz",
            ".bz2",
            ".xz",
            ".7z",
            ".tar",
            ".feather",
            ".arrow",
            ".h5",
            ".hdf5",
            ".sqlite",
            ".db",
            ".duckdb",
            ".pkl",
            ".pickle",
            ".npy",
            ".npz",
            ".xml",
            ".yaml",
            ".yml",
            ".toml",
        ),
        "tariffsim writes .csv, .json, .parquet or a text table (.txt, .md)",
    ),
}
"""Extensions of files that are not text tables, each with the way to what was meant."""


NAME_MAX = 255
"""Longest file name most file systems take [bytes]; checked before any work."""


@dataclass
class _Staged:
    """A finished temporary file waiting to become ``target``."""

    target: Path
    temp: Path
    stream: bool  # an existing device or FIFO: its bytes are copied in, never renamed over


@dataclass
class _Outputs:
    """The targets one command named, and the files it has rendered so far."""

    targets: dict[str, str] = field(default_factory=dict)  # resolved path → option
    staged: list[_Staged] = field(default_factory=list)


_open: list[_Outputs] = []


@contextlib.contextmanager
def command_outputs() -> Iterator[None]:
    """One command's outputs: all written, or none.

    Inside the block every :func:`write_atomic` renders a finished temporary file;
    when the block ends without an error, the targets are checked once more against
    every input the command read (:func:`tariffsim.scenario.inputs.recorded_inputs`)
    and all are moved into place together. An error anywhere removes every temporary
    file and leaves each target as it was. The inputs are recorded, and each read
    once, for the same span (:func:`tariffsim.scenario.inputs.input_run`).
    """
    outputs = _Outputs()
    with input_run():
        _open.append(outputs)
        try:
            yield
            _commit(outputs.staged)
        finally:
            _open.remove(outputs)
            for staged in outputs.staged:
                with contextlib.suppress(OSError):
                    staged.temp.unlink()


def _commit(staged: list[_Staged]) -> None:
    """Refuse any target that became an input, then copy into streams and rename files."""
    inputs = recorded_inputs()
    for item in staged:
        key = identity(item.target)
        if key is not None and key in inputs:
            raise TariffsimError(
                f"refusing to overwrite an input file (read as {inputs[key]})",
                file=item.target,
                hint="choose another file name",
            )
    # Streams first: a device can refuse bytes (/dev/full); a rename in one folder cannot.
    for item in sorted(staged, key=lambda s: not s.stream):
        try:
            if item.stream:
                with open(item.temp, "rb") as data, open(item.target, "wb") as out:
                    shutil.copyfileobj(data, out)
            else:
                os.replace(item.temp, item.target)
        except OSError as exc:
            raise write_error(item.target, exc) from None


def write_error(target: str | Path, exc: OSError) -> TariffsimError:
    """An operating system's refusal to write ``target`` as one located line."""
    reasons = {
        errno.ENOSPC: ("the disk is full", "free some space or write to another disk"),
        errno.EDQUOT: ("the disk quota is used up", "free some space or write elsewhere"),
        errno.EACCES: ("permission denied", "choose a folder you can write to"),
        errno.EPERM: ("permission denied", "choose a folder you can write to"),
        errno.EROFS: ("the file system is read-only", "choose a folder you can write to"),
        errno.ENAMETOOLONG: ("the file name is too long", f"keep names under {NAME_MAX} bytes"),
    }
    reason, hint = reasons.get(exc.errno or 0, (exc.strerror or str(exc), None))
    return TariffsimError(f"cannot write: {reason}; nothing was written", file=target, hint=hint)


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def _kind(target: Path, option: str | None) -> str:
    """'new', 'file' or 'stream' (an existing character device or FIFO); else an error."""
    try:
        info = target.stat()
    except FileNotFoundError:
        return "new"
    except OSError as exc:
        raise TariffsimError(
            f"cannot use this path: {exc.strerror}", file=target, field=option
        ) from None
    if stat.S_ISREG(info.st_mode):
        return "file"
    if stat.S_ISDIR(info.st_mode):
        raise TariffsimError("is a directory, expected a file name", file=target, field=option)
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return "stream"
    raise TariffsimError(
        "is neither a file nor a device or pipe, expected a file name",
        file=target,
        field=option,
    )


def _check_place(target: Path, option: str | None) -> str:
    """The folder exists, the name fits, and the target is a file, a device or a pipe."""
    if len(os.fsencode(target.name)) > NAME_MAX:
        raise TariffsimError(
            f"the file name is {len(os.fsencode(target.name)):,} bytes, more than {NAME_MAX}",
            file=str(target)[:80] + "…",
            field=option,
            hint="choose a shorter name",
        )
    folder = _folder(target)
    try:
        is_folder = folder.is_dir()
    except OSError as exc:
        raise TariffsimError(
            f"cannot use folder '{folder}': {exc.strerror}", file=target, field=option
        ) from None
    if not is_folder:
        raise TariffsimError(
            f"folder '{folder}' does not exist",
            file=target,
            field=option,
            hint=f"create it first or choose another {option or 'file'}",
        )
    return _kind(target, option)


def check_target(
    path: str | Path | None,
    option: str,
    inputs: Iterable[str | Path] = (),
    suffixes: Mapping[str, str] | None = None,
) -> str | None:
    """Check, before any work is done, that ``path`` can be written by ``option``.

    Its folder must exist and its name fit the file system; it must not be a
    directory, one of the command's inputs (with the files they extend, branch
    to or name as membership lists), or the target of another option of the same
    command; an existing device or FIFO is written into, never replaced. With
    ``suffixes``, the extension must be one of them. Checking every target first
    means a bad ``--plot`` never leaves a ``--output`` behind. Returns the format
    the extension names (``None`` without ``suffixes`` or without a path).
    """
    if path is None:
        return None
    target = Path(path)
    _check_place(target, option)
    if _open:
        key = _resolved(target)
        other = _open[-1].targets.get(key)
        if other is not None and other != option:  # one option checked twice is one target
            raise TariffsimError(
                f"the same file as {other}: the second would overwrite the first",
                file=target,
                field=option,
                hint=f"give {option} and {other} different files",
            )
        _open[-1].targets[key] = option
    refuse_overwriting_inputs(target, inputs, option)
    if suffixes is None:
        return None
    fmt = suffixes.get(target.suffix.lower())
    if fmt is None:
        kind = "chart format" if suffixes is CHART_SUFFIXES else "file type"
        raise TariffsimError(
            f"unknown {kind} '{target.suffix or '(none)'}'",
            file=target,
            field=option,
            hint=f"use a file name ending in {', '.join(suffixes)}",
        )
    return fmt


def _resolved(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return str(path.absolute())


def output_format(fmt: str | None, output: str | Path | None) -> str:
    """The output format: ``--format`` if given, else the ``--output`` extension, else a table.

    A ``--format`` that contradicts a data-file extension (``-f csv -o x.parquet``)
    is refused rather than writing CSV text into a ``.parquet`` file, and so is a file
    whose extension names a kind tariffsim does not write (:data:`NOT_TEXT_SUFFIXES`:
    ``report.xlsx`` would be a text table a spreadsheet cannot open).
    """
    suffix = Path(output).suffix.lower() if output is not None else ""
    if suffix in NOT_TEXT_SUFFIXES:
        raise TariffsimError(
            f"tariffsim cannot write a '{suffix}' file",
            file=output,
            field="--output",
            hint=NOT_TEXT_SUFFIXES[suffix],
        )
    implied = DATA_SUFFIXES.get(suffix) if output is not None else None
    if fmt is None:
        return implied or "table"
    if implied is not None and implied != fmt:
        raise TariffsimError(
            f"--format {fmt} does not match the file type '{Path(str(output)).suffix}'",
            file=output,
            field="--output",
            hint=f"leave --format out, or name the file *.{fmt}" if fmt != "table" else None,
        )
    return fmt


def write_atomic(path: str | Path, render: Callable[[Path], None]) -> Path:
    """Call ``render(tmp)`` to write a temporary file, then move it to ``path``.

    Inside :func:`command_outputs` the move waits until the command has finished,
    so that a command's outputs appear together or not at all. An existing device
    or FIFO (``/dev/null``, ``/dev/stdout``, a named pipe) is never replaced: the
    finished bytes are copied into it. An operating-system error (a full disk, a
    read-only folder, a name too long) becomes one :class:`TariffsimError`, with
    nothing left behind.
    """
    target, stream = _followed(Path(path))
    folder = Path(tempfile.gettempdir()) if stream else _folder(target)
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=".tariffsim.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise write_error(target, exc) from None
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
        render(tmp)
        with open(tmp, "rb+") as synced:
            os.fsync(synced.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise write_error(target, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    staged = _Staged(target, tmp, stream)
    if _open:
        _open[-1].staged.append(staged)
        return target
    try:
        _commit([staged])
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return target


def _followed(target: Path) -> tuple[Path, bool]:
    """The path to write and whether it is a stream (bytes copied in, never renamed over).

    A symbolic link is never replaced by a file: a link to a regular file has that file
    replaced, so the link keeps working; a link into ``/dev`` or ``/proc`` (``/dev/stdout``
    when standard output is a file) is written through, like a device.
    """
    if _check_place(target, None) == "stream":
        return target, True
    if not target.is_symlink():
        return target, False
    real = Path(os.path.realpath(target))
    system = ("/dev/", "/proc/")
    if str(target.absolute()).startswith(system) or str(real).startswith(system):
        return target, True
    return real, _check_place(real, None) == "stream"


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str) -> Path:
    """Write UTF-8 text atomically."""

    def render(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_atomic(path, render)


def refuse_overwriting_inputs(
    output: str | Path | None, inputs: Iterable[str | Path], option: str = "--output"
) -> None:
    """Refuse an output file that would replace one of the command's input files.

    The inputs count with every file they name: the parents they ``extends``, an
    outlook's branches (and theirs), a scenario's ``memberships:`` file; so
    ``sweep outlook.yaml -o base.yaml`` can't destroy a baseline a branch reads.
    """
    if output is None:
        return
    target = identity(output)
    if target is None:
        return  # nothing there to lose; spares reading the inputs twice
    known = {identity(source) for source in input_closure(inputs)} | set(recorded_inputs())
    if target in known:
        raise TariffsimError(
            "refusing to overwrite an input file",
            file=output,
            field=option,
            hint="choose another file name",
        )


MAX_CLOSURE_FILES = 10_000
"""Most files followed from the command line's inputs when checking output targets."""


def input_closure(inputs: Iterable[str | Path]) -> list[Path]:
    """The input files and every file they name: ``extends`` parents, an outlook's
    branches, ``memberships:``, a flow's product ``weights``; unreadable ones are left to
    the command's own loader."""
    from tariffsim.scenario.loading import read_document

    found: list[Path] = []
    todo = [Path(source) for source in inputs]
    while todo and len(found) < MAX_CLOSURE_FILES:
        source = todo.pop()
        found.append(source)
        if source.suffix.lower() not in (".yaml", ".yml"):
            continue  # a ledger CSV or a membership file names no other file
        with contextlib.suppress(TariffsimError):  # the command reports it when it loads
            document = read_document(source)
            found.extend(Path(f) for f in document.files[1:])
            named: list[tuple[tuple[str, ...], object]] = [
                (("memberships",), document.data.get("memberships"))
            ]
            flows = document.data.get("flows")
            for fid, flow in (flows if isinstance(flows, dict) else {}).items():
                products = flow.get("products") if isinstance(flow, dict) else None
                if isinstance(products, dict):
                    named.append((("flows", fid, "products", "weights"), products.get("weights")))
            for key, ref in named:
                if isinstance(ref, str):
                    file, _ = document.locate(key) or (str(source), 0)
                    found.append(Path(file).parent / ref)
            branches = document.data.get("branches")
            if isinstance(branches, dict):
                todo.extend(
                    source.parent / b["file"]
                    for b in branches.values()
                    if isinstance(b, dict) and isinstance(b.get("file"), str)
                )
    return found


def to_json_text(payload: Any) -> str:
    """JSON with dates as ISO strings and NaN as null."""
    return json_value(payload) + "\n"


def json_value(value: Any) -> str:
    """One value as :func:`to_json_text` writes it, without the final line end."""
    return json.dumps(_clean(value), indent=2, default=str, allow_nan=False)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


DPI = FILE_DPI
"""Resolution of PNG files [dots per inch]."""
PNG_COMPRESSION = 3
"""zlib level of PNG charts (0–9): measured as small as the default 6 and faster."""


def chart_format(path: str | Path) -> str:
    """The file format of a chart path, from its extension; refuse unknown ones."""
    target = Path(path)
    fmt = CHART_SUFFIXES.get(target.suffix.lower())
    if fmt is None:
        raise TariffsimError(
            f"unknown chart format '{target.suffix or '(none)'}'",
            file=target,
            field="--plot",
            hint="use a file name ending in .png, .svg or .pdf",
        )
    return fmt


def save_figure(fig: Figure, path: str | Path, manifest: Mapping[str, Any] | None = None) -> Path:
    """Save a figure as PNG, SVG or PDF (by extension), atomically: whole or not at all.

    With a ``manifest``, it is written beside the chart as ``NAME.manifest.json``.
    """
    import matplotlib as mpl

    target = Path(path)
    fmt = chart_format(target)
    # metadata without dates keeps the files byte-stable between runs
    metadata = {
        "png": {"Software": "tariffsim"},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None},
    }

    # zlib level 3, not Pillow's 6: as small a file here, and less time compressing
    options: dict[str, Any] = (
        {"pil_kwargs": {"compress_level": PNG_COMPRESSION}} if fmt == "png" else {}
    )

    def render(tmp: Path) -> None:
        # a fixed salt: SVG element ids are otherwise random on every save
        with mpl.rc_context({"svg.hashsalt": "tariffsim"}):
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata=metadata[fmt], **options)

    write_atomic(target, render)
    write_beside(target, manifest)
    return target


def check_plot_dir(plot_dir: Path | None) -> None:
    """Refuse a ``--plot-dir`` that can't be made: its parent must exist, and it must
    not be a file. Called before any work, so a bad folder leaves nothing behind."""
    if plot_dir is None:
        return
    if not plot_dir.parent.is_dir():
        raise TariffsimError(
            f"folder '{plot_dir.parent}' does not exist",
            file=plot_dir,
            field="--plot-dir",
            hint="create it first or choose another folder",
        )
    if plot_dir.exists() and not plot_dir.is_dir():
        raise TariffsimError("is a file, expected a folder", file=plot_dir, field="--plot-dir")


MANIFEST_SUFFIX = ".manifest.json"
"""Appended to an output file's name to name its manifest: ``r.csv`` → ``r.csv.manifest.json``."""


def manifest_path(output: str | Path) -> Path:
    """Where the manifest of ``output`` goes: beside it, named after it."""
    target = Path(output)
    return target.with_name(target.name + MANIFEST_SUFFIX)


def write_beside(output: str | Path, manifest: Mapping[str, Any] | None) -> Path | None:
    """Write a run's manifest (:mod:`tariffsim.outputs.manifest`) as ``OUTPUT.manifest.json``
    beside ``output``, atomically; nothing without a manifest."""
    if manifest is None:
        return None
    return write_text(manifest_path(output), to_json_text(manifest))
