"""HTS product codes: the text rules, and prefixes as ranges of integer keys.

A Harmonized Tariff Schedule code is written with digits and optional dots
(``8501.10.40`` or ``85011040``); it is always text, because a number would
lose its leading zeros (``0101`` → ``101``). A *prefix* of 2 to 10 digits
covers every 10-digit code that starts with it. Padding a code with zeros on
the right to 10 digits gives an integer *key*; a prefix ``p`` of ``L`` digits
then covers exactly the keys in the half-open range

    [p · 10^(10 − L), (p + 1) · 10^(10 − L))

so matching millions of codes against thousands of prefixes is a sorted-array
search (:func:`segments`), never a loop over codes. Pure functions: no file
I/O, no pyarrow here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from tariffsim._types import BoolArray, IntArray

DIGITS = 10
"""Digits of a full (statistical) HTS-10 code."""

KEY_END = 10**DIGITS
"""One past the largest key [1]."""

QUOTE_HINT = (
    "quote it, like '0101.21': YAML and spreadsheets read unquoted codes as numbers "
    "and drop leading zeros"
)
_CODE = re.compile(r"[0-9]+(\.[0-9]+)*$")


def normalise_prefix(value: Any) -> str:
    """The digits of an HTS prefix written as text, dots removed.

    Raises
    ------
    ValueError
        if ``value`` is not text (a YAML number), has characters other than
        digits and dots, or has fewer than 2 or more than 10 digits.
    """
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"expected an HTS code as text, got the number {value!r} ({QUOTE_HINT})")
    text = value.strip()
    if not _CODE.match(text):
        raise ValueError(f"expected an HTS code of digits and dots like '8501.10', got {value!r}")
    digits = text.replace(".", "")
    if not 2 <= len(digits) <= DIGITS:
        raise ValueError(f"expected an HTS code of 2 to 10 digits, got {value!r}")
    return digits


def prefix_range(digits: str) -> tuple[int, int]:
    """The keys ``[low, high)`` a prefix of digits covers."""
    scale = 10 ** (DIGITS - len(digits))
    low = int(digits) * scale
    return low, low + scale


def segments(
    prefixes: Sequence[Sequence[str]],
) -> tuple[IntArray, BoolArray]:
    """Cut the key line into segments on which the set of covering groups is constant.

    Parameters
    ----------
    prefixes : for each group (measure), its prefixes as normalised digit strings.
        A group with no prefixes covers every key.

    Returns
    -------
    starts : first key of each segment, sorted, ``starts[0] == 0``, shape (K,).
    covers : whether group m covers segment k, shape (K, M).

    Notes
    -----
    The segment of a key ``x`` is ``searchsorted(starts, x, side="right") − 1``.
    Every prefix range ``[low, high)`` is a union of whole segments, because
    both of its ends are segment starts (or ``KEY_END``).
    """
    ranges = [[prefix_range(p) for p in group] for group in prefixes]
    bounds = {0}
    for group in ranges:
        for low, high in group:
            bounds.add(low)
            if high < KEY_END:
                bounds.add(high)
    starts = np.array(sorted(bounds), dtype=np.int64)
    covers = np.zeros((starts.size, len(prefixes)), dtype=np.bool_)
    for m, group in enumerate(ranges):
        if not group:
            covers[:, m] = True
            continue
        # +1 / −1 at each range's ends; a running sum > 0 marks covered segments.
        delta = np.zeros(starts.size + 1, dtype=np.int64)
        lows = np.array([low for low, _ in group], dtype=np.int64)
        highs = np.array([high for _, high in group], dtype=np.int64)
        np.add.at(delta, np.searchsorted(starts, lows), 1)
        np.add.at(delta, np.searchsorted(starts, highs), -1)
        covers[:, m] = np.cumsum(delta[:-1]) > 0
    return starts, covers


def code_keys(digits: Sequence[str]) -> IntArray:
    """Keys of normalised codes: the digits padded with zeros on the right to 10."""
    return np.array([int(d) * 10 ** (DIGITS - len(d)) if d else -1 for d in digits], dtype=np.int64)
