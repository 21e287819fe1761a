"""Outputs of ``tariffsim sweep``: the terminal table and CSV, JSON and Parquet.

Money is shown in $B in the table and in USD in files. Files are written
atomically by :mod:`tariffsim.outputs.files`. No statistics are computed here: the
numbers come from :class:`tariffsim.uncertainty.stats.SweepSummary`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim.model.tables import Table, factorized
from tariffsim.outputs.csv_rows import csv_text
from tariffsim.outputs.edits import edit_lines, edit_records
from tariffsim.outputs.emit import emit
from tariffsim.outputs.text import PERIOD_ADVERB, billions, table
from tariffsim.scenario.units import format_rate, format_usd
from tariffsim.uncertainty.stats import ALL, PERCENTILE_COLUMNS, PERCENTILES

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim.scenario.distributions import Distribution
    from tariffsim.uncertainty.stats import SweepSummary
    from tariffsim.uncertainty.sweep import SweepResult

_MEASURE_TEXT = {
    "total": "total duty (additional + base MFN)",
    "additional": "additional duty",
}


def sweep_frame(result: SweepResult, summary: SweepSummary) -> pd.DataFrame:
    """One tidy frame: per branch (and ``all``), a ``total`` row then one row per period."""
    import pandas as pd

    horizon = next(iter(result.outlook.scenarios.values())).horizon
    totals = summary.totals.assign(
        period="total", period_start=horizon.start, period_end=horizon.end
    )
    periods = summary.periods.assign(period=summary.periods["period_start"].astype(str))
    info = summary.totals[["branch", "probability", "draws"]]
    periods = periods.merge(info, on="branch", how="left")
    blocks = [
        part[part["branch"] == bid]
        for bid in summary.totals["branch"]
        for part in (totals, periods)
    ]
    frame = pd.concat(blocks, ignore_index=True)
    frame.insert(0, "outlook", result.outlook.path.stem)
    frame.insert(1, "measure", summary.measure)
    frame["threshold_usd"] = summary.threshold
    keys = ["branch", "probability", "draws", "period", "period_start", "period_end"]
    columns = ["outlook", "measure", *keys, "mean_usd", *PERCENTILE_COLUMNS]
    return frame[[*columns, "contribution_usd", "p_exceeds", "threshold_usd"]]


def sweep_payload(result: SweepResult, summary: SweepSummary) -> dict[str, Any]:
    """The JSON record: settings, the expected value, totals per branch, periods, outlook facts."""
    spec = result.outlook.spec
    return {
        "outlook": result.outlook.path.stem,
        "title": spec.title,
        "as_of": spec.as_of.isoformat(),
        "samples": result.samples,
        "seed": result.seed,
        "step": result.step,
        "mode": result.plan.mode,
        "measure": summary.measure,
        "duty_basis": "owed" if result.plan.owed_window is not None else "deposited",
        "units": {"money": "USD", "probability": "fraction"},
        "percentiles": list(PERCENTILES),
        "threshold_usd": summary.threshold,
        "expected_usd": summary.expected_usd,
        "totals": [dict(row) for row in summary.total_rows],
        "periods": [dict(row) for row in summary.period_rows],
        "branches": {b: br.model_dump(mode="json") for b, br in spec.branches.items()},
        "uncertain_steps": {u: s.model_dump(mode="json") for u, s in spec.uncertain_steps.items()},
        "assumptions": [
            {"branch": scope, **d.model_dump(mode="json", exclude_none=True)}
            for scope, d in _drawn(result)
        ],
        "sources": {k: v.model_dump(mode="json") for k, v in spec.sources.items()},
        # run --samples --set: the one branch's changes (a sweep takes no --set)
        **edit_records(next(iter(result.outlook.scenarios.values()))),
    }


def render_sweep(result: SweepResult, summary: SweepSummary) -> str:
    """The readable summary of a sweep."""
    spec, grid = result.outlook.spec, result.plan.grid
    lines = [
        f"{result.outlook.path.stem}: {spec.title}",
        f"  {result.samples:,} draws, seed {result.seed}; {PERIOD_ADVERB[result.step]} periods "
        f"{grid.period_start[0]} to {grid.period_end[-1]}; {_mode_text(result)}",
        f"  measure: {_MEASURE_TEXT[summary.measure]}",
        *(line for s in result.outlook.scenarios.values() for line in edit_lines(s)),
        *(
            [
                "  duty owed: deposits less what invalidated measures owe back (by entry date); "
                "the refunds themselves, by payment date: tariffsim run on the branch's file"
            ]
            if result.plan.owed_window is not None
            else []
        ),
        "",
        "Duty over the horizon by branch, $B (contribution = probability × mean)",
    ]
    threshold = summary.threshold
    headers = ["branch", "prob.", "draws", "mean", *[f"p{q}" for q in PERCENTILES], "contrib."]
    if threshold is not None:
        headers.append(f"P(>{format_usd(threshold)})")
    rows = []
    for r in summary.total_rows:
        row = [
            r["branch"],
            format_rate(r["probability"]),
            f"{r['draws']:,}",
            billions(r["mean_usd"]),
            *[billions(r[c]) for c in PERCENTILE_COLUMNS],
            billions(r["contribution_usd"]),
        ]
        if threshold is not None:
            row.append(f"{r['p_exceeds'] * 100:.2f} %")
        rows.append(row)
    lines += ["  " + x for x in table(headers, rows, right=set(range(1, len(headers))))]
    lines += [
        "",
        f"Expected value across branches: {format_usd(summary.expected_usd)}"
        " (Σ probability × branch mean)",
        "",
        f"Duty by period, all branches, $B; {_MEASURE_TEXT[summary.measure]}",
    ]
    every = [r for r in summary.period_rows if r["branch"] == ALL]
    period_rows = [
        [
            str(r["period_start"]),
            str(r["period_end"]),
            billions(r["mean_usd"]),
            *[billions(r[c]) for c in PERCENTILE_COLUMNS],
        ]
        for r in every
    ]
    headers = ["from", "to", "mean", *[f"p{q}" for q in PERCENTILES]]
    lines += ["  " + x for x in table(headers, period_rows, right=set(range(2, len(headers))))]
    lines += ["", "Branches, uncertain dates and drawn assumptions (probability, source)"]
    for bid, branch in spec.branches.items():
        lines.append(f"  {bid}: {branch.file}, {format_rate(branch.probability)} [{branch.source}]")
    for uid, step in spec.uncertain_steps.items():
        where = ", ".join(result.outlook.applies[uid])
        choices = "; ".join(
            f"{key} {format_rate(o.probability)} [{o.source}]" for key, o in step.outcomes.items()
        )
        lines.append(f"  {uid}: {step.tranche} step of {step.date} ({where}): {choices}")
    for scope, d in _drawn(result):
        where = "" if scope == ALL else f" ({scope})"
        lines.append(f"  {d.assumption}{where}: {_describe(d)} [{d.source}]")
    if spec.sources:
        lines += ["", "Sources"]
        for sid, src in spec.sources.items():
            when = f", {src.date}" if src.date else ""
            url = f" <{src.url}>" if src.url else ""
            lines.append(f"  [{sid}] {src.title}{when}{url}")
    return "\n".join(lines) + "\n"


def _drawn(result: SweepResult) -> list[tuple[str, Distribution]]:
    """The distributions drawn: the outlook's (scope ``all``), then branches' own."""
    if not result.draws.parameters:
        return []
    outlook = result.outlook
    drawn: list[tuple[str, Distribution]] = list(
        (ALL, d) for d in outlook.spec.assumptions.values()
    )
    for bid, scenario in outlook.scenarios.items():
        drawn += [
            (bid, d)
            for name, d in scenario.uncertainty.items()
            if name not in outlook.spec.assumptions
        ]
    return drawn


def _mode_text(result: SweepResult) -> str:
    if result.plan.behavioural:
        return "behavioural mode (imports respond; see the branches' assumptions)"
    if result.plan.behaviour is not None:
        return "static mode (--static: imports do not respond)"
    return "static mode (the branches state no behavioural assumptions)"


def _describe(d: Distribution) -> str:
    """A distribution's family and parameters, in the assumption's units."""
    unit = {"elasticity": "", "pass_through": " %", "half_life": " d"}[d.assumption]
    scale = 100.0 if d.assumption == "pass_through" else 1.0
    keys = ("mean", "sd", "median", "sigma", "mode", "low", "high")
    parts = [
        f"{k} {getattr(d, k) * (1.0 if k == 'sigma' else scale):.4g}{'' if k == 'sigma' else unit}"
        for k in keys
        if getattr(d, k) is not None
    ]
    return f"{d.distribution} ({', '.join(parts)})"


def write_sweep(
    result: SweepResult,
    summary: SweepSummary,
    fmt: str,
    output: Path | None,
    manifest: Mapping[str, Any] | None = None,
) -> str | None:
    """Write the sweep as ``fmt``; return the text instead when no file is given."""
    return emit(
        fmt,
        output,
        table=lambda: render_sweep(result, summary),
        frame=lambda: sweep_frame(result, summary),
        payload=lambda: sweep_payload(result, summary),
        example="sweep.parquet",
        manifest=manifest,
        csv=lambda: csv_text([sweep_table(result, summary)], SWEEP_COLUMNS),
    )


SWEEP_COLUMNS = [
    "outlook",
    "measure",
    "branch",
    "probability",
    "draws",
    "period",
    "period_start",
    "period_end",
    "mean_usd",
    *PERCENTILE_COLUMNS,
    "contribution_usd",
    "p_exceeds",
    "threshold_usd",
]
"""The columns of the sweep's CSV (and of :func:`sweep_frame`)."""


