"""Official files as text tables: every cell a string, every row with its line in the file.

The readers of this wing all start here. A CSV (comma, pipe or tab separated), a JSON array of
arrays (the Census trade API's answer) or an Excel sheet becomes a :class:`TextTable` whose rows
remember the line (or sheet row) they came from, so a later check can name the place of a bad
value. Everything that stops a file from being a table is refused here with one located
:class:`~tariffsim.errors.TariffsimError`: bytes that are not UTF-8, a row with fewer fields
than the header (a truncated file), an unclosed quote, broken JSON, an unreadable workbook.

No meaning of columns here (each reader knows its layout), and no file writing.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

import pandas as pd

from tariffsim.errors import TariffsimError, did_you_mean

LINE = "line"
"""Column of :attr:`TextTable.rows` holding each row's 1-based line (or sheet row)."""

UTF8_HINT = "save the file as UTF-8, e.g. `iconv -f latin1 -t utf-8 FILE > FILE.utf8.csv`"

# One characteristic column per official layout, to tell the user which reader a file is for.
_LAYOUT_MARKS = {
    "mfn_text_rate": "the USITC annual tariff database (tariffsim data mfn)",
    "general rate of duty": "a USITC HTS export (tariffsim data mfn, data chapter99)",
    "i_commodity": "Census trade data (tariffsim data census)",
    "calculated_duty_usd": "Census trade data (tariffsim data census)",
    "chapter99": "the USITC China Tariffs table (tariffsim data china-tariffs)",
    "ch99_code": "the USITC China Tariffs table (tariffsim data china-tariffs)",
}


