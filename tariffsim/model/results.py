"""Result containers: tidy pandas frames built from the engine's arrays.

Column names and units follow ``docs/nomenclature.md``: money columns end in
``_usd`` [USD], rates are fractions [1], dates are ``datetime.date``. No
arithmetic beyond sums and ratios of the engine's outputs happens here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tariffsim.errors import TariffsimError
from tariffsim.model import engine, measure_rates
from tariffsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from tariffsim._types import FloatArray
    from tariffsim.model.timeline import Grid

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
    "import_change_usd",
    "frontloaded_usd",
    "diverted_usd",
    "consumer_cost_usd",
    "deadweight_loss_usd",
]

BEHAVIOUR_COLUMNS = PERIOD_COLUMNS[-5:]
"""Columns of the behavioural response [USD]. Signs: ``import_change_usd`` = behavioural −
static imports of the row (− = fewer); ``frontloaded_usd`` + where front-loading adds imports,
− where it takes them (0 over a window); ``diverted_usd`` ≥ 0, imports a diversion row receives;
``consumer_cost_usd`` = ρ × total duty (NaN when no pass-through is stated);
``deadweight_loss_usd`` + for a loss, − for a gain. Static rows carry 0 in all but consumer cost."""


@dataclass(frozen=True)
class Rows:
    """Identity of the rows of a run: tranche ids, labels, importers and exporters, (N,)."""

    ids: list[str]
    labels: list[str]
    importers: list[str]
    exporters: list[str]

    @classmethod
    def of(cls, scenario: Scenario) -> Rows:
        t = scenario.tranches.values()
        return cls(
            ids=list(scenario.tranches),
            labels=[x.label for x in t],
            importers=[x.importer for x in t],
            exporters=[x.exporter for x in t],
        )

    def __add__(self, other: Rows) -> Rows:
        return Rows(
            self.ids + other.ids,
            self.labels + other.labels,
            self.importers + other.importers,
            self.exporters + other.exporters,
        )


@dataclass(frozen=True)
class Result:
    """The outcome of simulating one scenario.

    Attributes
    ----------
    scenario : the scenario simulated.
    step : the reporting period used.
    mode : the headline mode: ``"static"`` (imports do not respond to tariffs) or
        ``"behavioural"`` (they respond, per the scenario's ``assumptions:``).
    periods : one row per mode × tranche × period (``mode`` column: ``"static"``;
        a behavioural run adds ``"behavioural"`` rows beside the static ones, and
        one row per diverted flow, tranche id ``list3→VN``, in behavioural mode only).
        ``imports_usd`` [USD] accrued in the period; ``additional_rate`` the
        import-weighted additional rate [1];
        ``additional_duty_usd``, ``base_duty_usd``, ``total_duty_usd`` [USD];
        ``cumulative_duty_usd`` running total of ``total_duty_usd`` per tranche;
        the :data:`BEHAVIOUR_COLUMNS` [USD] with their sign conventions.
    tranches : one row per mode × tranche: totals over the horizon [USD] and the
        annualised run-rate at the horizon's end, ``run_rate_additional_usd``
        and ``run_rate_total_usd`` [USD/year].
    importers : one row per importer × period: imports, duties and the effective
        rates ``effective_additional_rate`` = additional duty ÷ imports and
        ``effective_total_rate`` [1], over all of that importer's tranches.
    extra : JSON-ready metadata; a behavioural run puts the assumptions used
        under ``"assumptions"`` (per tranche: values and source ids) and the volume
        moved by front-loading under ``"frontloaded_moved_usd"`` [USD].
    refunds : for scenarios with invalidated measures, duty deposited, owed and refunded
        by period, calendar and fiscal year (:mod:`tariffsim.model.invalidation`); else None.
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
    refunds: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def importer_codes(self) -> list[str]:
        """The importers of the run's rows, in file order: totals are per importer."""
        return list(dict.fromkeys(self.tranches["importer"]))

    def totals(self, mode: str | None = None, importer: str | None = None) -> dict[str, float]:
        """Totals over the horizon [USD] and run-rates [USD/year] of one mode and importer.

        ``mode`` defaults to the headline mode of the run; ``importer`` may be left out
        when the run has one importer. Duties of two importers (US duty on Chinese
        goods, Chinese duty on US goods) are never added into one number.

        Raises
        ------
        TariffsimError
            if the run has several importers and ``importer`` is None.
        """
        columns = [
            "imports_usd",
            "additional_duty_usd",
            "base_duty_usd",
            "total_duty_usd",
            "run_rate_additional_usd",
            "run_rate_total_usd",
            *BEHAVIOUR_COLUMNS,
        ]
        rows = self.tranches[self.tranches["mode"] == (mode or self.mode)]
        if importer is not None:
            rows = rows[rows["importer"] == importer]
        elif len(self.importer_codes) > 1:
            raise TariffsimError(
                f"'{self.name}' has several importers ({', '.join(self.importer_codes)}); "
                "its totals are per importer",
                hint="name one importer (--importer)",
            )
        return {c: float(rows[c].sum(min_count=1)) for c in columns}

    def side_by_side(self, importer: str | None = None) -> pd.DataFrame:
        """Totals of the static and behavioural rows, and their difference [USD].

        One row per measure (index); columns ``static``, ``behavioural`` and
        ``difference`` (behavioural − static). Without behavioural rows, those two are NaN.
        """
        measures = [
            "imports_usd",
            "additional_duty_usd",
            "total_duty_usd",
            "run_rate_additional_usd",
            "consumer_cost_usd",
            "deadweight_loss_usd",
            "diverted_usd",
        ]
        static = self.totals("static", importer)
        responded = self.totals("behavioural", importer)
        frame = pd.DataFrame(
            {
                "static": [static[m] for m in measures],
                "behavioural": [responded[m] for m in measures],
            },
            index=measures,
        )
        frame["difference"] = frame["behavioural"] - frame["static"]
        return frame

    def periods_of(self, mode: str | None = None) -> pd.DataFrame:
        """The per-period rows of one mode (default: the headline mode)."""
        return self.periods[self.periods["mode"] == (mode or self.mode)]

    def _repr_html_(self) -> str:
        """A notebook's view: title, range, totals by mode [billion USD], rate changes.

        No dollar sign: notebooks render text between two of them as mathematics.
        """
        import html

        s = self.scenario
        totals = self.side_by_side() / 1e9
        if self.mode == "static" or totals["behavioural"].isna().all():
            totals = totals[["static"]]
        events = self.events[self.events["from_rate"] != self.events["to_rate"]]
        timeline = pd.DataFrame(
            {
                "date": events["date"].astype(str),
                "tranche": events["tranche"],
                "change": [
                    f"{a * 100:g} % → {b * 100:g} %"
                    for a, b in zip(events["from_rate"], events["to_rate"], strict=True)
                ],
                "status": events["status"],
                "source": events["source"].fillna(""),
            }
        )
        page: str = (
            f"<div><p><b>{html.escape(s.name)}</b>: {html.escape(s.title)}<br>"
            f"{s.horizon.start} to {s.horizon.end}, {html.escape(self.step)} periods;"
            f" headline mode {html.escape(self.mode)}</p>"
            "<p>Totals over the horizon, billion USD</p>"
            + totals.to_html(float_format=lambda v: f"{v:,.2f}", na_rep="-")
            + "<p>Rate changes</p>"
            + timeline.to_html(index=False)
            + "</div>"
        )
        return page


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
    rows: Rows | None = None,
    behaviour: Mapping[str, FloatArray] | None = None,
) -> Result:
    """Wrap per-row × per-period arrays (N, P) as a :class:`Result`.

    ``rows`` names the rows (default: the scenario's tranches); ``behaviour`` holds
    (N, P) arrays of the :data:`BEHAVIOUR_COLUMNS` (missing ones are 0, consumer cost NaN).
    """
    rows = rows or Rows.of(scenario)
    n, p = imports.shape
    total = additional_duty + base_duty
    extra = {c: np.zeros((n, p)) for c in BEHAVIOUR_COLUMNS}
    extra["consumer_cost_usd"] = np.full((n, p), np.nan)
    extra.update(behaviour or {})
    periods = pd.DataFrame(
        {
            "scenario": scenario.name,
            "mode": mode,
            "tranche": np.repeat(rows.ids, p),
            "label": np.repeat(rows.labels, p),
            "importer": np.repeat(rows.importers, p),
            "exporter": np.repeat(rows.exporters, p),
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
            **{c: extra[c].ravel() for c in BEHAVIOUR_COLUMNS},
        },
        columns=PERIOD_COLUMNS,
    )
    tranches = pd.DataFrame(
        {
            "scenario": scenario.name,
            "mode": mode,
            "tranche": rows.ids,
            "label": rows.labels,
            "importer": rows.importers,
            "exporter": rows.exporters,
            "imports_usd": imports.sum(axis=1),
            "additional_duty_usd": additional_duty.sum(axis=1),
            "base_duty_usd": base_duty.sum(axis=1),
            "total_duty_usd": total.sum(axis=1),
            "run_rate_additional_usd": run_rate_additional,
            "run_rate_total_usd": run_rate_additional + run_rate_base,
            **{c: extra[c].sum(axis=1) for c in BEHAVIOUR_COLUMNS},
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


def stack_modes(results: Sequence[Result], *, mode: str, extra: dict[str, Any]) -> Result:
    """One result holding the rows of several modes; ``mode`` names the headline one."""
    first = results[0]
    return Result(
        scenario=first.scenario,
        step=first.step,
        mode=mode,
        periods=pd.concat([r.periods for r in results], ignore_index=True),
        tranches=pd.concat([r.tranches for r in results], ignore_index=True),
        importers=pd.concat([r.importers for r in results], ignore_index=True),
        events=first.events,
        extra=extra,
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
        for day, last in sorted(tranche.schedule.items()):
            before = measure_rates.flow_rate_on(tranche, day - _ONE_DAY)
            # steps superseded the same day are listed first, for the record, never applied
            for step in [*last.superseded, last]:
                source_id = step.source or tranche.source
                source = scenario.sources.get(source_id or "")
                superseded = step is not last
                rows.append(
                    {
                        "date": day,
                        "tranche": tid,
                        "label": tranche.label,
                        "from_rate": before,
                        "to_rate": measure_rates.step_rate(tranche, step),
                        "status": "superseded" if superseded else step.status.value,
                        "applies": step.status.applies and not superseded,
                        "announced": step.announced,
                        "source": source_id,
                        "source_title": source.title if source else None,
                        "note": step.note,
                    }
                )
        end = tranche.end_date()
        if end is not None:
            how = "invalidated" if end == tranche.invalidated else "expires"
            cited = scenario.sources.get(tranche.source or "")
            rows.append(
                {
                    "date": end,
                    "tranche": tid,
                    "label": tranche.label,
                    "from_rate": measure_rates.flow_rate_on(tranche, end - _ONE_DAY),
                    "to_rate": 0.0,
                    "status": how,
                    "applies": True,
                    "announced": None,
                    "source": tranche.source,
                    "source_title": cited.title if cited else None,
                    "note": None,
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


def select_mode(result: Result, mode: str) -> Result:
    """The result with only ``mode``'s rows (``"static"`` or ``"behavioural"``), as its headline.

    A run keeps both modes in one frame, so summing a column over all rows counts the
    same duty twice; this is the one-mode view the ``--mode`` option writes.

    Raises
    ------
    TariffsimError
        when the result holds no rows of ``mode`` (a static run asked for behavioural rows).
    """
    modes = set(result.periods["mode"])
    if mode not in modes:
        raise TariffsimError(
            f"{result.name} has no {mode} rows (it ran {', '.join(sorted(modes))})",
            field="--mode",
            hint="behavioural rows need an 'assumptions:' block and no --static"
            if mode == "behavioural"
            else None,
        )

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["mode"] == mode].reset_index(drop=True)

    return replace(
        result,
        mode=mode,
        periods=keep(result.periods),
        tranches=keep(result.tranches),
        importers=keep(result.importers),
    )


def importers_of(result: Result) -> list[str]:
    """The importing countries of a result's rows, in the order they first appear."""
    return list(dict.fromkeys(str(i) for i in result.tranches["importer"]))


def select_importer(result: Result, importer: str) -> Result:
    """The result with only ``importer``'s rows and rate changes: one country's duty, never
    two countries' added together (each chart panel shows one importer)."""
    mine = {tid for tid, t in result.scenario.tranches.items() if t.importer == importer}

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["importer"] == importer].reset_index(drop=True)

    events = result.events[result.events["tranche"].isin(mine)].reset_index(drop=True)
    return replace(
        result,
        periods=keep(result.periods),
        tranches=keep(result.tranches),
        importers=keep(result.importers),
        events=events,
    )