def sweep_table(result: SweepResult, summary: SweepSummary) -> Table:
    """:func:`sweep_frame`'s rows as a table of columns, made without pandas: per branch (and
    ``all``), its ``total`` row, then its periods with the branch's probability and draws."""
    horizon = next(iter(result.outlook.scenarios.values())).horizon
    rows = []
    for total in summary.total_rows:
        rows.append(
            {**total, "period": "total", "period_start": horizon.start, "period_end": horizon.end}
        )
        for row in summary.period_rows:
            if row["branch"] == total["branch"]:
                rows.append(
                    {
                        **row,
                        "probability": total["probability"],
                        "draws": total["draws"],
                        "period": str(row["period_start"]),
                    }
                )
    n = len(rows)
    columns: dict[str, Any] = {}
    for name in SWEEP_COLUMNS[2:-1]:
        cells = [row.get(name, float("nan")) for row in rows]
        if name == "draws":
            columns[name] = np.array(cells, dtype=np.int64)
        elif name in ("branch", "period", "period_start", "period_end"):
            columns[name] = factorized(cells)
        else:
            columns[name] = np.array(cells, dtype=np.float64)
    threshold = summary.threshold
    return Table(
        n,
        {
            "outlook": factorized([result.outlook.path.stem] * n),
            "measure": factorized([summary.measure] * n),
            **columns,
            "threshold_usd": factorized([None] * n)
            if threshold is None
            else np.full(n, float(threshold)),
        },
    )
