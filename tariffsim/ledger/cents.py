"""Money in whole cents: exact sums of values, correctly rounded duty sums, cents in text.

A ledger's customs values are money to the cent, so they are tallied as whole numbers of
cents held in float64: every sum of them is exact while it stays below 2⁵³ cents (about
90 trillion USD), whatever the order of the lines, the chunks or the workers. A duty is such
a value times a rate; :func:`exact_dot` sums those products without rounding on the way
(each product split into two floats that add up to it exactly, then :func:`math.fsum`), so a
total is the exact Σ value × rate rounded once, the same for any grouping of the lines.

Text shows money to the cent (``$1,030,659,406.50``). No I/O here.
"""

from __future__ import annotations

import math

import numpy as np

from tariffsim._types import FloatArray

CENTS_PER_USD = 100.0
EXACT_CENTS = 2.0**53
"""Sums of whole cents are exact below this many cents [cents] (about 9.0e13 USD)."""
_SPLIT = 2.0**27 + 1.0  # Veltkamp's constant: splits a float64 into two 26-bit halves


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


def two_product(a: FloatArray, b: FloatArray) -> tuple[FloatArray, FloatArray]:
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


def exact_dot(amounts: FloatArray, weights: FloatArray) -> FloatArray:
    """Σ_k amounts[k] · weights[k, ...] along the first axis, each correctly rounded.

    ``amounts`` (K,) and ``weights`` (K,) or (K, M); returns shape () or (M,). The products
    are split exactly (:func:`two_product`) and summed with :func:`math.fsum`, so the result
    depends only on the multiset of (amount, weight) pairs, not on their order or grouping:
    amounts of 3 and 5 cents at a rate r give the same duty as 8 cents at r.
    """
    w = np.asarray(weights, dtype=np.float64)
    a = np.asarray(amounts, dtype=np.float64).reshape((-1,) + (1,) * (w.ndim - 1))
    p, e = two_product(a, w)
    if w.ndim == 1:
        return np.array(exact_sum(np.concatenate([p, e])))
    both = np.concatenate([p, e], axis=0).reshape(2 * p.shape[0], int(np.prod(w.shape[1:])))
    return np.array([exact_sum(both[:, j]) for j in range(both.shape[1])]).reshape(w.shape[1:])


def usd_text(usd: float) -> str:
    """``$1,030,659,406.50``: an amount [USD] to the cent, with thousands separators."""
    return money_text(usd, "$")


def money_text(amount: float, prefix: str) -> str:
    """An amount to the cent after ``prefix`` (``$`` or ``EUR ``); a minus sign before it."""
    cents = int(np.rint(float(amount) * CENTS_PER_USD))
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{prefix}{whole:,}.{part:02d}"
