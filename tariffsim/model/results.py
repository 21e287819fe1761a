"""Result containers: the engine's arrays, and tidy pandas frames built from them on request.

A :class:`Result` keeps its per-row × per-period numbers as (R, P) arrays
(:class:`PeriodArrays`) and the period bounds as ``datetime64[D]``; totals, the
terminal table, the side-by-side figures and the CSV and JSON files are read from
those arrays (:mod:`tariffsim.model.result_tables`), so none of them imports pandas.
The frames (``periods``, ``tranches``, ``importers``, ``events``) are built the first
time they are asked for.

Column names and units follow ``docs/nomenclature.md``: money columns end in
``_usd`` [USD], rates are fractions [1]. In the ``periods``, ``tranches`` and
``importers`` frames, text columns (scenario, mode, tranche, label, importer,
exporter) are categoricals and the period bounds ``datetime64[s]`` (midnight of the
day); ``events`` keeps ``datetime.date`` cells. No arithmetic beyond sums and ratios of
the engine's outputs happens here.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from tariffsim.errors import TariffsimError
from tariffsim.model import budget, engine, measure_rates
from tariffsim.model.period_arrays import (
    BEHAVIOUR_COLUMNS as BEHAVIOUR_COLUMNS,
)
from tariffsim.model.period_arrays import (
    PERIOD_COLUMNS as PERIOD_COLUMNS,
)
from tariffsim.model.period_arrays import (
    TRANCHE_SUMS as TRANCHE_SUMS,
)
from tariffsim.model.period_arrays import PeriodArrays as PeriodArrays
from tariffsim.model.period_arrays import Rows as Rows
from tariffsim.model.period_arrays import rows_of as rows_of
from tariffsim.scenario.schema import Scenario, Tranche

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim._types import FloatArray
    from tariffsim.model.timeline import Grid

_ONE_DAY = dt.timedelta(days=1)


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
        run-rates ``run_rate_additional_usd`` and ``run_rate_total_usd`` [USD/year]: a
        year of duty at the rates in force on the horizon's last day, on the imports of
        the long run at those rates (static: the stated imports; behavioural:
        V_0 · R_end, imports fully adjusted, not the last period's pace).
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
    arrays: PeriodArrays
    extra: dict[str, Any] = field(default_factory=dict)
    refunds: pd.DataFrame | None = None

    @property
    def name(self) -> str:
        return self.scenario.name

    @cached_property
    def periods(self) -> pd.DataFrame:
        """One row per mode × row × period (built on first use; see the class docstring).

        Raises
        ------
        TariffsimError
            when the frame's estimated memory (:func:`budget.frame_bytes`) is over budget.
        """
        from tariffsim.model.result_tables import period_table

        budget.check_frame(int(self.arrays.values["imports_usd"].size))
        return period_table(self.name, self.arrays).to_frame()

    @cached_property
    def tranches(self) -> pd.DataFrame:
        """One row per mode × row: horizon totals and run-rates (built on first use)."""
        from tariffsim.model.result_tables import tranche_table

        return tranche_table(self.name, self.arrays).to_frame()

    @cached_property
    def importers(self) -> pd.DataFrame:
        """Effective rates per mode × importer × period (built on first use)."""
        from tariffsim.model.result_tables import importer_table

        return importer_table(self.name, self.arrays).to_frame()

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every dated schedule step, as :func:`schedule_events` (built on first use)."""
        return schedule_events(self.scenario)

    @property
    def modes(self) -> list[str]:
        """The modes of the run's rows, static first (``static``, ``behavioural``)."""
        return sorted({str(m) for m in self.arrays.modes}, key=lambda m: (m != "static", m))

    @property
    def importer_codes(self) -> list[str]:
        """The importers of the run's rows, in file order: totals are per importer."""
        return list(dict.fromkeys(self.arrays.rows.importers))

    def totals(self, mode: str | None = None, importer: str | None = None) -> dict[str, float]:
        """Totals over the horizon [USD] and run-rates [USD/year] of one mode and importer.

        ``mode`` defaults to the headline mode of the run; ``importer`` may be left out
        when the run has one importer. Duties of two importers (US duty on Chinese
        goods, Chinese duty on US goods) are never added into one number. A column
        whose rows are all NaN (consumer cost without a stated pass-through), or a mode
        without rows, totals NaN; otherwise NaN rows are skipped.

        Raises
        ------
        TariffsimError
            if the run has several importers and ``importer`` is None.
        """
        a = self.arrays
        chosen = a.of_mode(mode or self.mode)
        if importer is not None:
            chosen &= np.asarray(a.rows.importers, dtype=object) == importer
        elif len(self.importer_codes) > 1:
            raise TariffsimError(
                f"'{self.name}' has several importers ({', '.join(self.importer_codes)}); "
                "its totals are per importer",
                hint="name one importer (--importer)",
            )
        by_row = {c: a.values[c][chosen].sum(axis=1) for c in TRANCHE_SUMS}
        by_row["run_rate_additional_usd"] = a.run_rate_additional[chosen]
        by_row["run_rate_total_usd"] = a.run_rate_total[chosen]
        order = [*TRANCHE_SUMS[:4], "run_rate_additional_usd", "run_rate_total_usd"]
        return {c: _sum_present(by_row[c]) for c in [*order, *BEHAVIOUR_COLUMNS]}

    def side_by_side_rows(
        self, importer: str | None = None
    ) -> dict[str, tuple[float, float, float]]:
        """Measure → (static, behavioural, behavioural − static) totals [USD] of one importer."""
        static = self.totals("static", importer)
        responded = self.totals("behavioural", importer)
        return {m: (static[m], responded[m], responded[m] - static[m]) for m in SIDE_BY_SIDE}

    def side_by_side(self, importer: str | None = None) -> pd.DataFrame:
        """Totals of the static and behavioural rows, and their difference [USD].

        One row per measure (index); columns ``static``, ``behavioural`` and
        ``difference`` (behavioural − static). Without behavioural rows, those two are NaN.
        """
        import pandas as pd

        rows = self.side_by_side_rows(importer)
        return pd.DataFrame(
            list(rows.values()), index=list(rows), columns=["static", "behavioural", "difference"]
        )

    def periods_of(self, mode: str | None = None) -> pd.DataFrame:
        """The per-period rows of one mode (default: the headline mode)."""
        return self.periods[self.periods["mode"] == (mode or self.mode)]

    def _repr_html_(self) -> str:
        """A notebook's view: title, range, totals by mode [billion USD], rate changes.

        No dollar sign: notebooks render text between two of them as mathematics.
        """
        import html

        import pandas as pd

        s = self.scenario
        tables = ""
        for code in self.importer_codes:
            totals = self.side_by_side(code) / 1e9
            if self.mode == "static" or totals["behavioural"].isna().all():
                totals = totals[["static"]]
            caption = f"Imports into {html.escape(code)}: totals over the horizon, billion USD"
            tables += f"<p>{caption}</p>"
            tables += totals.to_html(float_format=lambda v: f"{v:,.2f}", na_rep="-")
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
            + tables
            + "<p>Rate changes</p>"
            + timeline.to_html(index=False)
            + "</div>"
        )
        return page


