"""The duty forms of a compiled scenario's measures on each ledger key, as arrays.

Filled by :func:`tariffsim.ledger.coverage.compile_measures` and read by
:mod:`tariffsim.ledger.lines`, which prices the forms that depend on the line itself. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray


@dataclass(frozen=True)
class KeyForms:
    """The duty forms of each measure on each key of a compiled scenario.

    Attributes
    ----------
    rate : the step's ad valorem rate for the key's origin, before any value share
        [fraction], (K, M).
    specific : the step's specific part [USD per unit], (K, M).
    unit : its unit, an index into ``BASE_UNITS`` (−1: none), (K, M).
    floor, cap : the step's all-in floor and cap [fraction], NaN where none, (K, M).
    value_share, min_share : each measure's value share and gate [fraction], NaN where
        none, (M,).
    refunded : whether the measure is invalidated with a ``refund`` block, (M,).
    """

    rate: FloatArray
    specific: FloatArray
    unit: IntArray
    floor: FloatArray
    cap: FloatArray
    value_share: FloatArray
    min_share: FloatArray
    refunded: BoolArray

    @property
    def shared(self) -> BoolArray:
        """Measures that tax part of the value (``value_share`` or ``min_share``), (M,)."""
        return np.asarray(~np.isnan(self.value_share) | ~np.isnan(self.min_share))

    @property
    def all_in(self) -> BoolArray:
        """Measures with an all-in floor or cap on some key, (M,)."""
        return np.asarray((~np.isnan(self.floor) | ~np.isnan(self.cap)).any(axis=0))

    @property
    def has_specific(self) -> BoolArray:
        """Measures with a specific part on some key, (M,)."""
        return np.asarray((self.unit >= 0).any(axis=0))
