"""HTS editions of membership files, and a warning when a ledger's dates are far from them.

A membership file made by ``tariffsim data china-tariffs`` carries the HTS edition of the
table it came from in an ``hts_edition`` column (``2020 Basic``, ``2025 Revision 10``,
``2026-01``). HTS codes are renumbered between editions (8517.12.00, smartphones, became
8517.13.00 in 2022), so a ledger entered years after its lists' edition has lines no list
code matches, and pricing reports them as uncovered. This module reads the editions and says
so when the gap is large. No pricing here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from pathlib import Path

from tariffsim.scenario import inputs

MAX_GAP_DAYS = 366
"""A ledger entry date farther than this from its lists' edition start is warned about [days]."""

_YEAR_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(\d{4})\b")


def read_editions(path: Path, encoding: str | None = None, limit: int = 10_000_000) -> list[str]:
    """The distinct ``hts_edition`` values of a membership CSV, in file order (none: []).

    The file's bytes come from the run's one read of it (a pipe works), decoded as
    the membership reader decodes them; the reader has already refused a bad file.
    ``limit`` is the membership reader's size limit [bytes].
    """
    text = inputs.decode(inputs.read_bytes(path, limit), path, encoding)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows = (row for row in reader if row and not row[0].lstrip().startswith("#"))
    header = [cell.strip() for cell in next(rows, [])]
    if "hts_edition" not in header:
        return []
    at = header.index("hts_edition")
    found = (row[at].strip() for row in rows if len(row) > at)
    return [edition for edition in dict.fromkeys(found) if edition]


def edition_start(edition: str) -> dt.date | None:
    """The first day an edition names: ``2026-01`` → 2026-01-01; ``2020 Basic`` → 2020-01-01.

    An edition named by its year only (a basic edition, a revision, a tariff year) starts on
    1 January of that year; text without a year gives None.
    """
    text = edition.strip()
    month = _YEAR_MONTH.match(text)
    if month:
        return dt.date(int(month.group(1)), int(month.group(2)), 1)
    year = _YEAR.match(text)
    return dt.date(int(year.group(1)), 1, 1) if year else None


def edition_warnings(
    scenario: str,
    editions: Sequence[str],
    entries: tuple[dt.date, dt.date] | None,
    max_gap_days: int = MAX_GAP_DAYS,
) -> list[str]:
    """One warning per edition whose start is more than ``max_gap_days`` from an entry date.

    Parameters
    ----------
    scenario : the scenario's name, for the message.
    editions : the HTS editions of its membership file (:func:`read_editions`).
    entries : the ledger's first and last entry dates.
    max_gap_days : the largest gap not warned about [days].
    """
    if entries is None:
        return []
    first, last = entries
    out = []
    for edition in editions:
        start = edition_start(edition)
        if start is None:
            continue
        gap = max(abs((first - start).days), abs((last - start).days))
        if gap > max_gap_days:
            span = str(first) if first == last else f"{first} to {last}"
            out.append(
                f"{scenario}: the ledger's entry dates ({span}) are {gap / 365.25:.1f} years "
                f"from the HTS edition of its membership file ({edition}); codes renumbered "
                "since match no list and count as uncovered (see the uncovered value by HTS "
                "chapter), so use lists of an edition near the ledger's dates"
            )
    return out
