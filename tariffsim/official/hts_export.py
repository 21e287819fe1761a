"""A USITC HTS export (CSV or JSON of one revision) → MFN by line and chapter 99 headings.

The HTS search site exports a revision as CSV (``HTS Number, Indent, Description, Unit of
Quantity, General Rate of Duty, Special Rate of Duty, Column 2 Rate of Duty, …``) or JSON (a
list of objects with ``htsno``, ``indent``, ``description``, ``general``, ``special``,
``other``, …). Two tidy frames come out of it:

- MFN by line: every HTS-8 or HTS-10 line outside chapter 99 whose ``General Rate of Duty`` is
  written (an HTS-10 line without one takes its HTS-8 line's rate by prefix);
- chapter 99 headings: every ``9903.*`` line with its general rate text, which states the
  additional duty of a measure (``The duty provided in the applicable subheading + 25%``).

Both carry their rate parsed by :func:`tariffsim.official.ratetext.parse_rate_texts` and the
revision's name. Pure: returns frames, writes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from tariffsim.errors import TariffsimError
from tariffsim.official.ratetext import parse_rate_texts
from tariffsim.official.tables import TextTable, make_table, read_csv_table, read_json

LAYOUT = "a USITC HTS export"

COLUMNS = {
    "code": ("HTS Number", "htsno"),
    "description": ("Description",),
    "rate_text": ("General Rate of Duty", "general"),
    "indent": ("Indent",),
}
OPTIONAL = ("description", "indent")

_REVISION = re.compile(r"hts_(\d{4})_(?:rev(?:ision)?_(\d+(?:_\d+)?)|(basic))", re.IGNORECASE)


@dataclass(frozen=True)
class HtsExport:
    """The two tables of one HTS revision.

    Attributes
    ----------
    mfn : ``hts_code`` (8 or 10 digits), ``description``, ``rate_text``, ``rate_form``,
        ``ad_valorem`` [fraction], ``specific_usd`` [USD per unit], ``specific_unit``,
        ``refusal_reason``, ``hts_edition``.
    chapter99 : ``heading`` (``9903.88.01``), ``description``, the same rate columns,
        ``hts_edition``.
    """

    mfn: pd.DataFrame
    chapter99: pd.DataFrame


def read_hts_export(path: str | Path, *, edition: str | None = None) -> HtsExport:
    """Read an HTS export of one revision.

    Parameters
    ----------
    path : the ``.csv`` or ``.json`` export.
    edition : the revision (``"2025 Revision 10"``); when None, read from a file name like
        ``hts_2025_revision_10_csv.csv`` or ``hts_2020_basic.json``.

    Raises
    ------
    TariffsimError : a file of another layout, a bad code (at its line), no edition.
    """
    path = Path(path)
    table = _read_json(path) if path.suffix.lower() == ".json" else read_csv_table(path)
    found = table.columns(COLUMNS, what=LAYOUT, optional=OPTIONAL)
    rows = table.rows
    if rows.empty:
        raise table.error(f"{LAYOUT} with no lines", hint="truncated file?")
    dotted = rows[found["code"]].str.strip()
    digits = dotted.str.replace(".", "", regex=False)
    bad = (digits != "") & ~digits.str.fullmatch(r"\d{2,10}")
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise table.error(
            f"expected an HTS number like '0101.21.00', got {dotted.iloc[row]!r}",
            row=row,
            field=found["code"],
        )
    revision = edition or _edition(table)
    text = rows[found["rate_text"]].str.strip()
    description = rows[found["description"]].str.strip() if "description" in found else ""
    lines = pd.DataFrame({"code": digits, "dotted": dotted, "desc": description, "rate": text})
    is_ch99 = lines["code"].str.startswith("9903")
    on_line = (lines["code"].str.len() >= 8) & (lines["rate"] != "") & ~is_ch99
    mfn = _priced(lines[on_line], "hts_code", "code", revision)
    chapter99 = _priced(
        lines[is_ch99 & (lines["code"].str.len() >= 8)], "heading", "dotted", revision
    )
    return HtsExport(mfn=mfn, chapter99=chapter99)


def _priced(lines: pd.DataFrame, key: str, source: str, edition: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            key: lines[source].to_numpy(dtype=object),
            "description": lines["desc"].to_numpy(dtype=object),
            "rate_text": lines["rate"].to_numpy(dtype=object),
        }
    )
    frame = pd.concat([frame, parse_rate_texts(frame["rate_text"])], axis=1)
    frame["hts_edition"] = edition
    return frame


def _read_json(path: Path) -> TextTable:
    """The JSON export, a list of objects, as a table with the CSV export's fields."""
    data: Any = read_json(path)
    if not (isinstance(data, list) and all(isinstance(item, dict) for item in data)):
        raise TariffsimError(
            f"not {LAYOUT}: expected a JSON list of objects with 'htsno' and 'general'",
            file=path,
            line=1,
        )
    if data and not {"htsno", "general"} <= set(data[0]):
        raise TariffsimError(
            f"not {LAYOUT}: the first object has no 'htsno' or 'general'",
            file=path,
            line=1,
            hint=f"its keys are {', '.join(sorted(map(str, data[0]))[:8])}",
        )
    header = ["htsno", "indent", "description", "general"]
    records = [["" if item.get(k) is None else str(item.get(k)) for k in header] for item in data]
    # The export is one object per line when pretty-printed; JSON keeps no positions, so a
    # row's "line" is its 1-based object number.
    numbers = list(range(1, len(records) + 1))
    return make_table(path, header, 1, records, numbers, (), "json")


def _edition(table: TextTable) -> str:
    match = _REVISION.search(table.path.name)
    if match is None:
        raise TariffsimError(
            "the HTS revision of this export is not stated in its name",
            file=table.path,
            hint="pass the edition, e.g. --edition '2025 Revision 10'",
        )
    if match.group(3):
        return f"{match.group(1)} Basic"
    return f"{match.group(1)} Revision {match.group(2).replace('_', '.')}"