SIDE_BY_SIDE = [
    "imports_usd",
    "additional_duty_usd",
    "total_duty_usd",
    "run_rate_additional_usd",
    "consumer_cost_usd",
    "deadweight_loss_usd",
    "diverted_usd",
]
"""The measures of :meth:`Result.side_by_side`, in order."""


def _sum_present(values: FloatArray) -> float:
    """The sum of the non-NaN values; NaN when there are none (pandas' ``min_count=1``)."""
    present = values[~np.isnan(values)]
    return float(present.sum()) if present.size else float("nan")


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
    arrays = PeriodArrays(
        modes=np.full(n, mode, dtype=object),
        rows=rows,
        starts=np.array(grid.period_start, dtype="datetime64[D]"),
        ends=np.array(grid.period_end, dtype="datetime64[D]"),
        values={
            "imports_usd": imports,
            "additional_rate": engine.weighted_rate(additional_duty, imports),
            "additional_duty_usd": additional_duty,
            "base_duty_usd": base_duty,
            "total_duty_usd": total,
            "cumulative_duty_usd": np.cumsum(total, axis=1),
            **{c: extra[c] for c in BEHAVIOUR_COLUMNS},
        },
        run_rate_additional=np.asarray(run_rate_additional, dtype=float),
        run_rate_total=np.asarray(run_rate_additional + run_rate_base, dtype=float),
    )
    return Result(scenario=scenario, step=step, mode=mode, arrays=arrays)


