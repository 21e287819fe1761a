"""Duty forms priced line by line: each ledger line's MFN, and the measures whose duty
depends on the line itself rather than on its key alone.

On a key (product class × origin class × date segment) every line pays the same stacked
rate (:mod:`tariffsim.ledger.coverage`). Some forms break that, and are priced here per line,
with the kernels of :mod:`tariffsim.model.duty_forms`:

- a **specific** part of a measure's rate needs the line's quantity: ``D = τ · V + a · q``;
- an **all-in floor or cap** is measured against the line's own MFN when an MFN file prices
  it: ``D = max(0, F · V − D_mfn)``, ``D = min(D, max(0, C · V − D_mfn))``;
- a **value share** comes from the ledger's ``metal_share`` column where the line has one
  (``D = τ · s' · V``, s' gated by ``min_share``);
- a measure held **invalid** with a ``refund`` block: its duty on each line is the deposit
  that is later owed back (:mod:`tariffsim.ledger.refunds`).

No I/O, no aggregation (:mod:`tariffsim.ledger.pricing` totals what this returns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.ledger.mfn import LineMfn, MfnSchedule, line_mfn, line_units, quantity_hint
from tariffsim.ledger.reader import Chunk
from tariffsim.model import duty_forms
from tariffsim.scenario import hts
from tariffsim.scenario.duty_rates import BASE_UNITS

if TYPE_CHECKING:
    from tariffsim.ledger.coverage import Measures
    from tariffsim.ledger.forms import KeyForms

Unpriced = Literal["report", "error"]
"""What ``exposure --mfn`` does with a specific MFN rate on a line without a quantity in its
unit: ``report`` prices the ad valorem part and counts the line as unpriced; ``error``
refuses the ledger at that line."""


@dataclass(frozen=True)
class LinePricing:
    """How lines are priced beyond their key: the MFN file, and what to do when it cannot.

    Attributes
    ----------
    mfn : MFN rates by HTS-8 line (:func:`tariffsim.ledger.mfn.read_mfn_file`), or None
        for the scenario's base rates.
    unpriced : see :data:`Unpriced`.
    """

    mfn: MfnSchedule | None = None
    unpriced: Unpriced = "report"


@dataclass(frozen=True)
class LineDuties:
    """The duties of one chunk's lines under one scenario, shape (n,) unless stated.

    Attributes
    ----------
    base : base (MFN) duty [USD].
    additional : additional duty, every measure [USD].
    adjusted : the measure columns priced line by line, (A,).
    measure_duty : their duty on each line [USD], (n, A).
    key_duty : what the key's rate alone gives them, ``V · τ_ka`` [USD], (n, A).
    mfn : the line's MFN from the file (None: the scenario's base rates).
    additional_estimate : the line's additional rate is an ad valorem equivalent of a
        specific part, from the line's own unit value (an estimate for other lines).
    """

    base: FloatArray
    additional: FloatArray
    adjusted: IntArray
    measure_duty: FloatArray
    key_duty: FloatArray
    mfn: LineMfn | None
    additional_estimate: BoolArray


def adjusted_measures(m: Measures, chunk: Chunk, by_file: bool) -> IntArray:
    """The measure columns whose duty on this chunk must be priced line by line."""
    forms = m.forms
    if forms is None:
        return np.zeros(0, dtype=np.int64)
    additional = np.array([a != "mfn" for a in m.authorities], dtype=np.bool_)
    need = forms.has_specific | forms.refunded
    if by_file:
        need = need | forms.all_in
    if chunk.metal_share is not None:
        need = need | forms.shared
    return np.flatnonzero(need & additional)


def price_lines(m: Measures, chunk: Chunk, key: IntArray, pricing: LinePricing) -> LineDuties:
    """Each line's base and additional duty, the forms that depend on the line applied.

    Raises
    ------
    TariffsimError
        naming the ledger row, when a measure's specific rate meets a line without a
        quantity in its unit (or, with ``unpriced='error'``, an MFN specific rate does).
    """
    value = chunk.value
    mfn = None if pricing.mfn is None else line_mfn(pricing.mfn, chunk, pricing.unpriced)
    base = value * m.base_rate[key] if mfn is None else mfn.duty
    additional = value * m.additional_rate[key]
    adjusted = adjusted_measures(m, chunk, mfn is not None)
    estimate = np.zeros(chunk.size, dtype=np.bool_)
    if adjusted.size == 0 or m.forms is None:
        empty = np.zeros((chunk.size, 0))
        return LineDuties(base, additional, adjusted, empty, empty, mfn, estimate)
    key_duty = value[:, None] * m.additional_share[key[:, None], adjusted[None, :]]
    duty = np.empty_like(key_duty)
    for j, a in enumerate(adjusted.tolist()):
        duty[:, j], specific = _measure_duty(m, m.forms, chunk, key, int(a), base)
        estimate |= specific
    additional = additional + (duty - key_duty).sum(axis=1)
    return LineDuties(base, additional, adjusted, duty, key_duty, mfn, estimate)


def _measure_duty(
    m: Measures,
    forms: KeyForms,
    chunk: Chunk,
    key: IntArray,
    a: int,
    base: FloatArray,
) -> tuple[FloatArray, BoolArray]:
    """Duty of measure column ``a`` on each line [USD], and where it has a specific part.

    Notes
    -----
    With V the value, q the quantity, D_mfn the line's MFN duty and s' the dutiable share:
    a floor F pays ``max(0, F · V − D_mfn)``; otherwise ``(τ · V + a · q) · s'``, then a
    cap C bounds it by ``max(0, C · V − D_mfn)``. Nothing where the measure is not paid.
    """
    value = chunk.value
    applied = m.stacked.applied[key, a]
    floor, cap = forms.floor[key, a], forms.cap[key, a]
    amount, unit = forms.specific[key, a], forms.unit[key, a]
    specific = applied & (amount > 0)
    quantity = np.zeros(chunk.size)
    if specific.any():
        quantity = _quantity(m, chunk, a, specific, unit)
    duty = duty_forms.compound_duty(value, quantity, forms.rate[key, a], amount)
    if forms.shared[a]:
        share = np.full(chunk.size, 1.0 if np.isnan(forms.value_share[a]) else forms.value_share[a])
        if chunk.metal_share is not None:
            share = np.where(np.isnan(chunk.metal_share), share, chunk.metal_share)
        gate = None if np.isnan(forms.min_share[a]) else float(forms.min_share[a])
        duty = duty * duty_forms.dutiable_share(share, gate)
    has_floor = ~np.isnan(floor)
    if has_floor.any():
        floored = duty_forms.all_in_floor_duty(value, base, np.nan_to_num(floor))
        duty = np.where(has_floor, floored, duty)
    has_cap = ~np.isnan(cap)
    if has_cap.any():
        room = duty_forms.all_in_floor_duty(value, base, np.nan_to_num(cap))
        duty = np.where(has_cap, np.minimum(duty, room), duty)
    return np.where(applied, duty, 0.0), specific


def _quantity(m: Measures, chunk: Chunk, a: int, needs: BoolArray, unit: IntArray) -> FloatArray:
    """Each line's quantity in the unit of measure ``a``'s specific rate, where it needs one."""
    have, line_unit = line_units(chunk)
    wrong = needs & ((unit != line_unit) | np.isnan(have))
    if wrong.any():
        row = int(np.argmax(wrong))
        code = str(chunk.hts_keys[chunk.hts_index[row]]).zfill(hts.DIGITS)
        want = int(unit[row])
        raise TariffsimError(
            f"the specific rate of '{m.columns.columns[a].id}' on {code} needs the line's "
            f"quantity in {BASE_UNITS[want]}",
            field=f"row {chunk.first_row + row + 1}",
            hint=quantity_hint(chunk, row, want),
        )
    return np.where(needs, have, 0.0)
