"""Duty forms beyond a plain ad valorem rate: specific and compound duties, all-in floors and
caps, duty on part of the value, and measures that end (expiry, invalidation).

Each kernel is the formula it is named after, on float arrays broadcast together (lines,
flows, slices): value [USD], quantity [the rate's unit: kg, item, liter …], rates [fraction],
specific amounts [USD per unit]. Dated steps are plain ``(day number, value)`` lists. No I/O,
no pint (quantities arrive converted to the rate's unit by :mod:`tariffsim.scenario.units`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tariffsim._types import BoolArray, FloatArray


def specific_duty(quantity: FloatArray, amount: FloatArray | float) -> FloatArray:
    """Duty [USD] of a specific rate: ``D = a · q``.

    Parameters
    ----------
    quantity : quantity entered, in the rate's unit [kg, item, …].
    amount : the specific rate [USD per unit], e.g. 0.05 for ``5 cents/kg``, 200 for a
        postal duty of ``200 USD/item``.
    """
    return np.asarray(quantity, dtype=np.float64) * amount


def compound_duty(
    value: FloatArray,
    quantity: FloatArray,
    ad_valorem: FloatArray | float,
    amount: FloatArray | float,
) -> FloatArray:
    """Duty [USD] of a compound rate (``2.4 % + 5 cents/kg``): ``D = τ · V + a · q``.

    Parameters
    ----------
    value : customs value [USD].
    quantity : quantity entered, in the unit of ``amount`` [kg, item, …].
    ad_valorem : the ad valorem part [fraction].
    amount : the specific part [USD per unit].
    """
    return np.asarray(value, dtype=np.float64) * ad_valorem + specific_duty(quantity, amount)


def ad_valorem_equivalent(duty: FloatArray, value: FloatArray) -> FloatArray:
    """The rate a duty amounts to on its value, ``D / V`` [fraction]; 0 where V is 0.

    An *estimate* for specific duties: it holds only at the unit value of the lines it was
    computed on.
    """
    duty, value = np.broadcast_arrays(np.asarray(duty, np.float64), np.asarray(value, np.float64))
    out = np.zeros(duty.shape)
    np.divide(duty, value, out=out, where=value > 0)
    return out


def all_in_floor_rate(floor: FloatArray | float, mfn_rate: FloatArray) -> FloatArray:
    """Additional rate of an all-in floor [fraction]: ``τ = max(0, F − m)``.

    The EU deal of 2025: goods pay 15 % in all, MFN included, so a line with MFN m pays
    ``15 % − m`` on top, and nothing on top when MFN is already 15 % or more.
    """
    return np.maximum(0.0, floor - np.asarray(mfn_rate, dtype=np.float64))


def all_in_floor_duty(
    value: FloatArray, mfn_duty: FloatArray, floor: FloatArray | float
) -> FloatArray:
    """Additional duty of an all-in floor [USD] on lines whose MFN may be specific.

    Notes
    -----
    ``D = max(0, F · V − D_mfn)``; with an ad valorem MFN ``D_mfn = m · V`` this is
    ``V · max(0, F − m)`` (:func:`all_in_floor_rate`).
    """
    return np.maximum(0.0, floor * np.asarray(value, np.float64) - mfn_duty)


def all_in_cap_rate(
    rate: FloatArray | float, cap: FloatArray | float, mfn_rate: FloatArray
) -> FloatArray:
    """Additional rate under an all-in cap [fraction]: ``τ' = min(τ, max(0, C − m))``.

    A measure at rate τ whose sum with MFN may not exceed C (timber from the EU and Japan,
    2025: Section 232 plus MFN at most 15 %).
    """
    room = np.maximum(0.0, cap - np.asarray(mfn_rate, dtype=np.float64))
    return np.minimum(np.asarray(rate, dtype=np.float64), room)


def all_in_components(
    additional: FloatArray,
    applied: BoolArray,
    mfn: FloatArray,
    floor: FloatArray,
    cap: FloatArray,
) -> FloatArray:
    """Each measure's part of a stacked rate with all-in floors and caps over the MFN.

    Parameters
    ----------
    additional : each measure's part of the additional rate on key k [fraction], (K, M).
    applied : whether measure m is paid on key k, (K, M).
    mfn : the key's base (MFN) rate [fraction], (K,).
    floor, cap : the step's all-in floor and cap [fraction], NaN where it has none, (K, M).

    Notes
    -----
    Where m sets a floor: ``max(0, F − MFN)`` (:func:`all_in_floor_rate`); where it sets a
    cap: ``min(τ, max(0, C − MFN))`` (:func:`all_in_cap_rate`).
    """
    has_floor = applied & ~np.isnan(floor)
    has_cap = applied & ~np.isnan(cap)
    if not (has_floor.any() or has_cap.any()):
        return additional
    base = mfn[:, None]
    out = np.where(has_floor, all_in_floor_rate(np.nan_to_num(floor), base), additional)
    capped = all_in_cap_rate(out, np.nan_to_num(cap), base)
    return np.asarray(np.where(has_cap, capped, out))


def dutiable_share(
    share: FloatArray | float,
    min_share: float | None = None,
    *,
    below: str = "share",
) -> FloatArray:
    """Share of the customs value a measure's rate applies to [fraction].

    Parameters
    ----------
    share : the content share (copper in a copper article, metal in a derivative) [fraction].
    min_share : a gate: at or above it the *full* value is dutiable.
    below : under the gate, ``"share"`` (duty on the content's share of the value) or
        ``"none"`` (the line is not dutiable at all).

    Notes
    -----
    ``s' = 1`` if ``s ≥ g``, else ``s`` (or 0); with no gate ``s' = s``.
    """
    share = np.asarray(share, dtype=np.float64)
    if min_share is None:
        return share
    under = share if below == "share" else np.zeros_like(share)
    return np.where(share >= min_share, 1.0, under)


def value_share_duty(
    value: FloatArray, rate: FloatArray | float, share: FloatArray | float
) -> FloatArray:
    """Duty [USD] of a rate on part of the value: ``D = τ · s · V``.

    Section 232 copper: 50 % of the value of the copper content.
    """
    return np.asarray(value, dtype=np.float64) * share * rate


def ended_steps(steps: Sequence[tuple[int, float]], end: int | None) -> list[tuple[int, float]]:
    """Dated steps of a measure that stops applying on ``end`` (expiry, invalidation).

    Parameters
    ----------
    steps : (day number, rate) in date order; several on one day, the last in force.
    end : the first day the measure no longer applies [day number], or None.

    Returns
    -------
    The steps before ``end``, then ``(end, 0.0)``: the duty accrues up to the day before.
    """
    if end is None:
        return list(steps)
    return [(day, rate) for day, rate in steps if day < end] + [(end, 0.0)]


def last_on_each_day(steps: Sequence[tuple[int, float]]) -> list[tuple[int, float]]:
    """Steps with several on one day reduced to the last, in order.

    34 % and then 84 % on the same day: 84 % is in force from that day.
    """
    last: dict[int, float] = {}
    for day, rate in steps:
        last[day] = rate
    return sorted(last.items())
