"""Product-level weights of a flow: how its value splits over HTS lines, read from a CSV.

A flow may name a weights file (``weights: china-2024-weights.csv``, relative to the
scenario file that names it) with the columns ``hts_code`` and ``weight`` (or
``customs_value_usd``, as ``tariffsim data weights`` writes): each row is one HTS line and
its share of the flow's value, in any unit, normalised here. Lines starting with ``#`` are
comments. Reading the file is this module's only job; the split is
:mod:`tariffsim.model.weighted`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.scenario import hts
from tariffsim.scenario.loading import Document
from tariffsim.scenario.schema import Scenario

WEIGHT_COLUMNS = ("weight", "customs_value_usd")
"""Accepted names of the weight column, in order of preference."""
MAX_WEIGHTS_BYTES = 200_000_000
"""Largest weights file read [bytes]; every HTS-10 line of a year is ~1 MB."""


@dataclass(frozen=True)
class Weights:
    """HTS lines and their weights, as read.

    Attributes
    ----------
    path : the file read.
    codes : each line's HTS code as normalised digits.
    weights : each line's weight [any unit; only ratios matter], at least 0.
    lines : each row's 1-based line in the file.
    """

    path: Path
    codes: tuple[str, ...]
    weights: tuple[float, ...]
    lines: tuple[int, ...]


def read_weights(path: Path) -> Weights:
    """Read a weights CSV; a bad code or weight is refused at its line."""
    if not path.is_file():
        raise TariffsimError("weights file not found", file=path)
    if path.stat().st_size > MAX_WEIGHTS_BYTES:
        raise TariffsimError(f"larger than {MAX_WEIGHTS_BYTES} bytes", file=path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as stream:
            rows = [
                (number, row)
                for number, row in enumerate(csv.reader(stream), start=1)
                if row and not row[0].lstrip().startswith("#")
            ]
    except UnicodeDecodeError as exc:
        raise TariffsimError(
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x})", file=path
        ) from None
    header_line, header = rows[0] if rows else (1, [])
    header = [c.strip() for c in header]
    column = next((c for c in WEIGHT_COLUMNS if c in header), None)
    if "hts_code" not in header or column is None:
        missing = "hts_code" if "hts_code" not in header else "weight"
        raise TariffsimError(
            f"missing column '{missing}'",
            file=path,
            line=header_line,
            hint=did_you_mean(missing, header)
            or "the header must name hts_code and weight (or customs_value_usd)",
        )
    code_at, weight_at = header.index("hts_code"), header.index(column)
    codes, weights, lines = [], [], []
    for line, row in rows[1:]:
        cells = [*row, "", ""]
        try:
            code = hts.normalise_prefix(cells[code_at])
        except ValueError as exc:
            raise TariffsimError(str(exc), file=path, line=line, field="hts_code") from None
        if len(code) % 2:
            raise TariffsimError(
                f"expected an HTS code of 2, 4, 6, 8 or 10 digits, got {cells[code_at]!r}",
                file=path,
                line=line,
                field="hts_code",
                hint="an odd number of digits means a leading zero was lost; store codes as text",
            )
        codes.append(code)
        text = cells[weight_at].strip()
        try:
            weight = float(text)
        except ValueError:
            weight = math.nan
        if not (math.isfinite(weight) and weight >= 0):
            raise TariffsimError(
                f"expected a weight of at least 0, got {text!r}",
                file=path,
                line=line,
                field=column,
            )
        weights.append(weight)
        lines.append(line)
    if not codes or sum(weights) <= 0:
        raise TariffsimError("no line with a positive weight", file=path)
    return Weights(path, tuple(codes), tuple(weights), tuple(lines))


def scenario_weights(scenario: Scenario, document: Document) -> dict[str, Weights]:
    """The weights of every flow that names a file, by flow id.

    The file a flow names is relative to the scenario file that names it.
    """
    found: dict[str, Weights] = {}
    for fid, flow in scenario.flows.items():
        if flow.weights is None:
            continue
        file, line = document.locate(("flows", fid, "weights")) or (document.files[0], None)
        target = Path(file).parent / flow.weights
        if not target.is_file():
            raise TariffsimError(
                f"weights file '{flow.weights}' not found",
                file=file,
                line=line,
                field=f"flows.{fid}.weights",
                hint="the path is relative to the scenario file that names it",
            )
        found[fid] = read_weights(target)
    return found
