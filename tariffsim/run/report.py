"""The terminal summary of ``tariffsim run``: plain, aligned text.

Money is shown in $B with the unit in the header; rates in %. The text is
deterministic (golden-file tested). It reads the result's arrays, never its
frames, so printing a run does not import pandas. No arithmetic beyond sums over
rows and unit scaling here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from tariffsim.model.results import event_rows
from tariffsim.outputs.edits import edit_lines
from tariffsim.outputs.text import PERIOD_ADVERB, billions, records, table
from tariffsim.scenario.units import format_rate

if TYPE_CHECKING:
    from tariffsim.model.results import Result
    from tariffsim.scenario.assumptions import Assumptions


MAX_PERIOD_ROWS = 24
"""Longest per-period table printed; longer ones show the first and last rows."""


def render_summary(result: Result) -> str:
    """The readable summary of one scenario run."""
    s = result.scenario
    h = s.horizon
    lines = [
        f"{s.name}: {s.title}",
        f"  horizon {h.start} to {h.end} (inclusive), {PERIOD_ADVERB[result.step]} periods;"
        f" facts as of {s.as_of}",
        *_mode_lines(result),
        *edit_lines(s),
        "",
    ]
    importers = result.importer_codes
    several = len(importers) > 1
    if result.mode == "behavioural":
        for importer in importers:
            whose = f", importer {importer}" if several else ""
            lines += [f"Static and behavioural totals over the horizon{whose}, $B"]
            lines += [*_side_by_side(result, importer), ""]
    on = (
        "imports fully adjusted: the long run"
        if result.mode == "behavioural"
        else "on the stated imports"
    )
    lines += [
        f"Duty by tranche over the horizon ({result.mode}), $B"
        f" (run-rate add.: $B/year at the last day's rates, {on})"
    ]
    lines += _tranche_table(result)
    if result.scenario.authority_parts:
        lines += _authority_table(result)
    for importer in importers:
        # one importer's duty per table: US and Chinese customs duty are never added
        whose = f"importer {importer}" if several else "all tranches"
        lines += ["", f"Duty by period, {whose} ({result.mode}), $B"]
        lines += _period_table(result, importer)
    lines += _refund_lines(result)
    lines += _currency_lines(result)
    lines += ["", "Rate timeline (additional ad valorem rates)"]
    lines += _event_table(result)
    lines += ["", "Sources"]
    for sid, src in s.sources.items():
        when = f", {src.date}" if src.date else ""
        url = f" <{src.url}>" if src.url else ""
        lines.append(f"  [{sid}] {src.title}{when}{url}")
    return "\n".join(lines) + "\n"


def _mode_lines(result: Result) -> list[str]:
    """Which mode ran and, for a behavioural run, the assumptions it ran with."""
    s = result.scenario
    if result.mode == "static":
        why = "imports do not respond to tariffs"
        if s.assumptions or any(t.assumptions for t in s.tranches.values()):
            why += "; the scenario's assumptions were switched off with --static"
        return [f"  mode: static ({why})"]
    lines = ["  mode: behavioural (imports respond to tariffs; --static switches this off)"]
    if s.assumptions:
        lines += ["  assumptions:", *[f"    {x}" for x in describe_assumptions(s.assumptions)]]
    for tid, t in s.tranches.items():
        if t.assumptions:
            lines.append(f"  {tid} overrides: " + "; ".join(describe_assumptions(t.assumptions)))
    return lines


def describe_assumptions(a: Assumptions) -> list[str]:
    """Assumptions as short phrases, values as written, source ids in brackets."""

    def cite(ref: str | None) -> str:
        return f" [{ref}]" if ref else ""

    parts = []
    if a.reference_date:
        r = a.reference_date
        parts.append(f"import values as of {r.value} (τ_0 = rate then){cite(r.source)}")
    if a.elasticity:
        parts.append(f"elasticity {a.elasticity.text}{cite(a.elasticity.source)}")
    if a.pass_through:
        parts.append(f"pass-through {a.pass_through.text}{cite(a.pass_through.source)}")
    if a.half_life:
        parts.append(f"half-life {a.half_life.text}{cite(a.half_life.source)}")
    if a.front_loading:
        f = a.front_loading
        parts.append(f"front-loading {f.share.text} over {f.window.text}{cite(f.share.source)}")
    if a.diversion:
        d = a.diversion
        parts.append(f"diversion {d.share.text} of lost imports to {d.to}{cite(d.share.source)}")
    if a.seasonality:
        parts.append(f"monthly profile{cite(a.seasonality.source)}")
    return parts


_MEASURES = {
    "imports_usd": "imports",
    "additional_duty_usd": "additional duty",
    "total_duty_usd": "total duty",
    "run_rate_additional_usd": "run-rate add., long run ($B/yr)",
    "consumer_cost_usd": "consumer cost (ρ × duty)",
    "deadweight_loss_usd": "deadweight loss",
    "diverted_usd": "diverted to other exporters",
}


def _side_by_side(result: Result, importer: str) -> list[str]:
    rows = [
        [_MEASURES[m], *(billions(x) for x in values)]
        for m, values in result.side_by_side_rows(importer).items()
    ]
    moved = result.extra.get("frontloaded_moved_usd", 0.0)
    rows.append(["front-loaded (bought early)", "-", billions(moved), ""])
    headers = ["measure", "static", "behavioural", "difference"]
    return ["  " + x for x in table(headers, rows, right={1, 2, 3})]


def _tranche_table(result: Result) -> list[str]:
    a = result.arrays
    chosen = np.flatnonzero(a.of_mode(result.mode))
    sums = {
        c: a.values[c][chosen].sum(axis=1)
        for c in ("imports_usd", "additional_duty_usd", "base_duty_usd", "total_duty_usd")
    }
    rows = [
        [
            a.rows.ids[i],
            a.rows.labels[i],
            f"{a.rows.importers[i]}←{a.rows.exporters[i]}",
            billions(sums["imports_usd"][k]),
            billions(sums["additional_duty_usd"][k]),
            billions(sums["base_duty_usd"][k]),
            billions(sums["total_duty_usd"][k]),
            billions(a.run_rate_additional[i]),
        ]
        for k, i in enumerate(chosen)
    ]
    several = len(result.importer_codes) > 1
    for importer in result.importer_codes:
        totals = result.totals(importer=importer)
        rows.append(
            [
                "total",
                f"importer {importer}" if several else "",
                f"{importer}←" if several else "",
                billions(totals["imports_usd"]),
                billions(totals["additional_duty_usd"]),
                billions(totals["base_duty_usd"]),
                billions(totals["total_duty_usd"]),
                billions(totals["run_rate_additional_usd"]),
            ]
        )
    headers = [
        "tranche",
        "label",
        "flow",
        "imports",
        "additional",
        "base (MFN)",
        "total",
        "run-rate add.",
    ]
    return ["  " + x for x in table(headers, rows, right={3, 4, 5, 6, 7})]


def _authority_table(result: Result) -> list[str]:
    """Duty by authority per importer, and its part of the effective additional rate."""
    from tariffsim.model.breakdown import effective_rate_parts

    parts = effective_rate_parts(result)
    lines = ["", f"Duty by authority over the horizon ({result.mode}), $B"]
    rows = [
        [
            r["importer"],
            r["authority"],
            billions(r["additional_duty_usd"]),
            f"{r['rate_part'] * 100:.2f} %",
        ]
        for r in records(parts)
    ]
    headers = ["importer", "authority", "additional", "part of eff. add. rate"]
    return lines + ["  " + x for x in table(headers, rows, right={2, 3})]


def _period_table(result: Result, importer: str) -> list[str]:
    a = result.arrays
    chosen = a.of_mode(result.mode) & (np.asarray(a.rows.importers, dtype=object) == importer)
    imports, additional, total = (
        a.values[c][chosen].sum(axis=0)
        for c in ("imports_usd", "additional_duty_usd", "total_duty_usd")
    )
    rows = [
        [
            str(start),
            str(end),
            billions(imports[j]),
            billions(additional[j]),
            billions(total[j]),
            f"{additional[j] / imports[j] * 100:.2f} %" if imports[j] else "-",
        ]
        for j, (start, end) in enumerate(zip(a.starts, a.ends, strict=True))
    ]
    if len(rows) > MAX_PERIOD_ROWS:
        half = MAX_PERIOD_ROWS // 2
        rows = [*rows[:half], ["...", "", "", "", "", ""], *rows[-half:]]
    headers = ["from", "to", "imports", "additional", "total", "eff. add. rate"]
    return ["  " + x for x in table(headers, rows, right={2, 3, 4, 5})]


def _currency_lines(result: Result) -> list[str]:
    """Totals over the horizon in the currency asked for (``run --currency``), USD alongside."""
    currency = result.extra.get("currency")
    if not currency or currency["code"] == "USD":
        return []
    code, per = currency["code"], currency["usd_per_unit"]
    rows = []
    for importer in result.importer_codes:
        totals = result.totals(importer=importer)
        rows.append(
            [
                importer,
                billions(totals["additional_duty_usd"] / per),
                billions(totals["total_duty_usd"] / per),
                billions(totals["additional_duty_usd"]),
                billions(totals["total_duty_usd"]),
            ]
        )
    headers = ["importer", f"additional {code}", f"total {code}", "additional USD", "total USD"]
    return [
        "",
        f"Duty over the horizon ({result.mode}) in {code}, billions, with USD alongside",
        f"  ({code} at {currency['rate']}, {currency['source']}, {currency['date']}: "
        "the scenario's stated rate)",
        *("  " + x for x in table(headers, rows, right={1, 2, 3, 4})),
    ]


def _refund_lines(result: Result) -> list[str]:
    """Deposited, owed and refunded duty of invalidated measures, by fiscal and calendar year."""
    refunds = result.refunds
    if refunds is None or refunds.empty:
        return []
    lines = [
        "",
        "Invalidated measures: duty deposited, owed (what stands) and refunded, $B",
        "  (deposited, owed and owed back by entry date, static; refunds by payment date;"
        " US fiscal years start on 1 October)",
    ]
    years = refunds[refunds["table"] != "period"]
    rows = [
        [
            r["tranche"] + (f" ({r['measure']})" if r["measure"] else ""),
            r["key"],
            billions(r["deposited_usd"]),
            billions(r["owed_usd"]),
            billions(r["owed_back_usd"]),
            billions(r["unclaimed_usd"]),
            billions(r["principal_usd"]),
            billions(r["interest_usd"]),
            billions(r["refunded_usd"]),
        ]
        for r in records(years)
    ]
    headers = [
        "tranche",
        "year",
        "deposited",
        "owed",
        "owed back",
        "unclaimed",
        "refunded",
        "interest",
        "paid",
    ]
    return lines + ["  " + x for x in table(headers, rows, right={2, 3, 4, 5, 6, 7, 8})]


def _event_table(result: Result) -> list[str]:
    events = event_rows(result.scenario)
    if not events:
        return ["  (no dated steps)"]
    rows = [
        [
            str(e["date"]),
            e["tranche"],
            f"{format_rate(e['from_rate'])} → {format_rate(e['to_rate'])}",
            e["status"] + ("" if e["applies"] else " (not applied)"),
            f"[{e['source']}]" if e["source"] else "",
        ]
        for e in events
    ]
    return ["  " + x for x in table(["date", "tranche", "change", "status", "source"], rows, set())]
