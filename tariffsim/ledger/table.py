"""The exposure text table: per scenario, totals, uncovered lines, duty by measure and authority.

Money to the cent (:mod:`tariffsim.ledger.cents`); the base authority named as the docs write
it (``MFN``). Formatting only: no arithmetic beyond sums of what the summary holds, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from tariffsim.ledger.cents import MINOR_UNITS, money_text, usd_text
from tariffsim.ledger.summary import Exposure
from tariffsim.model.money import Currency
from tariffsim.model.stack import BASE_AUTHORITY, BASE_AUTHORITY_NAME


def render_exposure(exposure: Exposure, currencies: Mapping[str, Currency] | None = None) -> str:
    """Per scenario: totals, uncovered lines and duty by measure, as a text table.

    ``currencies`` (scenario name → currency) adds the totals in that currency.
    """
    out: list[str] = []
    for name, frame in exposure.summary.groupby("scenario", sort=False):
        total = frame[frame["table"] == "total"].iloc[0]
        missing = frame[frame["table"] == "uncovered"].iloc[0]
        out.append(f"{name}: {total['label']}")
        out.append(
            f"  {_lines(total['lines'])}, {_usd(total['imports_usd'])} customs value; "
            f"duty {_usd(total['total_duty_usd'])} "
            f"(MFN {_usd(total['base_duty_usd'])}, "
            f"additional {_usd(total['additional_duty_usd'])})"
        )
        currency = (currencies or {}).get(str(name))
        if currency is not None and currency.code != "USD":
            parts = [
                _money(currency.of_usd(total[c]), currency.code)
                for c in ("imports_usd", "total_duty_usd", "base_duty_usd", "additional_duty_usd")
            ]
            out.append(
                f"  in {currency.describe()}: customs value {parts[0]}; duty {parts[1]} "
                f"(MFN {parts[2]}, additional {parts[3]})"
            )
        by_file = (frame["table"] == "mfn_unknown").any()  # that row comes with --mfn only
        out.append(
            f"  not covered by any measure: {_lines(missing['lines'])}, "
            f"{_usd(missing['imports_usd'])}"
            + (
                f", paying MFN {_usd(missing['base_duty_usd'])}"
                if missing["base_duty_usd"]
                # without an MFN file, MFN is the base rate of the measures that cover a line
                else "; no MFN on them without --mfn"
                if missing["lines"] and not by_file
                else ""
            )
        )
        unknown = frame[frame["table"] == "mfn_unknown"]
        if len(unknown) and unknown.iloc[0]["lines"]:
            out.append(
                f"  no MFN rate in the MFN file: {_lines(unknown.iloc[0]['lines'])}, "
                f"{_usd(unknown.iloc[0]['imports_usd'])} (they pay no MFN here)"
            )
        unpriced = frame[frame["table"] == "mfn_unpriced"]
        if len(unpriced):
            out.append(
                f"  MFN specific part unpriced (no quantity in its unit): "
                f"{_lines(unpriced['lines'].sum())}, {_usd(unpriced['imports_usd'].sum())} on "
                f"{len(unpriced):,} HTS-8 rate{'' if len(unpriced) == 1 else 's'}, "
                f"e.g. {_top_rates(unpriced)}; "
                "their ad valorem part is priced"
            )
        estimate = frame[frame["table"] == "mfn_estimate"]
        if len(estimate) and estimate.iloc[0]["lines"]:
            out.append(
                f"  MFN specific part priced from quantities: {_lines(estimate.iloc[0]['lines'])}, "
                f"{_usd(estimate.iloc[0]['imports_usd'])}, MFN "
                f"{_usd(estimate.iloc[0]['base_duty_usd'])} (ad valorem equivalent: an estimate)"
            )
        chapters = frame[frame["table"] == "uncovered_chapter"]
        if len(chapters):
            out.append("  " + uncovered_chapters_line(chapters))
        measures = frame[frame["table"] == "measure"]
        width = max([len(k) for k in measures["key"]] + [7])
        rows = [
            (str(k), _usd(v), _usd(d))
            for k, v, d in zip(
                measures["key"], measures["imports_usd"], measures["total_duty_usd"], strict=True
            )
        ]
        money = max([len(x) for _, v, d in rows for x in (v, d)] + [16])
        out.append(
            f"  {'measure':<{width}}  {'lines':>12}  {'covered value':>{money}}  {'duty':>{money}}"
        )
        for (key, value, duty), lines in zip(rows, measures["lines"], strict=True):
            out.append(f"  {key:<{width}}  {lines:>12,}  {value:>{money}}  {duty:>{money}}")
        authorities = frame[frame["table"] == "authority"]
        if len(authorities) > 1 or set(authorities["key"]) != set(measures["key"]):
            out.append(f"  by authority: {_authority_parts(authorities)}")
        out += _refund_lines(exposure.refunds, str(name))
        out.append("")
    return "\n".join(out)


def _top_rates(unpriced: pd.DataFrame, shown: int = 3) -> str:
    """The largest unpriced HTS-8 lines by value: ``0303.39.01 '1.1 cents/kg' $1,234``."""
    top = unpriced.sort_values("imports_usd", ascending=False, kind="stable").head(shown)
    return ", ".join(
        f"{k[:4]}.{k[4:6]}.{k[6:]} '{label}' {_usd(v)}"
        for k, label, v in zip(top["key"], top["label"], top["imports_usd"], strict=True)
    )


def _refund_lines(refunds: pd.DataFrame, scenario: str) -> list[str]:
    """The invalidated measures' duty by calendar and fiscal year, as a text table."""
    from tariffsim.outputs.text import table

    if refunds.empty:
        return []
    mine = refunds[(refunds["scenario"] == scenario) & (refunds["table"] != "refund_period")]
    if mine.empty:
        return []
    headers = ["measure", "year", "deposited", "owed", "owed back", "unclaimed", "refunded"]
    headers += ["interest", "paid"]
    amounts = ["deposited_usd", "owed_usd", "owed_back_usd", "unclaimed_usd", "principal_usd"]
    amounts += ["interest_usd", "refunded_usd"]
    rows = [[r["measure"], r["key"], *(_usd(r[a]) for a in amounts)] for _, r in mine.iterrows()]
    return [
        "  invalidated measures: duty deposited, owed (what stands) and refunded",
        "  (deposited, owed and owed back by entry date; refunds by payment date; US fiscal "
        "years start on 1 October; by period in the summary file, -o)",
        *("    " + x for x in table(headers, rows, right=set(range(2, len(headers))))),
    ]


