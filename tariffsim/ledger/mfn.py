"""MFN by line for a ledger: read an MFN file and price each line's MFN duty.

The MFN file is the tidy CSV ``tariffsim data mfn`` writes from USITC's annual tariff
database or HTS export (``hts_code, rate_text, rate_form, ad_valorem, specific_usd,
specific_unit, …``): one row per HTS-8 line, its rate text already parsed into an ad valorem
part [fraction] and a specific part [USD per unit]. A ledger line pays the MFN of its HTS-8
line, covered by a measure or not: ``D = τ · V + a · q``, with q the line's quantity in the
rate's unit (:func:`tariffsim.model.duty_forms.compound_duty`). A line whose HTS-8 code the
file lacks, or whose rate text was not parsed, pays no MFN and is counted apart. Reading the
file is this module's only I/O.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray
from tariffsim.errors import TariffsimError
from tariffsim.ledger.reader import Chunk
from tariffsim.model import duty_forms
from tariffsim.scenario import hts
from tariffsim.scenario.duty_rates import BASE_UNITS
from tariffsim.scenario.mfn_file import COLUMNS, NOT_PRICED, UNIT_SIZE, MfnSchedule, read_mfn_file

__all__ = [
    "COLUMNS",
    "NOT_PRICED",
    "UNIT_SIZE",
    "LineMfn",
    "MfnSchedule",
    "line_mfn",
    "read_mfn_file",
]


@dataclass(frozen=True)
class LineMfn:
    """The MFN of one chunk's lines from an MFN file, shape (n,).

    Attributes
    ----------
    duty : MFN duty [USD]; for an unpriced line, its ad valorem part only.
    known : the file holds a parsed rate for the line's HTS-8 code.
    unpriced : the rate has a specific part and the line no quantity in its unit, so that
        part is not priced.
    line : index of the line's HTS-8 row in the schedule (meaningful where ``known``).
    estimate : the specific part is priced: the line's MFN rate ``D / V`` is an ad valorem
        equivalent at its own unit value.
    """

    duty: FloatArray
    known: BoolArray
    unpriced: BoolArray
    line: IntArray
    estimate: BoolArray


def line_mfn(schedule: MfnSchedule, chunk: Chunk, unpriced: str = "report") -> LineMfn:
    """Each line's MFN duty [USD]: ``D = τ · V + a · q`` (:func:`duty_forms.compound_duty`).

    Parameters
    ----------
    schedule : the MFN file's rates.
    chunk : the ledger lines.
    unpriced : ``report``: a specific rate on a line without a quantity in its unit pays its
        ad valorem part and is marked unpriced; ``error``: such a line is refused.

    Raises
    ------
    TariffsimError
        naming the ledger row, with ``unpriced='error'``, when a specific MFN rate meets a
        line without a quantity in a matching unit.
    """
    eight = (chunk.hts_keys // 100) * 100  # keys are 10 digits: drop the statistical suffix
    where = np.searchsorted(schedule.keys, eight)
    where = np.minimum(where, max(schedule.keys.size - 1, 0))
    found = (schedule.keys.size > 0) & (schedule.keys[where] == eight) & schedule.parsed[where]
    line = where[chunk.hts_index]
    known = found[chunk.hts_index]
    specific = np.where(known, schedule.specific[line], 0.0)
    unit = schedule.unit[line]
    needs = known & (specific > 0)
    quantity = np.zeros(chunk.size)
    lacking = np.zeros(chunk.size, dtype=np.bool_)
    if needs.any():
        have, line_unit = line_units(chunk)
        lacking = needs & ((unit != line_unit) | np.isnan(have))
        if lacking.any() and unpriced == "error":
            raise _no_quantity(schedule, chunk, int(np.argmax(lacking)), line, unit)
        quantity = np.where(needs & ~lacking, have, 0.0)
    ad_valorem = np.where(known, schedule.ad_valorem[line], 0.0)
    duty = duty_forms.compound_duty(chunk.value, quantity, ad_valorem, specific * ~lacking)
    return LineMfn(duty, known, lacking, line, needs & ~lacking)


def line_units(chunk: Chunk) -> tuple[FloatArray, IntArray]:
    """Each line's quantity (NaN: none) and its base unit (−1: none), with or without columns."""
    have = chunk.quantity if chunk.quantity is not None else np.full(chunk.size, np.nan)
    unit = (
        chunk.quantity_unit
        if chunk.quantity_unit is not None
        else np.full(chunk.size, -1, dtype=np.int64)
    )
    return have, unit


def quantity_hint(chunk: Chunk, row: int, want: int) -> str:
    """What to do for line ``row`` to have a quantity in base unit ``want``."""
    name = BASE_UNITS[want]
    if chunk.quantity is None or chunk.quantity_unit is None:
        return f"add 'quantity' and 'quantity_unit' ({name}) columns"
    if chunk.quantity_unit[row] < 0:
        return f"the line's quantity or its unit is blank; give it in {name}"
    have = BASE_UNITS[int(chunk.quantity_unit[row])]
    return f"the line's quantity is in {have}, the rate per {name}"


def _no_quantity(
    schedule: MfnSchedule,
    chunk: Chunk,
    row: int,
    line: IntArray,
    unit: IntArray,
) -> TariffsimError:
    text = schedule.text[int(line[row])]
    code = str(chunk.hts_keys[chunk.hts_index[row]]).zfill(hts.DIGITS)[:8]
    if unit[row] == NOT_PRICED:
        hint = "its unit is not one a ledger quantity gives (kg, item or liter)"
    else:
        hint = quantity_hint(chunk, row, int(unit[row]))
    return TariffsimError(
        f"the MFN rate of {code} is specific ('{text}') and the line has no quantity to price it",
        field=f"row {chunk.first_row + row + 1}",
        hint=f"{hint}; or drop '--unpriced error' to count such lines as unpriced",
    )
