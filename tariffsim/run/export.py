"""Results as CSV, JSON and Parquet: the machine-readable outputs of ``run``.

Frames are rendered here; the files are written by :mod:`tariffsim.outputs.files`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffsim.outputs.emit import emit

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.model.results import Result


def periods_frame(results: Sequence[Result]) -> pd.DataFrame:
    """All scenarios' per-tranche × per-period rows in one tidy frame.

    A scenario written with measures adds one column per authority,
    ``additional_duty_<authority>_usd`` [USD]: the row's additional duty by authority; with
    ``--currency``, each money column again in that currency, at the scenario's stated rate.
    """
    import pandas as pd

    return pd.concat([_with_currency(r, _with_authorities(r)) for r in results], ignore_index=True)


def _with_currency(result: Result, frame: pd.DataFrame) -> pd.DataFrame:
    """With ``run --currency``: every ``*_usd`` column again in that currency (``*_eur``)."""
    currency = result.extra.get("currency")
    if not currency or currency["code"] == "USD":
        return frame
    code, per = currency["code"].lower(), float(currency["usd_per_unit"])
    extra = {f"{c[:-4]}_{code}": frame[c] / per for c in frame.columns if c.endswith("_usd")}
    return frame.assign(**extra)


def _with_authorities(result: Result) -> pd.DataFrame:
    from tariffsim.model.breakdown import duty_by_authority

    if not result.scenario.authority_parts:
        return result.periods
    split = duty_by_authority(result).pivot_table(
        index=["mode", "tranche", "period_start"],
        columns="authority",
        values="additional_duty_usd",
        aggfunc="sum",
        sort=False,
    )
    split.columns = [f"additional_duty_{a}_usd" for a in split.columns]
    keys = ["mode", "tranche", "period_start"]
    return result.periods.merge(split.reset_index(), on=keys, how="left")


def json_payload(results: Sequence[Result]) -> list[dict[str, Any]]:
    """One record per scenario: metadata, totals, tranches, periods, importers, events."""
    payload = []
    for r in results:
        s = r.scenario
        payload.append(
            {
                "scenario": s.name,
                "title": s.title,
                "as_of": s.as_of.isoformat(),
                "mode": r.mode,
                "step": r.step,
                "horizon": {"start": s.horizon.start.isoformat(), "end": s.horizon.end.isoformat()},
                "units": {"money": "USD", "flow": "USD/year", "rate": "fraction"},
                # one importer's totals, or None: two importers' duties are never added
                "totals": r.totals() if len(r.importer_codes) == 1 else None,
                "totals_by_importer": {i: r.totals(importer=i) for i in r.importer_codes},
                **r.extra,
                "tranches": r.tranches.to_dict(orient="records"),
                "periods": r.periods.to_dict(orient="records"),
                "importers": r.importers.to_dict(orient="records"),
                "by_authority": _by_authority(r),
                "events": r.events.to_dict(orient="records"),
                **(
                    {"refunds": r.refunds.to_dict(orient="records")}
                    if r.refunds is not None
                    else {}
                ),
                "sources": {k: v.model_dump(mode="json") for k, v in s.sources.items()},
            }
        )
    return payload


def write_results(
    results: Sequence[Result],
    fmt: str,
    output: Path | None,
    manifest: Mapping[str, Any] | None = None,
) -> str | None:
    """Write ``results`` as ``fmt`` to ``output``; return the text instead when no file is given.

    ``manifest`` goes into each JSON record, or beside any other file.
    """
    from tariffsim.run.report import render_summary

    return emit(
        fmt,
        output,
        table=lambda: "\n".join(render_summary(r) for r in results),
        frame=lambda: periods_frame(results),
        payload=lambda: json_payload(results),
        manifest=manifest,
    )


def _by_authority(result: Result) -> list[dict[str, Any]]:
    """Duty by importer and authority over the horizon and its part of the rate (JSON rows)."""
    from tariffsim.model.breakdown import effective_rate_parts

    if not result.scenario.authority_parts:
        return []
    frame = effective_rate_parts(result)
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict(orient="records")]
