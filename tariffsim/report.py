"""The terminal summary of ``tariffsim run``: plain, aligned text.

Money is shown in $B with the unit in the header; rates in %. The text is
deterministic (golden-file tested). No arithmetic beyond unit scaling here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from tariffsim.units import format_rate

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.results import Result

_ADVERB = {
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "quarter": "quarterly",
    "year": "yearly",
}

MAX_PERIOD_ROWS = 24
"""Longest per-period table printed; longer ones show the first and last rows."""


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Rows as aligned text columns; columns in ``right`` are right-aligned."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    return [line(headers), line(["-" * w for w in widths]), *[line(r) for r in rows]]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as plain dicts (typed loosely: cells are Any)."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]


def billions(value: float) -> str:
    return f"{value / 1e9:,.2f}"


def render_summary(result: Result) -> str:
    """The readable summary of one scenario run."""
    s = result.scenario
    h = s.horizon
    lines = [
        f"{s.name}: {s.title}",
        f"  horizon {h.start} to {h.end} (inclusive), {_ADVERB[result.step]} periods;"
        f" facts as of {s.as_of}",
        f"  mode: {result.mode}"
        + (" (imports do not respond to tariffs)" if result.mode == "static" else ""),
        "",
        "Duty by tranche over the horizon, $B (run-rate: $B/year at the horizon's end)",
    ]
    lines += _tranche_table(result)
    lines += ["", "Duty by period, all tranches, $B"]
    lines += _period_table(result)
    lines += ["", "Rate timeline (additional ad valorem rates)"]
    lines += _event_table(result)
    lines += ["", "Sources"]
    for sid, src in s.sources.items():
        when = f", {src.date}" if src.date else ""
        url = f" <{src.url}>" if src.url else ""
        lines.append(f"  [{sid}] {src.title}{when}{url}")
    return "\n".join(lines) + "\n"


def _tranche_table(result: Result) -> list[str]:
    t = result.tranches
    rows = [
        [
            r["tranche"],
            r["label"],
            f"{r['importer']}←{r['exporter']}",
            billions(r["imports_usd"]),
            billions(r["additional_duty_usd"]),
            billions(r["base_duty_usd"]),
            billions(r["total_duty_usd"]),
            billions(r["run_rate_additional_usd"]),
        ]
        for r in records(t)
    ]
    totals = result.totals()
    rows.append(
        [
            "total",
            "",
            "",
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


def _period_table(result: Result) -> list[str]:
    keys = ["period_start", "period_end"]
    sums = (
        result.periods.groupby(keys, sort=True)[
            ["imports_usd", "additional_duty_usd", "total_duty_usd"]
        ]
        .sum()
        .reset_index()
    )
    rows = [
        [
            str(r["period_start"]),
            str(r["period_end"]),
            billions(r["imports_usd"]),
            billions(r["additional_duty_usd"]),
            billions(r["total_duty_usd"]),
            format_rate(r["additional_duty_usd"] / r["imports_usd"]) if r["imports_usd"] else "-",
        ]
        for r in records(sums)
    ]
    if len(rows) > MAX_PERIOD_ROWS:
        half = MAX_PERIOD_ROWS // 2
        rows = [*rows[:half], ["...", "", "", "", "", ""], *rows[-half:]]
    headers = ["from", "to", "imports", "additional", "total", "eff. add. rate"]
    return ["  " + x for x in table(headers, rows, right={2, 3, 4, 5})]


def _event_table(result: Result) -> list[str]:
    events = result.events
    if events.empty:
        return ["  (no dated steps)"]
    rows = [
        [
            str(e["date"]),
            e["tranche"],
            f"{format_rate(e['from_rate'])} → {format_rate(e['to_rate'])}",
            e["status"] + ("" if e["applies"] else " (not applied)"),
            f"[{e['source']}]" if e["source"] else "",
        ]
        for e in records(events)
    ]
    return ["  " + x for x in table(["date", "tranche", "change", "status", "source"], rows, set())]