@dataclass(frozen=True)
class TextTable:
    """A table read from an official file.

    Attributes
    ----------
    path : the file read.
    header : column names as written, stripped of spaces.
    header_line : 1-based line (CSV) or sheet row (Excel) of the header; 1 for JSON.
    rows : one string column per header name (missing cells are ``""``) and :data:`LINE`.
    comments : the leading ``#`` lines without the ``#`` (provenance notes), or the title rows
        above an Excel header.
    source : ``"csv"``, ``"json"`` or ``"excel"``.
    """

    path: Path
    header: tuple[str, ...]
    header_line: int
    rows: pd.DataFrame
    comments: tuple[str, ...]
    source: str

    def error(
        self,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> TariffsimError:
        """An error at positional row ``row`` of :attr:`rows` (the header when None)."""
        line = self.header_line if row is None else int(self.rows[LINE].iloc[row])
        return TariffsimError(message, file=self.path, line=line, field=field, hint=hint)

    def columns(
        self, wanted: Mapping[str, Sequence[str]], *, what: str, optional: Sequence[str] = ()
    ) -> dict[str, str]:
        """Map each wanted name to the file's column, matching any alias case-insensitively.

        Parameters
        ----------
        wanted : canonical name → accepted spellings in the file.
        what : the layout expected, for the message ("a USITC China Tariffs table").
        optional : canonical names that may be absent (left out of the result).

        Raises
        ------
        TariffsimError : at the header line, naming the missing column and the layout the
            header does look like, if any.
        """
        by_lower = {name.lower(): name for name in self.header}
        found: dict[str, str] = {}
        for name, aliases in wanted.items():
            match = next((by_lower[a.lower()] for a in aliases if a.lower() in by_lower), None)
            if match is not None:
                found[name] = match
            elif name not in optional:
                raise self.error(
                    f"not {what}: no column {' or '.join(repr(a) for a in aliases)}",
                    hint=self._layout_hint(aliases[0]),
                )
        return found

    def _layout_hint(self, missing: str) -> str:
        for name in self.header:
            mark = _LAYOUT_MARKS.get(name.lower())
            if mark is not None:
                return f"the header looks like {mark}"
        near = did_you_mean(missing, self.header)
        shown = ", ".join(self.header[:8]) or "nothing"
        return near or f"the header has {shown}"


def read_text_table(path: str | Path) -> TextTable:
    """Read a CSV, a JSON array of arrays or an Excel workbook, by the file's suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return read_excel_table(path)
    if suffix == ".json":
        return read_json_table(path)
    return read_csv_table(path)


def read_utf8(path: Path) -> str:
    """The file's text; bytes that are not UTF-8 are refused at their line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TariffsimError(f"cannot read the file ({exc.strerror})", file=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1].hex()
        raise TariffsimError(
            f"not UTF-8 text: byte 0x{byte} cannot be decoded",
            file=path,
            line=line,
            hint=UTF8_HINT,
        ) from None


def read_csv_table(path: str | Path) -> TextTable:
    """Read a delimited text file whose first non-comment line is the header.

    The delimiter (comma, pipe or tab) is the one the header line uses most. Leading lines that
    start with ``#`` are kept as :attr:`TextTable.comments`; blank lines are skipped.
    """
    path = Path(path)
    text = read_utf8(path)
    lines = text.splitlines(keepends=True)
    skip = 0
    while skip < len(lines) and (lines[skip].startswith("#") or not lines[skip].strip()):
        skip += 1
    comments = tuple(ln[1:].strip() for ln in lines[:skip] if ln.startswith("#"))
    if skip == len(lines):
        raise TariffsimError("no header line: the file is empty", file=path, line=skip or 1)
    delimiter = max(",|\t", key=lines[skip].count)
    reader = csv.reader(io.StringIO("".join(lines[skip:])), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    numbers: list[int] = []
    try:
        header = [cell.strip() for cell in next(reader)]
        for record in reader:
            if not record or record == [""]:
                continue
            if len(record) != len(header):
                raise TariffsimError(
                    f"expected {len(header)} fields as in the header, got {len(record)}",
                    file=path,
                    line=skip + reader.line_num,
                    hint="truncated file?"
                    if len(record) < len(header)
                    else "quote values that contain the delimiter",
                )
            records.append(record)
            numbers.append(skip + reader.line_num)
    except csv.Error as exc:
        raise TariffsimError(
            f"unreadable CSV ({exc})",
            file=path,
            line=skip + reader.line_num,
            hint="a quoted field is not closed: truncated file?",
        ) from None
    return make_table(path, header, skip + 1, records, numbers, comments, "csv")


def read_json(path: Path) -> Any:
    """A UTF-8 JSON file's value; broken JSON is refused at the parser's line."""
    try:
        return json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise TariffsimError(
            f"unreadable JSON ({exc.msg})", file=path, line=exc.lineno, hint="truncated file?"
        ) from None


def read_json_table(path: str | Path) -> TextTable:
    """Read a JSON array of arrays whose first array is the header (the Census API's answer)."""
    path = Path(path)
    data = read_json(path)
    if not (isinstance(data, list) and data and all(isinstance(r, list) for r in data)):
        raise TariffsimError(
            "not a JSON array of arrays with a header array first",
            file=path,
            line=1,
            hint='the Census trade API answers [["I_COMMODITY", ...], ["0101210010", ...]]',
        )
    header = [str(cell).strip() for cell in data[0]]
    # json.loads forgets positions; row i of the answer sits on line i + 1 when pretty-printed
    # one array per line, as the Census API prints it.
    numbers = list(range(2, len(data) + 1))
    for record, number in zip(data[1:], numbers, strict=True):
        if len(record) != len(header):
            raise TariffsimError(
                f"expected {len(header)} values as in the header, got {len(record)}",
                file=path,
                line=number,
            )
    records = [["" if c is None else str(c) for c in record] for record in data[1:]]
    return make_table(path, header, 1, records, numbers, (), "json")


def read_excel_table(path: str | Path, header_marks: Sequence[str] = ()) -> TextTable:
    """Read the first sheet of a workbook; the header is the first row holding a mark.

    Parameters
    ----------
    header_marks : column names (case-insensitive) that identify the header row below any
        title rows; the first non-empty row when empty.
    """
    path = Path(path)
    try:
        sheet = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    # openpyxl reports a cut or foreign file as a zip, XML, key or value error.
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, ParseError) as exc:
        raise TariffsimError(
            f"not a readable Excel workbook ({type(exc).__name__})",
            file=path,
            hint="truncated download, or a file of another format with an .xlsx name?",
        ) from None
    cells = [[_cell_text(v) for v in row] for row in sheet.itertuples(index=False)]
    marks = {m.lower() for m in header_marks}
    start = next(
        (
            i
            for i, row in enumerate(cells)
            if any(c.strip() for c in row)
            and (not marks or marks & {c.strip().lower() for c in row})
        ),
        None,
    )
    if start is None:
        raise TariffsimError("no header row found in the first sheet", file=path, line=1)
    header = [c.strip() for c in cells[start]]
    body = [(i + 1, row) for i, row in enumerate(cells) if i > start and any(c for c in row)]
    titles = tuple(" ".join(c for c in row if c).strip() for row in cells[:start])
    return make_table(
        path, header, start + 1, [r for _, r in body], [n for n, _ in body], titles, "excel"
    )


def _cell_text(value: object) -> str:
    """A cell as text: integral numbers without ``.0``; empty cells as ``""``."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def make_table(
    path: Path,
    header: list[str],
    header_line: int,
    records: list[list[str]],
    numbers: list[int],
    comments: tuple[str, ...],
    source: str,
) -> TextTable:
    names = [name or f"column {i + 1}" for i, name in enumerate(header)]
    rows = (
        pd.DataFrame(records, columns=names, dtype=object)
        if records
        else pd.DataFrame({name: pd.Series([], dtype=object) for name in names})
    )
    rows = rows.astype(object).fillna("")
    rows[LINE] = pd.Series(numbers, dtype="int64")
    return TextTable(path, tuple(names), header_line, rows, comments, source)
