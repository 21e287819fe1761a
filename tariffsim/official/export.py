"""The readers' frames → tariffsim's own tidy files (membership CSV, MFN, chapter 99, ledger).

Each ``*_table`` function shapes a reader's frame into the columns another tariffsim command
reads: a membership file for ``exposure --memberships`` (``hts_code, measure``), a ledger for
``exposure --ledger`` (``hts_code, country_of_origin, customs_value_usd, entry_date``), MFN and
chapter 99 rates by line. :func:`write_table` writes one as CSV or Parquet (by the suffix),
whole or not at all. No reading of official files here (the reader modules do that), and no
arithmetic beyond selecting and renaming.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from tariffsim.errors import TariffsimError
from tariffsim.outputs.files import check_target, write_atomic

TABLE_SUFFIXES = {".csv": "csv", ".parquet": "parquet"}
"""Output file extension → format of the tidy files."""

MEMBERSHIP_COLUMNS = ["hts_code", "measure", "list", "heading", "hts_edition"]
"""Columns of a membership file; ``exposure`` reads ``hts_code`` and ``measure``."""

RATE_COLUMNS = [
    "rate_text",
    "rate_form",
    "ad_valorem",
    "specific_usd",
    "specific_unit",
    "refusal_reason",
]
MFN_COLUMNS = ["hts_code", "description", *RATE_COLUMNS, "hts_edition"]
"""Columns of an MFN file: one row per HTS line, rates [fraction] and [USD per unit]."""

CHAPTER99_COLUMNS = ["heading", "description", *RATE_COLUMNS, "hts_edition"]
"""Columns of a chapter 99 file: one row per 9903 heading with its additional rate."""

LEDGER_COLUMNS = [
    "hts_code",
    "country_of_origin",
    "customs_value_usd",
    "entry_date",
    "period",
    "census_country_code",
    "calculated_duty_usd",
    "description",
]
"""Columns of a ledger made from Census data: the four ``exposure`` needs come first."""


def measure_id(list_name: str) -> str:
    """The tranche id a Section 301 list gets in a membership file.

    A numbered list becomes ``list`` + its name in lower case (``1`` → ``list1``, ``4A`` →
    ``list4a``, ``3_addl`` → ``list3_addl``); a named one keeps its name in lower case
    (``biden_25``), with characters other than letters, digits, ``_``, ``.`` and ``-`` made
    ``_``.
    """
    name = re.sub(r"[^a-z0-9_.\-]", "_", list_name.strip().lower())
    return f"list{name}" if name[:1].isdigit() else name


def membership_table(membership: pd.DataFrame, lists: Sequence[str] = ()) -> pd.DataFrame:
    """A China Tariffs membership as a membership file, optionally only some lists.

    Parameters
    ----------
    membership : a frame from :func:`tariffsim.official.china_tariffs.read_china_tariffs`.
    lists : the lists to keep, by name (``"1"``, ``"4A"``) or measure id (``"list4a"``),
        case-insensitively; all when empty.

    Raises
    ------
    TariffsimError : a list the table does not have, naming those it has.
    """
    frame = membership.assign(measure=membership["list"].map(measure_id))
    if lists:
        known = dict(zip(frame["measure"], frame["list"], strict=True))
        wanted = set()
        for name in lists:
            measure = measure_id(name) if name.strip()[:1].isdigit() else name.strip().lower()
            if measure not in known:
                have = ", ".join(sorted(dict.fromkeys(frame["list"])))
                raise TariffsimError(
                    f"no list '{name}' in this table", field="--list", hint=f"its lists: {have}"
                )
            wanted.add(measure)
        frame = frame[frame["measure"].isin(wanted)]
    return frame[MEMBERSHIP_COLUMNS].reset_index(drop=True)


def mfn_table(mfn: pd.DataFrame) -> pd.DataFrame:
    """MFN by line in the columns of :data:`MFN_COLUMNS`."""
    return mfn[MFN_COLUMNS].reset_index(drop=True)


def chapter99_table(chapter99: pd.DataFrame) -> pd.DataFrame:
    """Chapter 99 headings in the columns of :data:`CHAPTER99_COLUMNS`."""
    return chapter99[CHAPTER99_COLUMNS].reset_index(drop=True)


def ledger_table(ledger: pd.DataFrame) -> pd.DataFrame:
    """A Census ledger with entry dates as dates, in the columns of :data:`LEDGER_COLUMNS`."""
    frame = ledger[LEDGER_COLUMNS].reset_index(drop=True)
    return frame.assign(entry_date=pd.to_datetime(frame["entry_date"]).dt.date)


def write_table(frame: pd.DataFrame, path: Path) -> Path:
    """Write a tidy table atomically as CSV or Parquet, by the file's suffix.

    Codes stay text in both: a Parquet string column, a CSV cell that keeps its leading zeros.
    """
    fmt = check_target(path, "--output", (), TABLE_SUFFIXES)
    if fmt == "csv":
        # Full precision: a rate of 0.068 or a value of 17300.0 round-trips exactly.
        return write_atomic(path, lambda tmp: frame.to_csv(tmp, index=False, lineterminator="\n"))
    return write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))
