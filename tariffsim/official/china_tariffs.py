"""The USITC "China Tariffs" table → Section 301 membership by HTS line, stamped with its edition.

USITC publishes, with each HTS edition, a table of the HTS lines on which the Section 301
duties on products of China apply, each with its chapter 99 heading (9903.88.01 List 1,
.02 List 2, .03 and .04 List 3, .15 List 4A, .16 List 4B; from 2024 the 9903.91 lists). It is
an Excel workbook, often re-saved as CSV. Two layouts are read:

- the USITC table as exported (columns ``hts`` or ``HTS Number``, ``chapter99`` or ``Chapter
  99``, optionally ``list``), as in ``section301_usitc_2020-01-01.csv``;
- the Budget Lab at Yale's parse of it (``hts8, list, ch99_code``), as in
  ``section301_usitc_2026-01_yale.csv``.

The result is a tidy frame ``hts_code, list, heading, hts_edition``: ``hts_code`` is 8 or 10
digits without dots (a 10-digit code covers only that statistical line). Pure: returns a
frame, writes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from tariffsim.errors import TariffsimError
from tariffsim.official.tables import TextTable, read_excel_table, read_text_table

LAYOUT = "a USITC China Tariffs table"

COLUMNS = {
    "hts_code": ("hts", "hts8", "hts10", "HTS Number", "hts_code", "HTS"),
    "heading": ("chapter99", "ch99_code", "Chapter 99", "chapter 99 heading", "heading"),
    "list": ("list", "List", "tranche"),
}

HEADING_LISTS = {
    "9903.88.01": "1",
    "9903.88.02": "2",
    "9903.88.03": "3",
    "9903.88.04": "3",
    "9903.88.15": "4A",
    "9903.88.16": "4B",
}
"""The 2018–2019 Section 301 headings and their lists (U.S. notes 20 and 21 to chapter 99)."""

_HEADING = re.compile(r"9903\.\d\d\.\d\d")
_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip


def read_china_tariffs(path: str | Path, *, edition: str | None = None) -> pd.DataFrame:
    """Read a China Tariffs table (CSV or Excel) into Section 301 membership.

    Parameters
    ----------
    path : the CSV, ``.xlsx`` or ``.xlsm`` file.
    edition : the HTS edition the table was made for (``"2020 Basic"``, ``"2026-01"``). When
        None it is taken from the file: an ``HTS 2020 Basic`` or ``Last Updated January 1,
        2020`` note, else a date in the file name.

    Returns
    -------
    pandas.DataFrame
        ``hts_code`` (8 or 10 digits), ``list`` (``"1"``, ``"2"``, ``"3"``, ``"4A"``, ``"4B"``
        or the file's own name for later lists), ``heading`` (``9903.88.01``), ``hts_edition``.

    Raises
    ------
    TariffsimError : a file of another layout, a bad code or heading (at its line), no edition.
    """
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        marks = [alias for aliases in COLUMNS.values() for alias in aliases]
        table = read_excel_table(path, header_marks=marks)
    else:
        table = read_text_table(path)
    found = table.columns(COLUMNS, what=LAYOUT, optional=("list",))
    rows = table.rows
    codes = rows[found["hts_code"]].map(str).str.strip().str.replace(".", "", regex=False)
    if table.source == "excel":
        # An HTS code has an even number of digits; a numeric Excel cell drops the leading
        # zero of chapters 01-09, which this restores.
        odd = codes.str.fullmatch(r"\d{7}|\d{9}")
        codes = codes.where(~odd, "0" + codes)
    headings = rows[found["heading"]].map(str).str.strip()
    if "list" in found:
        lists = rows[found["list"]].map(str).str.strip()
        lists = lists.str.replace(r"^list\s*", "", regex=True, flags=re.IGNORECASE)
    else:
        lists = headings.map(lambda h: HEADING_LISTS.get(h, ""))
    _check(table, codes, headings, lists, found)
    membership = pd.DataFrame(
        {
            "hts_code": codes.to_numpy(dtype=object),
            "list": lists.to_numpy(dtype=object),
            "heading": headings.to_numpy(dtype=object),
        }
    )
    membership["hts_edition"] = edition or edition_of(table)
    return membership


def _check(
    table: TextTable,
    codes: pd.Series,
    headings: pd.Series,
    lists: pd.Series,
    found: dict[str, str],
) -> None:
    """Refuse the first bad code, heading or list, at its line."""
    if table.rows.empty:
        raise table.error(f"{LAYOUT} with no lines", hint="truncated file?")
    bad_code = ~codes.str.fullmatch(r"\d{8}|\d{10}")
    if bad_code.any():
        row = int(bad_code.to_numpy().argmax())
        raise table.error(
            f"expected an HTS code of 8 or 10 digits, got {codes.iloc[row]!r}",
            row=row,
            field=found["hts_code"],
            hint="store codes as text: as numbers they lose their leading zeros",
        )
    bad_heading = ~headings.str.fullmatch(_HEADING.pattern)
    if bad_heading.any():
        row = int(bad_heading.to_numpy().argmax())
        raise table.error(
            f"expected a chapter 99 heading like '9903.88.01', got {headings.iloc[row]!r}",
            row=row,
            field=found["heading"],
        )
    no_list = lists == ""
    if no_list.any():
        row = int(no_list.to_numpy().argmax())
        raise table.error(
            f"no list for heading {headings.iloc[row]!r}",
            row=row,
            field=found.get("list", found["heading"]),
            hint="add a 'list' column: only the 9903.88 headings of Lists 1-4B are known",
        )


def edition_of(table: TextTable) -> str:
    """The HTS edition named in the file's notes, title rows or name.

    Raises
    ------
    TariffsimError : when none is found, asking for ``edition``.
    """
    texts = [*table.comments, " ".join(table.header), table.path.name]
    for text in texts:
        basic = re.search(r"HTS (\d{4}) (Basic|Revision \d+)", text)
        if basic:
            return f"{basic.group(1)} {basic.group(2)}"
        updated = re.search(r"updated (\w+) \d{1,2}, (\d{4})", text, re.IGNORECASE)
        if updated and updated.group(1).lower() in _MONTHS:
            month = _MONTHS.index(updated.group(1).lower()) + 1
            return f"{updated.group(2)}-{month:02d}"
        for named in re.finditer(r"\b([A-Za-z]+) (\d{4})\b", text):
            if named.group(1).lower() in _MONTHS:
                return f"{named.group(2)}-{_MONTHS.index(named.group(1).lower()) + 1:02d}"
        dated = re.search(r"(?<!\d)(\d{4}-(?:0[1-9]|1[0-2]))(?!\d)", text)
        if dated:
            return dated.group(1)
    raise TariffsimError(
        "the HTS edition of this table is not stated in the file or its name",
        file=table.path,
        hint="pass the edition, e.g. --edition '2020 Basic'",
    )


def list_counts(membership: pd.DataFrame) -> pd.DataFrame:
    """Lines per list and heading, HTS-8 and HTS-10 apart.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``list`` and ``heading``, columns ``hts8_lines`` and ``hts10_lines``
        [count of codes].
    """
    digits = membership["hts_code"].str.len()
    counted = membership.assign(
        hts8_lines=(digits == 8).astype("int64"), hts10_lines=(digits == 10).astype("int64")
    )
    return counted.groupby(["list", "heading"])[["hts8_lines", "hts10_lines"]].sum()


__all__ = ["COLUMNS", "HEADING_LISTS", "edition_of", "list_counts", "read_china_tariffs"]
