"""Check and convert one chunk's ledger columns, once per distinct value.

Text columns arrive dictionary-encoded (a dictionary of distinct values and
one index per line), so HTS codes, countries and dates are checked and
converted on the dictionary and mapped to lines by their indices. A problem
is raised through ``fail(row, column, message, hint)`` with the row counted
from the chunk's first line; :class:`tariffsim.ledger.reader.LedgerReader` turns it
into an error naming the ledger row. No file reading here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tariffsim._types import FloatArray, IndexArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.scenario import hts, inputs
from tariffsim.scenario.countries import ISO_ALPHA2


class Fail(Protocol):
    """Builds the error for a row of the chunk (0-based), a ledger column, a message."""

    def __call__(
        self, row: int, column: str, message: str, hint: str | None = None
    ) -> TariffsimError: ...


_T = TypeVar("_T")


class DictionaryCache:
    """What was derived from each text column's last dictionary, reused while it repeats.

    A Parquet row group carries one dictionary per column, and the row groups of a
    ledger usually repeat it (tens of thousands of HTS codes or SKUs): checking and
    converting it once, not once per row group, keeps per-chunk work proportional to
    the lines. Comparing two dictionaries is a comparison of their bytes.
    """

    def __init__(self) -> None:
        self._last: dict[str, tuple[pa.Array, Any]] = {}

    def get(self, name: str, dictionary: pa.Array, derive: Callable[[pa.Array], _T]) -> _T:
        last = self._last.get(name)
        if last is not None and (last[0] is dictionary or last[0].equals(dictionary)):
            return last[1]  # type: ignore[no-any-return]
        value = derive(dictionary)
        self._last[name] = (dictionary, value)
        return value


_ISO = pa.array(sorted(ISO_ALPHA2))
_FIRST_DAY = (inputs.MIN_DATE - dt.date(1970, 1, 1)).days
_LAST_DAY = (inputs.MAX_DATE - dt.date(1970, 1, 1)).days

MAX_LINE_USD = 1e15
"""Largest customs value of one ledger line [USD]: a thousand times a year of US imports
from any country, so no sum of lines can overflow to infinity."""
_TEXT_HINT = "store HTS codes as text: as numbers they lose their leading zeros"


def _text(column: pa.Array, name: str, fail: Fail) -> tuple[pa.Array, IndexArray]:
    """Dictionary and per-line indices of a text column; an error on a missing value."""
    if pa.types.is_dictionary(column.type):
        encoded = column
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        encoded = pc.dictionary_encode(column)
    else:
        value = column[0].as_py() if len(column) else None
        hint = _TEXT_HINT if name == "hts_code" else None
        raise fail(0, name, f"expected text, got {column.type} values like {value!r}", hint)
    if encoded.null_count:
        row = int(np.argmax(encoded.is_null().to_numpy(zero_copy_only=False)))
        raise fail(row, name, "missing value")
    dictionary = encoded.dictionary.cast(pa.string())
    return dictionary, encoded.indices.to_numpy(zero_copy_only=False)


def _bad(
    index: IndexArray,
    bad: np.ndarray[Any, Any],
    dictionary: pa.Array,
) -> tuple[int, str]:
    """0-based row and text of the first line whose dictionary entry is bad."""
    row = int(np.argmax(bad[index]))
    return row, str(dictionary[int(index[row])].as_py())


def hts_keys(
    column: pa.Array, fail: Fail, cache: DictionaryCache | None = None
) -> tuple[IntArray, IndexArray]:
    """HTS keys of the distinct codes (:func:`hts.code_keys`) and each line's index."""
    dictionary, index = _text(column, "hts_code", fail)
    keys, good = (cache or DictionaryCache()).get("hts_code", dictionary, _hts_dictionary)
    # A Parquet row group's dictionary is shared by all its chunks: an entry only other
    # chunks use is checked there, with its own row, and stands in as a zero key here.
    if not good.all() and not good[index].all():
        row, text = _bad(index, ~good, dictionary)
        raise fail(
            row,
            "hts_code",
            f"expected an HTS code of 2, 4, 6, 8 or 10 digits (dots allowed), got {text!r}",
            "an odd number of digits or a decimal point at the end means the code was "
            "read as a number and lost a leading zero; store codes as text",
        )
    return keys, index


def _hts_dictionary(dictionary: pa.Array) -> tuple[IntArray, np.ndarray[Any, Any]]:
    """HTS keys of a dictionary of codes (0 for a bad one), and which are good."""
    digits = pc.replace_substring(pc.utf8_trim_whitespace(dictionary), ".", "")
    length = pc.utf8_length(digits).to_numpy(zero_copy_only=False)
    good = pc.match_substring_regex(digits, r"^[0-9]+$").to_numpy(zero_copy_only=False)
    good &= (length >= 2) & (length <= hts.DIGITS) & (length % 2 == 0)
    if not good.all():
        digits = pc.if_else(pa.array(good), digits, pa.scalar("0", pa.string()))
    padded = pc.utf8_rpad(digits, width=hts.DIGITS, padding="0")
    return padded.cast(pa.int64()).to_numpy(zero_copy_only=False), good


