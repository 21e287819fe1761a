"""Result containers: tidy pandas frames built from the engine's arrays.

Column names and units follow ``docs/nomenclature.md``: money columns end in
``_usd`` [USD], rates are fractions [1], dates are ``datetime.date``. No
arithmetic beyond sums and ratios of the engine's outputs happens here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tariffsim import engine
from tariffsim.schema import Scenario

if TYPE_CHECKING:
    from tariffsim.timeline import FloatArray, Grid

_ONE_DAY = dt.timedelta(days=1)

PERIOD_COLUMNS = [
    "scenario",
    "mode",
    "tranche",
    "label",
    "importer",
    "exporter",
    "period_start",
    "period_end",
    "days",
    "imports_usd",
    "additional_rate",
    "additional_duty_usd",
    "base_duty_usd",
    "total_duty_usd",
    "cumulative_duty_usd",
]


@dataclass(frozen=True)
class Result:
    """The outcome of simulating one scenario.

    Attributes
    ----------
    scenario : the scenario simulated.
    step : the reporting period used.
    mode : the headline mode: ``"static"`` (imports do not respond to tariffs).
    periods : one row per mode × tranche × period (``mode`` column: ``"static"``;
        a behavioural run adds ``"behavioural"`` rows beside the static ones).
        ``imports_usd`` [USD] accrued in the period; ``additional_rate`` the
        import-weighted additional rate [1];
        ``additional_duty_usd``, ``base_duty_usd``, ``total_duty_usd`` [USD];
        ``cumulative_duty_usd`` running total of ``total_duty_usd`` per tranche.
    tranches : one row per mode × tranche: totals over the horizon [USD] and the
        annualised run-rate at the horizon's end, ``run_rate_additional_usd``
        and ``run_rate_total_usd`` [USD/year].
    importers : one row per importer × period: imports, duties and the effective
        rates ``effective_additional_rate`` = additional duty ÷ imports and
        ``effective_total_rate`` [1], over all of that importer's tranches.
    events : one row per dated schedule step: ``date``, ``tranche``, ``from_rate``,
        ``to_rate`` [1], ``status``, ``applies``, ``announced``, ``source`` id and
        ``source_title``, ``note``.
    """

    scenario: Scenario
    step: str
    mode: str
    periods: pd.DataFrame
    tranches: pd.DataFrame
    importers: pd.DataFrame
    events: pd.DataFrame
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.scenario.name

    def totals(self, mode: str | None = None) -> dict[str, float]:
        """Scenario totals over the horizon [USD] and run-rates [USD/year] of one mode.

        ``mode`` defaults to the headline mode of the run.
        """
        columns = [
            "imports_usd",
            "additional_duty_usd",
            "base_duty_usd",
            "total_duty_usd",
            "run_rate_additional_usd",
            "run_rate_total_usd",
        ]
        rows = self.tranches[self.tranches["mode"] == (mode or self.mode)]
        return {c: float(rows[c].sum()) for c in columns}


def build_result(
    scenario: Scenario,
    *,
    step: str,
    grid: Grid,
    imports: FloatArray,
    additional_duty: FloatArray,
    base_duty: FloatArray,
    run_rate_additional: FloatArray,
    run_rate_base: FloatArray,
    mode: str = "static",
) -> Result:
    """Wrap per-tranche × per-period arrays (N, P) as a :class:`Result`."""
    ids = list(scenario.tranches)
    n, p = imports.shape
    total = additional_duty + base_duty
    periods = pd.DataFrame(
        {
            "scenario": scenario.name,
            "mode": mode,
            "tranche": np.repeat(ids, p),
            "label": np.repeat([t.label for t in scenario.tranches.values()], p),
            "importer": np.repeat([t.importer for t in scenario.tranches.values()], p),
            "exporter": np.repeat([t.exporter for t in scenario.tranches.values()], p),
            "period_start": np.tile(np.array(grid.period_start, dtype=object), n),
            "period_end": np.tile(np.array(grid.period_end, dtype=object), n),
            "days": np.tile(
                [(e - s).days + 1 for s, e in zip(grid.period_start, grid.period_end, strict=True)],
                n,
            ),
            "imports_usd": imports.ravel(),
            "additional_rate": engine.weighted_rate(additional_duty, imports).ravel(),
            "additional_duty_usd": additional_duty.ravel(),
            "base_duty_usd": base_duty.ravel(),
            "total_duty_usd": total.ravel(),
            "cumulative_duty_usd": np.cumsum(total, axis=1).ravel(),
        },
        columns=PERIOD_COLUMNS,
    )
    tranches = pd.DataFrame(
        {
            "scenario": scenario.name,
            "mode": mode,
            "tranche": ids,
            "label": [t.label for t in scenario.tranches.values()],
            "importer": [t.importer for t in scenario.tranches.values()],
            "exporter": [t.exporter for t in scenario.tranches.values()],
            "imports_usd": imports.sum(axis=1),
            "additional_duty_usd": additional_duty.sum(axis=1),
            "base_duty_usd": base_duty.sum(axis=1),
            "total_duty_usd": total.sum(axis=1),
            "run_rate_additional_usd": run_rate_additional,
            "run_rate_total_usd": run_rate_additional + run_rate_base,
        }
    )
    return Result(
        scenario=scenario,
        step=step,
        mode=mode,
        periods=periods,
        tranches=tranches,
        importers=importer_rates(periods),
        events=schedule_events(scenario),
    )


def importer_rates(periods: pd.DataFrame) -> pd.DataFrame:
    """Effective rates per importer × period over all of the importer's tranches."""
    keys = ["scenario", "mode", "importer", "period_start", "period_end"]
    sums = (
        periods.groupby(keys, sort=False)[["imports_usd", "additional_duty_usd", "total_duty_usd"]]
        .sum()
        .reset_index()
    )
    imports = sums["imports_usd"].to_numpy()
    sums["effective_additional_rate"] = engine.weighted_rate(
        sums["additional_duty_usd"].to_numpy(), imports
    )
    sums["effective_total_rate"] = engine.weighted_rate(sums["total_duty_usd"].to_numpy(), imports)
    return sums


def schedule_events(scenario: Scenario) -> pd.DataFrame:
    """Every dated step of every tranche, with the rate before and after it."""
    rows = []
    for tid, tranche in scenario.tranches.items():
        for day, step in sorted(tranche.schedule.items()):
            before = tranche.rate_on(day - _ONE_DAY)
            source_id = step.source or tranche.source
            source = scenario.sources.get(source_id or "")
            rows.append(
                {
                    "date": day,
                    "tranche": tid,
                    "label": tranche.label,
                    "from_rate": before,
                    "to_rate": step.rate,
                    "status": step.status.value,
                    "applies": step.status.applies,
                    "announced": step.announced,
                    "source": source_id,
                    "source_title": source.title if source else None,
                    "note": step.note,
                }
            )
    columns = [
        "date",
        "tranche",
        "label",
        "from_rate",
        "to_rate",
        "status",
        "applies",
        "announced",
        "source",
        "source_title",
        "note",
    ]
    return pd.DataFrame(rows, columns=columns).sort_values(["date", "tranche"], ignore_index=True)
