"""The ledger's average tariff under both index definitions, gathered while lines are priced.

A sink for :func:`~tariffsim.ledger.pricing.price_ledger`: per scenario and HS-6
subheading it keeps the sums :func:`tariffsim.model.indices.subheading_index`
needs (imports, imports × rate, lines, Σ rate, highest rate), so a ledger of any
size gives the line-level average and the product-level ones by HS-6 in one
pass. The rate is a line's total rate (base + additional). Lines without a
usable HTS code are left out of all three, so they average the same lines.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tariffsim._types import IntArray
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.reader import Chunk

_SUBHEADING = 10**4
"""HTS keys are codes padded to 10 digits: key // 10^4 is the HS-6 subheading."""


@dataclass(frozen=True)
class LedgerIndex:
    """One scenario's average tariff on the ledger's lines under each definition [fraction]."""

    scenario: str
    line: float
    mean: float
    highest: float


class SubheadingTally:
    """Per scenario, per HS-6 subheading: Σ value, Σ value·rate, lines, Σ rate, max rate."""

    def __init__(self) -> None:
        self._parts: dict[str, list[pd.DataFrame]] = {}

    def __call__(self, measures: Measures, chunk: Chunk, key: IntArray) -> None:
        codes = chunk.hts_keys[chunk.hts_index]
        known = codes >= 0
        rate = (measures.base_rate[key] + measures.additional_rate[key])[known]
        value = chunk.value[known]
        frame = pd.DataFrame(
            {
                "subheading": codes[known] // _SUBHEADING,
                "value": value,
                "weighted": value * rate,
                "lines": np.ones(len(rate)),
                "rates": rate,
                "highest": rate,
            }
        )
        part = frame.groupby("subheading").agg(
            value=("value", "sum"),
            weighted=("weighted", "sum"),
            lines=("lines", "sum"),
            rates=("rates", "sum"),
            highest=("highest", "max"),
        )
        self._parts.setdefault(measures.scenario.name, []).append(part)

    def indices(self) -> list[LedgerIndex]:
        """Each scenario's averages: line level, HS-6 simple mean, HS-6 highest line.

        Notes
        -----
        line = Σ v·τ / Σ v; mean = Σ_s V_s·(Σ_{l∈s} τ_l / n_s) / Σ V_s;
        highest = Σ_s V_s·max_{l∈s} τ_l / Σ V_s (see docs/validation.md, "Index definitions").
        """
        found = []
        for name, parts in self._parts.items():
            sums = {"value": "sum", "weighted": "sum", "lines": "sum", "rates": "sum"}
            whole = pd.concat(parts).groupby(level=0).agg({**sums, "highest": "max"})
            total = float(whole["value"].sum())
            if total <= 0:
                continue
            found.append(
                LedgerIndex(
                    scenario=name,
                    line=float(whole["weighted"].sum()) / total,
                    mean=float((whole["value"] * whole["rates"] / whole["lines"]).sum()) / total,
                    highest=float((whole["value"] * whole["highest"]).sum()) / total,
                )
            )
        return found


def render_indices(indices: list[LedgerIndex]) -> str:
    """One line per scenario: the three averages, in %."""
    return "".join(
        f"{i.scenario}: average tariff on the ledger's lines: {i.line * 100:.2f} % line by line; "
        f"by HS-6 subheading {i.mean * 100:.2f} % (simple mean of its lines), "
        f"{i.highest * 100:.2f} % (its highest line)\n"
        for i in indices
    )
