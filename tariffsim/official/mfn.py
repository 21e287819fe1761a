"""MFN by line from either official layout: the annual tariff database or an HTS export.

The user points ``tariffsim data mfn`` at whichever file they downloaded; its header tells the
two apart (``mfn_text_rate`` for the tariff database, ``General Rate of Duty`` or a JSON
export for the HTS). A file that is neither is refused at its header, naming what it looks
like. Pure: returns a frame, writes nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from tariffsim.official.hts_export import read_hts_export
from tariffsim.official.tables import read_csv_table
from tariffsim.official.tariff_database import read_tariff_database

LAYOUT = "a USITC annual tariff database or HTS export"

_MARKS = {
    "tariff_database": ("mfn_text_rate",),
    "hts_export": ("General Rate of Duty",),
}


def read_mfn(
    path: str | Path, *, edition: str | None = None, in_effect_on: dt.date | None = None
) -> pd.DataFrame:
    """MFN by HTS line, parsed from the rate text, from a tariff database or an HTS export.

    Parameters
    ----------
    path : the ``.csv`` / ``.txt`` (either layout) or ``.json`` (HTS export) file.
    edition : the tariff year or HTS revision; when None, read from the file or its name.
    in_effect_on : for the tariff database, the day whose rate a line with several periods
        keeps (see :func:`~tariffsim.official.tariff_database.read_tariff_database`).

    Returns
    -------
    pandas.DataFrame
        The reader's MFN frame: ``hts_code``, ``description``, ``rate_text``, ``rate_form``,
        ``ad_valorem`` [fraction], ``specific_usd`` [USD per unit], ``specific_unit``,
        ``refusal_reason``, ``hts_edition``.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        return read_hts_export(path, edition=edition).mfn
    table = read_csv_table(path)
    # Only to choose the reader; a file of neither layout is refused here at its header.
    table.columns({"layout": _MARKS["tariff_database"] + _MARKS["hts_export"]}, what=LAYOUT)
    header = {name.lower() for name in table.header}
    if "mfn_text_rate" in header:
        return read_tariff_database(path, in_effect_on=in_effect_on, edition=edition)
    return read_hts_export(path, edition=edition).mfn
