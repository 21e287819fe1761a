"""Census import statistics by HTS-10 → a tidy ledger, or product weights for flows.

The Census Bureau's international trade API answers a JSON array of arrays whose first array
names its variables: ``I_COMMODITY`` (HTS-10), ``CTY_CODE`` (Census country code, 5700 for
China), ``CON_VAL_MO`` or ``CON_VAL_YR`` (consumption imports [USD]), ``GEN_VAL_*`` (general
imports), ``CAL_DUT_MO`` or ``CAL_DUT_YR`` (calculated duty [USD]) and ``time`` (``2024-01``
or ``2024``); the same names come as CSV when the answer is saved as such. A simpler CSV layout,
``hts10, description, imports_usd, calculated_duty_usd`` (one country and year, stated by the
caller), is read too.

The ledger has the columns of tariffsim's ledger (``hts_code``, ``country_of_origin``,
``customs_value_usd``, ``entry_date`` = first day of the period) plus ``period``,
``census_country_code`` and ``calculated_duty_usd``. Pure: returns frames, writes nothing.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tariffsim.errors import TariffsimError
from tariffsim.official.tables import TextTable, read_text_table
from tariffsim.scenario.countries import parse_country

LAYOUT = "Census import data by HTS-10"

COLUMNS = {
    "hts_code": ("I_COMMODITY", "hts10", "hts_code"),
    "description": ("I_COMMODITY_LDESC", "I_COMMODITY_SDESC", "description"),
    "value": ("CON_VAL_MO", "CON_VAL_YR", "GEN_VAL_MO", "GEN_VAL_YR", "imports_usd"),
    "duty": ("CAL_DUT_MO", "CAL_DUT_YR", "calculated_duty_usd"),
    "country": ("CTY_CODE",),
    "time": ("time",),
    "year": ("YEAR",),
    "month": ("MONTH",),
}
OPTIONAL = ("description", "duty", "country", "time", "year", "month")

CENSUS_COUNTRIES = {
    "5700": "CN",
    "1220": "CA",
    "2010": "MX",
    "5880": "JP",
    "4280": "DE",
    "5800": "KR",
    "5830": "TW",
    "5520": "VN",
    "5330": "IN",
    "4120": "GB",
}
"""Census Schedule C country codes of the largest US suppliers → ISO 3166 alpha-2."""


def read_census_imports(
    path: str | Path,
    *,
    period: str | None = None,
    country_of_origin: str | None = None,
    census_countries: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read Census imports by HTS-10 into a ledger.

    Parameters
    ----------
    path : a Census API answer (``.json``) or a CSV of either layout.
    period : ``"2024"`` or ``"2024-01"``, for a file without ``time`` or ``YEAR`` columns.
    country_of_origin : ISO alpha-2 code, for a file without ``CTY_CODE``.
    census_countries : extra Census country code → ISO alpha-2 pairs, beside
        :data:`CENSUS_COUNTRIES`.

    Returns
    -------
    pandas.DataFrame
        ``hts_code`` (text), ``country_of_origin``, ``census_country_code``, ``period``,
        ``entry_date`` [first day of the period], ``customs_value_usd`` [USD],
        ``calculated_duty_usd`` [USD; NaN when the file has none], ``description``.

    Raises
    ------
    TariffsimError : another layout, a bad code, value or period (at its line), or no period
        or country in the file nor in the arguments.
    """
    table = read_text_table(path)
    found = table.columns(COLUMNS, what=LAYOUT, optional=OPTIONAL)
    rows = table.rows
    if rows.empty:
        raise table.error(f"{LAYOUT} with no lines", hint="truncated file?")
    codes = rows[found["hts_code"]].str.strip().str.replace(".", "", regex=False)
    bad = ~codes.str.fullmatch(r"(?:\d\d){1,5}")
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise table.error(
            f"expected an HTS code of 2 to 10 digits, got {codes.iloc[row]!r}",
            row=row,
            field=found["hts_code"],
            hint="store codes as text: as numbers they lose leading zeros",
        )
    periods = _year_to_date(table, found, _periods(table, found, period))
    countries, census_codes = _countries(table, found, country_of_origin, census_countries)
    ledger = pd.DataFrame(
        {
            "hts_code": codes.to_numpy(dtype=object),
            "country_of_origin": countries,
            "census_country_code": census_codes,
            "period": periods.to_numpy(dtype=object),
            "entry_date": pd.to_datetime((periods + "-01-01").str[:10], format="%Y-%m-%d"),
            "customs_value_usd": _amounts(table, found["value"]),
            "calculated_duty_usd": _amounts(table, found["duty"])
            if "duty" in found
            else np.full(len(rows), np.nan),
            "description": rows[found["description"]].to_numpy(dtype=object)
            if "description" in found
            else "",
        }
    )
    return ledger


def _amounts(table: TextTable, column: str) -> np.ndarray[tuple[int], np.dtype[np.float64]]:
    """Non-negative dollar amounts; an empty cell is refused, not read as zero."""
    values = pd.to_numeric(table.rows[column].str.strip(), errors="coerce")
    bad = values.isna() | ~np.isfinite(values) | (values < 0)
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise table.error(
            f"expected an amount in USD (0 or more), got {table.rows[column].iloc[row]!r}",
            row=row,
            field=column,
        )
    amounts: np.ndarray[tuple[int], np.dtype[np.float64]] = values.to_numpy(dtype="float64")
    return amounts


