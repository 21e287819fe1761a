"""Outputs of ``tariffsim compare``: the terminal table and the CSV/JSON/Parquet detail.

The table shows totals per scenario in $B with the difference to the
reference in $B and %. The files hold the per-tranche × per-period rows with
the reference's values beside them (:func:`tariffsim.comparison.compute.period_differences`)
and, in JSON, the totals too. Files are written by :mod:`tariffsim.outputs.files`;
nothing is computed here beyond unit scaling.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.comparison.compute import Comparison, period_differences
from tariffsim.comparison.rows import difference_tables, totals_records
from tariffsim.outputs.csv_rows import column_union, csv_text
from tariffsim.outputs.edits import edit_lines, edit_records
from tariffsim.outputs.emit import emit
from tariffsim.outputs.json_rows import LazyRows
from tariffsim.outputs.text import PERIOD_ADVERB, billions, table

if TYPE_CHECKING:
    from tariffsim.model.results import Result
    from tariffsim.model.tables import Table


def signed_billions(value: float) -> str:
    """+1.23 / −1.23 [$B]; blank when undefined."""
    if value != value:  # NaN
        return "-"
    return ("+" if value >= 0 else "−") + billions(abs(value))


def signed_percent(fraction: float) -> str:
    """+12.3 % / −12.3 %; '-' when undefined (the reference is zero)."""
    if fraction != fraction:  # NaN
        return "-"
    return f"{'+' if fraction >= 0 else '−'}{abs(fraction) * 100:,.1f} %"


def render_comparison(results: Sequence[Result], reference: str | None = None) -> str:
    """The readable comparison of already aligned results."""
    return comparison_text(Comparison.of(results, reference))


def comparison_text(comparison: Comparison) -> str:
    """The readable comparison: totals, differences to the reference, the scenarios."""
    results, ref = comparison.results, comparison.reference
    rows = totals_records(results, ref)
    h = ref.scenario.horizon
    step = PERIOD_ADVERB.get(ref.step, "yearly")
    lines = [
        f"Compared over {h.start} to {h.end} (inclusive), {step} periods; reference: {ref.name}",
        "",
        f"Duty over the range, $B; differences to {ref.name} in $B and %",
    ]
    blocks: dict[str | None, list[dict[str, Any]]] = {}
    for row in rows:
        blocks.setdefault(row.get("importer"), []).append(row)
    for importer, part in blocks.items():
        if importer is not None:
            lines += ["", f"  Imports into {importer}"]
        # a scenario with no flows into this importer has no totals here: leave it out
        shown = _with_flows(part)
        lines += ["  " + x for x in _totals_table(shown, ref.name)]
        absent = list(dict.fromkeys(r["scenario"] for r in part if r not in shown))
        if absent:
            which = ", ".join(absent)
            lines.append(
                f"  ({which} {'has' if len(absent) == 1 else 'have'} no imports into {importer}"
                + ("; no differences to the reference" if ref.name in absent else "")
                + ")"
            )
    lines += [
        "",
        "  * reference. additional: duty above MFN; total: with MFN duty; run-rate: $B/year of",
        "    additional duty at the last day's rates on the long run's imports (static: as"
        " stated; behavioural: fully adjusted to those rates).",
        *_currency_lines(results, rows),
        "",
        "Scenarios",
    ]
    for r in results:
        lines += [f"  {r.name}: {r.scenario.title}", *edit_lines(r.scenario, "    ")]
    return "\n".join(lines) + "\n"


def _with_flows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of scenarios with flows into their importer (the others total NaN)."""
    return [r for r in rows if not math.isnan(r["additional_duty_usd"])]


def _totals_table(rows: list[dict[str, Any]], reference: str) -> list[str]:
    """The lines of the totals table: one row per scenario × mode."""
    cells = [
        [
            r["scenario"] + (" *" if r["scenario"] == reference else ""),
            r["mode"],
            billions(r["additional_duty_usd"]),
            signed_billions(r["additional_duty_difference_usd"]),
            signed_percent(r["additional_duty_relative_difference"]),
            billions(r["total_duty_usd"]),
            signed_billions(r["total_duty_difference_usd"]),
            billions(r["run_rate_additional_usd"]),
        ]
        for r in rows
    ]
    headers = [
        "scenario",
        "mode",
        "additional",
        "Δ additional",
        "Δ %",
        "total",
        "Δ total",
        "run-rate add.",
    ]
    return table(headers, cells, right={2, 3, 4, 5, 6, 7})


