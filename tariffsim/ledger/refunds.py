"""A ledger's duty under invalidated measures: deposited, owed and refunded, by period and year.

Each line deposits its duty under a measure held invalid on its entry date (priced line by
line in :mod:`tariffsim.ledger.lines`); :mod:`tariffsim.ledger.pricing` sums the deposits by
entry day. Here each day is a slice ``[d, d + 1)`` of :func:`tariffsim.model.refunds.refund_flows`:
the part owed back is the deposit of entry days in ``[entries_from, invalidated)``, what
stands (``owed``) the rest; refunds and interest are paid on the refund's payment days. The
sums are laid out by the ledger's periods, by calendar year and by US fiscal year
(``FY2026``: 1 October 2025 – 30 September 2026). No I/O.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tariffsim._types import FloatArray, IntArray
from tariffsim.ledger.periods import period_bounds, period_ordinals
from tariffsim.model import refunds
from tariffsim.model.invalidation import AMOUNTS, measure_flows
from tariffsim.scenario.schema import Scenario, Step

COLUMNS = ["scenario", "measure", "label", "table", "key", *AMOUNTS]
"""One row per invalidated measure × table × key; amounts [USD] as in ``run``'s refund table
(:data:`tariffsim.model.invalidation.AMOUNTS`)."""
TABLES = ("refund_period", "refund_calendar_year", "refund_fiscal_year")


def refund_frame(
    scenario: Scenario,
    ids: list[str],
    labels: list[str],
    tranche: list[bool],
    deposits: Mapping[int, FloatArray],
    step: Step,
) -> pd.DataFrame:
    """The refund tables of one scenario's invalidated measures on a ledger.

    Parameters
    ----------
    scenario : the scenario.
    ids, labels, tranche : per measure column, its id, label and whether it is a tranche.
    deposits : entry day [day number] → duty deposited that day under each measure [USD], (M,).
    step : the ledger's reporting period (``month``, ``quarter`` …).
    """
    frames = []
    days = np.array(sorted(deposits), dtype=np.int64)
    for m, mid in enumerate(ids):
        found = scenario.tranches.get(mid) if tranche[m] else scenario.measures.get(mid)
        if found is None or found.refund is None or found.invalidated is None:
            continue
        deposited = np.array([deposits[int(d)][m] for d in days], dtype=np.float64)
        flows = measure_flows(found, deposited, days, days + 1)
        by_entry = np.stack([flows.deposited, flows.owed, flows.owed_back, flows.unclaimed])
        by_payment = np.stack([flows.principal, flows.interest, flows.refunded])
        tables = {
            "refund_period": _by_period(days, by_entry, flows.paid_day, by_payment, step),
            "refund_calendar_year": _by_year(days, by_entry, flows.paid_day, by_payment, 1, ""),
            "refund_fiscal_year": _by_year(days, by_entry, flows.paid_day, by_payment, 10, "FY"),
        }
        for table, (keys, amounts) in tables.items():
            frame = pd.DataFrame(amounts.T, columns=AMOUNTS)
            frame.insert(0, "key", keys)
            frame.insert(0, "table", table)
            frame.insert(0, "label", labels[m])
            frame.insert(0, "measure", mid)
            frame.insert(0, "scenario", scenario.name)
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=COLUMNS)
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def _by_period(
    days: IntArray,
    by_entry: FloatArray,
    paid_day: IntArray,
    by_payment: FloatArray,
    step: Step,
) -> tuple[list[str], FloatArray]:
    """Entry amounts by the period of their entry day, payments by that of their payment day."""
    entry, paid = period_ordinals(days, step), period_ordinals(paid_day, step)
    ordinals = sorted({*entry.tolist(), *paid.tolist()})
    out = np.zeros((by_entry.shape[0] + by_payment.shape[0], len(ordinals)))
    at = {o: i for i, o in enumerate(ordinals)}
    for j, o in enumerate(entry.tolist()):
        out[: by_entry.shape[0], at[o]] += by_entry[:, j]
    for j, o in enumerate(paid.tolist()):
        out[by_entry.shape[0] :, at[o]] += by_payment[:, j]
    return [period_bounds(o, step)[0].isoformat() for o in ordinals], out


def _by_year(
    days: IntArray,
    by_entry: FloatArray,
    paid_day: IntArray,
    by_payment: FloatArray,
    first_month: int,
    prefix: str,
) -> tuple[list[str], FloatArray]:
    """Entry amounts by the (fiscal) year of their entry day, payments by their payment day."""
    years, entry = refunds.sums_on_days(days, by_entry, first_month)
    paid_years, paid = refunds.sums_on_days(paid_day, by_payment, first_month)
    keys = sorted({*years.tolist(), *paid_years.tolist()})
    out = np.zeros((by_entry.shape[0] + by_payment.shape[0], len(keys)))
    for j, year in enumerate(years.tolist()):
        out[: by_entry.shape[0], keys.index(year)] += entry[:, j]
    for j, year in enumerate(paid_years.tolist()):
        out[by_entry.shape[0] :, keys.index(year)] += paid[:, j]
    return [f"{prefix}{y}" for y in keys], out
