"""Duty by legal authority: each row's additional duty split among the authorities stacked on it.

A row laid out from a flow carries each authority's part of its rate
(``Scenario.authority_parts``, from :mod:`tariffsim.model.flows`); a tranche is its own
authority (its ``authority``, else ``tranche``). On a period P of a row with annual flow V:

    D_{a,P} = D_P · Σ_{s∈P} τ_{a,s} w_s / Σ_{s∈P} τ_s w_s

with τ_{a,s} authority a's rate on slice s, τ_s = Σ_a τ_{a,s}, w_s the slice's share of
its year, and D_P the row's additional duty in the result. For a static run without a
seasonal profile this is exactly V · Σ_{s∈P} τ_{a,s} w_s; otherwise it splits the
result's duty in proportion to each authority's rate-days. The parts add up to D_P.
The effective rate's decomposition by authority is D_a / M (M: the importer's imports).
No I/O; arrays in, arrays or records out (a pandas frame only when asked for).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from tariffsim.model import measure_rates
from tariffsim.model.results import Result
from tariffsim.model.tables import factorized, group_sums, ids_in_order
from tariffsim.model.timeline import build_grid, day_number, step_function
from tariffsim.scenario.schema import Scenario, Step

if TYPE_CHECKING:
    import pandas as pd

    from tariffsim._types import FloatArray

TRANCHE = "tranche"
"""The authority of a tranche written without one."""

COLUMNS = [
    "mode",
    "tranche",
    "importer",
    "exporter",
    "period_start",
    "period_end",
    "authority",
    "additional_duty_usd",
]


def authority_steps(result: Result) -> dict[str, dict[str, list[tuple[dt.date, float]]]]:
    """Per row, each authority's (entry date, rate) steps [fraction]."""
    return scenario_authority_steps(result.scenario)


def scenario_authority_steps(
    scenario: Scenario,
) -> dict[str, dict[str, list[tuple[dt.date, float]]]]:
    """Per row of a scenario (flows laid out as rows), each authority's (entry date, rate) steps."""
    out: dict[str, dict[str, list[tuple[dt.date, float]]]] = {}
    for tid, tranche in scenario.tranches.items():
        parts = scenario.authority_parts.get(tid)
        if parts is not None:
            out[tid] = {a: list(steps) for a, steps in parts.items()}
        else:
            out[tid] = {tranche.authority or TRANCHE: measure_rates.flow_steps(tranche)}
    return out


@dataclass(frozen=True)
class AuthorityShares:
    """Each (row, authority) pair's share of its row's additional duty, by period.

    Attributes
    ----------
    keys : (K,) the (tranche id, authority) pairs, rows in scenario order.
    shares : (K, P) ``Σ_{s∈P} τ_{a,s} w_s / Σ_{s∈P} τ_s w_s`` [1]; 0 where the row pays
        no rate in the period.
    """

    keys: list[tuple[str, str]]
    shares: FloatArray

    def of(self, tranche: str) -> list[tuple[str, FloatArray]]:
        """The authorities of one row and their (P,) shares; none for a row the scenario
        does not hold (a behavioural run's diverted flows)."""
        return [(a, self.shares[k]) for k, (t, a) in enumerate(self.keys) if t == tranche]


def authority_shares(result: Result) -> AuthorityShares:
    """The share of each authority in each row's additional duty per period (module notes)."""
    steps = authority_steps(result)
    h = result.scenario.horizon
    changes = [d for parts in steps.values() for s in parts.values() for d, _ in s]
    grid = build_grid(h.start, h.end, cast(Step, result.step), change_dates=changes)
    keys = [(tid, a) for tid, parts in steps.items() for a in parts]
    if not keys:
        return AuthorityShares(keys, np.zeros((0, grid.n_periods)))
    rates = step_function(
        [[day_number(d) for d, _ in steps[t][a]] for t, a in keys],
        [[r for _, r in steps[t][a]] for t, a in keys],
        grid.slice_start,
    )
    weights = np.add.reduceat(rates * grid.year_fraction, grid.period_first_slice, axis=1)
    # each period's weights added over the row's authorities as pandas adds them (its
    # groups sorted by tranche id): the same bits as the frames these columns replace
    names = sorted({t for t, _ in keys})
    rank = np.array([names.index(t) for t, _ in keys])
    in_order = ids_in_order(rank, grid.n_periods)
    total = group_sums(weights, rank, len(names), ids_sorted=in_order)[rank]
    shares = np.zeros_like(weights)
    np.divide(weights, total, out=shares, where=total > 0)
    return AuthorityShares(keys, shares)


