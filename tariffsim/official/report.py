"""What ``tariffsim data`` says about the file it wrote: counts a user can check at a glance.

One short text per kind of tidy file, for stderr: lines per list (HTS-8 and HTS-10 apart),
lines per MFN rate form, a ledger's lines, periods and totals. No reading or writing here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def membership_report(table: pd.DataFrame, path: Path) -> str:
    """Lines per measure and heading of a membership file, HTS-8 and HTS-10 apart."""
    edition = ", ".join(dict.fromkeys(table["hts_edition"]))
    digits = table["hts_code"].str.len()
    counts = (
        table.assign(hts8=digits == 8, hts10=digits == 10)
        .groupby(["measure", "heading"], sort=True)[["hts8", "hts10"]]
        .sum()
    )
    out = [f"wrote {len(table):,} membership lines (HTS edition {edition}) to {path}"]
    width = max([12, *(len(str(m)) for m, _ in counts.index)])  # the headings stay aligned
    for (measure, heading), row in counts.iterrows():
        parts = [f"{int(row[d]):,} HTS-{d[3:]}" for d in ("hts8", "hts10") if row[d]]
        out.append(f"  {measure:<{width}} {heading}  {' + '.join(parts)}")
    return "\n".join(out) + "\n"


def rates_report(table: pd.DataFrame, path: Path, what: str) -> str:
    """Lines per rate form of an MFN or chapter 99 file, refused ones with their reason."""
    edition = ", ".join(dict.fromkeys(table["hts_edition"]))
    out = [f"wrote {len(table):,} {what} (HTS edition {edition}) to {path}"]
    counts = table.groupby(["rate_form", "refusal_reason"], sort=False).size()
    for (form, reason), lines in counts.sort_values(ascending=False, kind="stable").items():
        label = f"refused: {reason}" if reason else form
        out.append(f"  {lines:>7,}  {label}")
    return "\n".join(out) + "\n"


def ledger_report(table: pd.DataFrame, path: Path) -> str:
    """A ledger's lines, periods, origins, customs value and calculated duty."""
    periods = sorted(dict.fromkeys(table["period"]))
    span = periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]}"
    origins = ", ".join(sorted(dict.fromkeys(table["country_of_origin"])))
    value = float(table["customs_value_usd"].sum())
    duty = table["calculated_duty_usd"]
    stated = f", calculated duty ${float(duty.sum()):,.0f}" if duty.notna().any() else ""
    return (
        f"wrote {len(table):,} ledger lines ({span}, from {origins}) to {path}: "
        f"customs value ${value:,.0f}{stated}\n"
    )


def weights_report(table: pd.DataFrame, path: Path) -> str:
    """A weights file's lines, digits and the value they split."""
    digits = ", ".join(str(d) for d in sorted(set(table["hts_code"].str.len())))
    value = float(table["customs_value_usd"].sum())
    return (
        f"wrote {len(table):,} weights (HTS-{digits} lines) to {path}: "
        f"they split customs value ${value:,.0f}\n"
    )
