"""The per-period rows of a comparison and its totals, made from the results' arrays.

What ``compare -o x.csv`` and ``-o x.json`` write, without pandas: the rows of
:func:`tariffsim.comparison.compute.period_differences` as tables of columns, and the
records of :func:`tariffsim.comparison.compute.totals_frame`, cell for cell as those frames
held them (the frames are built from these when pandas is asked for). No file I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim.model.money import in_currency
from tariffsim.model.period_arrays import PERIOD_COLUMNS
from tariffsim.model.tables import Coded, Column, Table, constant, factorized, repeated, tiled

if TYPE_CHECKING:
    from tariffsim.model.results import Result

DIFFERENCE_OF = ("additional_duty_usd", "total_duty_usd")
"""The per-period columns differenced against the reference [USD]."""

TOTAL_COLUMNS = [
    "imports_usd",
    "additional_duty_usd",
    "base_duty_usd",
    "total_duty_usd",
    "run_rate_additional_usd",
]
"""The totals of each scenario and mode [USD; the run-rate USD/year]."""

DIFFERENCE_COLUMNS = [
    "reference_additional_duty_usd",
    "reference_total_duty_usd",
    "additional_duty_difference_usd",
    "total_duty_difference_usd",
]

COLUMNS = [PERIOD_COLUMNS[0], "reference", *PERIOD_COLUMNS[1:], *DIFFERENCE_COLUMNS]
"""The columns of the per-period rows, in order; with ``--currency``, each money column follows
again in that currency (``*_eur``, :func:`compared_in_currency`)."""


def compared_in_currency(
    columns: dict[str, Any], own: dict[str, Any] | None, reference: dict[str, Any] | None
) -> dict[str, Any]:
    """A compared row's money columns again in its currency (``compare --currency``).

    Its own amounts at its scenario's stated rate, the reference's (``reference_*``) at the
    reference's stated rate, and each difference as the difference of those two, so the
    file's figures in the currency agree with each other: ``d = x / r_own − x_ref / r_ref``.
    """
    if not own or own["code"] == "USD":
        return {}
    mine = in_currency({c: v for c, v in columns.items() if not c.startswith("reference_")}, own)
    theirs = in_currency(
        {c: v for c, v in columns.items() if c.startswith("reference_")}, reference or own
    )
    code = str(own["code"]).lower()
    out: dict[str, Any] = {}
    for name in columns:
        converted = f"{name[:-4]}_{code}"
        if name.endswith("_difference_usd") and converted in mine:
            stem = name.removesuffix("_difference_usd")
            out[converted] = mine[f"{stem}_{code}"] - theirs[f"reference_{stem}_{code}"]
        elif converted in mine or converted in theirs:
            out[converted] = mine.get(converted, theirs.get(converted))
    return out


def _pairs(result: Result, modes: set[str] | None = None) -> dict[tuple[str, str], int]:
    """(mode, tranche) → row of the result's arrays (rows of ``modes`` only, if given)."""
    a = result.arrays
    return {
        (m, t): i
        for i, (m, t) in enumerate(zip(a.modes.tolist(), a.rows.ids, strict=True))
        if modes is None or m in modes
    }


def difference_tables(results: Sequence[Result], reference: Result) -> list[Table]:
    """Per result, its rows beside the reference's: the rows of ``period_differences``.

    Rows are the (mode, tranche) pairs of the result and of the reference's rows of the
    result's modes, static first, then in sorted order, each over every period. A pair the
    result lacks has zero duty and no other value; a pair the reference lacks has zero
    reference duty where the reference has that mode, none where it has not. ``days`` is a
    float column in every table when any table holds a row the result lacks (as pandas'
    merge made it).
    """
    ref_modes = set(reference.arrays.modes.tolist())
    layouts = []
    for r in results:
        own = _pairs(r)
        theirs = _pairs(reference, set(r.arrays.modes.tolist()))
        # static rows first, as run writes them; then by mode and tranche
        keys = sorted(own.keys() | theirs.keys(), key=lambda k: (k[0] != "static", k))
        layouts.append((r, own, theirs, keys))
    gaps = any(any(k not in own for k in keys) for _, own, _, keys in layouts)
    tables = []
    for r, own, theirs, keys in layouts:
        tables.append(_table(r, reference, own, theirs, keys, ref_modes, gaps))
    return tables


