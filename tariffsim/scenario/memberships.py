"""Membership files: which HTS prefixes are on which named list (a measure's, or a list's).

A CSV with the columns ``hts_code`` and ``measure``; each row puts one code prefix
on one list. Measures and flows name lists in their ``products``; a tranche's id is
its own list. Reading this file is this module's only job.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tariffsim.errors import TariffsimError, did_you_mean
from tariffsim.scenario import hts, inputs
from tariffsim.scenario.loading import Document
from tariffsim.scenario.schema import Scenario

MEMBERSHIP_COLUMNS = ("hts_code", "measure")
MAX_MEMBERSHIP_BYTES = 10_000_000
"""Largest membership file read [bytes]; a full set of Section 301 annexes is ~1 MB."""
MAX_MEMBERSHIP_ROWS = 200_000
"""Most rows of a membership file; the whole HTS has about 19,000 ten-digit lines."""


def read_memberships(
    path: Path, measure_ids: list[str], encoding: str | None = None
) -> dict[str, list[str]]:
    """Measure id → HTS prefixes (normalised digits) from a membership CSV.

    The file has a header with the columns ``hts_code`` and ``measure`` (others
    are ignored); each row puts one code prefix on one measure's list. Lines
    starting with ``#`` are comments. A measure the file does not name keeps
    only its ``products``. The file is read once (a pipe works), as UTF-8 unless
    ``encoding`` is declared, within :data:`MAX_MEMBERSHIP_BYTES` and
    :data:`MAX_MEMBERSHIP_ROWS`.
    """
    found: dict[str, list[str]] = {m: [] for m in measure_ids}
    header, rows = read_rows(path, MEMBERSHIP_COLUMNS, "membership file", encoding)
    code_at, measure_at = (header.index(c) for c in MEMBERSHIP_COLUMNS)
    for line, row in rows:
        cells = [*row, "", ""]
        measure = cells[measure_at].strip()
        if measure not in found:
            raise TariffsimError(
                f"unknown measure '{measure}'",
                file=path,
                line=line,
                field="measure",
                hint=did_you_mean(measure, found)
                or f"expected a tranche id or a list name: {', '.join(found)}",
            )
        try:
            digits = hts.normalise_prefix(cells[code_at])
        except ValueError as exc:
            raise TariffsimError(str(exc), file=path, line=line, field="hts_code") from None
        if len(digits) % 2:
            raise TariffsimError(
                f"expected an HTS prefix of 2, 4, 6, 8 or 10 digits, got {cells[code_at]!r}",
                file=path,
                line=line,
                field="hts_code",
                hint="a code like '8501.0' was read as a number by a spreadsheet; "
                "store codes as text",
            )
        found[measure].append(digits)
    return found


def read_rows(
    path: Path, columns: tuple[str, ...], kind: str, encoding: str | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """A small CSV's header and its (line number, cells) rows; ``#`` lines are comments.

    The file is read once per run (a pipe works), as UTF-8 with or without a byte-order
    mark unless ``encoding`` is declared, within :data:`MAX_MEMBERSHIP_BYTES` and
    :data:`MAX_MEMBERSHIP_ROWS`.

    Raises
    ------
    TariffsimError
        if the file is missing, too large, not in its encoding, not CSV (a field over
        the csv module's limit, a NUL byte), or its header lacks one of ``columns``.
    """
    raw = inputs.read_bytes(path, MAX_MEMBERSHIP_BYTES, kind)
    reader = csv.reader(io.StringIO(inputs.decode(raw, path, encoding), newline=""))
    rows = []
    try:
        for row in reader:
            if row and not row[0].lstrip().startswith("#"):
                rows.append((reader.line_num, row))
                if len(rows) > MAX_MEMBERSHIP_ROWS + 1:
                    raise TariffsimError(
                        f"more than {MAX_MEMBERSHIP_ROWS:,} rows",
                        file=path,
                        line=reader.line_num,
                        hint=f"a {kind} lists HTS prefixes; the whole HTS has ~19,000 lines",
                    )
    except csv.Error as exc:
        raise TariffsimError(
            f"cannot read the CSV: {exc}", file=path, line=max(reader.line_num, 1)
        ) from None
    header_line, header = rows[0] if rows else (1, [])
    header = [c.strip() for c in header]
    for column in columns:
        if column not in header:
            raise TariffsimError(
                f"missing column '{column}'",
                file=path,
                line=header_line,
                hint=did_you_mean(column, header) or f"the header must name: {', '.join(columns)}",
            )
    return header, rows[1:]


def list_names(scenario: Scenario) -> list[str]:
    """The names a membership file may use: tranche ids and the lists measures and flows name."""
    names = list(scenario.tranches)
    for m in scenario.measures.values():
        names += m.products.list_names()
    for f in scenario.flows.values():
        names += f.products.list_names()
    return list(dict.fromkeys(names))


def memberships_path(
    scenario: Scenario, document: Document, override: str | Path | None = None
) -> Path | None:
    """The membership file to read: ``override``, or the one the scenario names (or None).

    The file a scenario names is relative to the scenario file that names it, and must
    lie in the folder tree of the scenario named on the command line, as ``extends`` must.
    """
    if override is not None:
        return Path(override)
    if scenario.memberships is None:
        return None
    return document.named_file(
        "memberships",
        scenario.memberships,
        "membership file",
        lambda target: (
            "the path is relative to the scenario file; make Section 301 lists "
            "from the USITC China Tariffs table with 'tariffsim data china-tariffs TABLE -o "
            f"{inputs.shown(target)}' (docs/real-data.md)"
        ),
    )


def scenario_lists(
    scenario: Scenario, document: Document, override: str | Path | None = None
) -> dict[str, list[str]]:
    """The membership lists of a scenario (see :func:`memberships_path`); none without a file."""
    target = memberships_path(scenario, document, override)
    return {} if target is None else read_memberships(target, list_names(scenario))