def origins(
    column: pa.Array, fail: Fail, cache: DictionaryCache | None = None
) -> tuple[list[str], IndexArray]:
    """Distinct ISO alpha-2 codes of origin (upper case), and each line's index."""
    dictionary, index = _text(column, "country_of_origin", fail)
    codes, good = (cache or DictionaryCache()).get("country_of_origin", dictionary, _iso_dictionary)
    if not good.all() and not good[index].all():  # entries other chunks use: checked there
        row, text = _bad(index, ~good, dictionary)
        raise fail(
            row,
            "country_of_origin",
            f"expected an ISO 3166 alpha-2 code like 'CN', got {text!r}",
        )
    return codes, index


def _iso_dictionary(dictionary: pa.Array) -> tuple[list[str], np.ndarray[Any, Any]]:
    codes = pc.utf8_upper(pc.utf8_trim_whitespace(dictionary))
    good = pc.is_in(codes, value_set=_ISO).to_numpy(zero_copy_only=False)
    return [str(c) for c in codes.to_pylist()], good


def entry_days(column: pa.Array, fail: Fail) -> IndexArray:
    """Entry dates [day number] from a date, timestamp or ISO-text column, within
    :data:`~tariffsim.scenario.inputs.MIN_DATE` … :data:`~tariffsim.scenario.inputs.MAX_DATE`."""
    if pa.types.is_timestamp(column.type) or pa.types.is_date64(column.type):
        try:
            column = column.cast(pa.date32())
        except pa.ArrowInvalid:
            column = column.cast(pa.date32(), safe=False)  # out of range: refused just below
    if pa.types.is_date32(column.type):
        if column.null_count:
            row = int(np.argmax(column.is_null().to_numpy(zero_copy_only=False)))
            raise fail(row, "entry_date", "missing value")
        return _bounded(column.cast(pa.int32()).to_numpy(zero_copy_only=False), fail)
    dictionary, index = _text(column, "entry_date", fail)
    text = pc.utf8_trim_whitespace(dictionary)
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime accepts 2019-02-30 (as 2 March) and 2019-2-3; only the exact ISO text round-trips
    exact = pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text)
    parsed = pc.if_else(pc.fill_null(exact, False), parsed, None)
    bad = parsed.is_null().to_numpy(zero_copy_only=False)
    if bad.any():
        row, text = _bad(index, bad, dictionary)
        raise fail(row, "entry_date", f"expected a date like 2019-01-31, got {text!r}")
    days = parsed.cast(pa.date32()).cast(pa.int32()).to_numpy(zero_copy_only=False)
    return _bounded(days[index], fail)


def _bounded(days: IndexArray, fail: Fail) -> IndexArray:
    """``days`` when every one lies in the accepted range; else the first row outside it."""
    if days.size == 0 or (days.min() >= _FIRST_DAY and days.max() <= _LAST_DAY):
        return days
    bad = (days < _FIRST_DAY) | (days > _LAST_DAY)
    if bad.any():
        row = int(np.argmax(bad))
        raise fail(
            row,
            "entry_date",
            f"expected a date from {inputs.MIN_DATE} to {inputs.MAX_DATE}, "
            f"got day {int(days[row]):,} after 1970-01-01",
            "check the year",
        )
    return days


def text_lengths(
    column: pa.Array, name: str, fail: Fail, cache: DictionaryCache | None = None
) -> None:
    """Refuse a text value longer than :data:`~tariffsim.scenario.inputs.MAX_FIELD_CHARS`."""
    if pa.types.is_dictionary(column.type):
        values, indices = column.dictionary, column.indices
    elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        values, indices = column, None
    else:
        return
    if not len(values):
        return
    lengths = (
        _lengths(values)
        if indices is None
        else (cache or DictionaryCache()).get(f"{name} lengths", values, _lengths)
    )
    too_long = lengths > inputs.MAX_FIELD_CHARS
    if not too_long.any():
        return
    index = np.arange(len(column)) if indices is None else ints(indices.fill_null(0))
    if too_long[index].any():
        row = int(np.argmax(too_long[index]))
        raise fail(
            row,
            name,
            f"a value of {int(lengths[index[row]]):,} characters, "
            f"more than {inputs.MAX_FIELD_CHARS:,}",
        )


def _lengths(values: pa.Array) -> np.ndarray[Any, Any]:
    return pc.fill_null(pc.utf8_length(values.cast(pa.string())), 0).to_numpy(  # type: ignore[no-any-return]
        zero_copy_only=False
    )


