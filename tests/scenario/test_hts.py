"""HTS codes as text and prefixes as key ranges."""

from __future__ import annotations

import numpy as np
import pytest

from tariffsim.scenario import hts


@pytest.mark.parametrize(
    ("text", "digits"),
    [("8501", "8501"), ("0101.21", "010121"), (" 8501.10.40.00 ", "8501104000"), ("85", "85")],
)
def test_normalise_prefix(text: str, digits: str) -> None:
    assert hts.normalise_prefix(text) == digits


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (8501, "quote it"),
        (101.21, "quote it"),
        ("8", "2 to 10 digits"),
        ("85011040001", "2 to 10 digits"),
        ("85-01", "digits and dots"),
        ("8501.", "digits and dots"),
    ],
)
def test_bad_prefixes(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        hts.normalise_prefix(value)


def test_prefix_range() -> None:
    assert hts.prefix_range("85") == (8_500_000_000, 8_600_000_000)
    assert hts.prefix_range("8501104000") == (8_501_104_000, 8_501_104_001)
    assert hts.prefix_range("01") == (100_000_000, 200_000_000)


def test_segments_nested_and_overlapping_prefixes() -> None:
    starts, covers = hts.segments([["85"], ["8501", "9401"], []])
    keys = hts.code_keys(["8401000000", "8500000000", "8501999999", "8502000000", "9401610000"])
    seg = np.searchsorted(starts, keys, side="right") - 1
    expected = [
        [False, False, True],
        [True, False, True],
        [True, True, True],
        [True, False, True],
        [False, True, True],
    ]
    np.testing.assert_array_equal(covers[seg], expected)


def test_segments_last_range_reaches_the_end() -> None:
    starts, covers = hts.segments([["99"]])
    seg = np.searchsorted(starts, hts.code_keys(["9999999999", "9899999999"]), side="right") - 1
    np.testing.assert_array_equal(covers[seg, 0], [True, False])


def test_code_keys_pad_on_the_right() -> None:
    np.testing.assert_array_equal(
        hts.code_keys(["0101", "8501104000"]), [101_000_000, 8_501_104_000]
    )
