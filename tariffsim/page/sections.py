"""The sections of the report page, each an HTML fragment built from results and frames.

The command line hands over what other wings computed (the comparison's totals, the
charts as figures, a sweep's or a backtest's table); this module only arranges and formats
them, and sums results per importer. Money is shown in $B, rates in %, as in the
terminal tables. No file I/O.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tariffsim.outputs.edits import HEADING
from tariffsim.outputs.text import PERIOD_ADVERB, records
from tariffsim.page.html import esc, figure, figure_svg, table

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from tariffsim.model.results import Result


@dataclass(frozen=True)
class Chart:
    """A chart to show: an id for the page (``key``), its title and caption, the figure."""

    key: str
    title: str
    caption: str
    figure: Figure


@dataclass(frozen=True)
class Column:
    """How to show one column of a handed-over frame.

    ``kind``: ``text``; ``money`` [USD → $B]; ``rate`` [1 → %]; ``share`` [1 → %, one
    decimal]; ``count``; ``by-unit`` (a rate where the row's ``unit`` is ``"1"``, else money);
    ``error-by-unit`` (points for rates, $B for money, signed).
    """

    name: str
    header: str
    kind: str = "text"


@dataclass(frozen=True)
class Block:
    """A section handed over whole: the sweep or the backtest."""

    key: str
    title: str
    intro: str
    frame: pd.DataFrame
    columns: Sequence[Column]
    charts: Sequence[Chart] = field(default_factory=tuple)
    caption: str = ""


def money(value: Any) -> str:
    """$1,234.56B; '-' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"${float(value) / 1e9:,.2f}B"


def signed_money(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    sign = "+" if value >= 0 else "−"
    return f"{sign}${abs(float(value)) / 1e9:,.2f}B"


def percent(value: Any, digits: int = 2, signed: bool = False) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{abs(float(value)) * 100:,.{digits}f} %"
    if signed:
        return ("+" if value >= 0 else "−") + text
    return ("−" if value < 0 else "") + text


def cell(value: Any, kind: str, row: Mapping[str, Any]) -> str:
    """One cell of a handed-over frame, formatted by its column's kind."""
    if kind == "by-unit":
        kind = "rate" if str(row.get("unit")) == "1" else "money"
    if kind == "error-by-unit":
        if str(row.get("unit")) == "1":
            if value is None or (isinstance(value, float) and math.isnan(value)):
                return "-"
            return f"{'+' if value >= 0 else '−'}{abs(float(value)) * 100:.1f} pp"
        return signed_money(value)
    if kind == "money":
        return money(value)
    if kind == "rate":
        return percent(value)
    if kind == "share":
        return percent(value, 1)
    if kind == "count":
        return f"{int(value):,}"
    return "" if value is None else str(value)


NUMERIC = {"money", "rate", "share", "count", "by-unit", "error-by-unit"}


def frame_table(frame: pd.DataFrame, columns: Sequence[Column], caption: str = "") -> str:
    """A handed-over frame as a table of the named columns."""
    rows = [[cell(r.get(c.name), c.kind, r) for c in columns] for r in records(frame)]
    numeric = {i for i, c in enumerate(columns) if c.kind in NUMERIC}
    return table([c.header for c in columns], rows, numeric, caption or None)


# -- sections ------------------------------------------------------------------------------


def heading(results: Sequence[Result], reference: str) -> str:
    """The question, the range, and a list of the sections."""
    ref = next(r for r in results if r.name == reference)
    s = ref.scenario
    names = ", ".join(r.name for r in results)
    title = s.title if len(results) == 1 else f"What will these tariffs cost? {names}, compared"
    lede = (s.description or s.title).strip()
    when = (
        f"{s.horizon.start} to {s.horizon.end} (inclusive), "
        f"{PERIOD_ADVERB.get(ref.step, ref.step)} periods; facts as of {s.as_of}; "
        f"reference path: {reference}."
    )
    return (
        f"<header><h1>{esc(title)}</h1><p class='lede'>{esc(lede)}</p>"
        f"<p class='muted'>{esc(when)}</p>{edits(results)}</header>"
    )


def edits(results: Sequence[Result]) -> str:
    """What --set changed, path by path, as the page's first words after the range; ""
    when nothing was set."""
    changed = [r for r in results if r.scenario.edits]
    if not changed:
        return ""
    whose = len(results) > 1
    items = "".join(
        f"<li>{esc(f'{r.name}: ' if whose else '')}<code>{esc(e.describe())}</code></li>"
        for r in changed
        for e in r.scenario.edits
    )
    heading = HEADING[0].upper() + HEADING[1:]
    return f"<p><strong>{esc(heading)}</strong></p><ul>{items}</ul>"


def contents(entries: Sequence[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="#{esc(k)}">{esc(t)}</a></li>' for k, t in entries)
    return f"<nav aria-label='Contents'><ol>{items}</ol></nav>"


def paths(results: Sequence[Result], reference: str) -> str:
    """Each path: its name, title and description."""
    items = []
    for r in results:
        mark = " (reference)" if r.name == reference else ""
        about = (r.scenario.description or "").strip()
        items.append(
            f"<li><b>{esc(r.name)}</b>{esc(mark)}: {esc(r.scenario.title)}"
            + (f"<br><span class='muted'>{esc(about)}</span>" if about else "")
            + "</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def importer_totals(results: Sequence[Result], reference: str) -> pd.DataFrame:
    """Per importer × scenario × mode: imports, duties [USD] over the range, the effective
    additional rate (additional duty ÷ imports) and the difference to the reference's
    additional duty [USD]."""
    import pandas as pd

    frames = [r.tranches for r in results]
    sums = (
        pd.concat(frames, ignore_index=True)
        .groupby(["importer", "scenario", "mode"], sort=False)[
            ["imports_usd", "additional_duty_usd", "total_duty_usd"]
        ]
        .sum()
        .reset_index()
    )
    sums["effective_additional_rate"] = sums["additional_duty_usd"] / sums["imports_usd"].where(
        sums["imports_usd"] > 0
    )
    ref = sums[sums["scenario"] == reference].set_index(["importer", "mode"])
    keys = list(zip(sums["importer"], sums["mode"], strict=True))
    sums["additional_difference_usd"] = [
        row - ref["additional_duty_usd"].get(k, math.nan)
        for row, k in zip(sums["additional_duty_usd"], keys, strict=True)
    ]
    return sums


def headline(results: Sequence[Result], reference: str) -> str:
    """One table per importer: never are two countries' duties added together."""
    sums = importer_totals(results, reference)
    parts = []
    for importer, rows in sums.groupby("importer", sort=False):
        body = [
            [
                r["scenario"] + (" (reference)" if r["scenario"] == reference else ""),
                r["mode"],
                money(r["imports_usd"]),
                money(r["additional_duty_usd"]),
                money(r["total_duty_usd"]),
                percent(r["effective_additional_rate"]),
                signed_money(r["additional_difference_usd"]),
            ]
            for r in records(rows)
        ]
        highlight = {i for i, r in enumerate(records(rows)) if r["scenario"] == reference}
        parts.append(f"<h3>Imports into {esc(importer)}</h3>")
        parts.append(
            table(
                [
                    "path",
                    "mode",
                    "imports",
                    "additional duty",
                    "total duty",
                    "effective additional rate",
                    f"additional vs {reference}",
                ],
                body,
                {2, 3, 4, 5, 6},
                f"Over the whole range, {importer}'s customs duty only.",
                highlight,
            )
        )
    note = (
        "<p class='muted'>Static: imports do not respond to tariffs (rate × pre-tariff"
        " imports). Behavioural: imports respond, per each path's stated assumptions."
        " Additional duty is the duty above the base (MFN) rate; total duty includes it.</p>"
    )
    return "".join(parts) + note


def comparison(totals: pd.DataFrame, reference: str) -> str:
    """The comparison's totals frame: each path against the reference, one table per
    importer when the frame has an ``importer`` column."""
    if "importer" not in totals.columns:
        return _comparison_table(totals, reference)
    return "".join(
        f"<h3>Imports into {esc(str(code))}</h3>" + _comparison_table(rows, reference)
        for code, rows in totals.groupby("importer", sort=False)
    )


def _comparison_table(totals: pd.DataFrame, reference: str) -> str:
    rows = [
        [
            r["scenario"] + (" (reference)" if r["scenario"] == reference else ""),
            r["mode"],
            money(r["additional_duty_usd"]),
            signed_money(r["additional_duty_difference_usd"]),
            percent(r["additional_duty_relative_difference"], 1, signed=True),
            money(r["total_duty_usd"]),
            signed_money(r["total_duty_difference_usd"]),
            money(r["run_rate_additional_usd"]) + "/yr",
        ]
        for r in records(totals)
    ]
    highlight = {i for i, r in enumerate(records(totals)) if r["scenario"] == reference}
    headers = ["path", "mode", "additional", "Δ additional", "Δ %", "total", "Δ total", "run-rate"]
    return table(
        headers,
        rows,
        {2, 3, 4, 5, 6, 7},
        f"Duty over the range and the difference to {reference}; run-rate: additional duty"
        " per year at the rates in force on the last day, on the long run's imports (static:"
        " as stated; behavioural: fully adjusted to those rates).",
        highlight,
    )


def charts(items: Sequence[Chart]) -> str:
    return "".join(figure(figure_svg(c.figure, c.key), c.title, c.caption, c.key) for c in items)


def timeline(results: Sequence[Result]) -> str:
    """Every dated rate change, once, with the paths it belongs to."""
    seen: dict[tuple[Any, ...], list[str]] = {}
    for r in results:
        for e in records(r.events):
            key = (
                e["date"],
                e["label"],
                percent(e["from_rate"], 1).replace(".0 %", " %"),
                percent(e["to_rate"], 1).replace(".0 %", " %"),
                e["status"],
                e["source"] or "",
            )
            seen.setdefault(key, []).append(r.name)
    every = len(results)
    rows = [
        [
            str(day),
            label,
            f"{a} → {b}",
            status,
            "all" if len(names) == every else ", ".join(names),
            f"[{source}]" if source else "",
        ]
        for (day, label, a, b, status, source), names in sorted(
            seen.items(), key=lambda item: (item[0][0], item[0][1])
        )
    ]
    return table(
        ["date", "measure", "additional rate", "status", "paths", "source"],
        rows,
        caption="Scheduled, suspended and cancelled steps are listed; only those whose status"
        " applies change the duty.",
    )


ASSUMPTION_FIELDS = (
    ("elasticity", "elasticity", "elasticity/source", "{:g}"),
    ("pass_through", "pass-through", "pass_through/source", "pct"),
    ("half_life_days", "half-life (days)", "half_life/source", "{:.0f}"),
    ("front_loading_share", "front-loading", "front_loading/share/source", "pct"),
    ("diversion_share", "diversion", "diversion/share/source", "pct"),
)
"""Behavioural assumptions shown: result key, header, its source key, format."""


def assumptions(results: Sequence[Result]) -> str:
    """The behavioural assumptions of each path's tranches, each with its source id."""
    rows = []
    for r in results:
        stated = r.extra.get("assumptions") or {}
        for tranche, values in stated.items():
            sources = values.get("sources", {})
            row = [r.name, tranche]
            for key, _, source_key, fmt in ASSUMPTION_FIELDS:
                value = values.get(key)
                if value is None:
                    row.append("-")
                    continue
                shown = percent(value, 1) if fmt == "pct" else fmt.format(value)
                source = sources.get(source_key)
                row.append(f"{shown} [{source}]" if source else shown)
            rows.append(row)
    if not rows:
        return "<p>No behavioural assumptions: every path ran static.</p>"
    headers = ["path", "tranche", *[h for _, h, _, _ in ASSUMPTION_FIELDS]]
    return table(headers, rows, caption="Source ids in brackets; see Sources below.")


def sources(results: Sequence[Result]) -> str:
    """Every source once: id, title, publisher, date, address, and its paraphrase."""
    found: dict[str, Any] = {}
    for r in results:
        for sid, src in r.scenario.sources.items():
            found.setdefault(sid, src)
    items = []
    for sid, src in found.items():
        when = f", {src.date}" if src.date else ""
        by = f" — {esc(src.publisher)}" if getattr(src, "publisher", None) else ""
        link = f' <a href="{esc(src.url)}">{esc(src.url)}</a>' if src.url else ""
        note = getattr(src, "note", None)
        about = f"<br><span class='muted'>{esc(note.strip())}</span>" if note else ""
        items.append(
            f"<li id='source-{esc(sid)}'><code>[{esc(sid)}]</code> {esc(src.title)}{by}"
            f"{esc(when)}{link}{about}</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def block(item: Block) -> str:
    return (
        f"<p>{esc(item.intro)}</p>"
        + frame_table(item.frame, item.columns, item.caption)
        + charts(item.charts)
    )


def manifest(data: Mapping[str, Any]) -> str:
    """The run's manifest: the inputs with their SHA-256, then the whole record."""
    rows = [[i["role"], i["path"], i["sha256"]] for i in data.get("inputs", [])]
    return (
        "<p>What produced this page: the tool's version, every input file with its SHA-256"
        " (check one with <code>sha256sum FILE</code>), the options and the seed.</p>"
        + table(["role", "file", "SHA-256"], rows)
        + f"<pre class='manifest'>{esc(json.dumps(data, indent=2))}</pre>"
    )
