"""Write output files whole or not at all.

Each writer renders into a temporary file in the target folder and moves it
into place with :func:`os.replace`, so an interrupted run (an error, Ctrl-C)
leaves the previous file or none, never half of one. No output may replace a
file the command reads.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.errors import TariffsimError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

CHART_SUFFIXES = {".png": "png", ".svg": "svg", ".pdf": "pdf"}
"""Chart file extension → matplotlib format."""

DATA_SUFFIXES = {".csv": "csv", ".json": "json", ".parquet": "parquet"}
"""Data file extension → output format; any other extension holds the text table."""


def check_target(
    path: str | Path | None,
    option: str,
    inputs: Iterable[str | Path] = (),
    suffixes: Mapping[str, str] | None = None,
) -> str | None:
    """Check, before any work is done, that ``path`` can be written by ``option``.

    Its folder must exist, it must not be a directory or one of the command's
    inputs (or a file they extend), and, when ``suffixes`` is given, its
    extension must be one of them. Checking every target first means a bad
    ``--plot`` never leaves a ``--output`` behind. Returns the format the
    extension names (``None`` without ``suffixes`` or without a path).
    """
    if path is None:
        return None
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TariffsimError(
            f"folder '{folder}' does not exist",
            file=target,
            field=option,
            hint=f"create it first or choose another {option}",
        )
    if target.is_dir():
        raise TariffsimError("is a directory, expected a file name", file=target, field=option)
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


def output_format(fmt: str | None, output: str | Path | None) -> str:
    """The output format: ``--format`` if given, else the ``--output`` extension, else a table.

    A ``--format`` that contradicts a data-file extension (``-f csv -o x.parquet``)
    is refused rather than writing CSV text into a ``.parquet`` file.
    """
    implied = DATA_SUFFIXES.get(Path(output).suffix.lower()) if output is not None else None
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
    """Call ``render(tmp)`` to write a temporary file, then move it to ``path``."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise TariffsimError(
            f"folder '{folder}' does not exist",
            file=target,
            hint="create it first or choose another --output",
        )
    if target.is_dir():
        raise TariffsimError("is a directory, expected a file name", file=target)
    handle, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(handle)
    tmp = Path(tmp_name)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs get the usual mode
    try:
        render(tmp)
        with open(tmp, "rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return target


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

    The inputs count with every parent they ``extends``, so running
    ``escalate.yaml -o base.yaml`` can't destroy the baseline it reads.
    """
    if output is None:
        return
    target = Path(output).resolve()
    if not target.exists():
        return  # nothing there to lose; spares reading the inputs twice
    for source in _with_parents(inputs):
        if source.resolve() == target:
            raise TariffsimError(
                "refusing to overwrite an input file",
                file=output,
                field=option,
                hint="choose another file name",
            )


def _with_parents(inputs: Iterable[str | Path]) -> list[Path]:
    """The input files and the files they extend; unreadable ones are left to the loader."""
    from tariffsim.scenario.loading import read_document

    found: list[Path] = []
    for source in inputs:
        found.append(Path(source))
        if Path(source).suffix.lower() not in (".yaml", ".yml"):
            continue  # a ledger CSV or a figures file extends nothing
        with contextlib.suppress(TariffsimError):  # the command reports it when it loads
            found.extend(Path(f) for f in read_document(source).files[1:])
    return found


def to_json_text(payload: Any) -> str:
    """JSON with dates as ISO strings and NaN as null."""
    return json.dumps(_clean(payload), indent=2, default=str, allow_nan=False) + "\n"


def _clean(value: Any) -> Any:
    if isinstance(value, float) and value != value:  # NaN
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


DPI = 150
"""Resolution of PNG files [dots per inch]."""


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

    def render(tmp: Path) -> None:
        # a fixed salt: SVG element ids are otherwise random on every save
        with mpl.rc_context({"svg.hashsalt": "tariffsim"}):
            fig.savefig(tmp, format=fmt, dpi=DPI, metadata=metadata[fmt])

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