def stack_modes(results: Sequence[Result], *, mode: str, extra: dict[str, Any]) -> Result:
    """One result holding the rows of several modes; ``mode`` names the headline one.

    The parts' arrays are moved into the stacked result (:meth:`PeriodArrays.stacked`
    with ``consume``): the parts are of no use afterwards.
    """
    first = results[0]
    return Result(
        scenario=first.scenario,
        step=first.step,
        mode=mode,
        arrays=PeriodArrays.stacked([r.arrays for r in results], consume=True),
        extra=extra,
    )


def _rate_before(tranche: Tranche) -> Callable[[dt.date], float]:
    """``day ↦ flow_rate_on(tranche, day − 1 day)``, by bisection when the steps' entry
    dates are in order (as they nearly always are), so a schedule of n steps costs
    n log n, not n²."""
    steps = measure_rates.flow_steps(tranche)
    starts = [start for start, _ in steps]
    if any(a > b for a, b in itertools.pairwise(starts)):
        return lambda day: measure_rates.flow_rate_on(tranche, day - _ONE_DAY)

    def before(day: dt.date) -> float:
        i = bisect.bisect_right(starts, day - _ONE_DAY)
        return steps[i - 1][1] if i else 0.0

    return before


EVENT_COLUMNS = [
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


def event_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """Every dated step of every tranche, with the rate before and after it, by date and tranche."""
    rows = []
    for tid, tranche in scenario.tranches.items():
        rate_before = _rate_before(tranche)
        for day, last in sorted(tranche.schedule.items()):
            before = rate_before(day)
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
    return sorted(rows, key=lambda row: (row["date"], row["tranche"]))


def schedule_events(scenario: Scenario) -> pd.DataFrame:
    """Every dated step of every tranche, with the rate before and after it."""
    import pandas as pd

    return pd.DataFrame(event_rows(scenario), columns=EVENT_COLUMNS)


def select_mode(result: Result, mode: str) -> Result:
    """The result with only ``mode``'s rows (``"static"`` or ``"behavioural"``), as its headline.

    A run keeps both modes in one frame, so summing a column over all rows counts the
    same duty twice; this is the one-mode view the ``--mode`` option writes.

    Raises
    ------
    TariffsimError
        when the result holds no rows of ``mode`` (a static run asked for behavioural rows).
    """
    modes = set(result.arrays.modes)
    if mode not in modes:
        raise TariffsimError(
            f"{result.name} has no {mode} rows (it ran {', '.join(sorted(modes))})",
            field="--mode",
            hint="behavioural rows need an 'assumptions:' block and no --static"
            if mode == "behavioural"
            else None,
        )
    return replace(result, mode=mode, arrays=rows_of(result.arrays, result.arrays.of_mode(mode)))


def importers_of(result: Result) -> list[str]:
    """The importing countries of a result's rows, in the order they first appear."""
    return result.importer_codes


def select_importer(result: Result, importer: str) -> Result:
    """The result with only ``importer``'s rows and rate changes: one country's duty, never
    two countries' added together (each chart panel shows one importer)."""
    a = result.arrays
    keep = np.asarray(a.rows.importers, dtype=object) == importer
    tranches = {tid: t for tid, t in result.scenario.tranches.items() if t.importer == importer}
    scenario = result.scenario.model_copy(update={"tranches": tranches})
    return replace(result, scenario=scenario, arrays=rows_of(a, keep))
