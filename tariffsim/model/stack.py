"""The tariff stack: from the measures covering a product on a day to the rate it pays.

One pure function, :func:`stack`, used by every command: ``run`` stacks the
measures over each flow's date segments (:mod:`tariffsim.model.flows`), ``exposure``
over each ledger key (:mod:`tariffsim.ledger.coverage`), ``explain`` over one
product, origin and day. Arrays in, arrays out; no scenario objects, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray

NOT_EXCLUDED = -1
"""``excluded_by`` of a measure that applies (or does not cover the key)."""

BELOW_MAX = -2
"""``excluded_by`` of a measure set aside by a larger one of its authority under ``max``."""

BASE_AUTHORITY = "mfn"
"""Measures of this authority are the base (MFN) rate; every other authority is additional."""
BASE_AUTHORITY_NAME = "MFN"
"""The base authority as text shows it (``by authority: MFN $12.50, section301 …``)."""


def authority_name(authority: str) -> str:
    """An authority as text and charts write it: the base one as ``MFN``, others by their id."""
    return BASE_AUTHORITY_NAME if authority == BASE_AUTHORITY else authority


@dataclass(frozen=True)
class Rule:
    """A precedence rule as columns: where an ``excluders`` column applies, ``excluded`` do not.

    Attributes
    ----------
    name : the rule's id in the scenario (``precedence:``).
    excluders, excluded : measure columns on each side.
    """

    name: str
    excluders: tuple[int, ...]
    excluded: tuple[int, ...]


@dataclass(frozen=True)
class Stacked:
    """The stack on K keys (products × origins × days) of M measures.

    Attributes
    ----------
    covers : whether measure m covers key k, shape (K, M).
    rate : measure m's own rate on key k [fraction], shape (K, M).
    component : measure m's part of the rate key k pays [fraction], shape (K, M);
        zero where m does not cover k or is excluded.
    excluded_by : the index of the rule that excluded m on k, :data:`BELOW_MAX`, or
        :data:`NOT_EXCLUDED`, shape (K, M).
    """

    covers: BoolArray
    rate: FloatArray
    component: FloatArray
    excluded_by: IntArray

    @property
    def total(self) -> FloatArray:
        """The rate key k pays, all authorities [fraction], shape (K,)."""
        return np.asarray(self.component.sum(axis=1))

    @property
    def applied(self) -> BoolArray:
        """Whether measure m is paid on key k (covers it and is not excluded), shape (K, M)."""
        return np.asarray(self.covers & (self.excluded_by == NOT_EXCLUDED))


def stack(
    covers: BoolArray,
    rates: FloatArray,
    authorities: Sequence[str],
    within: Mapping[str, str] | None = None,
    rules: Sequence[Rule] = (),
) -> Stacked:
    """Stack the measures covering each key: precedence, then ``add`` or ``max`` within.

    Parameters
    ----------
    covers : whether measure m covers key k (its products, origins, and its schedule
        has started), shape (K, M).
    rates : measure m's rate on key k [fraction], shape (K, M).
    authorities : the authority of each measure, length M.
    within : per authority, ``add`` (default) or ``max``.
    rules : precedence rules, applied in order.

    Returns
    -------
    Stacked

    Notes
    -----
    A rule *fires* on key k when a measure on its left side covers k at a non-zero
    rate and has not itself been excluded by an earlier rule; it then excludes the
    measures on its right side on k. With ``A`` the measures still applying on k:

        τ_k = Σ_a  Σ_{m ∈ A ∩ a} τ_mk        (authority a stacks with ``add``)
        τ_k = Σ_a  max_{m ∈ A ∩ a} τ_mk      (``max``; the first largest in file order)

    Different authorities always add.
    """
    covers = np.asarray(covers, dtype=np.bool_)
    rates = np.asarray(rates, dtype=np.float64)
    excluded_by = np.full(covers.shape, NOT_EXCLUDED, dtype=np.int64)
    for index, rule in enumerate(rules):
        left = [m for m in rule.excluders if m not in rule.excluded]
        if not left or not rule.excluded:
            continue
        cols = np.array(left)
        live = covers[:, cols] & (excluded_by[:, cols] == NOT_EXCLUDED) & (rates[:, cols] != 0)
        fires = live.any(axis=1)
        right = np.array(rule.excluded)
        hit = fires[:, None] & covers[:, right] & (excluded_by[:, right] == NOT_EXCLUDED)
        excluded_by[:, right] = np.where(hit, index, excluded_by[:, right])
    paying = covers & (excluded_by == NOT_EXCLUDED)
    for authority in dict.fromkeys(authorities):
        if (within or {}).get(authority, "add") != "max":
            continue
        cols = np.array([m for m, a in enumerate(authorities) if a == authority])
        owner = largest_owner(paying[:, cols], rates[:, cols])
        set_aside = paying[:, cols] & ~owner
        excluded_by[:, cols] = np.where(set_aside, BELOW_MAX, excluded_by[:, cols])
        paying[:, cols] &= owner
    component = np.where(paying, rates, 0.0)
    return Stacked(covers=covers, rate=rates, component=component, excluded_by=excluded_by)


def largest_owner(covers: BoolArray, values: FloatArray) -> BoolArray:
    """One-hot of the first covering column with the largest value per row, shape (K, M)."""
    masked = np.where(covers, values, -np.inf)
    first = np.argmax(masked, axis=1) if covers.shape[1] else np.zeros(covers.shape[0], np.int64)
    owner = np.zeros(covers.shape, dtype=np.bool_)
    if covers.shape[1]:
        owner[np.arange(covers.shape[0]), first] = covers.any(axis=1)
    return owner


def resolve_rules(
    rules: Mapping[str, tuple[Sequence[str], Sequence[str]]],
    ids: Sequence[str],
    authorities: Sequence[str],
) -> list[Rule]:
    """Rules written with authority names or measure ids, as measure columns.

    A name that is a measure id means that measure; otherwise every measure of
    that authority.
    """

    def columns(names: Sequence[str]) -> tuple[int, ...]:
        found: list[int] = []
        for name in names:
            found += (
                [ids.index(name)]
                if name in ids
                else [m for m, a in enumerate(authorities) if a == name]
            )
        return tuple(dict.fromkeys(found))

    return [Rule(name, columns(left), columns(right)) for name, (left, right) in rules.items()]


def by_authority(component: FloatArray, authorities: Sequence[str]) -> dict[str, FloatArray]:
    """Each authority's part of the rate, in first-seen order, shape (K,) each [fraction]."""
    names = list(dict.fromkeys(authorities))
    return {
        a: np.asarray(component[:, [m for m, b in enumerate(authorities) if b == a]].sum(axis=1))
        for a in names
    }


def base_columns(authorities: Sequence[str]) -> BoolArray:
    """Which measures are the base (MFN) rate, shape (M,)."""
    return np.array([a == BASE_AUTHORITY for a in authorities], dtype=np.bool_)
