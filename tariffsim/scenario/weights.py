"""Product weights of a flow: which HTS lines it holds, and each line's share of its value.

A CSV with the columns ``hts_code`` and ``weight`` (a share, a percentage or a value in any
one unit: the weights are normalised to add up to 1), as ``tariffsim data weights`` writes
them from Census imports. A flow names the file as ``products: {weights: file.csv}``,
relative to the scenario file. Reading this file is this module's only job.
"""

from __future__ import annotations

import math
from pathlib import Path

from tariffsim.errors import TariffsimError
from tariffsim.scenario import hts, inputs
from tariffsim.scenario.loading import Document
from tariffsim.scenario.memberships import read_rows
from tariffsim.scenario.schema import Scenario

WEIGHT_COLUMNS = ("hts_code", "weight")

Weights = list[tuple[str, float]]
"""(HTS prefix digits, share of the flow's value [fraction]) of each line; shares add up to 1."""


def read_weights(path: Path) -> Weights:
    """A weights CSV's lines, shares normalised to add up to 1 (located errors)."""
    header, rows = read_rows(path, WEIGHT_COLUMNS, "weights file")
    code_at, weight_at = (header.index(c) for c in WEIGHT_COLUMNS)
    found: dict[str, float] = {}
    for line, row in rows:
        cells = [*row, "", ""]
        try:
            code = hts.normalise_prefix(cells[code_at])
        except ValueError as exc:
            raise TariffsimError(str(exc), file=path, line=line, field="hts_code") from None
        try:
            weight = float(cells[weight_at])
        except ValueError:
            weight = math.nan
        if not math.isfinite(weight) or weight < 0:
            raise TariffsimError(
                f"expected a weight of at least 0, got {cells[weight_at]!r}",
                file=path,
                line=line,
                field="weight",
            )
        if code in found:
            raise TariffsimError(f"HTS code {code} appears twice", file=path, line=line)
        found[code] = weight
    total = sum(found.values())
    if total <= 0:
        raise TariffsimError("the weights add up to 0", file=path, hint="give some line a weight")
    return [(code, weight / total) for code, weight in found.items()]


def flow_weights(scenario: Scenario, document: Document) -> dict[str, Weights]:
    """The product weights of every flow that names a weights file, by flow id."""
    found: dict[str, Weights] = {}
    for fid, flow in scenario.flows.items():
        if flow.products.weights is None:
            continue
        path = ("flows", fid, "products", "weights")
        file, line = document.locate(path) or (document.files[0], None)
        root = Path(document.files[0]).resolve().parent  # confined like 'extends'
        target = inputs.confine(flow.products.weights, file, root, ".".join(path), line)
        if not target.is_file():
            raise TariffsimError(
                f"weights file '{flow.products.weights}' not found",
                file=file,
                line=line,
                field=".".join(path),
                hint="the path is relative to the scenario file; make weights from Census "
                f"imports by HTS-10 with 'tariffsim data weights FILE -o {inputs.shown(target)}' "
                "(docs/real-data.md)",
            )
        found[fid] = read_weights(target)
    return found