def authority_columns(result: Result) -> dict[str, FloatArray]:
    """Authority → (R, P) additional duty of each result row [USD]; NaN where the row
    does not carry that authority. Authorities in the order the rows first name them."""
    shares = authority_shares(result)
    a = result.arrays
    duty = a.values["additional_duty_usd"]
    rows, p = duty.shape
    columns: dict[str, FloatArray] = {}
    for i, tranche in enumerate(a.rows.ids):
        for authority, share in shares.of(tranche):
            if authority not in columns:
                columns[authority] = np.full((rows, p), np.nan)
            columns[authority][i] = duty[i] * share
    return columns


def duty_by_authority(result: Result) -> pd.DataFrame:
    """Each row's additional duty per period, split by authority [USD] (see the module notes).

    Columns: :data:`COLUMNS`; one row per mode × tranche × period × authority, the period
    bounds as ``datetime64[s]``. Rows the scenario does not hold (a behavioural run's
    diverted flows) are left out.
    """
    import pandas as pd

    frame = pd.DataFrame(_split_rows(result), columns=COLUMNS)
    # days as datetime64, as in the result's own frames (``Result.periods``)
    days = {c: "datetime64[s]" for c in ("period_start", "period_end")}
    return frame.astype(days)


def _split_rows(result: Result) -> list[dict[str, Any]]:
    shares = authority_shares(result)
    a = result.arrays
    duty = a.values["additional_duty_usd"]
    starts, ends = a.starts.tolist(), a.ends.tolist()
    out = []
    for i, tranche in enumerate(a.rows.ids):
        mine = shares.of(tranche)
        row = {
            "mode": a.modes[i],
            "tranche": tranche,
            "importer": a.rows.importers[i],
            "exporter": a.rows.exporters[i],
        }
        for j, (start, end) in enumerate(zip(starts, ends, strict=True)):
            for authority, share in mine:
                out.append(
                    {
                        **row,
                        "period_start": start,
                        "period_end": end,
                        "authority": authority,
                        "additional_duty_usd": float(duty[i, j] * share[j]),
                    }
                )
    return out


def rate_parts(result: Result, mode: str | None = None) -> list[dict[str, Any]]:
    """Per importer and authority: duty over the horizon [USD] and its part of the rate [1].

    ``rate_part = D_a / M`` with M the importer's imports over the horizon; the parts of an
    importer add up to its effective additional rate. Records ``importer``, ``authority``,
    ``additional_duty_usd``, ``rate_part``, in the order the rows first name them.
    """
    mode = mode or result.mode
    shares = authority_shares(result)
    a = result.arrays
    chosen = np.flatnonzero(a.of_mode(mode)).tolist()
    duty = a.values["additional_duty_usd"]
    # one entry per row × period × authority, in that order (pandas' rows)
    pairs: list[tuple[str, str]] = []
    values: list[FloatArray] = []
    for i in chosen:
        mine = shares.of(a.rows.ids[i])
        if not mine:
            continue
        split = np.stack([duty[i] * share for _, share in mine], axis=1)  # (P, A)
        importer = a.rows.importers[i]
        pairs += [(importer, authority) for authority, _ in mine] * len(duty[i])
        values.append(split.ravel())
    groups = factorized(pairs)
    flat = np.concatenate(values) if values else np.zeros(0)
    sums = group_sums(flat[:, None], groups.codes, len(groups.values))[:, 0]
    importers = sorted({a.rows.importers[i] for i in chosen})
    rank = np.array([importers.index(a.rows.importers[i]) for i in chosen], dtype=np.int64)
    horizon = a.values["imports_usd"][chosen].sum(axis=1)
    imports = group_sums(horizon[:, None], rank, len(importers))[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):  # an importer without imports
        return [
            {
                "importer": importer,
                "authority": authority,
                "additional_duty_usd": float(total),
                "rate_part": float(total / imports[importers.index(importer)]),
            }
            for (importer, authority), total in zip(groups.values, sums, strict=True)
        ]


def effective_rate_parts(result: Result, mode: str | None = None) -> pd.DataFrame:
    """:func:`rate_parts` as a frame."""
    import pandas as pd

    columns = ["importer", "authority", "additional_duty_usd", "rate_part"]
    return pd.DataFrame(rate_parts(result, mode), columns=columns)