def uncovered_chapters_line(chapters: pd.DataFrame, shown: int = 5) -> str:
    """The uncovered value by HTS chapter, largest first, the first ``shown`` of them."""
    top = chapters.sort_values("imports_usd", ascending=False, kind="stable")
    parts = [f"{row['key']} {_usd(row['imports_usd'])}" for _, row in top.head(shown).iterrows()]
    more = len(top) - shown
    rest = f"; {more} more in the summary file (-o), table uncovered_chapter" if more > 0 else ""
    return f"uncovered by HTS chapter: {', '.join(parts)}{rest}"


def _lines(n: int) -> str:
    return f"{int(n):,} line" + ("" if n == 1 else "s")


def _usd(value: float) -> str:
    return usd_text(value)


def _money(value: float, code: str) -> str:
    return money_text(value, f"{code} ", MINOR_UNITS.get(code, 2))


def _authority_parts(authorities: pd.DataFrame) -> str:
    """Each authority's additional duty; MFN that tranches carry as their base shown once, apart.

    A tranche holds its product group's MFN as a base rate, so its authority's total would mix
    MFN into (say) Section 301; only the ``mfn`` authority's row keeps its whole duty. All MFN
    shows as one part, named as the docs write it (``MFN``): in the ``mfn`` row's place, or last.
    """
    parts: list[str | None] = []
    mfn = 0.0
    at = None
    for _, row in authorities.iterrows():
        if row["key"] == BASE_AUTHORITY:
            mfn += float(row["total_duty_usd"])
            at = len(parts)
            parts.append(None)
            continue
        parts.append(f"{row['key']} {_usd(row['additional_duty_usd'])}")
        mfn += float(row["base_duty_usd"])
    if at is None and mfn:
        at = len(parts)
        parts.append(None)
    if at is not None:
        parts[at] = f"{BASE_AUTHORITY_NAME} {_usd(mfn)}"
    return ", ".join(p for p in parts if p is not None)
