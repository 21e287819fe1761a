"""Money in whole cents: exact sums of values, correctly rounded duty sums, cents in text.

A ledger's customs values are money to the cent, so they are tallied as whole numbers of
cents held in float64: every sum of them is exact while it stays below 2⁵³ cents (about
90 trillion USD), whatever the order of the lines, the chunks or the workers. A duty is such
a value times a rate; :func:`exact_dot` sums those products without rounding on the way
(each product split into two floats that add up to it exactly, then :func:`math.fsum`), so a
total is the exact Σ value × rate rounded once, the same for any grouping of the lines.

Duty priced line by line (specific rates, floors, shares, refunds, MFN from a file) is a float
per line; each is carried as :data:`PARTS` fixed-point parts (:func:`fixed_parts`), whose sums
are exact too, so those totals do not depend on the order of the lines either.

Text shows money to the cent (``$1,030,659,406.50``). No I/O here.
"""

from __future__ import annotations

import math

import numpy as np

from tariffsim._types import FloatArray, IndexArray

CENTS_PER_USD = 100.0
EXACT_CENTS = 2.0**53
"""Sums of whole cents are exact below this many cents [cents] (about 9.0e13 USD)."""
_SPLIT = 2.0**27 + 1.0  # Veltkamp's constant: splits a float64 into two 26-bit halves
LINE_QUANTA = (2.0**10, 2.0**-16, 2.0**-42, 2.0**-68)
"""Quanta [USD] of the fixed-point parts of a line's amount (:func:`fixed_parts`)."""
PARTS = len(LINE_QUANTA)
MAX_EXACT_LINES = 2**28
"""Lines whose parts add up exactly in any order [1]: each part is at most half the quantum
above it (2⁹, 2⁻¹⁷, 2⁻⁴³ USD), and 2²⁸ of them stay within 2⁵³ of their own quantum."""


def to_cents(usd: FloatArray) -> FloatArray:
    """Amounts [USD] as whole cents [cents], rounded half to even: ``rint(100 · usd)``."""
    return np.rint(np.asarray(usd, dtype=np.float64) * CENTS_PER_USD)


def to_the_cent(usd: FloatArray) -> FloatArray:
    """Amounts [USD] rounded to the cent [USD]: ``rint(100 · usd) / 100``."""
    return to_cents(usd) / CENTS_PER_USD


def _split(x: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Veltkamp's split: ``hi + lo == x`` exactly, each with at most 26 significant bits."""
    c = _SPLIT * x
    hi = c - (c - x)
    return hi, x - hi


def two_product(a: FloatArray | float, b: FloatArray | float) -> tuple[FloatArray, FloatArray]:
    """``(p, e)`` with ``p = fl(a · b)`` and ``p + e == a · b`` exactly (Dekker).

    Notes
    -----
    With ``a = ah + al`` and ``b = bh + bl`` split in halves (:func:`_split`), every partial
    product below is exact, so ``e = ((ah·bh − p) + ah·bl + al·bh) + al·bl`` is the rounding
    error of ``p``. Holds without overflow or underflow (amounts in cents times rates).

    References
    ----------
    T. J. Dekker, "A floating-point technique for extending the available precision",
    Numerische Mathematik 18 (1971), 224–242.
    """
    a, b = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(b, np.float64))
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def exact_sum(values: FloatArray) -> float:
    """Σ values, correctly rounded (:func:`math.fsum`): the same for any order of ``values``."""
    return math.fsum(np.asarray(values, dtype=np.float64).ravel().tolist())


