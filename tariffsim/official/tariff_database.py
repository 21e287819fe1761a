"""The USITC annual tariff database → MFN rate by HTS-8 line, parsed from its rate text.

USITC publishes each year a tariff database (``tariff_database_2017.txt``, pipe-delimited, or
re-saved as CSV) with one row per HTS-8 line and period of effect. Its MFN columns are
``mfn_text_rate`` (the legal text, ``6.8%``), ``mfn_ad_val_rate`` and ``mfn_specific_rate``. The
numeric columns are rounded to two decimals in the text export (6.8 % reads 0.06), so the rate
is parsed from the text with :func:`tariffsim.official.ratetext.parse_rate_texts`, and a text
that is not a plain rate keeps its reason instead of a number.

A line whose rate changed during the year has one row per period; the row in effect on a
chosen day is kept. Pure: returns a frame, writes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd

from tariffsim.errors import TariffsimError
from tariffsim.official.ratetext import parse_rate_texts
from tariffsim.official.tables import TextTable, read_text_table

LAYOUT = "a USITC annual tariff database"

COLUMNS = {
    "hts_code": ("hts8",),
    "rate_text": ("mfn_text_rate",),
    "description": ("brief_description",),
    "begin_date": ("begin_effect_date",),
    "end_date": ("end_effective_date",),
}
OPTIONAL = ("description", "begin_date", "end_date")

_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?: .*)?|(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?")


def read_tariff_database(
    path: str | Path, *, in_effect_on: dt.date | None = None, edition: str | None = None
) -> pd.DataFrame:
    """Read the MFN columns of a USITC annual tariff database.

    Parameters
    ----------
    path : the database as text (comma, pipe or tab separated).
    in_effect_on : keep, for a line with several periods, the row in effect on this day; when
        None, the row that begins last (the rate at the year's end).
    edition : the tariff year (``"2017"``); when None, the year in the file's notes or name.

    Returns
    -------
    pandas.DataFrame
        One row per HTS-8 line: ``hts_code``, ``description``, ``rate_text``, ``rate_form``,
        ``ad_valorem`` [fraction of customs value], ``specific_usd`` [USD per unit],
        ``specific_unit``, ``refusal_reason`` (``""`` when parsed), ``begin_date``,
        ``end_date`` [date], ``hts_edition``.

    Raises
    ------
    TariffsimError : a file of another layout, a bad code or date (at its line), no edition.
    """
    table = read_text_table(path)
    found = table.columns(COLUMNS, what=LAYOUT, optional=OPTIONAL)
    if table.rows.empty:
        raise table.error(f"{LAYOUT} with no lines", hint="truncated file?")
    rows = table.rows
    codes = rows[found["hts_code"]].str.strip().str.replace(".", "", regex=False)
    bad = ~codes.str.fullmatch(r"\d{8}")
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise table.error(
            f"expected an HTS-8 code of 8 digits, got {codes.iloc[row]!r}",
            row=row,
            field=found["hts_code"],
            hint="store codes as text: as numbers they lose leading zeros",
        )
    lines = pd.DataFrame(
        {
            "hts_code": codes.to_numpy(dtype=object),
            "description": _optional(rows, found, "description"),
            "rate_text": rows[found["rate_text"]].str.strip().to_numpy(dtype=object),
            "begin_date": _dates(table, found.get("begin_date"), dt.date(1900, 1, 1)),
            "end_date": _dates(table, found.get("end_date"), dt.date(9999, 12, 31)),
        }
    )
    lines = _in_effect(lines, in_effect_on)
    parsed = parse_rate_texts(lines["rate_text"])
    mfn = pd.concat([lines.drop(columns=["begin_date", "end_date"]), parsed], axis=1)
    mfn["begin_date"] = lines["begin_date"].to_numpy()
    mfn["end_date"] = lines["end_date"].to_numpy()
    mfn["hts_edition"] = edition or _edition(table)
    return mfn


def _optional(rows: pd.DataFrame, found: dict[str, str], name: str) -> object:
    if name not in found:
        return ""
    return rows[found[name]].str.strip().to_numpy(dtype=object)


def _dates(table: TextTable, column: str | None, default: dt.date) -> list[dt.date]:
    """Dates of ``1/1/2017 0:00:00`` or ``2017-01-01`` cells; ``default`` for empty ones."""
    if column is None:
        return [default] * len(table.rows)
    values: dict[str, dt.date] = {}
    out = []
    for row, text in enumerate(table.rows[column]):
        if text not in values:
            values[text] = _date(table, row, column, text.strip(), default)
        out.append(values[text])
    return out


def _date(table: TextTable, row: int, column: str, text: str, default: dt.date) -> dt.date:
    if not text:
        return default
    match = _DATE.fullmatch(text)
    try:
        if match and match.group(3):
            return dt.date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
        if match:
            return dt.date(int(match.group(4)), int(match.group(5)), int(match.group(6)))
    except ValueError:
        pass
    raise table.error(
        f"expected a date like '1/1/2017' or '2017-01-01', got {text!r}", row=row, field=column
    )


def _in_effect(lines: pd.DataFrame, day: dt.date | None) -> pd.DataFrame:
    """One row per code: the one in effect on ``day``, else the one that begins last."""
    if day is not None:
        covering = (lines["begin_date"] <= day) & (lines["end_date"] >= day)
        # A line not in effect that day (ended or not begun) keeps its latest row, so a
        # lookup never silently loses a line.
        lines = lines.assign(_rank=covering.astype("int64"))
    else:
        lines = lines.assign(_rank=0)
    ordered = lines.sort_values(["hts_code", "_rank", "begin_date"], kind="stable")
    kept = ordered.drop_duplicates("hts_code", keep="last").sort_index()
    return kept.drop(columns="_rank").reset_index(drop=True)


def _edition(table: TextTable) -> str:
    for text in (*table.comments, table.path.name):
        match = re.search(r"(?:tariff[ _]database[ _]|mfn_)(\d{4})", text, re.IGNORECASE)
        if match:
            return match.group(1)
    raise TariffsimError(
        "the tariff year of this database is not stated in the file or its name",
        file=table.path,
        hint="pass the edition, e.g. --edition '2017'",
    )


def rate_form_counts(mfn: pd.DataFrame) -> pd.DataFrame:
    """Lines by rate form and refusal reason, most frequent first.

    Returns
    -------
    pandas.DataFrame
        Columns ``rate_form``, ``refusal_reason``, ``lines`` [count].
    """
    counts = mfn.groupby(["rate_form", "refusal_reason"]).size().rename("lines").reset_index()
    return counts.sort_values("lines", ascending=False, kind="stable").reset_index(drop=True)
