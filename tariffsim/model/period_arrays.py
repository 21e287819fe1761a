"""The numbers of a result as arrays: R rows (tranches, per mode) × P periods.

The engine's outputs stay in this form until a table, a file or a frame is made from
them (:mod:`tariffsim.model.result_tables`). Column names and units follow
``docs/nomenclature.md``: money columns end in ``_usd`` [USD], rates are fractions [1].
No pandas, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tariffsim.scenario.schema import Scenario

if TYPE_CHECKING:
    from tariffsim._types import FloatArray

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


TRANCHE_SUMS = [
    "imports_usd",
    "additional_duty_usd",
    "base_duty_usd",
    "total_duty_usd",
    *BEHAVIOUR_COLUMNS,
]
"""Columns of ``Result.tranches`` that are horizon sums of the period columns [USD]."""


@dataclass(frozen=True)
class PeriodArrays:
    """A result's numbers as arrays: R rows (tranches, per mode) × P periods.

    Attributes
    ----------
    modes : (R,) the mode of each row.
    rows : the identity of the R rows.
    starts, ends : (P,) first and last day of each period, ``datetime64[D]``.
    values : column → (R, P) array, for every column of :data:`PERIOD_COLUMNS`
        from ``imports_usd`` on [USD; ``additional_rate`` a fraction].
    run_rate_additional, run_rate_total : (R,) run-rates: a year of duty at the last
        day's rates on the long run's imports at those rates [USD/year].
    """

    modes: np.ndarray
    rows: Rows
    starts: np.ndarray
    ends: np.ndarray
    values: dict[str, FloatArray]
    run_rate_additional: FloatArray
    run_rate_total: FloatArray

    def of_mode(self, mode: str) -> np.ndarray:
        """(R,) mask of the rows of ``mode``."""
        return np.asarray(self.modes == mode)

    def period_days(self) -> np.ndarray:
        """(P,) days in each period, first and last included."""
        days: np.ndarray = (self.ends - self.starts).astype(np.int64) + 1
        return days

    @staticmethod
    def stacked(parts: Sequence[PeriodArrays], *, consume: bool = False) -> PeriodArrays:
        """The rows of several parts (same periods) one after the other.

        With ``consume``, each column is taken out of the parts as it is stacked,
        so the parts' arrays are freed column by column and the peak memory is
        the stacked result plus one column, not twice the result; the parts are
        left without values.
        """
        rows = parts[0].rows
        for part in parts[1:]:
            rows = rows + part.rows
        values = {}
        for c in list(parts[0].values):
            taken = [x.values.pop(c) if consume else x.values[c] for x in parts]
            values[c] = np.concatenate(taken)
            del taken
        return PeriodArrays(
            modes=np.concatenate([x.modes for x in parts]),
            rows=rows,
            starts=parts[0].starts,
            ends=parts[0].ends,
            values=values,
            run_rate_additional=np.concatenate([x.run_rate_additional for x in parts]),
            run_rate_total=np.concatenate([x.run_rate_total for x in parts]),
        )


def rows_of(arrays: PeriodArrays, keep: np.ndarray) -> PeriodArrays:
    """The rows of ``arrays`` where the (R,) mask ``keep`` is true, periods unchanged."""
    picked = np.flatnonzero(keep)
    r = arrays.rows
    return PeriodArrays(
        modes=arrays.modes[picked],
        rows=Rows(
            ids=[r.ids[i] for i in picked],
            labels=[r.labels[i] for i in picked],
            importers=[r.importers[i] for i in picked],
            exporters=[r.exporters[i] for i in picked],
        ),
        starts=arrays.starts,
        ends=arrays.ends,
        values={c: v[picked] for c, v in arrays.values.items()},
        run_rate_additional=arrays.run_rate_additional[picked],
        run_rate_total=arrays.run_rate_total[picked],
    )
