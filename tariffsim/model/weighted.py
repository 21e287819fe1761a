"""A flow with product-level weights, split into parts that each measure covers whole.

A flow's measures must cover all of its products or none (:mod:`tariffsim.model.flows`).
With weights by HTS line (:mod:`tariffsim.scenario.weights`) a flow need not be split by
hand: its lines are grouped by the set of measures covering them, and each group becomes
a flow of its own, holding the group's lines and the flow's value times the group's share
of the weights,

    V_g = V · Σ_{l ∈ g} w_l / Σ_l w_l

so a measure covering part of a product group is priced on exactly the value of the lines
it covers, and the flow's average tariff is the line-weighted one. Lines outside the flow's
products are left out before the shares are taken. No file I/O here.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from tariffsim._types import BoolArray
from tariffsim.errors import TariffsimError
from tariffsim.model.coverage import (
    Lists,
    Products,
    columns_of,
    product_cover,
    product_prefixes,
)
from tariffsim.scenario import hts
from tariffsim.scenario.measures import ImportFlow, ProductSet
from tariffsim.scenario.schema import Scenario
from tariffsim.scenario.weights import Weights


def split_weighted(scenario: Scenario, lists: Lists, weights: Mapping[str, Weights]) -> Scenario:
    """The scenario with each weighted flow replaced by its parts, ``FLOW[MEASURES]``.

    A part is named by the measures covering it that do not cover the whole flow
    (``china[list1]``; ``china[none]`` for the lines no such measure covers).
    """
    if not weights:
        return scenario
    flows: dict[str, ImportFlow] = {}
    for fid, flow in scenario.flows.items():
        if fid not in weights:
            flows[fid] = flow
            continue
        for name, codes, share in _parts(scenario, lists, fid, flow, weights[fid]):
            value = flow.imports.value * share
            flows[f"{fid}[{name}]"] = flow.model_copy(
                update={
                    "label": f"{flow.label or fid} [{name}]",
                    "imports": flow.imports.model_copy(
                        update={"value": value, "text": f"{value:.12g} USD/year"}
                    ),
                    "products": ProductSet.model_construct(include=codes, exclude=()),
                    "weights": None,
                }
            )
    return scenario.model_copy(update={"flows": flows})


def _parts(
    scenario: Scenario, lists: Lists, fid: str, flow: ImportFlow, weights: Weights
) -> list[tuple[str, tuple[str, ...], float]]:
    """(name, HTS codes, share of the flow's value) of each part, in code order."""
    cols = columns_of(scenario, flow.importer, lists, tranches=False)
    inside = product_prefixes(flow.products, lists, ("flows", fid, "products"))
    names = [f"flow '{fid}''s products", *(f"measure '{i}'" for i in cols.ids)]
    full = _full_cover(weights, [inside, *(c.products for c in cols.columns)], names)
    keep = full[:, 0]
    if not keep.any():
        raise TariffsimError(
            f"no line of the weights file is among flow '{fid}''s products",
            file=weights.path,
            hint="check the flow's products against the file's HTS codes",
        )
    # A code written twice is one line: its weights add.
    codes, first, line = np.unique(
        np.asarray(weights.codes, dtype=object)[keep], return_index=True, return_inverse=True
    )
    covers = full[keep, 1:][first]
    value = np.bincount(line.ravel(), weights=np.asarray(weights.weights, dtype=np.float64)[keep])
    if value.sum() <= 0:
        raise TariffsimError(
            f"the lines of flow '{fid}''s products weigh 0 in the weights file",
            file=weights.path,
        )
    telling = np.asarray(~covers.all(axis=0))  # measures covering every line name no part
    classes, part = np.unique(covers[:, telling], axis=0, return_inverse=True)
    part = part.ravel()
    shares = np.bincount(part, weights=value, minlength=len(classes)) / value.sum()
    named = [i for i, t in zip(cols.ids, telling.tolist(), strict=True) if t]
    order = sorted(range(len(classes)), key=lambda g: codes[part == g].min())
    return [
        (
            "+".join(n for n, hit in zip(named, classes[g].tolist(), strict=True) if hit) or "none",
            tuple(sorted(codes[part == g])),
            float(shares[g]),
        )
        for g in order
    ]


def _full_cover(weights: Weights, sets: list[Products], names: list[str]) -> BoolArray:
    """Whether product set j covers the whole of line l, shape (L, J); partly is refused.

    A line of ``d`` digits is the key range ``[low, high)`` (:func:`hts.prefix_range`); set
    j covers it whole when every segment of the range is covered, none when no segment is.
    """
    starts, covers = product_cover(sets)
    ranges = np.array([hts.prefix_range(c) for c in weights.codes], dtype=np.int64)
    first = np.searchsorted(starts, ranges[:, 0], side="right") - 1
    last = np.searchsorted(starts, ranges[:, 1] - 1, side="right") - 1
    running = np.vstack([np.zeros((1, covers.shape[1]), np.int64), np.cumsum(covers, axis=0)])
    count = running[last + 1] - running[first]
    span = (last - first + 1)[:, None]
    partly = (count > 0) & (count < span)
    if partly.any():
        line, j = (int(i[0]) for i in np.nonzero(partly))
        raise TariffsimError(
            f"HTS line {weights.codes[line]} is partly covered by {names[j]}",
            file=weights.path,
            line=weights.lines[line],
            field="hts_code",
            hint="give weights at the digits the lists use, e.g. HTS-10 "
            "(tariffsim data weights --digits 10)",
        )
    return np.asarray(count == span)