def customs_values(column: pa.Array, fail: Fail) -> FloatArray:
    """Customs values [USD], finite and at least 0, from a numeric or text column."""
    name = "customs_value_usd"
    if (
        pa.types.is_string(column.type)
        or pa.types.is_large_string(column.type)
        or pa.types.is_dictionary(column.type)
    ):
        text = pc.utf8_trim_whitespace(column.cast(pa.string()))
        number = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
        matched = pc.match_substring_regex(text, number)
        ok = pc.fill_null(matched, True).to_numpy(zero_copy_only=False)
        if not ok.all():
            row = int(np.argmax(~ok))
            got = text[row].as_py()
            raise fail(row, name, f"expected a number in USD, got {got!r}")
        column = text
    elif not (
        pa.types.is_floating(column.type)
        or pa.types.is_integer(column.type)
        or pa.types.is_decimal(column.type)
    ):
        raise fail(0, name, f"expected numbers, got {column.type} values")
    try:
        values = column.cast(pa.float64())
    except pa.ArrowInvalid:
        values = column.cast(pa.float64(), safe=False)  # 2**64 - 1 loses digits, then is capped
    if values.null_count:
        missing = values.is_null().to_numpy(zero_copy_only=False)
        raise fail(int(np.argmax(missing)), name, "missing value")
    out = values.to_numpy(zero_copy_only=False)
    # NaN fails both comparisons, so this also refuses NaN and infinities
    if not ((out >= 0) & (out <= MAX_LINE_USD)).all():
        bad = ~((out >= 0) & (out <= MAX_LINE_USD))
        row = int(np.argmax(bad))
        raise fail(
            row,
            name,
            f"expected a finite value of at least 0 and at most {MAX_LINE_USD:g} USD, "
            f"got {float(out[row])!r}",
            "a customs value is in USD per line" if out[row] > MAX_LINE_USD else None,
        )
    return np.asarray(out, dtype=np.float64)


def ints(array: Any) -> IntArray:
    """An Arrow (or numpy) array of integers as int64 numpy."""
    values = array.to_numpy(zero_copy_only=False) if hasattr(array, "to_numpy") else array
    return np.asarray(values, dtype=np.int64)


def quantities(amount: pa.Array, unit: pa.Array, fail: Fail) -> tuple[FloatArray, IntArray]:
    """Quantities in their base unit, and each line's base unit (index into ``BASE_UNITS``).

    A blank quantity (or unit) is NaN (−1): the line has none, which only a specific rate
    refuses. Units are read once per distinct text through pint (``t`` is 1,000 kg,
    ``DOZ`` 12 items).
    """
    from tariffsim.scenario.duty_rates import BASE_UNITS, unit_factor

    values = _numbers(amount, "quantity", fail, "a quantity")
    if pa.types.is_dictionary(unit.type):
        encoded = unit
    else:
        encoded = pc.dictionary_encode(unit.cast(pa.string()))
    dictionary = encoded.dictionary.cast(pa.string()).to_pylist()
    index = encoded.indices.to_numpy(zero_copy_only=False)
    missing_unit = encoded.is_null().to_numpy(zero_copy_only=False)
    factor = np.full(len(dictionary) + 1, np.nan)
    base = np.full(len(dictionary) + 1, -1, dtype=np.int64)
    for d, text in enumerate(dictionary):
        if text is None or not str(text).strip():
            continue
        try:
            size, name = unit_factor(str(text))
        except TariffsimError as exc:
            row = int(np.argmax((index == d) & ~missing_unit))
            raise fail(row, "quantity_unit", exc.message, exc.hint) from None
        factor[d], base[d] = size, BASE_UNITS.index(name)
    where = np.where(missing_unit, len(dictionary), np.nan_to_num(index).astype(np.int64))
    unit_of = base[where]
    amount_base = values * factor[where]
    unit_of = np.where(np.isnan(amount_base), -1, unit_of)
    return amount_base, ints(unit_of)


def shares(column: pa.Array, name: str, fail: Fail) -> FloatArray:
    """A share column [fraction] (``0.4`` for 40 %), blanks NaN; above 1 refused."""
    values = _numbers(column, name, fail, "a share between 0 and 1")
    over = values > 1
    if over.any():
        row = int(np.argmax(over))
        raise fail(
            row,
            name,
            f"expected a value share between 0 and 100 %, got {float(values[row]):g}",
            "write a share as a fraction: 0.4 for 40 %",
        )
    return values


def _numbers(column: pa.Array, name: str, fail: Fail, what: str) -> FloatArray:
    """A numeric or text column as floats, blanks NaN; negative or non-finite values refused."""
    if (
        pa.types.is_string(column.type)
        or pa.types.is_large_string(column.type)
        or pa.types.is_dictionary(column.type)
    ):
        text = pc.utf8_trim_whitespace(column.cast(pa.string()))
        blank = pc.equal(text, "")
        text = pc.if_else(pc.fill_null(blank, False), pa.scalar(None, pa.string()), text)
        number = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$"
        ok = pc.fill_null(pc.match_substring_regex(text, number), True)
        ok_np = ok.to_numpy(zero_copy_only=False)
        if not ok_np.all():
            row = int(np.argmax(~ok_np))
            raise fail(row, name, f"expected {what}, got {text[row].as_py()!r}")
        column = text
    out = column.cast(pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64)
    bad = ~np.isnan(out) & (~np.isfinite(out) | (out < 0))
    if bad.any():
        row = int(np.argmax(bad))
        raise fail(row, name, f"expected {what} of at least 0, got {out[row]!r}")
    return np.asarray(out, dtype=np.float64)
