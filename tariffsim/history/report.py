"""The terminal table of ``tariffsim backtest``: published figures, simulated values, errors.

Rates are shown in %, errors of rates in percentage points (pp); money in $B.
Plain, deterministic text; no arithmetic beyond unit scaling and the
summary of absolute errors.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tariffsim.model.stack import authority_name
from tariffsim.outputs.text import table

if TYPE_CHECKING:
    import pandas as pd

_LABELS = {
    "average_tariff": "average tariff",
    "cumulative_duty": "301 duty assessed",
    "fiscal_year_duty": "301 duty, fiscal year",
    "calendar_year_imports": "imports",
    "monthly_imports": "imports, month",
}


def _value(amount: float, unit: str) -> str:
    return f"{amount * 100:.1f} %" if unit == "1" else f"${amount / 1e9:,.1f}B"


def _error(error: float, relative: float, unit: str) -> str:
    if unit == "1":
        return f"{error * 100:+.1f} pp"
    return f"{error / 1e9:+,.1f}B ({relative * 100:+.0f} %)"


def render_backtest(comparison: pd.DataFrame) -> str:
    """The comparison as aligned text, one column pair (value, error) per mode."""
    modes = list(dict.fromkeys(comparison["mode"]))
    headers = ["figure", "importer←exporter", "when", "published"]
    for mode in modes:
        headers += [mode, "error"]
    headers.append("id")
    rows = []
    for _, first in comparison[comparison["mode"] == modes[0]].iterrows():
        row = [
            _LABELS[first["kind"]],
            f"{first['importer']}←{first['exporter']}",
            first["when"],
            _value(first["published"], first["unit"]),
        ]
        for mode in modes:
            match = comparison[
                (comparison["mode"] == mode) & (comparison["figure"] == first["figure"])
            ]
            hit = match.iloc[0]
            row += [
                _value(hit["simulated"], hit["unit"]),
                _error(hit["error"], hit["relative_error"], hit["unit"]),
            ]
        rows.append([*row, first["figure"]])  # tells two figures of one day apart
    right = set(range(3, len(headers) - 1))
    lines = table(headers, rows, right)
    summary = []
    for mode in modes:
        part = comparison[comparison["mode"] == mode]
        rates = part[part["unit"] == "1"]["error"].abs()
        money = part[part["unit"] == "USD"]["relative_error"].abs()
        parts = []
        if not rates.empty:
            parts.append(f"{rates.mean() * 100:.1f} pp on average tariffs")
        if not money.empty:
            parts.append(f"{money.mean() * 100:.0f} % on duties and imports")
        summary.append(f"{mode}: mean absolute error {', '.join(parts) or 'none (no figures)'}")
    return "\n".join([*lines, "", *summary]) + "\n"


def render_years(totals: pd.DataFrame, kind: str) -> str:
    """Simulated imports and duties per importer × year, every mode, in $B."""
    label = "US fiscal year (Oct–Sep)" if kind == "fiscal" else "calendar year"
    headers = ["mode", "importer←exporter", "year", "days", "imports", "additional", "total duty"]
    rows = [
        [
            r["mode"],
            f"{r['importer']}←{r['exporter']}",
            f"FY{r['year']}" if kind == "fiscal" else str(r["year"]),
            str((r["last_day"] - r["first_day"]).days + 1),
            f"{r['imports_usd'] / 1e9:,.1f}",
            f"{r['additional_duty_usd'] / 1e9:,.1f}",
            f"{r['total_duty_usd'] / 1e9:,.1f}",
        ]
        for _, r in totals.iterrows()
    ]
    lines = table(headers, rows, right={3, 4, 5, 6})
    return "\n".join([f"Simulated totals by {label}, $B", *lines]) + "\n"


def render_authority_steps(series: pd.DataFrame, drops: pd.DataFrame) -> str:
    """The average tariff at each step, split by authority (%), and each invalidation's drop."""
    parts = [c for c in series.columns if c not in _SERIES_KEYS]
    headers = ["importer←exporter", "from", "to", "days", *map(authority_name, parts)]
    rows = [
        [
            f"{r['importer']}←{r['exporter']}",
            str(r["start"]),
            str(r["end"]),
            str(r["days"]),
            *(f"{r[c] * 100:.2f}" for c in parts),
        ]
        for _, r in series.iterrows()
    ]
    lines = table(headers, rows, right=set(range(3, len(headers))))
    title = "Average tariff at each step, by authority, % of the fixed-weight imports"
    notes = [
        f"On {r['date']} ({r['measures']} invalidated) the {r['importer']}←{r['exporter']} "
        f"average falls from {r['before'] * 100:.2f} % to {r['after'] * 100:.2f} % "
        f"({(r['after'] - r['before']) * 100:+.2f} pp)"
        for _, r in drops.iterrows()
    ]
    return "\n".join([title, *lines, *(["", *notes] if notes else [])]) + "\n"


_SERIES_KEYS = {"importer", "exporter", "start", "end", "days"}


def render_refunds(years: pd.DataFrame) -> str:
    """Deposited, owed, owed back and refunded duty of invalidated measures by year, $B."""
    headers = ["measure", "year", "deposited", "owed", "owed back", "refunded", "interest"]
    amounts = ["deposited_usd", "owed_usd", "owed_back_usd", "refunded_usd", "interest_usd"]
    rows = [
        [r["measure"], r["year"], *(f"{r[c] / 1e9:,.2f}" for c in amounts)]
        for _, r in years.iterrows()
    ]
    lines = table(headers, rows, right=set(range(2, len(headers))))
    title = (
        "Invalidated measures by US fiscal year (Oct–Sep), $B: deposited, owed (what stands) "
        "and owed back by entry date; refunded and interest by payment date"
    )
    return "\n".join([title, *lines]) + "\n"