def _table(
    r: Result,
    reference: Result,
    own: dict[tuple[str, str], int],
    theirs: dict[tuple[str, str], int],
    keys: list[tuple[str, str]],
    ref_modes: set[str],
    days_as_floats: bool,
) -> Table:
    a, b = r.arrays, reference.arrays
    p = len(a.starts)
    n = len(keys) * p
    rows = np.array([own.get(k, -1) for k in keys], dtype=np.int64)
    refs = np.array([theirs.get(k, -1) for k in keys], dtype=np.int64)
    present, matched = rows >= 0, refs >= 0

    def per_row(values: np.ndarray, fill: float) -> np.ndarray:
        out = np.full((len(keys), p), fill)
        out[present] = values[rows[present]]
        return out.reshape(n)

    def reference_of(column: str) -> np.ndarray:
        fill = [0.0 if m in ref_modes else np.nan for m, _ in keys]
        out = np.repeat(np.array(fill)[:, None], p, axis=1)
        out[matched] = b.values[column][refs[matched]]
        return out.reshape(n)

    labels = [
        a.rows.labels[i] if i >= 0 else b.rows.labels[k]
        for i, k in zip(rows.tolist(), refs.tolist(), strict=True)
    ]
    modes = factorized([m for m, _ in keys])
    days = np.tile(a.period_days(), len(keys))
    if days_as_floats:
        days = np.where(np.repeat(present, p), days, np.nan)
    columns: dict[str, Column] = {
        "scenario": constant(r.name, n),
        "reference": constant(reference.name, n),
        "mode": Coded(np.repeat(modes.codes, p), modes.values),
        "tranche": repeated([t for _, t in keys], p),
        "label": repeated(labels, p),
        "importer": repeated([a.rows.importers[i] if i >= 0 else None for i in rows], p),
        "exporter": repeated([a.rows.exporters[i] if i >= 0 else None for i in rows], p),
        "period_start": tiled(a.starts.tolist(), len(keys)),
        "period_end": tiled(a.ends.tolist(), len(keys)),
        "days": days,
    }
    for c in PERIOD_COLUMNS[PERIOD_COLUMNS.index("imports_usd") :]:
        columns[c] = per_row(a.values[c], 0.0 if c in DIFFERENCE_OF else np.nan)
    for c in DIFFERENCE_OF:
        columns[f"reference_{c}"] = reference_of(c)
    for c in DIFFERENCE_OF:
        stem = c.removesuffix("_usd")
        columns[f"{stem}_difference_usd"] = columns[c] - columns[f"reference_{c}"]  # type: ignore[operator]
    ordered = {c: columns[c] for c in COLUMNS}
    currency = compared_in_currency(
        ordered, r.extra.get("currency"), reference.extra.get("currency")
    )
    return Table(n, ordered | currency)


def totals_records(
    results: Sequence[Result], reference: Result, importer: str | None = None
) -> list[dict[str, Any]]:
    """The rows of ``totals_frame``: per scenario × mode (× importer where there are several),
    the totals and, for additional and total duty, the difference to the reference [USD] and
    its ratio to the reference's [1] (NaN where that is zero or lacks the mode)."""
    importers = list(dict.fromkeys(code for r in results for code in r.importer_codes))
    if importer is None and len(importers) > 1:
        out = []
        for code in importers:
            for row in _importer_totals(results, reference, code):
                out.append({"scenario": row.pop("scenario"), "importer": code, **row})
        return out
    return _importer_totals(results, reference, importer)


def _importer_totals(
    results: Sequence[Result], reference: Result, importer: str | None
) -> list[dict[str, Any]]:
    rows, currencies = [], []
    for r in results:
        for mode in r.modes:
            currencies.append(r.extra.get("currency"))
            totals = r.totals(mode, importer)
            rows.append(
                {
                    "scenario": r.name,
                    "title": r.scenario.title,
                    "mode": mode,
                    "reference": reference.name,
                    "start": r.scenario.horizon.start,
                    "end": r.scenario.horizon.end,
                    "step": r.step,
                    **{c: totals[c] for c in TOTAL_COLUMNS},
                }
            )
    ref_modes = reference.modes
    for column in DIFFERENCE_OF:
        ref = {m: reference.totals(m, importer)[column] for m in ref_modes}
        base = np.array([ref.get(str(row["mode"]), float("nan")) for row in rows])
        difference = np.array([row[column] for row in rows], dtype=float) - base
        relative = np.full_like(difference, np.nan)
        usable = np.isfinite(base) & (base != 0)
        np.divide(difference, base, out=relative, where=usable)
        stem = column.removesuffix("_usd")
        for row, d, q in zip(rows, difference.tolist(), relative.tolist(), strict=True):
            row[f"{stem}_difference_usd"] = d
            row[f"{stem}_relative_difference"] = q
    theirs = reference.extra.get("currency")
    for row, currency in zip(rows, currencies, strict=True):
        stems = [c.removesuffix("_usd") for c in DIFFERENCE_OF]
        # the reference's amounts behind each difference, so it converts at its own rate
        known = {
            f"reference_{t}_usd": row[f"{t}_usd"] - row[f"{t}_difference_usd"]  # type: ignore[operator]
            for t in stems
        }
        converted = compared_in_currency({**row, **known}, currency, theirs)
        row.update({k: v for k, v in converted.items() if not k.startswith("reference_")})
    return rows
