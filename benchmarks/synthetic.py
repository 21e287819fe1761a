"""A synthetic many-tranche case for the engine benchmark, and its shapes as tables.

Real tariff actions share a handful of dates (a list takes effect on one day
for thousands of product lines), so each synthetic tranche draws a few steps
from a small set of shared dates. The case is deterministic (seeded). No
timing and no tariffsim engine calls here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

START = dt.date(2018, 1, 1)
END = dt.date(2020, 12, 31)
"""36 monthly periods."""

SHARED_DATES = [
    dt.date(2018, 2, 7),
    dt.date(2018, 3, 23),
    dt.date(2018, 7, 6),
    dt.date(2018, 8, 23),
    dt.date(2018, 9, 24),
    dt.date(2019, 1, 1),
    dt.date(2019, 5, 10),
    dt.date(2019, 6, 1),
    dt.date(2019, 9, 1),
    dt.date(2019, 12, 15),
    dt.date(2020, 2, 14),
    dt.date(2020, 7, 1),
]
"""Step dates, shaped like the 2018–2020 actions (some on a 1st, most mid-month)."""

RATES = np.array([0.0, 0.05, 0.075, 0.10, 0.15, 0.25])
"""Additional ad valorem rates a step may set [fraction]."""

BASE_RATES = np.array([0.0, 0.025, 0.034, 0.05, 0.12])
"""MFN rates [fraction]."""

_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Case:
    """Tranches and their dated steps in long form (one entry per step).

    Attributes
    ----------
    annual_flow : import value [USD/year], shape (N,).
    base_rate : MFN rate [fraction], shape (N,).
    step_row : tranche of each step, in [0, N), sorted, shape (K,).
    step_day : the step's first day [days since 1970-01-01], shape (K,).
    step_rate : additional rate from that day on [fraction], shape (K,).
    """

    start: dt.date
    end: dt.date
    annual_flow: FloatArray
    base_rate: FloatArray
    step_row: IntArray
    step_day: IntArray
    step_rate: FloatArray

    @property
    def n_tranches(self) -> int:
        return int(self.annual_flow.size)

    @property
    def n_steps(self) -> int:
        return int(self.step_row.size)


def make_case(n_tranches: int, max_steps: int = 4, seed: int = 2018) -> Case:
    """``n_tranches`` tranches with 1 to ``max_steps`` steps each on shared dates."""
    rng = np.random.default_rng(seed)
    dates = np.array([(d - _EPOCH).days for d in SHARED_DATES], dtype=np.int64)
    n_steps = rng.integers(1, max_steps + 1, size=n_tranches)
    # A random key per (tranche, date); the n smallest keys pick n distinct dates.
    keys = rng.random((n_tranches, dates.size))
    ranks = np.argsort(np.argsort(keys, axis=1), axis=1)
    chosen = ranks < n_steps[:, None]
    step_row, date_index = np.nonzero(chosen)  # row-major: sorted by row, then date
    return Case(
        start=START,
        end=END,
        annual_flow=np.exp(rng.normal(np.log(50e6), 1.5, size=n_tranches)),
        base_rate=rng.choice(BASE_RATES, size=n_tranches),
        step_row=step_row.astype(np.int64),
        step_day=dates[date_index],
        step_rate=rng.choice(RATES, size=step_row.size),
    )


def day_of(number: int) -> dt.date:
    """The date of a day number."""
    return _EPOCH + dt.timedelta(days=int(number))
