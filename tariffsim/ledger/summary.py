"""A ledger's merged sums as the exposure tables: totals, uncovered, measures, authorities,
periods, SKUs and suppliers, per scenario.

Each duty total is its exact sum rounded once (:mod:`tariffsim.ledger.cents`). The one
place the ledger wing builds its summary frame.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tariffsim._types import FloatArray
from tariffsim.ledger.cents import (
    CENTS_PER_USD,
    PARTS,
    exact_dot,
    parts_total,
    parts_value,
)
from tariffsim.ledger.coverage import Measures
from tariffsim.ledger.periods import period_bounds
from tariffsim.ledger.reader import OPTIONAL
from tariffsim.ledger.refunds import refund_frame
from tariffsim.ledger.sums import ScenarioSums, Sums
from tariffsim.model.timeline import from_day_number
from tariffsim.scenario.schema import Step

SUMMARY_COLUMNS = [
    "scenario",
    "table",
    "key",
    "label",
    "period_start",
    "period_end",
    "lines",
    "imports_usd",
    "base_duty_usd",
    "additional_duty_usd",
    "total_duty_usd",
]


@dataclass(frozen=True)
class Exposure:
    """The exposure of one ledger under several scenarios.

    Attributes
    ----------
    summary : tidy frame, one row per scenario × table × key; ``table`` is one of
        ``total``, ``uncovered`` (lines no measure covers), ``uncovered_chapter``
        (the same lines by HTS chapter, keyed ``01`` to ``99``), ``measure`` (duty
        credited to each measure; ``imports_usd`` is the value of the lines it
        covers, so overlapping measures count a line each), ``authority`` (the same by
        legal authority: its measures' duty, the lines any of them covers), ``period``
        (calendar-aligned, with ``period_start`` and ``period_end``), ``sku``
        and ``supplier`` (when the ledger has those columns). ``lines`` [1];
        ``imports_usd``, ``base_duty_usd``, ``additional_duty_usd``,
        ``total_duty_usd`` [USD].
        With an MFN file, ``mfn_unknown`` (lines the file has no parsed rate for),
        ``mfn_unpriced`` (per HTS-8 code, keyed by it and labelled with its rate text: lines
        whose specific MFN part was not priced for want of a quantity; their base duty is
        the ad valorem part) and ``mfn_estimate`` (lines whose specific MFN part was priced
        from their quantity; the rate it amounts to is an estimate at their unit value).
    rows : number of ledger lines priced.
    entries : first and last entry date of the ledger's lines (None for no lines).
    refunds : duty deposited, owed and refunded under invalidated measures
        (:data:`tariffsim.ledger.refunds.COLUMNS`), empty when there are none.
    """

    summary: pd.DataFrame
    rows: int
    entries: tuple[dt.date, dt.date] | None = None
    refunds: pd.DataFrame = field(default_factory=pd.DataFrame)

    def table(self, name: str, scenario: str | None = None) -> pd.DataFrame:
        """The rows of one table (optionally of one scenario)."""
        rows = self.summary[self.summary["table"] == name]
        if scenario is not None:
            rows = rows[rows["scenario"] == scenario]
        return rows.reset_index(drop=True)


def summarise(measures: list[Measures], sums: Sums) -> Exposure:
    """The exposure tables of merged sums."""
    frames = [
        _summary(m, m.scenario.horizon.step, s, sums.group_value, sums.group_lines, sums.names)
        for m, s in zip(measures, sums.scenarios, strict=True)
    ]
    entries = (
        (from_day_number(sums.first_day), from_day_number(sums.last_day)) if sums.rows else None
    )
    refunds = [
        refund_frame(
            m.scenario,
            m.ids,
            m.labels,
            [c.tranche for c in m.columns.columns],
            {day: parts_value(amount) for day, amount in s.deposits.items()},
            m.scenario.horizon.step,
        )
        for m, s in zip(measures, sums.scenarios, strict=True)
        if m.forms is not None and m.forms.refunded.any()
    ]
    return Exposure(
        summary=pd.concat(frames, ignore_index=True)[SUMMARY_COLUMNS],
        rows=sums.rows,
        entries=entries,
        refunds=pd.concat(refunds, ignore_index=True) if refunds else pd.DataFrame(),
    )


def _summary(
    m: Measures,
    step: Step,
    tally: ScenarioSums,
    group_value: dict[str, FloatArray],
    group_lines: dict[str, FloatArray],
    names: dict[str, list[str]],
) -> pd.DataFrame:
    """One scenario's tables from its sums.

    Values are exact sums of whole cents; a duty priced by key is Σ_k τ_k · M_k summed with
    :func:`~tariffsim.ledger.cents.exact_dot`, with what line-by-line pricing adds (exact sums
    of the lines' fixed-point parts) in the same sum: one rounding, whatever the keys or the
    order of the lines.
    """
    ordinals = sorted(tally.value)
    value = np.array([tally.value[o] for o in ordinals]).reshape(len(ordinals), m.n_keys)
    lines = np.array([tally.lines[o] for o in ordinals]).reshape(len(ordinals), m.n_keys)
    key_value, key_lines = value.sum(axis=0), lines.sum(axis=0)  # whole cents: exact
    # additional duty beyond the key's rate, by period and key: what line-by-line forms add
    nothing = np.zeros((m.n_keys, PARTS))
    shape = (*value.shape, PARTS)
    extra = np.array([tally.extra.get(o, nothing) for o in ordinals]).reshape(shape)
    extra_measure = (
        tally.extra_measure if tally.extra_measure.size else np.zeros((m.n_keys, len(m.ids), PARTS))
    ).sum(axis=0)  # (measures, PARTS): exact
    covers = m.covers.astype(np.float64)
    uncovered = ~m.covered
    by_file = tally.by_file
    # base duty by period and key from the MFN file line by line [USD], or the scenario's rates
    mfn = np.array([tally.mfn.get(o, nothing) for o in ordinals]).reshape(shape)
    if by_file:
        total_base = parts_total(mfn)
        uncovered_base = parts_total(mfn[:, uncovered])
        period_base = np.array([parts_total(row) for row in mfn])
    else:
        total_base = float(exact_dot(key_value, m.base_rate)) / CENTS_PER_USD
        uncovered_base = (
            float(exact_dot(key_value[uncovered], m.base_rate[uncovered])) / CENTS_PER_USD
        )
        period_base = _per_period(value, m.base_rate) / CENTS_PER_USD
    extra_levels = extra.reshape(-1, PARTS).sum(axis=0)  # exact
    total_additional = float(exact_dot(key_value, m.additional_rate, extra_levels)) / CENTS_PER_USD
    period_additional = _per_period(value, m.additional_rate, extra.sum(axis=1)) / CENTS_PER_USD
    bounds = [period_bounds(o, step) for o in ordinals]
    chapters = np.flatnonzero(tally.chapter_lines)
    parts = [
        _rows(
            "total",
            [""],
            [m.scenario.title],
            [key_lines.sum()],
            [key_value.sum() / CENTS_PER_USD],
            [total_base],
            [total_additional],
        ),
        _rows(
            "uncovered",
            [""],
            ["lines no measure covers"],
            [key_lines[uncovered].sum()],
            [key_value[uncovered].sum() / CENTS_PER_USD],
            [uncovered_base],
            [0.0],
        ),
        _rows(
            "uncovered_chapter",
            [f"{c:02d}" for c in chapters],
            [f"HTS chapter {c:02d}" for c in chapters],
            tally.chapter_lines[chapters],
            tally.chapter_value[chapters] / CENTS_PER_USD,
            np.zeros(chapters.size),
            np.zeros(chapters.size),
        ),
        _rows(
            "measure",
            m.ids,
            m.labels,
            key_lines @ covers,
            (key_value @ covers) / CENTS_PER_USD,
            np.zeros(len(m.ids)) if by_file else exact_dot(key_value, m.base_share) / CENTS_PER_USD,
            exact_dot(key_value, m.additional_share, extra_measure) / CENTS_PER_USD,
        ),
        _authority_rows(m, key_lines, key_value, extra_measure),
        _rows(
            "period",
            [s.isoformat() for s, _ in bounds],
            [""] * len(bounds),
            lines.sum(axis=1),
            value.sum(axis=1) / CENTS_PER_USD,
            period_base,
            period_additional,
        ),
    ]
    parts[-1]["period_start"] = [s for s, _ in bounds]
    parts[-1]["period_end"] = [e for _, e in bounds]
    if by_file:
        parts.append(
            _rows(
                "mfn_unknown",
                [""],
                ["lines whose HTS-8 rate the MFN file lacks or could not parse (no MFN)"],
                [tally.mfn_unknown[0]],
                [tally.mfn_unknown[1] / CENTS_PER_USD],
                [0.0],
                [0.0],
            )
        )
        codes = sorted(tally.mfn_unpriced)
        found = np.array([tally.mfn_unpriced[c][1] for c in codes]).reshape(len(codes), 2 + PARTS)
        parts.append(
            _rows(
                "mfn_unpriced",
                codes,
                [tally.mfn_unpriced[c][0] for c in codes],
                found[:, 0],
                found[:, 1] / CENTS_PER_USD,
                np.array([parts_total(row) for row in found[:, 2:]]),
                np.zeros(len(codes)),
            )
        )
        parts.append(
            _rows(
                "mfn_estimate",
                [""],
                [
                    "lines whose specific MFN part is priced from their quantity (the rate it "
                    "amounts to is an estimate at their unit value)"
                ],
                [tally.mfn_estimate[0]],
                [tally.mfn_estimate[1] / CENTS_PER_USD],
                [parts_total(tally.mfn_estimate[2:])],
                [0.0],
            )
        )
    for name in OPTIONAL:
        if name not in group_value:
            continue
        labels = names.get(name, [str(i) for i in range(group_value[name].size)])
        n = group_value[name].size
        parts.append(
            _rows(
                name,
                labels[:n],
                [""] * n,
                group_lines[name],
                group_value[name] / CENTS_PER_USD,
                _padded(tally.group_base.get(name), n),
                _padded(tally.group_additional.get(name), n),
            )
        )
    frame = pd.concat(parts, ignore_index=True)
    frame.insert(0, "scenario", m.scenario.name)
    return frame


def _per_period(
    value: FloatArray, rate: FloatArray, plus_usd: FloatArray | None = None
) -> FloatArray:
    """Σ_k value[p, k] · rate[k] (+ ``plus_usd[p]``, parts) for each period p [cents], each
    correctly rounded."""
    if not value.shape[0]:
        return np.zeros(0)
    found = exact_dot(rate, value.T, plus_usd)
    return np.asarray(found, dtype=np.float64).reshape(value.shape[0])


def _authority_rows(
    m: Measures, key_lines: FloatArray, key_value: FloatArray, extra: FloatArray
) -> pd.DataFrame:
    """Duty per legal authority: its measures' parts of the base and additional duty.

    ``key_value`` [cents]; ``extra`` (measures, PARTS) [USD, parts]. ``lines`` and
    ``imports_usd`` count the lines any of its measures cover.
    """
    names = list(dict.fromkeys(m.authorities))
    member = np.array([[a == name for a in m.authorities] for name in names], dtype=np.float64)
    reach = (m.covers.astype(np.float64) @ member.T) > 0  # (K, A)
    return _rows(
        "authority",
        names,
        [""] * len(names),
        key_lines @ reach,
        (key_value @ reach) / CENTS_PER_USD,
        exact_dot(key_value, m.base_share @ member.T) / CENTS_PER_USD,
        exact_dot(key_value, m.additional_share @ member.T, member @ extra) / CENTS_PER_USD,
    )


def _padded(parts: FloatArray | None, n: int) -> FloatArray:
    """Amounts [USD] of ``n`` ids from their summed parts (ids, PARTS); 0 for ids beyond."""
    out = np.zeros(n)
    if parts is not None:
        out[: parts.shape[0]] = parts_value(parts)
    return out


def _rows(
    table: str,
    keys: list[str],
    labels: list[str],
    lines: object,
    imports: object,
    base: object,
    additional: object,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "table": table,
            "key": keys,
            "label": labels,
            "period_start": None,
            "period_end": None,
            "lines": np.rint(np.asarray(lines, dtype=np.float64)).astype(np.int64),
            "imports_usd": np.asarray(imports, dtype=np.float64),
            "base_duty_usd": np.asarray(base, dtype=np.float64),
            "additional_duty_usd": np.asarray(additional, dtype=np.float64),
        }
    )
    frame["total_duty_usd"] = frame["base_duty_usd"] + frame["additional_duty_usd"]
    return frame