def _periods(table: TextTable, found: dict[str, str], period: str | None) -> pd.Series:
    """``YYYY`` or ``YYYY-MM`` per row, from ``time``, ``YEAR``/``MONTH`` or the argument."""
    rows = table.rows
    if "time" in found:
        periods, column = rows[found["time"]].str.strip(), found["time"]
    elif "year" in found:
        periods, column = rows[found["year"]].str.strip(), found["year"]
        if "month" in found:
            months = rows[found["month"]].str.strip().str.zfill(2)
            periods = periods.where(months.isin(["", "00"]), periods + "-" + months)
    elif period is not None:
        periods, column = pd.Series([period] * len(rows), dtype=object), "period"
    else:
        raise table.error(
            "no period: the file has no 'time' or 'YEAR' column",
            hint="pass the period the file covers, e.g. --period 2024",
        )
    bad = ~periods.str.fullmatch(r"\d{4}(?:-(?:0[1-9]|1[0-2]))?")
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise table.error(
            f"expected a period like '2024' or '2024-01', got {periods.iloc[row]!r}",
            row=row,
            field=column,
        )
    return periods.reset_index(drop=True)


def _year_to_date(table: TextTable, found: dict[str, str], periods: pd.Series) -> pd.Series:
    """Periods of year-to-date values (``*_VAL_YR``): a December answer is the whole year.

    The API's ``_YR`` variables at ``time=2024-12`` are the year's imports; at another month
    they are the year so far, which no entry date can stand for, so they are refused.
    """
    if not found["value"].upper().endswith("_YR"):
        return periods
    month = periods.str[5:]
    partial = (month != "") & (month != "12")
    if partial.any():
        row = int(partial.to_numpy().argmax())
        raise table.error(
            f"{found['value']} at {periods.iloc[row]!r} is the year to date, not one period",
            row=row,
            field=found.get("time", found.get("year", "period")),
            hint="ask the API for the _MO variables by month, or for _YR at time=YYYY-12",
        )
    return periods.str[:4]


def _countries(
    table: TextTable,
    found: dict[str, str],
    country: str | None,
    extra: dict[str, str] | None,
) -> tuple[object, object]:
    """ISO alpha-2 and Census codes per row, from ``CTY_CODE`` or the argument."""
    if "country" not in found:
        if country is None:
            raise table.error(
                "no country: the file has no 'CTY_CODE' column",
                hint="pass the country of origin, e.g. --country CN",
            )
        return _iso(country, "--country"), ""
    names = {**CENSUS_COUNTRIES, **(extra or {})}
    codes = table.rows[found["country"]].str.strip()
    iso = codes.map(names)
    if iso.isna().any():
        row = int(iso.isna().to_numpy().argmax())
        raise table.error(
            f"unknown Census country code {codes.iloc[row]!r}",
            row=row,
            field=found["country"],
            hint="name its ISO alpha-2 code with --census-country CODE=XX",
        )
    return iso.to_numpy(dtype=object), codes.to_numpy(dtype=object)


def _iso(value: str, field: str) -> str:
    try:
        return parse_country(value)
    except ValueError as exc:
        raise TariffsimError(str(exc), field=field) from None


def parse_country_pairs(pairs: list[str]) -> dict[str, str]:
    """``['5570=MY']`` → ``{'5570': 'MY'}``, from ``--census-country`` options."""
    found: dict[str, str] = {}
    for pair in pairs:
        code, sep, iso = pair.partition("=")
        if not sep or not code.strip().isdigit():
            raise TariffsimError(
                f"expected CENSUS_CODE=ISO, got {pair!r}",
                field="--census-country",
                hint="e.g. 5570=MY: Census Schedule C code, then the ISO alpha-2 code",
            )
        found[code.strip()] = _iso(iso, "--census-country")
    return found


def product_weights(ledger: pd.DataFrame, *, digits: int = 8) -> pd.DataFrame:
    """Each HTS line's share of the ledger's customs value, lines cut to ``digits``.

    Parameters
    ----------
    ledger : a frame from :func:`read_census_imports`.
    digits : HTS digits a line keeps (2, 4, 6, 8 or 10).

    Returns
    -------
    pandas.DataFrame
        ``hts_code``, ``customs_value_usd`` [USD], ``weight`` [fraction of the total; the
        weights add up to 1], sorted by code.
    """
    if digits not in (2, 4, 6, 8, 10):
        raise TariffsimError(f"expected 2, 4, 6, 8 or 10 digits, got {digits}", field="--digits")
    lines = ledger.assign(hts_code=ledger["hts_code"].str[:digits])
    value = lines.groupby("hts_code", sort=True)["customs_value_usd"].sum()
    total = float(value.sum())
    if total <= 0:
        raise TariffsimError("the ledger has no customs value to weigh lines by")
    return pd.DataFrame(
        {
            "hts_code": value.index.to_numpy(dtype=object),
            "customs_value_usd": value.to_numpy(),
            "weight": value.to_numpy() / total,
        }
    )