def exact_dot(
    amounts: FloatArray, weights: FloatArray, plus_usd: FloatArray | None = None
) -> FloatArray:
    """Σ_k amounts[k] · weights[k, ...] along the first axis [cents], each correctly rounded.

    ``amounts`` (K,) [cents] and ``weights`` (K,) or (K, M); returns shape () or (M,). The
    products are split exactly (:func:`two_product`) and summed with :func:`math.fsum`, so the
    result depends only on the multiset of (amount, weight) pairs, not on their order or
    grouping: amounts of 3 and 5 cents at a rate r give the same duty as 8 cents at r.
    ``plus_usd``, shape (:data:`PARTS`,) or (M, :data:`PARTS`), adds amounts in USD held as
    fixed-point parts (:func:`fixed_parts`), converted to cents exactly within the same sum.
    """
    w = np.asarray(weights, dtype=np.float64)
    a = np.asarray(amounts, dtype=np.float64).reshape((-1,) + (1,) * (w.ndim - 1))
    p, e = two_product(a, w)
    columns = int(np.prod(w.shape[1:]))
    rows = a.shape[0]
    terms = [p.reshape(rows, columns), e.reshape(rows, columns)]
    if plus_usd is not None:
        pp, pe = two_product(np.asarray(plus_usd, np.float64).reshape(columns, PARTS).T, 100.0)
        terms += [pp, pe]
    both = np.concatenate(terms, axis=0)
    out = np.array([exact_sum(both[:, j]) for j in range(columns)])
    return out.reshape(w.shape[1:])


def fixed_parts(usd: FloatArray) -> FloatArray:
    """Amounts [USD] as :data:`PARTS` parts, shape (..., PARTS): whole multiples of
    :data:`LINE_QUANTA`, each below half the quantum above it.

    Notes
    -----
    ``p_j = rint(r_j / q_j) · q_j`` and ``r_{j+1} = r_j − p_j`` (exact: Sterbenz), from
    ``r_0 = x``. A float64 of at least 2⁻¹⁶ USD is a multiple of 2⁻⁶⁸, so it is held exactly;
    a smaller one loses at most 2⁻⁶⁹ USD. Sums of the parts of up to :data:`MAX_EXACT_LINES`
    lines are exact, so they are the same in any order; :func:`parts_value` turns summed parts
    back into one amount.
    """
    rest = np.asarray(usd, dtype=np.float64)
    parts = []
    for quantum in LINE_QUANTA:
        part = np.rint(rest / quantum) * quantum
        parts.append(part)
        rest = rest - part
    return np.stack(parts, axis=-1)


def parts_bincount(bins: IndexArray, parts: FloatArray, size: int) -> FloatArray:
    """Σ of each line's parts by bin: shape (size, PARTS), exact (:func:`fixed_parts`)."""
    columns = [np.bincount(bins, weights=parts[:, j], minlength=size) for j in range(PARTS)]
    return np.stack(columns, axis=-1).astype(np.float64)


def parts_value(parts: FloatArray) -> FloatArray:
    """Summed parts (..., PARTS) as amounts [USD], added smallest first, always in that order."""
    p = np.asarray(parts, dtype=np.float64)
    out = p[..., -1]
    for j in range(PARTS - 2, -1, -1):
        out = out + p[..., j]
    return np.asarray(out, dtype=np.float64)


def parts_total(parts: FloatArray) -> float:
    """Σ of every amount held as parts (..., PARTS) [USD], correctly rounded."""
    levels = np.asarray(parts, dtype=np.float64).reshape(-1, PARTS).sum(axis=0)  # exact
    return exact_sum(levels)


def usd_text(usd: float) -> str:
    """``$1,030,659,406.50``: an amount [USD] to the cent, with thousands separators."""
    return money_text(usd, "$")


MINOR_UNITS = {"JPY": 0}
"""Decimals of a currency's smallest unit where it is not 2 (ISO 4217: the yen has none)."""


def money_text(amount: float, prefix: str, decimals: int = 2) -> str:
    """An amount to its smallest unit (the cent) after ``prefix`` (``$`` or ``EUR ``).

    Rounded half to even on ``10^decimals · amount``; a minus sign before the prefix.
    """
    scale = 10**decimals
    units = int(np.rint(float(amount) * scale))
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(units), scale)
    return f"{sign}{prefix}{whole:,}" + (f".{part:0{decimals}d}" if decimals else "")