def _currency_lines(results: Sequence[Result], rows: list[dict[str, Any]]) -> list[str]:
    """The duty over the range in the currency asked for (``compare --currency``), each
    scenario at its own stated rate, USD alongside; nothing without one."""
    stated = {r.name: r.extra.get("currency") for r in results}
    shown = {name: c for name, c in stated.items() if c and c["code"] != "USD"}
    if not shown:
        return []
    code = next(iter(shown.values()))["code"]
    key = code.lower()
    cells = [
        [
            str(r["scenario"]) + (f" ({r['importer']})" if r.get("importer") else ""),
            str(r["mode"]),
            billions(r[f"additional_duty_{key}"]),
            billions(r[f"total_duty_{key}"]),
            billions(r["additional_duty_usd"]),
            billions(r["total_duty_usd"]),
        ]
        for r in _with_flows(rows)
    ]
    headers = [
        "scenario",
        "mode",
        f"additional {code}",
        f"total {code}",
        "additional USD",
        "total USD",
    ]
    rates: dict[tuple[str, str, str], list[str]] = {}
    for name, c in shown.items():
        rates.setdefault((c["rate"], str(c["source"]), str(c["date"])), []).append(name)
    notes = [
        f"  {code} at {rate}, {source}, {date}: the stated rate of {', '.join(names)}"
        for (rate, source, date), names in rates.items()
    ]
    return [
        "",
        f"Duty over the range in {code}, billions, with USD alongside",
        *("  " + x for x in table(headers, cells, right={2, 3, 4, 5})),
        *notes,
    ]


def comparison_payload(results: Sequence[Result], reference: str | None = None) -> dict[str, Any]:
    """The JSON document: range, units, totals and per-period rows."""
    return comparison_document(Comparison.of(results, reference))


def comparison_document(comparison: Comparison) -> dict[str, Any]:
    """The JSON document of a comparison: range, units, totals and per-period rows."""
    results, ref = comparison.results, comparison.reference
    h = ref.scenario.horizon
    return {
        "reference": ref.name,
        "start": h.start.isoformat(),
        "end": h.end.isoformat(),
        "step": ref.step,
        "units": {"money": "USD", "flow": "USD/year", "relative_difference": "fraction"},
        "totals": totals_records(results, ref),
        "periods": LazyRows(lambda: _record_chunks(difference_tables(results, ref))),
        **_currencies(results),
        **_edits(results),
    }


def _edits(results: Sequence[Result]) -> dict[str, Any]:
    """``{"modified_by_set": {scenario: edit records}}`` after --set, else nothing."""
    edited = {
        r.name: edit_records(r.scenario)["modified_by_set"] for r in results if r.scenario.edits
    }
    return {"modified_by_set": edited} if edited else {}


def _currencies(results: Sequence[Result]) -> dict[str, Any]:
    """``{"currencies": {scenario: rate record}}`` with ``--currency``, else nothing."""
    stated = {r.name: r.extra["currency"] for r in results if r.extra.get("currency")}
    return {"currencies": stated} if stated else {}


def _record_chunks(tables: Sequence[Table]) -> Iterator[list[dict[str, Any]]]:
    for t in tables:
        yield from t.record_chunks()


def write_comparison(
    results: Sequence[Result],
    reference: str | None,
    fmt: str,
    output: Path | None,
    manifest: Mapping[str, Any] | None = None,
) -> str | None:
    """Write the comparison as ``fmt``; return the text instead when no file is given."""
    return emit_comparison(Comparison.of(results, reference), fmt, output, manifest)


def emit_comparison(
    comparison: Comparison,
    fmt: str,
    output: Path | None,
    manifest: Mapping[str, Any] | None = None,
) -> str | None:
    """Write a comparison made once as ``fmt``; return the text when no file is given.

    ``manifest`` goes into the JSON document, or beside any other file.
    """
    return emit(
        fmt,
        output,
        table=lambda: comparison_text(comparison),
        frame=lambda: period_differences(comparison.results, comparison.reference),
        payload=lambda: comparison_document(comparison),
        example="comparison.parquet",
        manifest=manifest,
        csv=lambda: _csv(comparison),
    )


def _csv(comparison: Comparison) -> Iterator[str]:
    """The per-period rows as CSV: :data:`COLUMNS`, then any columns in another currency."""
    tables = difference_tables(comparison.results, comparison.reference)
    return csv_text(tables, column_union(tables))
