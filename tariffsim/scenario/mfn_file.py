"""An MFN file by HTS-8 line, as ``tariffsim data mfn`` writes it: read, checked, as arrays.

The tidy CSV written from USITC's annual tariff database or HTS export (``hts_code,
rate_text, rate_form, ad_valorem, specific_usd, specific_unit, …``): one row per HTS-8 line,
its rate text already parsed into an ad valorem part [fraction] and a specific part [USD per
unit]. Ledgers price every line with it (``exposure --mfn``, :mod:`tariffsim.ledger.mfn`);
a scenario names it (``mfn_file:``) for its flows with product weights, each of whose
product classes then pays the value-weighted MFN of its lines
(:func:`MfnSchedule.weighted_ad_valorem`). Reading the file is this module's only job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tariffsim._types import BoolArray, FloatArray, IntArray
from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.scenario import hts, inputs
from tariffsim.scenario.duty_rates import BASE_UNITS
from tariffsim.scenario.loading import Document
from tariffsim.scenario.schema import Scenario

COLUMNS = ("hts_code", "rate_text", "rate_form", "ad_valorem", "specific_usd", "specific_unit")
"""Columns read from the MFN file (as ``tariffsim data mfn`` writes them)."""

UNIT_SIZE = {
    "kg": (1.0, "kg"),
    "tonne": (1000.0, "kg"),
    "liter": (1.0, "liter"),
    "item": (1.0, "item"),
    "dozen": (12.0, "item"),
    "pair": (2.0, "item"),
    "gross": (144.0, "item"),
    "thousand_items": (1000.0, "item"),
}
"""Units of the MFN file's specific rates → (size in the base unit, base unit). Others
(``clean_kg``, ``proof_liter``, ``head``, ``m2`` …) cannot be priced from a ledger quantity."""

NOT_PRICED = -2
"""``unit`` of a specific rate in a unit a ledger quantity cannot give."""


@dataclass(frozen=True)
class MfnSchedule:
    """MFN rates by HTS-8 line, sorted by key.

    Attributes
    ----------
    keys : HTS key of each line's 8-digit code (:func:`hts.code_keys`), increasing, (L,).
    ad_valorem : ad valorem part [fraction], (L,).
    specific : specific part [USD per base unit], (L,).
    unit : base unit of the specific part (index into ``BASE_UNITS``; −1 none;
        :data:`NOT_PRICED`), (L,).
    parsed : whether the rate text was parsed, (L,).
    text : the rate text of each line, for messages.
    """

    keys: IntArray
    ad_valorem: FloatArray
    specific: FloatArray
    unit: IntArray
    parsed: BoolArray
    text: list[str]

    def weighted_ad_valorem(self, codes: Sequence[str], weights: Sequence[float]) -> float:
        """The value-weighted ad valorem MFN rate of HTS lines [fraction].

        ``Σ w_i τ_i / Σ w_i`` over the lines, τ_i the ad valorem part of the rate of the
        HTS-8 line holding code i (0 where the file has no parsed rate for it; a specific
        part is left out: a weights file carries no quantities; a code shorter than 8
        digits names no HTS-8 line and counts as 0).
        """
        total = float(sum(weights))
        if total <= 0 or self.keys.size == 0:
            return 0.0
        long = np.array([len(c) >= 8 for c in codes], dtype=np.bool_)
        eight = np.array([hts.code_keys([c[:8] if len(c) >= 8 else "0" * 8])[0] for c in codes])
        where = np.minimum(np.searchsorted(self.keys, eight), self.keys.size - 1)
        found = long & (self.keys[where] == eight) & self.parsed[where]
        rates = np.where(found, self.ad_valorem[where], 0.0)
        return float(np.dot(rates, np.asarray(weights, dtype=np.float64)) / total)


def read_mfn_file(path: str | Path) -> MfnSchedule:
    """Read an MFN file written by ``tariffsim data mfn``.

    Raises
    ------
    TariffsimError
        when the file is missing, lacks a column, or holds a code that is not HTS.
    """
    import pandas as pd  # here, not at import: a run without an MFN file stays without it

    path = Path(path)
    if not path.is_file():
        raise TariffsimError("MFN file not found", file=path, field="--mfn")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise TariffsimError(f"cannot read the MFN file ({exc})", file=path) from None
    for name in COLUMNS:
        if name not in frame.columns:
            raise TariffsimError(
                f"missing column '{name}'",
                file=path,
                line=1,
                hint=did_you_mean(name, list(frame.columns))
                or "write the file with 'tariffsim data mfn' (see docs/real-data.md)",
            )
    digits = frame["hts_code"].str.replace(".", "", regex=False).str.strip()
    bad = ~digits.str.fullmatch(r"\d{8}(\d{2})?")
    if bad.any():
        row = int(np.argmax(bad.to_numpy()))
        raise TariffsimError(
            f"expected an HTS-8 code, got {frame['hts_code'].iloc[row]!r}",
            file=path,
            line=row + 2,
            field="hts_code",
        )
    keys = hts.code_keys(list(digits.str[:8]))
    parsed = frame["rate_form"].to_numpy() != "unparsed"
    ad_valorem = pd.to_numeric(frame["ad_valorem"], errors="coerce").fillna(0.0).to_numpy()
    specific = pd.to_numeric(frame["specific_usd"], errors="coerce").fillna(0.0).to_numpy().copy()
    unit = np.full(len(frame), -1, dtype=np.int64)
    for row, name in enumerate(frame["specific_unit"]):
        if not name or specific[row] == 0:
            continue
        size, base = UNIT_SIZE.get(name, (np.nan, ""))
        if base:
            specific[row] /= size
            unit[row] = BASE_UNITS.index(base)
        else:
            unit[row] = NOT_PRICED
    order = np.argsort(keys, kind="stable")
    return MfnSchedule(
        keys=np.asarray(keys, dtype=np.int64)[order],
        ad_valorem=np.asarray(ad_valorem, dtype=np.float64)[order],
        specific=np.asarray(specific, dtype=np.float64)[order],
        unit=unit[order],
        parsed=np.asarray(parsed, dtype=np.bool_)[order],
        text=[str(frame["rate_text"].iloc[i]) for i in order],
    )


def scenario_mfn(scenario: Scenario, document: Document) -> MfnSchedule | None:
    """The MFN file a scenario names (``mfn_file:``, relative to it), read; None without one."""
    target = mfn_file_path(scenario, document)
    return None if target is None else read_mfn_file(target)


def mfn_file_path(scenario: Scenario, document: Document) -> Path | None:
    """Where the MFN file a scenario names (``mfn_file:``) is, checked to exist; None without."""
    if scenario.mfn_file is None:
        return None
    return document.named_file(
        "mfn_file",
        scenario.mfn_file,
        "MFN file",
        lambda target: (
            "the path is relative to the scenario file; write one from USITC's "
            f"tariff database with 'tariffsim data mfn FILE -o {inputs.shown(target)}' "
            "(docs/real-data.md)"
        ),
    )
